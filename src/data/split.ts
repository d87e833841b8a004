// Seeded train/validation/test splits (stratified by class when labels are given) and seeded shuffles.

import { describeValue, ValueError } from "../errors.js";
import { Generator } from "../random.js";
import { type Dataset, subset } from "./dataset.js";

/**
 * Shuffles `items` in place with the Fisher–Yates algorithm, drawing from `generator`; returns `items`.
 *
 * @example
 * ```ts
 * data.shuffleInPlace(Int32Array.from([0, 1, 2, 3]), new Generator(0)); // the same order for seed 0, always
 * ```
 */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(
  items: T,
  generator: Generator,
): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(generator.uniform() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/** Options of {@link splitIndices} and {@link splitDataset}. */
export interface SplitOptions {
  /** Fraction of all rows held out for validation, in `[0, 1)`. Default `0`. */
  valSplit?: number;
  /** Fraction of all rows held out for testing, in `[0, 1)`. Default `0`. */
  testSplit?: number;
  /** Seed of the shuffle. Default `0`. */
  seed?: number;
  /**
   * Class labels to stratify by: each class is split in the same proportions (exact totals by largest
   * remainders). Default for {@link splitDataset}: the labels of a classification set.
   */
  stratify?: ArrayLike<number> | null;
}

/** Row indices of each part of a split. */
export interface SplitIndices {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

function checkFraction(name: string, v: number): number {
  if (typeof v !== "number" || !(v >= 0 && v < 1)) {
    throw new ValueError("data.splitIndices", `${name} must be a number in [0, 1), got ${describeValue(v)}`);
  }
  return v;
}

/** Splits `total` items among groups of the given sizes in proportion, with exact sum (largest remainders). */
function apportion(sizes: readonly number[], total: number): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  const exact = sizes.map((s) => (sum === 0 ? 0 : (s * total) / sum));
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => [e - Math.floor(e), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    if (out[i] < sizes[i]) {
      out[i]++;
      left--;
    }
  }
  return out;
}

/**
 * Splits row indices `0..n-1` into shuffled train, validation and test parts: `round(n * testSplit)` test
 * rows, `round(n * valSplit)` validation rows, the rest for training. The same seed gives the same split.
 *
 * @example
 * ```ts
 * const { train, val, test } = data.splitIndices(100, { valSplit: 0.1, testSplit: 0.2, seed: 1 });
 * [train.length, val.length, test.length]; // [70, 10, 20]
 * ```
 */
export function splitIndices(n: number, options: SplitOptions = {}): SplitIndices {
  const op = "data.splitIndices";
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError(op, `n must be a non-negative integer, got ${describeValue(n)}`);
  const valSplit = checkFraction("valSplit", options.valSplit ?? 0);
  const testSplit = checkFraction("testSplit", options.testSplit ?? 0);
  const nTest = Math.round(n * testSplit);
  const nVal = Math.round(n * valSplit);
  if (nTest + nVal >= n) {
    throw new ValueError(
      op,
      `expected valSplit + testSplit to leave rows for training, got ${nVal} validation and ${nTest} test rows of ${n}`,
    );
  }
  const g = new Generator(options.seed ?? 0, op);
  const strat = options.stratify ?? null;
  if (strat !== null && strat.length !== n) {
    throw new ValueError(op, `expected ${n} labels to stratify by, got ${strat.length}`);
  }
  // Groups: one per class when stratifying, else one group of every row.
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const k = strat === null ? 0 : strat[i];
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [i]);
    else list.push(i);
  }
  const keys = [...groups.keys()].sort((a, b) => a - b);
  const members = keys.map((k) => shuffleInPlace(Int32Array.from(groups.get(k)!), g));
  const sizes = members.map((m) => m.length);
  const testCounts = apportion(sizes, nTest);
  const valCounts = apportion(
    sizes.map((s, i) => s - testCounts[i]),
    nVal,
  );
  const test: number[] = [];
  const val: number[] = [];
  const train: number[] = [];
  members.forEach((m, i) => {
    const a = testCounts[i];
    const b = a + valCounts[i];
    for (let j = 0; j < m.length; j++) (j < a ? test : j < b ? val : train).push(m[j]);
  });
  return {
    train: shuffleInPlace(Int32Array.from(train), g),
    val: shuffleInPlace(Int32Array.from(val), g),
    test: shuffleInPlace(Int32Array.from(test), g),
  };
}

/** The parts of a split data set; `val` and `test` are `null` when their fraction is 0. */
export interface DatasetSplit {
  train: Dataset;
  val: Dataset | null;
  test: Dataset | null;
}

/**
 * Splits a data set into seeded train, validation and test parts (stratified by class for classification
 * unless `stratify: null`).
 *
 * @example
 * ```ts
 * const { train, val, test } = data.splitDataset(data.iris(), { valSplit: 0.1, testSplit: 0.2, seed: 0 });
 * ```
 */
export function splitDataset(ds: Dataset, options: SplitOptions = {}): DatasetSplit {
  const n = ds.x.shape[0];
  const stratify =
    options.stratify === undefined ? (ds.kind === "classification" ? ds.y : null) : options.stratify;
  const idx = splitIndices(n, { ...options, stratify });
  return {
    train: subset(ds, idx.train),
    val: idx.val.length > 0 ? subset(ds, idx.val) : null,
    test: idx.test.length > 0 ? subset(ds, idx.test) : null,
  };
}
