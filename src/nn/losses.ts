// Loss functions (PyTorch's torch.nn.functional losses): regression, binary and multi-class classification.

import { binaryCrossEntropy, Tensor } from "../core.js";
import { describeValue, formatShape, ShapeError, TypeMismatchError, ValueError } from "../errors.js";
import { broadcastsTo, checkChoice, checkRange, checkSameShape, checkTensor } from "./validate.js";

/** How a loss combines its per-element values: their mean (default), their sum, or none (same shape). */
export type Reduction = "mean" | "sum" | "none";

/** Options every loss takes. */
export interface LossOptions {
  /** `"mean"` (default), `"sum"` or `"none"` (the unreduced per-element losses). */
  reduction?: Reduction;
}

/** Options of {@link bceLoss}. */
export interface BceOptions extends LossOptions {
  /** Rescales each element's loss; must broadcast to the prediction's shape. */
  weight?: Tensor;
}

/** Options of {@link bceWithLogits}. */
export interface BceWithLogitsOptions extends BceOptions {
  /**
   * Weight of the positive term, `-posWeight * t * log σ(x)`; a number or a tensor that broadcasts to the
   * logits' shape (typically one weight per class, shape `[C]`). Values above 1 raise recall.
   */
  posWeight?: Tensor | number;
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions extends LossOptions {
  /**
   * Label smoothing ε in [0, 1]: the target becomes `(1 - ε) * onehot + ε / C`, as PyTorch. Default 0.
   */
  labelSmoothing?: number;
}

/** Class indices, one per row of the logits: an array, an `Int32Array` (or any numeric typed array), or a 1-D tensor. */
export type Labels = readonly number[] | ArrayLike<number> | Tensor;

const REDUCTIONS: readonly Reduction[] = ["mean", "sum", "none"];

function checkReduction(op: string, options: LossOptions | undefined): Reduction {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeMismatchError(op, `expected an options object, got ${describeValue(options)}`);
  }
  return checkChoice(op, "reduction", options?.reduction ?? "mean", REDUCTIONS);
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === "mean") return loss.mean();
  if (reduction === "sum") return loss.sum();
  return loss;
}

function checkPair(
  op: string,
  prediction: unknown,
  target: unknown,
  names: [string, string],
): [Tensor, Tensor] {
  const p = checkTensor(op, names[0], prediction);
  const t = checkTensor(op, names[1], target);
  checkSameShape(op, p, t, `${names[0]} and ${names[1]}`);
  return [p, t];
}

function checkWeight(op: string, name: string, weight: unknown, shape: readonly number[]): void {
  const w = checkTensor(op, name, weight);
  if (!broadcastsTo(w.shape, shape)) {
    throw new ShapeError(
      op,
      `expected ${name} to broadcast to shape ${formatShape(shape)}, got shape ${formatShape(w.shape)}`,
    );
  }
}

/**
 * Mean squared error `(prediction - target)^2`, reduced. Both arguments get gradients.
 *
 * @example
 * ```ts
 * nn.mseLoss(tensor([1, 2]), tensor([1, 4])).item();                      // 2
 * nn.mseLoss(tensor([1, 2]), tensor([1, 4]), { reduction: "sum" }).item(); // 4
 * ```
 */
export function mseLoss(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const op = "nn.mseLoss";
  const reduction = checkReduction(op, options);
  const [p, t] = checkPair(op, prediction, target, ["prediction", "target"]);
  return reduce(p.sub(t).square(), reduction);
}

/**
 * Mean absolute error `|prediction - target|`, reduced. Both arguments get gradients; NOTE: abs'(0) = 0,
 * as PyTorch.
 *
 * @example
 * ```ts
 * nn.l1Loss(tensor([1, 2]), tensor([1, 4])).item(); // 1
 * ```
 */
export function l1Loss(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const op = "nn.l1Loss";
  const reduction = checkReduction(op, options);
  const [p, t] = checkPair(op, prediction, target, ["prediction", "target"]);
  return reduce(p.sub(t).abs(), reduction);
}

/**
 * Binary cross-entropy between probabilities and targets:
 * `-(t * log(p) + (1 - t) * log(1 - p))`, with each log clamped at -100 as PyTorch (so `p = 0` with
 * `t = 1` costs 100, not Infinity). Probabilities must lie in [0, 1] (a `ValueError` otherwise); the target
 * gets no gradient. The gradient is PyTorch's, `(p - t) / max(p (1 - p), 1e-12)`: finite even at 0 and 1.
 * Prefer {@link bceWithLogits} on raw scores: it is more accurate near 0 and 1.
 *
 * @example
 * ```ts
 * nn.bceLoss(tensor([0.8, 0.1]), tensor([1, 0])).item(); // (-log 0.8 - log 0.9) / 2 = 0.1643
 * ```
 */
export function bceLoss(prob: Tensor, target: Tensor, options: BceOptions = {}): Tensor {
  const op = "nn.bceLoss";
  const reduction = checkReduction(op, options);
  const [p, targetIn] = checkPair(op, prob, target, ["prediction", "target"]);
  if (options.weight !== undefined) checkWeight(op, "weight", options.weight, p.shape);
  const values = p._storage;
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] >= 0 && values[i] <= 1)) {
      throw new ValueError(
        op,
        `expected probabilities in [0, 1], got ${values[i]} at index ${i}; use nn.bceWithLogits for raw scores`,
      );
    }
  }
  // NOTE: the fused core op clamps the logs at -100 and backpropagates PyTorch's (p - t) / max(p (1 - p), 1e-12),
  // finite at p = 0 and 1 where a composite of logs would give 0 * Inf = NaN.
  let loss = binaryCrossEntropy(p, targetIn.detach());
  if (options.weight !== undefined) loss = loss.mul(options.weight);
  return reduce(loss, reduction);
}

/**
 * Binary cross-entropy on logits, `-(t * log σ(x) + (1 - t) * log(1 - σ(x)))`, computed stably as
 * `softplus(x) - t * x` (no overflow for any finite logit; the gradient `σ(x) - t` is exact, even at 0).
 * With `posWeight` w the positive term is weighted: `(1 + (w - 1) t) softplus(x) - w t x`. The target gets
 * no gradient.
 *
 * @example
 * ```ts
 * nn.bceWithLogits(tensor([0, 2]), tensor([1, 0])).item(); // (log 2 + softplus(2)) / 2 = 1.4122
 * ```
 */
export function bceWithLogits(logits: Tensor, target: Tensor, options: BceWithLogitsOptions = {}): Tensor {
  const op = "nn.bceWithLogits";
  const reduction = checkReduction(op, options);
  const [x, targetIn] = checkPair(op, logits, target, ["logits", "target"]);
  const { weight, posWeight } = options;
  if (weight !== undefined) checkWeight(op, "weight", weight, x.shape);
  const t = targetIn.detach();
  let loss: Tensor;
  if (posWeight === undefined) loss = x.softplus().sub(x.mul(t));
  else {
    if (typeof posWeight === "number") {
      if (Number.isNaN(posWeight)) throw new ValueError(op, "posWeight must be a number, got NaN");
    } else checkWeight(op, "posWeight", posWeight, x.shape);
    const wt = t.mul(posWeight);
    loss = x.softplus().mul(wt.sub(t).add(1)).sub(x.mul(wt));
  }
  if (weight !== undefined) loss = loss.mul(weight);
  return reduce(loss, reduction);
}

/** Validates `labels` against logits of shape [N, C] and returns them as integers. */
function checkLabels(op: string, labels: unknown, logitsShape: readonly number[]): Int32Array {
  const [n, c] = logitsShape;
  let values: ArrayLike<number>;
  if (labels instanceof Tensor) {
    if (labels.shape.length !== 1) {
      throw new ShapeError(
        op,
        `expected labels of shape [${n}], got a tensor of shape ${formatShape(labels.shape)}`,
      );
    }
    values = labels._storage;
  } else if (Array.isArray(labels) || (ArrayBuffer.isView(labels) && !(labels instanceof DataView))) {
    values = labels as ArrayLike<number>;
  } else {
    throw new TypeMismatchError(
      op,
      `expected labels as an array, an Int32Array or a tensor of class indices, got ${describeValue(labels)}`,
    );
  }
  if (values.length !== n) {
    throw new ShapeError(
      op,
      `expected ${n} labels (one per row of logits ${formatShape(logitsShape)}), got ${values.length}`,
    );
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= c) {
      throw new ValueError(
        op,
        `expected labels to be integers in [0, ${c}) for ${c} classes, got ${describeValue(v)} at index ${i}`,
      );
    }
    out[i] = v;
  }
  return out;
}

function checkLogits(op: string, logits: unknown, name: string): Tensor {
  const x = checkTensor(op, name, logits);
  if (x.shape.length !== 2) {
    throw new ShapeError(op, `expected ${name} of shape [N, C], got ${formatShape(x.shape)}`);
  }
  return x;
}

/** -logProbs[i, labels[i]] for each row, shape [N]. */
function pickNegative(logProbs: Tensor, labels: Int32Array): Tensor {
  const index = Tensor._fromStorage(Float64Array.from(labels), [labels.length, 1]);
  return logProbs.gather(1, index).reshape([labels.length]).neg();
}

/**
 * Negative log-likelihood of class indices under log-probabilities `[N, C]` (e.g. a `logSoftmax` output):
 * `-logProbs[i, labels[i]]`, reduced over the N rows. Labels are validated as for {@link crossEntropy}.
 *
 * @example
 * ```ts
 * nn.nllLoss(tensor([[-0.1, -2.3]]), [0]).item(); // 0.1
 * ```
 */
export function nllLoss(logProbs: Tensor, labels: Labels, options: LossOptions = {}): Tensor {
  const op = "nn.nllLoss";
  const reduction = checkReduction(op, options);
  const x = checkLogits(op, logProbs, "logProbs");
  return reduce(pickNegative(x, checkLabels(op, labels, x.shape)), reduction);
}

/**
 * Cross-entropy of logits `[N, C]` against class indices (one per row, integers in `[0, C)`):
 * `-logSoftmax(logits)[i, labels[i]]`, stable for any finite logits, reduced over the N rows. Labels are a
 * `number[]`, an `Int32Array` or a 1-D tensor, and get no gradient. With `labelSmoothing` ε the loss is
 * `(1 - ε) * nll - ε * mean_c logSoftmax(logits)[i, c]`, as PyTorch.
 *
 * @example
 * ```ts
 * nn.crossEntropy(tensor([[2, 0, 0]]), [0]).item(); // -log(e^2 / (e^2 + 2)) = 0.2395
 * nn.crossEntropy(logits, new Int32Array([2, 0]), { reduction: "none" }); // one loss per row
 * ```
 */
export function crossEntropy(logits: Tensor, labels: Labels, options: CrossEntropyOptions = {}): Tensor {
  const op = "nn.crossEntropy";
  const reduction = checkReduction(op, options);
  const x = checkLogits(op, logits, "logits");
  const smoothing = checkRange(op, "labelSmoothing", options.labelSmoothing ?? 0, 0, 1);
  const logProbs = x.logSoftmax(1);
  let loss = pickNegative(logProbs, checkLabels(op, labels, x.shape));
  if (smoothing > 0) loss = loss.mul(1 - smoothing).sub(logProbs.mean(1).mul(smoothing));
  return reduce(loss, reduction);
}
