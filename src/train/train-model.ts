// trainModel: the whole recipe the CLI runs (split, standardise, build an MLP, fit, test) in one call.
// biome-ignore-all lint/suspicious/noFocusedTests: `fit` is the training loop here, not a focused test

import { type Dataset, datasetSize, taskOf } from "../data/dataset.js";
import { applyPreprocessing, fitStandardization, identityPreprocessing } from "../data/preprocess.js";
import { splitDataset } from "../data/split.js";
import { describeValue, ValueError } from "../errors.js";
import type { ModelMeta, Preprocessing } from "../io/model-spec.js";
import type { Sequential } from "../nn/sequential.js";
import { CosineAnnealingLR } from "../optim/schedulers.js";
import { type Callback, type EpochLogs, earlyStopping, type History, lrScheduler } from "./callbacks.js";
import { type Evaluation, evaluate } from "./evaluate.js";
import { fit } from "./fit.js";
import { type LossName, resolveLoss } from "./loss.js";
import { type ActivationName, mlp } from "./mlp.js";
import { DEFAULT_LR, type OptimizerName } from "./optimizers.js";

/** How features are standardised: per feature, with one mean and std for all (pixels), or not at all. */
export type StandardizeMode = "feature" | "global" | "none";

/** Options of {@link trainModel}; the defaults are the CLI's. */
export interface TrainModelOptions {
  /** Hidden layer widths. Default `[128]`. */
  layers?: readonly number[];
  /** Hidden activation. Default `"relu"`. */
  activation?: ActivationName;
  /** Dropout after each hidden activation. Default `0.2`. */
  dropout?: number;
  /** Loss. Default `"auto"`. */
  loss?: LossName;
  /** Optimizer. Default `"adam"`. */
  optimizer?: OptimizerName;
  /** Peak learning rate. Default `2e-3` for Adam, AdamW and RMSprop (cosine-annealed), `0.05` for SGD. */
  lr?: number;
  /** Learning-rate schedule over the epochs. Default `"cosine"` (to 0 at the last epoch). */
  schedule?: "cosine" | "none";
  /** Epochs, or `"auto"`: enough for about 2,000 optimizer steps, at least 15 and at most 300. Default `"auto"`. */
  epochs?: number | "auto";
  /** Mini-batch size. Default `32`. */
  batchSize?: number;
  /** Seed of the split, the initial weights, dropout and shuffling. Default `0`. */
  seed?: number;
  /** Fraction of the rows for validation. Default `0.1`. */
  valSplit?: number;
  /** Fraction of the rows for the final test. Default `0.2`. */
  testSplit?: number;
  /** Early-stopping patience in epochs (restoring the best validation loss); `0` turns it off. Default `0`. */
  patience?: number;
  /** Feature standardisation, computed on the training split. Default `"feature"`. */
  standardize?: StandardizeMode;
  /** More callbacks (progress bars, logging, checkpoints). */
  callbacks?: readonly Callback[];
  /** Extra fields to store in `meta.training` (for example where the data came from). */
  describe?: Record<string, unknown>;
  /** Called once the split is made and the model built, just before training (to print a plan). */
  onReady?: (plan: TrainingPlan) => void;
}

/** What {@link trainModel} is about to do, for {@link TrainModelOptions.onReady}. */
export interface TrainingPlan {
  model: Sequential;
  epochs: number;
  lr: number;
  loss: string;
  sizes: { train: number; val: number; test: number };
}

/** What {@link trainModel} returns: the trained network, what to save with it, and how it did. */
export interface TrainedModel {
  model: Sequential;
  meta: ModelMeta;
  history: History;
  /** Metrics on the test split, or `null` with `testSplit: 0`. */
  test: Evaluation | null;
  /** Rows in each split. */
  sizes: { train: number; val: number; test: number };
}

/** Steps {@link trainModel}'s `"auto"` epochs aim for, and its bounds. */
const AUTO_STEPS = 2000;
const AUTO_MIN_EPOCHS = 15;
const AUTO_MAX_EPOCHS = 300;

/**
 * The epochs `"auto"` picks: enough for about 2,000 optimizer steps, between 15 and 300.
 *
 * @example
 * ```ts
 * autoEpochs(7000, 32); // 15 (219 batches per epoch)
 * autoEpochs(105, 32);  // 300 (4 batches per epoch)
 * ```
 */
export function autoEpochs(trainRows: number, batchSize: number): number {
  const perEpoch = Math.ceil(trainRows / batchSize);
  return Math.min(AUTO_MAX_EPOCHS, Math.max(AUTO_MIN_EPOCHS, Math.ceil(AUTO_STEPS / perEpoch)));
}

/** An epoch's logs with 6 significant digits (what a saved model keeps of its history). */
function roundLogs(logs: EpochLogs): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(logs)) if (v !== undefined) out[k] = Number(v.toPrecision(6));
  return out;
}

/** One mean and one std over every feature value (for pixels, which share a scale). */
function globalStandardization(ds: Dataset): Preprocessing {
  const s = ds.x._storage;
  let mean = 0;
  for (let i = 0; i < s.length; i++) mean += s[i];
  mean /= s.length;
  let m2 = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s[i] - mean;
    m2 += d * d;
  }
  const sd = Math.sqrt(m2 / s.length);
  const std = sd > 0 ? sd : 1;
  return { features: [...ds.features], mean: ds.features.map(() => mean), std: ds.features.map(() => std) };
}

/**
 * Trains a multilayer perceptron on a data set the way `chainrule train` does: a seeded (stratified)
 * train/validation/test split, standardisation fitted on the training split, an MLP with dropout, Adam
 * with a cosine learning-rate schedule, then metrics on the test split. Returns the model and the
 * {@link ModelMeta} to save beside it.
 *
 * @example
 * ```ts
 * const { model, test } = trainModel(data.iris(), { seed: 0 });
 * test?.kind === "classification" && test.accuracy; // ~0.97
 * ```
 */
export function trainModel(ds: Dataset, options: TrainModelOptions = {}): TrainedModel {
  const op = "trainModel";
  const seed = options.seed ?? 0;
  const optimizer = options.optimizer ?? "adam";
  const lr = options.lr ?? (optimizer === "sgd" ? 0.05 : 2 * DEFAULT_LR[optimizer]);
  const batchSize = options.batchSize ?? 32;
  const { train, val, test } = splitDataset(ds, {
    valSplit: options.valSplit ?? 0.1,
    testSplit: options.testSplit ?? 0.2,
    seed,
  });
  const mode = options.standardize ?? "feature";
  if (!["feature", "global", "none"].includes(mode)) {
    throw new ValueError(op, `standardize must be "feature", "global" or "none", got ${describeValue(mode)}`);
  }
  const prep =
    mode === "feature"
      ? fitStandardization(train.x, train.features)
      : mode === "global"
        ? globalStandardization(train)
        : identityPreprocessing(train.features);
  const trainStd = applyPreprocessing(train, prep);
  const valStd = val === null ? null : applyPreprocessing(val, prep);
  const testStd = test === null ? null : applyPreprocessing(test, prep);
  const epochs =
    options.epochs === undefined || options.epochs === "auto"
      ? autoEpochs(datasetSize(train), batchSize)
      : options.epochs;
  const outputs = ds.kind === "classification" ? ds.classes.length : ds.y.shape[1];
  const layers = [...(options.layers ?? [128])];
  const activation = options.activation ?? "relu";
  const dropout = options.dropout ?? 0.2;
  const model = mlp({ inputs: ds.x.shape[1], hidden: layers, outputs, activation, dropout, seed });
  const loss = resolveLoss(options.loss ?? "auto", ds.kind, op);
  const callbacks: Callback[] = [];
  if ((options.schedule ?? "cosine") === "cosine") {
    callbacks.push(lrScheduler((opt) => new CosineAnnealingLR(opt, { tMax: epochs })));
  }
  const patience = options.patience ?? 0;
  if (!Number.isInteger(patience) || patience < 0) {
    throw new ValueError(op, `patience must be an integer >= 0, got ${describeValue(patience)}`);
  }
  if (patience > 0) callbacks.push(earlyStopping({ patience, monitor: "valLoss" }));
  callbacks.push(...(options.callbacks ?? []));
  const sizes = {
    train: datasetSize(train),
    val: val === null ? 0 : datasetSize(val),
    test: test === null ? 0 : datasetSize(test),
  };
  options.onReady?.({ model, epochs, lr, loss: loss.name, sizes });
  const history = fit(model, trainStd, {
    loss: options.loss ?? "auto",
    optimizer,
    lr,
    epochs,
    batchSize,
    validationData: valStd,
    callbacks,
    seed,
  });
  const testResult = testStd === null ? null : evaluate(model, testStd, { loss: options.loss ?? "auto" });
  const meta: ModelMeta = {
    task: taskOf(ds),
    preprocessing: prep,
    loss: loss.name,
    training: {
      ...(options.describe ?? {}),
      layers,
      activation,
      dropout,
      optimizer,
      lr,
      schedule: options.schedule ?? "cosine",
      epochs,
      epochsRun: history.stoppedEpoch,
      restoredEpoch: history.restoredEpoch,
      batchSize,
      seed,
      valSplit: options.valSplit ?? 0.1,
      testSplit: options.testSplit ?? 0.2,
      standardize: mode,
      sizes,
      seconds: history.seconds,
      history: history.epochs.map(roundLogs),
      ...(testResult === null ? {} : { test: testResult }),
    },
  };
  return {
    model,
    meta,
    history,
    test: testResult,
    sizes,
  };
}
