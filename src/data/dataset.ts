// The Dataset type (features x [N, F] with class labels or regression targets) and helpers on it.

import { type Tensor, tensor } from "../core.js";
import { type DType, isDType } from "../dtype.js";
import { describeValue, formatShape, ShapeError, TypeMismatchError, ValueError } from "../errors.js";
import type { TaskSpec } from "../io/model-spec.js";

/** A classification data set: features and one class index per row. */
export interface ClassificationDataset {
  kind: "classification";
  /** Features, shape `[N, F]`. */
  x: Tensor;
  /** Class indices in `[0, classes.length)`, one per row. */
  y: Int32Array;
  /** Feature (column) names, `F` of them. */
  features: string[];
  /** The target column's name. */
  target: string;
  /** Class labels: index `i` stands for `classes[i]`. */
  classes: string[];
}

/** A regression data set: features and one or more real-valued targets per row. */
export interface RegressionDataset {
  kind: "regression";
  /** Features, shape `[N, F]`. */
  x: Tensor;
  /** Targets, shape `[N, T]`. */
  y: Tensor;
  /** Feature (column) names, `F` of them. */
  features: string[];
  /** Target column names, `T` of them. */
  targets: string[];
}

/**
 * Features `x: Tensor [N, F]` with labels `y: Int32Array` (classification) or targets `y: Tensor [N, T]`
 * (regression); `kind` tells which.
 *
 * @example
 * ```ts
 * const ds = data.fromArrays([[0, 0], [1, 1]], ["no", "yes"]);
 * ds.kind;    // "classification"
 * ds.classes; // ["no", "yes"]
 * ```
 */
export type Dataset = ClassificationDataset | RegressionDataset;

/** Number of rows. */
export function datasetSize(ds: Dataset): number {
  return ds.x.shape[0];
}

/**
 * The task a data set poses, as stored with a model.
 *
 * @example
 * ```ts
 * data.taskOf(data.xor()); // { kind: "classification", target: "label", classes: ["0", "1"] }
 * ```
 */
export function taskOf(ds: Dataset): TaskSpec {
  return ds.kind === "classification"
    ? { kind: "classification", target: ds.target, classes: [...ds.classes] }
    : { kind: "regression", targets: [...ds.targets] };
}

/** Throws unless `ds` is a well-formed {@link Dataset}; returns it. */
export function checkDataset(op: string, ds: unknown, name = "data"): Dataset {
  const d = ds as Partial<Dataset> | null;
  if (d === null || typeof d !== "object" || (d.kind !== "classification" && d.kind !== "regression")) {
    throw new TypeMismatchError(op, `${name} must be a Dataset, got ${describeValue(ds)}`);
  }
  const x = d.x as Tensor | undefined;
  if (x === undefined || x.shape?.length !== 2) {
    throw new ShapeError(op, `${name}.x must be a tensor of shape [N, F], got ${describeValue(x)}`);
  }
  const n = x.shape[0];
  if (d.kind === "classification") {
    const c = d as ClassificationDataset;
    if (!(c.y instanceof Int32Array) || c.y.length !== n) {
      throw new ShapeError(
        op,
        `${name}.y must be an Int32Array of ${n} labels (one per row of x ${formatShape(x.shape)}), got ${describeValue(c.y)}`,
      );
    }
    const k = c.classes?.length ?? 0;
    for (let i = 0; i < n; i++) {
      if (c.y[i] < 0 || c.y[i] >= k) {
        throw new ValueError(op, `${name}.y must hold class indices in [0, ${k}), got ${c.y[i]} at row ${i}`);
      }
    }
  } else {
    const r = d as RegressionDataset;
    if (r.y?.shape?.length !== 2 || r.y.shape[0] !== n) {
      throw new ShapeError(
        op,
        `${name}.y must be a tensor of shape [${n}, T] (one row per row of x), got ${describeValue(r.y)}`,
      );
    }
  }
  return d as Dataset;
}

/**
 * The rows `indices` of a data set, in that order (a copy).
 *
 * @example
 * ```ts
 * const firstTen = data.subset(ds, Int32Array.from({ length: 10 }, (_, i) => i));
 * ```
 */
export function subset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const x = takeRows(ds.x, indices);
  if (ds.kind === "classification") {
    const y = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) y[i] = ds.y[indices[i]];
    return { ...ds, x, y };
  }
  return { ...ds, x, y: takeRows(ds.y, indices) };
}

/** Copies rows `indices` of a 2-D tensor into a new tensor (no autograd). */
export function takeRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  const [, f] = t.shape;
  const src = t._storage;
  const out = new (src.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(indices.length * f);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    out.set(src.subarray(r * f, (r + 1) * f), i * f);
  }
  return tensor(out, { shape: [indices.length, f], dtype: t.dtype });
}

/** Options of {@link fromArrays}. */
export interface FromArraysOptions {
  /** Feature names; default `x0`, `x1`, ... */
  features?: string[];
  /** The target's name; default `"label"` (classification) or `"y"` (regression). */
  target?: string;
  /** Class order for string labels; default: sorted (numerically when every label is a number). */
  classes?: string[];
  /** Feature dtype; default `"float32"`. */
  dtype?: DType;
}

/**
 * Builds a data set from plain arrays. Labels given as strings (or as integers with `classes`) make a
 * classification set; an array of number arrays makes a regression set with that many targets.
 *
 * @example
 * ```ts
 * const cls = data.fromArrays([[0, 1], [1, 0]], ["a", "b"]);        // classification, classes ["a", "b"]
 * const reg = data.fromArrays([[0], [1], [2]], [[0.5], [1.5], [2.5]]); // regression, one target
 * ```
 */
export function fromArrays(
  x: readonly (readonly number[])[],
  y: readonly string[] | readonly (readonly number[])[] | ArrayLike<number>,
  options: FromArraysOptions = {},
): Dataset {
  const op = "data.fromArrays";
  const dtype = options.dtype ?? "float32";
  if (!isDType(dtype)) throw new TypeMismatchError(op, `dtype must be a DType, got ${describeValue(dtype)}`);
  if (!Array.isArray(x) || x.length === 0) {
    throw new ValueError(op, `x must be a non-empty array of rows, got ${describeValue(x)}`);
  }
  const f = x[0].length;
  const xt = tensor(x as number[][], { dtype });
  if (xt.shape.length !== 2)
    throw new ShapeError(op, `x must be rows of numbers, got ${formatShape(xt.shape)}`);
  const features = options.features ?? Array.from({ length: f }, (_, i) => `x${i}`);
  if (features.length !== f) {
    throw new ValueError(op, `expected ${f} feature names, got ${features.length}`);
  }
  if (y.length !== x.length) {
    throw new ShapeError(op, `expected ${x.length} labels or targets (one per row of x), got ${y.length}`);
  }
  const first = (y as ArrayLike<unknown>)[0];
  if (Array.isArray(first)) {
    const yt = tensor(y as number[][], { dtype });
    const targets = Array.from({ length: yt.shape[1] }, (_, i) =>
      yt.shape[1] === 1 ? (options.target ?? "y") : `${options.target ?? "y"}${i}`,
    );
    return { kind: "regression", x: xt, y: yt, features, targets };
  }
  const texts = Array.from(y as ArrayLike<string | number>, (v) => String(v));
  const classes = options.classes ?? sortClasses(new Set(texts));
  const index = new Map(classes.map((c, i) => [c, i]));
  const labels = new Int32Array(texts.length);
  texts.forEach((t, i) => {
    const k = index.get(t) ?? (typeof first === "number" ? Number(t) : undefined);
    if (k === undefined || !Number.isInteger(k) || k < 0 || k >= classes.length) {
      throw new ValueError(
        op,
        `label ${describeValue(t)} at row ${i} is not one of the classes [${classes.join(", ")}]`,
      );
    }
    labels[i] = k;
  });
  return { kind: "classification", x: xt, y: labels, features, target: options.target ?? "label", classes };
}

/**
 * Sorts class labels into a stable order: numerically when every label is a number, else by code unit.
 *
 * @example
 * ```ts
 * data.sortClasses(["10", "2", "1"]); // ["1", "2", "10"]
 * data.sortClasses(["b", "a"]);       // ["a", "b"]
 * ```
 */
export function sortClasses(labels: Iterable<string>): string[] {
  const list = [...new Set(labels)];
  if (list.every((l) => l.trim() !== "" && Number.isFinite(Number(l)))) {
    return list.sort((a, b) => Number(a) - Number(b));
  }
  return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * One-hot encodes class indices: row `i` has a 1 in column `labels[i]`.
 *
 * @example
 * ```ts
 * data.oneHot(Int32Array.from([2, 0]), 3).toArray(); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHot(
  labels: ArrayLike<number>,
  numClasses: number,
  options: { dtype?: DType } = {},
): Tensor {
  const op = "data.oneHot";
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ValueError(op, `numClasses must be a positive integer, got ${describeValue(numClasses)}`);
  }
  const out = new Float64Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i];
    if (!Number.isInteger(k) || k < 0 || k >= numClasses) {
      throw new ValueError(
        op,
        `expected labels in [0, ${numClasses}), got ${describeValue(k)} at index ${i}`,
      );
    }
    out[i * numClasses + k] = 1;
  }
  return tensor(out, { shape: [labels.length, numClasses], dtype: options.dtype ?? "float32" });
}
