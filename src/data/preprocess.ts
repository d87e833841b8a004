// Standardisation: per-feature mean and standard deviation from the training split, applied to any split.

import { type Tensor, tensor } from "../core.js";
import { formatShape, ShapeError, ValueError } from "../errors.js";
import type { Preprocessing } from "../io/model-spec.js";
import type { Dataset } from "./dataset.js";

/**
 * Per-feature mean and (population) standard deviation of `x [N, F]`, as scikit-learn's `StandardScaler`;
 * a constant feature gets std 1, so it maps to 0 instead of dividing by zero.
 *
 * @example
 * ```ts
 * const prep = data.fitStandardization(tensor([[1, 10], [3, 10]]), ["a", "b"]);
 * prep.mean; // [2, 10]
 * prep.std;  // [1, 1]
 * ```
 */
export function fitStandardization(x: Tensor, features: readonly string[]): Preprocessing {
  const op = "data.fitStandardization";
  if (x.shape.length !== 2 || x.shape[0] === 0) {
    throw new ShapeError(op, `expected features of shape [N, F] with N > 0, got ${formatShape(x.shape)}`);
  }
  const [n, f] = x.shape;
  if (features.length !== f) throw new ValueError(op, `expected ${f} feature names, got ${features.length}`);
  const s = x._storage;
  const mean = new Array<number>(f).fill(0);
  const m2 = new Array<number>(f).fill(0);
  // Two passes in float64: the mean, then squared deviations (stable for large offsets).
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j] += s[i * f + j];
  for (let j = 0; j < f; j++) mean[j] /= n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < f; j++) {
      const d = s[i * f + j] - mean[j];
      m2[j] += d * d;
    }
  const std = m2.map((v, j) => {
    const sd = Math.sqrt(v / n);
    // NOTE: a (near-)constant feature keeps scale 1, as StandardScaler does, rather than exploding.
    return sd > 1e-12 * Math.max(1, Math.abs(mean[j])) ? sd : 1;
  });
  return { features: [...features], mean, std };
}

/**
 * The preprocessing that changes nothing (mean 0, std 1), for data already on a good scale.
 *
 * @example
 * ```ts
 * data.identityPreprocessing(["a", "b"]); // { features: ["a", "b"], mean: [0, 0], std: [1, 1] }
 * ```
 */
export function identityPreprocessing(features: readonly string[]): Preprocessing {
  return { features: [...features], mean: features.map(() => 0), std: features.map(() => 1) };
}

/**
 * `(x - mean) / std` per feature, as a new tensor of `x`'s dtype.
 *
 * @example
 * ```ts
 * data.standardize(tensor([[3, 10]]), { features: ["a", "b"], mean: [2, 10], std: [1, 1] }).toArray(); // [[1, 0]]
 * ```
 */
export function standardize(x: Tensor, prep: Preprocessing): Tensor {
  const op = "data.standardize";
  const f = prep.mean.length;
  if (x.shape.length !== 2 || x.shape[1] !== f || prep.std.length !== f) {
    throw new ShapeError(op, `expected features of shape [N, ${f}], got ${formatShape(x.shape)}`);
  }
  const s = x._storage;
  const out = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const j = i % f;
    out[i] = (s[i] - prep.mean[j]) / prep.std[j];
  }
  return tensor(out, { shape: [...x.shape], dtype: x.dtype });
}

/**
 * A copy of a data set with standardised features.
 *
 * @example
 * ```ts
 * const prep = data.fitStandardization(train.x, train.features);
 * const testStd = data.applyPreprocessing(test, prep);
 * ```
 */
export function applyPreprocessing<D extends Dataset>(ds: D, prep: Preprocessing): D {
  return { ...ds, x: standardize(ds.x, prep) };
}
