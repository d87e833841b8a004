// Inference over a data set in batches: predictions, class probabilities, and evaluation metrics.

import { noGrad } from "../autograd/mode.js";
import { type Tensor, tensor } from "../core.js";
import { checkDataset, type Dataset, takeRows } from "../data/dataset.js";
import { describeValue, formatShape, ShapeError, TypeMismatchError } from "../errors.js";
import type { Module } from "../nn/module.js";
import { type LossFunction, type LossName, resolveLoss } from "./loss.js";
import {
  argmaxRows,
  confusionMatrix,
  countCorrect,
  type RegressionMetrics,
  regressionMetrics,
} from "./metrics.js";

/** A model mapping features `[N, F]` to outputs `[N, C]`. */
export type TensorModel = Module<[Tensor], Tensor>;

/** Options of {@link predict}. */
export interface PredictOptions {
  /** Rows per forward pass (bounds memory). Default `1024`. */
  batchSize?: number;
}

function checkModel(op: string, model: unknown): TensorModel {
  if (model === null || typeof model !== "object" || typeof (model as TensorModel).forward !== "function") {
    throw new TypeMismatchError(op, `model must be an nn.Module, got ${describeValue(model)}`);
  }
  return model as TensorModel;
}

/**
 * The model's outputs for features `x [N, F]` (or a data set's `x`), computed in evaluation mode without
 * recording a graph, in batches; the model's training mode is restored afterwards.
 *
 * @example
 * ```ts
 * const logits = predict(net, test.x); // [N, C]
 * ```
 */
export function predict(model: TensorModel, x: Tensor | Dataset, options: PredictOptions = {}): Tensor {
  const op = "predict";
  checkModel(op, model);
  const input = "kind" in x ? x.x : x;
  if (input.shape?.length !== 2) {
    throw new ShapeError(op, `expected features of shape [N, F], got ${describeValue(input)}`);
  }
  const n = input.shape[0];
  const batchSize = options.batchSize ?? 1024;
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      if (n <= batchSize) return model.forward(input);
      const parts: Tensor[] = [];
      for (let start = 0; start < n; start += batchSize) {
        const rows = Int32Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
        parts.push(model.forward(takeRows(input, rows)));
      }
      const c = parts[0].shape[1];
      const out = new (parts[0]._storage.constructor as Float32ArrayConstructor)(n * c);
      let offset = 0;
      for (const p of parts) {
        out.set(p._storage, offset);
        offset += p._storage.length;
      }
      return tensor(out, { shape: [n, c], dtype: parts[0].dtype });
    });
  } finally {
    model.train(wasTraining);
  }
}

/**
 * Class predictions for a classification model (whose outputs are logits): the most likely class of each
 * row and the softmax probabilities `[N, C]`.
 *
 * @example
 * ```ts
 * const { classes, probabilities } = predictClasses(net, test.x);
 * ```
 */
export function predictClasses(
  model: TensorModel,
  x: Tensor | Dataset,
  options: PredictOptions = {},
): { classes: Int32Array; probabilities: Tensor } {
  const logits = predict(model, x, options);
  if (logits.shape.length !== 2) {
    throw new ShapeError(
      "predictClasses",
      `expected model outputs of shape [N, C], got ${formatShape(logits.shape)}`,
    );
  }
  const probabilities = noGrad(() => logits.softmax(-1));
  return { classes: argmaxRows(logits), probabilities };
}

/** What {@link evaluate} reports for a classification set. */
export interface ClassificationEvaluation {
  kind: "classification";
  /** Rows evaluated. */
  n: number;
  /** Mean loss. */
  loss: number;
  /** Fraction of rows whose most likely class is the label. */
  accuracy: number;
  /** `confusion[t][p]`: rows of true class `t` predicted as `p`. */
  confusion: number[][];
  /** Class labels, the order of the confusion matrix. */
  classes: string[];
}

/** What {@link evaluate} reports for a regression set. */
export interface RegressionEvaluation extends RegressionMetrics {
  kind: "regression";
  n: number;
  /** Mean loss (the MSE with the default loss). */
  loss: number;
}

/** The result of {@link evaluate}. */
export type Evaluation = ClassificationEvaluation | RegressionEvaluation;

/** Options of {@link evaluate}. */
export interface EvaluateOptions extends PredictOptions {
  /** The loss to report; default `"auto"` (cross-entropy or MSE). */
  loss?: LossName | LossFunction;
}

/**
 * Evaluates a model on a data set: loss, accuracy and confusion matrix for classification; loss, MSE, MAE
 * and R² for regression.
 *
 * @example
 * ```ts
 * const r = evaluate(net, test);
 * if (r.kind === "classification") console.log(r.accuracy, r.confusion);
 * ```
 */
export function evaluate(model: TensorModel, ds: Dataset, options: EvaluateOptions = {}): Evaluation {
  const op = "evaluate";
  checkModel(op, model);
  checkDataset(op, ds);
  const n = ds.x.shape[0];
  const outputs = predict(model, ds, options);
  const { fn } = resolveLoss(options.loss ?? "auto", ds.kind, op);
  const loss = noGrad(() => fn(outputs, ds.y)).item();
  if (ds.kind === "classification") {
    const predicted = argmaxRows(outputs);
    return {
      kind: "classification",
      n,
      loss,
      accuracy: countCorrect(predicted, ds.y) / n,
      confusion: confusionMatrix(predicted, ds.y, ds.classes.length),
      classes: [...ds.classes],
    };
  }
  return { kind: "regression", n, loss, ...regressionMetrics(outputs, ds.y) };
}
