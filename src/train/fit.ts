// fit: the mini-batch training loop with validation, metrics and callbacks.

import type { Tensor } from "../core.js";
import { batches } from "../data/batches.js";
import { checkDataset, type Dataset } from "../data/dataset.js";
import { describeValue, ShapeError, ValueError } from "../errors.js";
import { Optimizer } from "../optim/optimizer.js";
import { Generator } from "../random.js";
import type { Callback, EpochLogs, History, TrainContext } from "./callbacks.js";
import { evaluate, type TensorModel } from "./evaluate.js";
import { type LossFunction, type LossName, resolveLoss } from "./loss.js";
import { argmaxRows, countCorrect } from "./metrics.js";
import { makeOptimizer, type OptimizerName } from "./optimizers.js";

/** Options of {@link fit}; every one has a default that trains small classifiers well. */
export interface FitOptions {
  /** The loss: a name (`"auto"`: cross-entropy for classification, MSE for regression) or a function. Default `"auto"`. */
  loss?: LossName | LossFunction;
  /** An optimizer over the model's parameters, or a name (`"adam"`, `"adamw"`, `"sgd"`, `"rmsprop"`). Default `"adam"`. */
  optimizer?: Optimizer | OptimizerName;
  /** Learning rate when `optimizer` is a name. Default: 1e-3 for Adam, AdamW and RMSprop, 0.01 for SGD. */
  lr?: number;
  /** Passes over the training data. Default `20`. */
  epochs?: number;
  /** Rows per mini-batch. Default `32`. */
  batchSize?: number;
  /** Data evaluated after every epoch (`valLoss`, `valAccuracy`, ...). Default: none. */
  validationData?: Dataset | null;
  /** Hooks: early stopping, schedules, checkpoints, logging, or your own. */
  callbacks?: readonly Callback[];
  /** Seed of the batch shuffling (the weights' seed is the model's). Default `0`. */
  seed?: number;
  /** Extra logged metrics: `"accuracy"` (classification, on by default), `"mae"` and `"r2"` (regression). */
  metrics?: readonly ("accuracy" | "mae" | "r2")[];
  /** Reshuffle the training rows every epoch. Default `true`. */
  shuffle?: boolean;
}

function sumAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s;
}

function checkPositiveInteger(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new ValueError("fit", `${name} must be a positive integer, got ${describeValue(v)}`);
  }
  return v;
}

/**
 * Trains `model` on `trainData` with mini-batch gradient descent: every epoch reshuffles the rows (seeded),
 * steps the optimizer once per batch, then evaluates `validationData` and calls the callbacks. Returns the
 * per-epoch history (`loss`, `accuracy`, `valLoss`, `valAccuracy`, learning rate, seconds). A non-finite
 * training loss stops with an error naming the epoch and batch instead of training on NaN. The model is
 * left in training mode; `predict` and `evaluate` switch to evaluation mode (no dropout) themselves.
 *
 * @example
 * ```ts
 * import { data, fit, evaluate, mlp, callbacks } from "chainrule";
 * const { train, val, test } = data.splitDataset(data.iris(), { valSplit: 0.1, testSplit: 0.2, seed: 0 });
 * const prep = data.fitStandardization(train.x, train.features);
 * const net = mlp({ inputs: 4, hidden: [32], outputs: 3, seed: 0 });
 * const history = fit(net, data.applyPreprocessing(train, prep), {
 *   validationData: data.applyPreprocessing(val!, prep),
 *   epochs: 50,
 *   callbacks: [callbacks.earlyStopping({ patience: 10 })],
 * });
 * evaluate(net, data.applyPreprocessing(test!, prep)); // { accuracy: ~0.97, ... }
 * ```
 */
export function fit(model: TensorModel, trainData: Dataset, options: FitOptions = {}): History {
  const op = "fit";
  checkDataset(op, trainData, "trainData");
  const epochs = checkPositiveInteger("epochs", options.epochs ?? 20);
  const batchSize = checkPositiveInteger("batchSize", options.batchSize ?? 32);
  const val = options.validationData ?? null;
  if (val !== null) {
    checkDataset(op, val, "validationData");
    if (val.kind !== trainData.kind || val.x.shape[1] !== trainData.x.shape[1]) {
      throw new ShapeError(
        op,
        `validationData must be a ${trainData.kind} set with ${trainData.x.shape[1]} features, got a ${val.kind} set with ${val.x.shape[1]}`,
      );
    }
  }
  const loss = resolveLoss(options.loss ?? "auto", trainData.kind, op);
  const optimizer =
    options.optimizer instanceof Optimizer
      ? options.optimizer
      : makeOptimizer(options.optimizer ?? "adam", model.parameters(), options.lr, op);
  const metrics = new Set(options.metrics ?? (trainData.kind === "classification" ? ["accuracy"] : []));
  const callbacks = options.callbacks ?? [];
  const generator = new Generator(options.seed ?? 0, op);
  const n = trainData.x.shape[0];
  const history: History = { epochs: [], stoppedEpoch: 0, restoredEpoch: null, seconds: 0 };
  const ctx: TrainContext = {
    model,
    optimizer,
    history,
    epochs,
    batchesPerEpoch: Math.ceil(n / batchSize),
    stopTraining: false,
  };
  const started = performance.now();
  for (const cb of callbacks) cb.onTrainBegin?.(ctx);
  for (let epoch = 1; epoch <= epochs && !ctx.stopTraining; epoch++) {
    const epochStart = performance.now();
    for (const cb of callbacks) cb.onEpochBegin?.(epoch, ctx);
    const lr = optimizer.paramGroups[0].lr;
    model.train();
    let lossSum = 0;
    let correct = 0;
    let absError = 0;
    let b = 0;
    for (const batch of batches(trainData, { batchSize, generator, shuffle: options.shuffle ?? true })) {
      const outputs = model.forward(batch.x);
      const batchLoss = loss.fn(outputs, batch.y);
      optimizer.zeroGrad();
      batchLoss.backward();
      const value = batchLoss.item();
      if (!Number.isFinite(value)) {
        throw new ValueError(
          op,
          `expected a finite training loss, got ${value} at epoch ${epoch}, batch ${b + 1}; lower the learning rate or standardise the features`,
        );
      }
      optimizer.step();
      const size = batch.indices.length;
      lossSum += value * size;
      if (trainData.kind === "classification" && metrics.has("accuracy")) {
        correct += countCorrect(argmaxRows(outputs), batch.y as Int32Array);
      } else if (trainData.kind === "regression" && metrics.has("mae")) {
        absError += sumAbsDifference(outputs._storage, (batch.y as Tensor)._storage);
      }
      for (const cb of callbacks) cb.onBatchEnd?.(b, { loss: value, size }, ctx);
      b++;
    }
    const logs: EpochLogs = { epoch, loss: lossSum / n, lr, seconds: 0 };
    if (trainData.kind === "classification" && metrics.has("accuracy")) logs.accuracy = correct / n;
    if (trainData.kind === "regression" && metrics.has("mae")) logs.mae = absError / trainData.y.size;
    if (val !== null) {
      const r = evaluate(model, val, { loss: loss.fn });
      logs.valLoss = r.loss;
      if (r.kind === "classification" && metrics.has("accuracy")) logs.valAccuracy = r.accuracy;
      if (r.kind === "regression") {
        if (metrics.has("mae")) logs.valMae = r.mae;
        if (metrics.has("r2")) logs.valR2 = r.r2;
      }
    }
    logs.seconds = (performance.now() - epochStart) / 1000;
    history.epochs.push(logs);
    history.stoppedEpoch = epoch;
    for (const cb of callbacks) cb.onEpochEnd?.(logs, ctx);
  }
  history.seconds = (performance.now() - started) / 1000;
  for (const cb of callbacks) cb.onTrainEnd?.(history, ctx);
  return history;
}
