// The benchmark's data and initial weights, drawn from NumPy's legacy RandomState so Python peers draw the same bits.

import { NumpyRandom } from "../../src/random/numpy.js";
import { MATMUL_SEED, MLP_SEED, SCALAR_INPUTS, type Sizes } from "./spec.js";

/** Two n x n float32 matrices, row-major: `A = rand(n, n) * 2 - 1`, then `B` the same way. */
export function matmulData(n: number): { a: Float32Array; b: Float32Array } {
  const rng = new NumpyRandom(MATMUL_SEED);
  const a = Float32Array.from(rng.rand(n, n), (u) => u * 2 - 1);
  const b = Float32Array.from(rng.rand(n, n), (u) => u * 2 - 1);
  return { a, b };
}

/**
 * The matmul checksum: `sum |C[i, j]| * (1 + (i + 3j) mod 7)` in float64. The absolute value avoids
 * cancellation (so float32 rounding stays relative), the weights catch a transposed or shuffled result.
 */
export function matmulChecksum(c: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) s += Math.abs(c[i * n + j]) * (1 + ((i + 3 * j) % 7));
  }
  return s;
}

/** The MLP's batch, labels and initial parameters (`W` is `[in, out]`, row-major; biases are zero). */
export interface MlpData {
  x: Float32Array;
  labels: Int32Array;
  weights: Float32Array[];
  biases: Float32Array[];
}

/**
 * `x = rand(batch, in)`, `labels = randint(0, classes, size=batch)`, then per layer
 * `W = (rand(in, out) * 2 - 1) * sqrt(6 / in)` (He-uniform), all float64 draws rounded to float32.
 */
export function mlpData(sizes: Sizes): MlpData {
  const rng = new NumpyRandom(MLP_SEED);
  const dims = sizes.mlpSizes;
  const x = Float32Array.from(rng.rand(sizes.mlpBatch, dims[0]));
  const classes = dims[dims.length - 1];
  const labels = Int32Array.from(rng.randint(0, classes, sizes.mlpBatch));
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    const bound = Math.sqrt(6 / dims[l]);
    weights.push(Float32Array.from(rng.rand(dims[l], dims[l + 1]), (u) => (u * 2 - 1) * bound));
    biases.push(new Float32Array(dims[l + 1]));
  }
  return { x, labels, weights, biases };
}

/** The scalar graph's inputs. */
export function scalarInputs(): number[] {
  return [...SCALAR_INPUTS];
}

/** The scalar-graph checksum: `h + sum_i (i + 1) * dh/dx_i`. */
export function scalarChecksum(h: number, grads: readonly number[]): number {
  return grads.reduce((s, g, i) => s + (i + 1) * g, h);
}
