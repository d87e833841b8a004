// The training API (browser-safe): fit, evaluate, predict, mlp, trainModel, plots, and the callbacks namespace.

export * as callbacks from "./callback-exports.js";
export type { Callback, EpochLogs, History, TrainContext } from "./callbacks.js";
export {
  type ClassificationEvaluation,
  type EvaluateOptions,
  type Evaluation,
  evaluate,
  type PredictOptions,
  predict,
  predictClasses,
  type RegressionEvaluation,
  type TensorModel,
} from "./evaluate.js";
export { type FitOptions, fit } from "./fit.js";
export { LOSS_NAMES, type LossFunction, type LossName } from "./loss.js";
export { confusionMatrix, type RegressionMetrics, regressionMetrics } from "./metrics.js";
export { ACTIVATIONS, type ActivationName, type MlpOptions, mlp } from "./mlp.js";
export { DEFAULT_LR, OPTIMIZER_NAMES, type OptimizerName } from "./optimizers.js";
export { historyChart } from "./plot.js";
export {
  autoEpochs,
  type StandardizeMode,
  type TrainedModel,
  type TrainingPlan,
  type TrainModelOptions,
  trainModel,
} from "./train-model.js";
