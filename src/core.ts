// The core surface (tensors, ops, autograd) that nn, optim, tools and the CLI build on.

export { type GradOptions, grad, valueAndGrad } from "./autograd/functional.js";
export { enableGrad, isGradEnabled, noGrad } from "./autograd/mode.js";
export type { Backend, BinaryKernel, ReduceKernel, UnaryKernel } from "./backend/backend.js";
export { jsBackend } from "./backend/js/index.js";
export { getBackend, setBackend } from "./backend/registry.js";
export {
  arange,
  type CreationOptions,
  eye,
  full,
  linspace,
  ones,
  onesLike,
  type RandomOptions,
  rand,
  randn,
  type TensorData,
  type TensorOptions,
  tensor,
  zeros,
  zerosLike,
} from "./creation.js";
export type { DType, Storage } from "./dtype.js";
export {
  AutogradError,
  ChainruleError,
  formatShape,
  ShapeError,
  TypeMismatchError,
  ValueError,
} from "./errors.js";
export * from "./ops/index.js";
export { Generator, manualSeed } from "./random.js";
export { type NestedArray, Tensor, type TensorLike } from "./tensor.js";
