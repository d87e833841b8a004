// The optim namespace: optimizers, gradient clipping and learning-rate schedules.

export type { AdamOptions } from "./adam.js";
export { Adam, AdamW } from "./adam.js";
export { clipGradNorm, clipGradValue } from "./clip.js";
export type {
  BaseOptions,
  GroupValue,
  OptimizerStateDict,
  ParamGroup,
  ParamGroupInput,
  ParamState,
  ParamsInput,
} from "./optimizer.js";
export { Optimizer } from "./optimizer.js";
export type { ReduceLROnPlateauOptions } from "./plateau.js";
export { ReduceLROnPlateau } from "./plateau.js";
export type { RMSpropOptions } from "./rmsprop.js";
export { RMSprop } from "./rmsprop.js";
export type { SchedulerStateDict } from "./schedulers.js";
export {
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  LRScheduler,
  MultiStepLR,
  StepLR,
} from "./schedulers.js";
export type { SGDOptions } from "./sgd.js";
export { SGD } from "./sgd.js";
