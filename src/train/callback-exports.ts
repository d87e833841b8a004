// The callbacks namespace: early stopping, learning-rate schedules, checkpoints and logging for fit.

export {
  type CheckpointOptions,
  checkpoint,
  type EarlyStoppingOptions,
  earlyStopping,
  formatEpochLogs,
  lrScheduler,
  metricsLogger,
  type SchedulerSource,
} from "./callbacks.js";
