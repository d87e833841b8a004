// The nn namespace: modules, layers, activations, dropout, losses and initialisers.

export {
  Flatten,
  GELU,
  Identity,
  LeakyReLU,
  LogSoftmax,
  ReLU,
  Sigmoid,
  SiLU,
  Softmax,
  Softplus,
  Tanh,
} from "./activations.js";
export { Dropout, type DropoutOptions } from "./dropout.js";
export * as init from "./init.js";
export { Linear, type LinearInit, type LinearOptions } from "./linear.js";
export {
  type BceOptions,
  type BceWithLogitsOptions,
  bceLoss,
  bceWithLogits,
  type CrossEntropyOptions,
  crossEntropy,
  type Labels,
  type LossOptions,
  l1Loss,
  mseLoss,
  nllLoss,
  type Reduction,
} from "./losses.js";
export { type AnyModule, type LoadStateDictOptions, type LoadStateDictResult, Module } from "./module.js";
export type { ForwardHook, ForwardPreHook, FullBackwardHook } from "./module-hooks.js";
export { Sequential, type TensorModule } from "./sequential.js";
