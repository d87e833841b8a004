// Mini-batches of a data set, reshuffled each epoch from a seeded generator.

import type { Tensor } from "../core.js";
import { describeValue, ValueError } from "../errors.js";
import { Generator } from "../random.js";
import { type Dataset, takeRows } from "./dataset.js";
import { shuffleInPlace } from "./split.js";

/** One mini-batch: features, labels or targets, and the rows they came from. */
export interface Batch {
  x: Tensor;
  /** Class indices (classification) or targets `[B, T]` (regression). */
  y: Int32Array | Tensor;
  /** The data set's row of each batch row. */
  indices: Int32Array;
}

/** Options of {@link batches}. */
export interface BatchOptions {
  /** Rows per batch (the last may be smaller). Default `32`. */
  batchSize?: number;
  /** Shuffle the rows first. Default `true`. */
  shuffle?: boolean;
  /** The generator to shuffle with (advanced each call, so epochs differ); or give `seed`. */
  generator?: Generator;
  /** Seed for a fresh generator when `generator` is not given. Default `0`. */
  seed?: number;
  /** Drop a last batch smaller than `batchSize`. Default `false`. */
  dropLast?: boolean;
}

/**
 * Yields mini-batches of a data set, shuffled with a seeded generator. Pass one generator to successive
 * calls to get a different, reproducible order every epoch.
 *
 * @example
 * ```ts
 * const g = new Generator(0);
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   for (const { x, y } of data.batches(train, { batchSize: 32, generator: g })) {
 *     // x: [B, F], y: Int32Array of B labels
 *   }
 * }
 * ```
 */
export function* batches(ds: Dataset, options: BatchOptions = {}): IterableIterator<Batch> {
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValueError(
      "data.batches",
      `batchSize must be a positive integer, got ${describeValue(batchSize)}`,
    );
  }
  const n = ds.x.shape[0];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (options.shuffle ?? true) shuffleInPlace(order, options.generator ?? new Generator(options.seed ?? 0));
  const end = options.dropLast ? n - (n % batchSize) : n;
  for (let start = 0; start < end; start += batchSize) {
    const indices = order.subarray(start, Math.min(start + batchSize, n));
    const x = takeRows(ds.x, indices);
    if (ds.kind === "classification") {
      const y = new Int32Array(indices.length);
      for (let i = 0; i < indices.length; i++) y[i] = ds.y[indices[i]];
      yield { x, y, indices: indices.slice() };
    } else {
      yield { x, y: takeRows(ds.y, indices), indices: indices.slice() };
    }
  }
}
