// The core surface (tensors, ops, autograd) that nn, optim, tools and the CLI build on.

export {
  type CustomBackwardResult,
  type CustomForwardResult,
  type CustomGradContext,
  type CustomGradOptions,
  customGrad,
} from "./autograd/custom-grad.js";
export { type GradOptions, grad, valueAndGrad } from "./autograd/functional.js";
export { type HessianOf, type HessianOptions, hessian } from "./autograd/hessian.js";
export {
  type JacobianMode,
  type JacobianOf,
  type JacobianOptions,
  jacfwd,
  jacobian,
  jacrev,
} from "./autograd/jacobian.js";
export { type JvpResult, jvp } from "./autograd/jvp.js";
export { enableGrad, isGradEnabled, noGrad } from "./autograd/mode.js";
export { type VjpResult, type VjpResultMulti, vjp } from "./autograd/vjp.js";
export type {
  Backend,
  BinaryKernel,
  FusedActivation,
  ReduceKernel,
  UnaryKernel,
} from "./backend/backend.js";
export { jsBackend } from "./backend/js/index.js";
export {
  type BackendName,
  getBackend,
  getNumThreads,
  ready,
  setBackend,
  setNumThreads,
} from "./backend/registry.js";
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
