// Metrics computed from model outputs: accuracy and confusion matrices, MSE, MAE and R².

import type { Tensor } from "../core.js";
import { formatShape, ShapeError } from "../errors.js";

/**
 * The index of the largest value in each row of `[N, C]` outputs (the first at ties), as an Int32Array.
 *
 * @example
 * ```ts
 * argmaxRows(tensor([[0.1, 2], [3, -1]])); // Int32Array [1, 0]
 * ```
 */
export function argmaxRows(outputs: Tensor): Int32Array {
  if (outputs.shape.length !== 2) {
    throw new ShapeError("argmaxRows", `expected outputs of shape [N, C], got ${formatShape(outputs.shape)}`);
  }
  const [n, c] = outputs.shape;
  const s = outputs._storage;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestValue = s[i * c];
    for (let j = 1; j < c; j++) {
      const v = s[i * c + j];
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * How many predictions equal their labels.
 *
 * @example
 * ```ts
 * countCorrect(Int32Array.from([1, 0, 2]), Int32Array.from([1, 1, 2])); // 2
 * ```
 */
export function countCorrect(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct;
}

/**
 * The confusion matrix: entry `[t][p]` counts rows of true class `t` predicted as class `p`.
 *
 * @example
 * ```ts
 * confusionMatrix(Int32Array.from([0, 1, 1]), Int32Array.from([0, 1, 0]), 2); // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrix(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][predicted[i]]++;
  return m;
}

/** Regression metrics over every target: mean squared and absolute error, and R² (averaged over targets). */
export interface RegressionMetrics {
  mse: number;
  mae: number;
  /** Coefficient of determination per target, averaged (scikit-learn's `r2_score` default); 1 is perfect. */
  r2: number;
}

/**
 * MSE, MAE and R² of predictions `[N, T]` against targets `[N, T]`. A target with zero variance scores
 * R² 1 when predicted exactly and 0 otherwise (as scikit-learn).
 *
 * @example
 * ```ts
 * regressionMetrics(tensor([[1], [2], [3]]), tensor([[1], [2], [4]])); // { mse: 1/3, mae: 1/3, r2: ~0.786 }
 * ```
 */
export function regressionMetrics(predictions: Tensor, targets: Tensor): RegressionMetrics {
  if (predictions.shape.length !== 2 || predictions.shape.join() !== targets.shape.join()) {
    throw new ShapeError(
      "regressionMetrics",
      `expected predictions and targets of one shape [N, T], got ${formatShape(predictions.shape)} and ${formatShape(targets.shape)}`,
    );
  }
  const [n, t] = predictions.shape;
  const p = predictions._storage;
  const y = targets._storage;
  let se = 0;
  let ae = 0;
  let r2 = 0;
  for (let j = 0; j < t; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[i * t + j];
    mean /= n;
    let ssRes = 0;
    let ssTot = 0;
    for (let i = 0; i < n; i++) {
      const d = p[i * t + j] - y[i * t + j];
      ssRes += d * d;
      ae += Math.abs(d);
      const e = y[i * t + j] - mean;
      ssTot += e * e;
    }
    se += ssRes;
    r2 += ssTot > 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : 0;
  }
  return { mse: se / (n * t), mae: ae / (n * t), r2: r2 / t };
}
