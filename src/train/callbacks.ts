// Training callbacks: the hooks fit calls, and early stopping, learning-rate schedules, checkpoints, logging.

import type { Tensor } from "../core.js";
import { describeValue, ValueError } from "../errors.js";
import type { AnyModule } from "../nn/module.js";
import type { Optimizer } from "../optim/optimizer.js";
import { ReduceLROnPlateau } from "../optim/plateau.js";
import type { LRScheduler } from "../optim/schedulers.js";

/**
 * What one epoch measured: `loss` (mean training loss over the epoch's batches), `valLoss` when there is
 * validation data, each metric (`accuracy`, `valAccuracy`, ...), the learning rate used and the seconds taken.
 * Epochs count from 1.
 */
export interface EpochLogs {
  epoch: number;
  loss: number;
  valLoss?: number;
  accuracy?: number;
  valAccuracy?: number;
  lr: number;
  seconds: number;
  [metric: string]: number | undefined;
}

/** What {@link fit} returns: one {@link EpochLogs} per epoch run, and how training ended. */
export interface History {
  epochs: EpochLogs[];
  /** The last epoch run (fewer than asked when a callback stopped training). */
  stoppedEpoch: number;
  /** The epoch whose weights the model holds at the end when early stopping restored them, else `null`. */
  restoredEpoch: number | null;
  /** Total seconds spent in fit. */
  seconds: number;
}

/** The state callbacks see and may change: set `stopTraining` to end after the current epoch. */
export interface TrainContext {
  model: AnyModule;
  optimizer: Optimizer;
  history: History;
  /** Epochs asked for. */
  epochs: number;
  /** Batches in each epoch. */
  batchesPerEpoch: number;
  /** Set to true to stop after this epoch. */
  stopTraining: boolean;
}

/** Hooks {@link fit} calls; every one is optional. */
export interface Callback {
  onTrainBegin?(ctx: TrainContext): void;
  onEpochBegin?(epoch: number, ctx: TrainContext): void;
  /** After each optimizer step; `batch` counts from 0 within the epoch. */
  onBatchEnd?(batch: number, logs: { loss: number; size: number }, ctx: TrainContext): void;
  onEpochEnd?(logs: EpochLogs, ctx: TrainContext): void;
  onTrainEnd?(history: History, ctx: TrainContext): void;
}

/** Whether larger values of a monitored quantity are better: accuracies and R², not losses or errors. */
function higherIsBetter(monitor: string): boolean {
  return /accuracy|r2/i.test(monitor);
}

/** Reads `monitor` from logs, falling back from `valX` to `x` when there is no validation data. */
function monitored(logs: EpochLogs, monitor: string, op: string): number {
  let v = logs[monitor];
  if (v === undefined && monitor.startsWith("val")) {
    const plain = monitor.charAt(3).toLowerCase() + monitor.slice(4);
    v = logs[plain];
  }
  if (v === undefined) {
    const keys = Object.keys(logs).filter((k) => typeof logs[k] === "number");
    throw new ValueError(
      op,
      `monitor must name a logged value (${keys.join(", ")}), got ${describeValue(monitor)}`,
    );
  }
  return v;
}

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingOptions {
  /** The logged value to watch. Default `"valLoss"` (`"loss"` when there is no validation data). */
  monitor?: string;
  /** Epochs without improvement before stopping. Default `5`. */
  patience?: number;
  /** The smallest change that counts as an improvement. Default `0`. */
  minDelta?: number;
  /** `"min"` for losses, `"max"` for accuracies; `"auto"` decides from the name. Default `"auto"`. */
  mode?: "auto" | "min" | "max";
  /** At the end, load the weights of the best epoch. Default `true`. */
  restoreBestWeights?: boolean;
}

/**
 * Stops training when `monitor` has not improved for `patience` epochs and (by default) restores the
 * weights of the best epoch, as Keras's `EarlyStopping(restore_best_weights=True)`.
 *
 * @example
 * ```ts
 * fit(net, train, { validationData: val, epochs: 100, callbacks: [callbacks.earlyStopping({ patience: 5 })] });
 * ```
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback {
  const op = "earlyStopping";
  const { monitor = "valLoss", patience = 5, minDelta = 0, restoreBestWeights = true } = options;
  if (!Number.isInteger(patience) || patience < 1) {
    throw new ValueError(op, `patience must be a positive integer, got ${describeValue(patience)}`);
  }
  if (typeof minDelta !== "number" || !(minDelta >= 0)) {
    throw new ValueError(op, `minDelta must be a number >= 0, got ${describeValue(minDelta)}`);
  }
  const mode = options.mode ?? "auto";
  if (!["auto", "min", "max"].includes(mode)) {
    throw new ValueError(op, `mode must be "auto", "min" or "max", got ${describeValue(mode)}`);
  }
  const sign = (mode === "auto" ? higherIsBetter(monitor) : mode === "max") ? -1 : 1;
  let best = Infinity;
  let bestEpoch = 0;
  let wait = 0;
  let bestState: Record<string, Tensor> | null = null;
  return {
    onTrainBegin() {
      best = Infinity;
      bestEpoch = 0;
      wait = 0;
      bestState = null;
    },
    onEpochEnd(logs, ctx) {
      const value = sign * monitored(logs, monitor, op);
      if (value < best - minDelta) {
        best = value;
        bestEpoch = logs.epoch;
        wait = 0;
        if (restoreBestWeights) bestState = ctx.model.stateDict();
      } else {
        wait++;
        if (wait >= patience) ctx.stopTraining = true;
      }
    },
    onTrainEnd(history, ctx) {
      if (restoreBestWeights && bestState !== null && bestEpoch !== history.stoppedEpoch) {
        ctx.model.loadStateDict(bestState);
        history.restoredEpoch = bestEpoch;
      }
    },
  };
}

/** A schedule, or a function making one from the optimizer fit creates. */
export type SchedulerSource =
  | LRScheduler
  | ReduceLROnPlateau
  | ((optimizer: Optimizer) => LRScheduler | ReduceLROnPlateau);

/**
 * Steps a learning-rate schedule (from `optim`) after every epoch; `ReduceLROnPlateau` gets the value of
 * `monitor` (default `"valLoss"`, or `"loss"` without validation data). Pass a function to build the
 * schedule from the optimizer fit makes when `optimizer` is given by name.
 *
 * @example
 * ```ts
 * const cb = callbacks.lrScheduler((opt) => new optim.StepLR(opt, { stepSize: 10, gamma: 0.5 }));
 * fit(net, train, { optimizer: "sgd", lr: 0.1, epochs: 30, callbacks: [cb] });
 * ```
 */
export function lrScheduler(source: SchedulerSource, options: { monitor?: string } = {}): Callback {
  const monitor = options.monitor ?? "valLoss";
  let scheduler: LRScheduler | ReduceLROnPlateau | null = null;
  return {
    onTrainBegin(ctx) {
      scheduler = typeof source === "function" ? source(ctx.optimizer) : source;
      if (scheduler.optimizer !== ctx.optimizer) {
        throw new ValueError(
          "lrScheduler",
          "the schedule must drive the optimizer fit trains with, got another optimizer",
        );
      }
    },
    onEpochEnd(logs) {
      if (scheduler instanceof ReduceLROnPlateau) scheduler.step(monitored(logs, monitor, "lrScheduler"));
      else scheduler?.step();
    },
  };
}

/** Options of {@link checkpoint}. */
export interface CheckpointOptions {
  /** With `saveBestOnly`, the logged value that decides what is best. Default `"valLoss"`. */
  monitor?: string;
  /** Only save when `monitor` improved. Default `false` (save after every epoch). */
  saveBestOnly?: boolean;
}

/**
 * Calls `save(model, logs)` after each epoch (or only when `monitor` improved, with `saveBestOnly`); the
 * Node entry's `modelCheckpoint` writes a model directory this way.
 *
 * @example
 * ```ts
 * const snapshots: Record<string, Tensor>[] = [];
 * const cb = callbacks.checkpoint((model) => snapshots.push(model.stateDict()), { saveBestOnly: true });
 * ```
 */
export function checkpoint(
  save: (model: AnyModule, logs: EpochLogs) => void,
  options: CheckpointOptions = {},
): Callback {
  if (typeof save !== "function") {
    throw new ValueError("checkpoint", `save must be a function, got ${describeValue(save)}`);
  }
  const monitor = options.monitor ?? "valLoss";
  const sign = higherIsBetter(monitor) ? -1 : 1;
  let best = Infinity;
  return {
    onTrainBegin() {
      best = Infinity;
    },
    onEpochEnd(logs, ctx) {
      if (options.saveBestOnly) {
        const value = sign * monitored(logs, monitor, "checkpoint");
        if (!(value < best)) return;
        best = value;
      }
      save(ctx.model, logs);
    },
  };
}

/** Formats a number for a log line: 4 significant digits, or an exponent for very small or large values. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return v.toPrecision(4);
}

/**
 * One line for an epoch: `epoch  3/20  loss 0.1234  accuracy 0.9612  valLoss 0.1500  valAccuracy 0.9500  lr 1.00e-3  0.8s`.
 *
 * @example
 * ```ts
 * formatEpochLogs({ epoch: 1, loss: 0.5, lr: 0.001, seconds: 0.2 }, 10); // "epoch  1/10  loss 0.5000  lr 1.00e-3  0.2s"
 * ```
 */
export function formatEpochLogs(logs: EpochLogs, epochs: number): string {
  const width = String(epochs).length;
  const parts = [`epoch ${String(logs.epoch).padStart(width)}/${epochs}`];
  const skip = new Set(["epoch", "lr", "seconds"]);
  for (const [key, value] of Object.entries(logs)) {
    if (skip.has(key) || value === undefined) continue;
    parts.push(`${key} ${formatNumber(value)}`);
  }
  parts.push(`lr ${logs.lr.toExponential(2)}`, `${logs.seconds.toFixed(1)}s`);
  return parts.join("  ");
}

/**
 * Writes one line per epoch (see {@link formatEpochLogs}) through `write` (default `console.log`).
 *
 * @example
 * ```ts
 * fit(net, train, { epochs: 10, callbacks: [callbacks.metricsLogger()] });
 * ```
 */
export function metricsLogger(write: (line: string) => void = (line) => console.log(line)): Callback {
  return {
    onEpochEnd(logs, ctx) {
      write(formatEpochLogs(logs, ctx.epochs));
    },
  };
}
