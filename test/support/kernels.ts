// Inputs and comparisons for the kernel-level tests of the wasm and native backends against the js reference.

import { expect } from "vitest";
import { Generator } from "../../src/random.js";

export type Storage = Float32Array | Float64Array;
export type ArrayType = typeof Float32Array | typeof Float64Array;
export const TYPES: ArrayType[] = [Float32Array, Float64Array];

/** `n` elements of dtype `T`, element i being `f(i)`. */
export function filled(T: ArrayType, n: number, f: (i: number) => number): Storage {
  const x = new T(n);
  for (let i = 0; i < n; i++) x[i] = f(i);
  return x;
}

/** Standard normals scaled by e^(±spread): values across magnitudes, deterministic per seed. */
export function random(T: ArrayType, n: number, seed: number, scale = 1, spread = 5): Storage {
  const g = new Generator(seed);
  return filled(T, n, () => g.normal() * scale * Math.exp(spread * (2 * g.uniform() - 1)));
}

/** Values where kernels go wrong: signed zeros, NaN, infinities, subnormals. */
export const SPECIALS = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  NaN,
  Infinity,
  -Infinity,
  1e-310,
  -1e-310,
  1e-30,
  -1e-30,
  1e-8,
];
/** Values at the edges of exp/log/tanh ranges and of float32. */
export const RANGE = [
  20, -20, 88, -88, 89, -104, 700, -700, 709.7, -745, 710, -746, 1e300, -1e300, 3.4e38, 1e-40,
];

/** `values` first (SPECIALS then RANGE by default), then random ones: `n` elements. */
export function withSpecials(
  T: ArrayType,
  n: number,
  seed: number,
  values: readonly number[] = [...SPECIALS, ...RANGE],
): Storage {
  const x = random(T, n, seed);
  values.forEach((v, i) => {
    if (i < n) x[i] = v;
  });
  return x;
}

/** Distance in units in the last place of the dtype (0 when both are the same NaN/infinity). */
export function ulps(a: number, b: number, f32: boolean): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const tiny = f32 ? 2 ** -126 : 2 ** -1022;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), tiny) / (f32 ? 2 ** -23 : 2 ** -52);
}

/** Fails naming the first element of `actual` (from backend `who`) more than `maxUlps` from the js result. */
export function expectUlps(
  actual: Storage,
  expected: Storage,
  maxUlps: number,
  label: string,
  who: string,
): void {
  const f32 = actual instanceof Float32Array;
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const d = ulps(actual[i], expected[i], f32);
    if (!(d <= maxUlps))
      expect.fail(`${label}: element ${i}: ${who} ${actual[i]} vs js ${expected[i]} (${d} ulps)`);
  }
}

/** The NumPy broadcast of two shapes (the tests pass compatible ones). */
export function broadcast(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => Math.max(a[a.length - n + i] ?? 1, b[b.length - n + i] ?? 1));
}

/** Strides that read a contiguous array of `shape` broadcast to `out` (0 along broadcast dims). */
export function stridesIn(shape: number[], out: number[]): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[out.length - shape.length + i] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/** op(A)·op(B) for one batch entry in float64, and Σ|a·b| per element (for the rounding bound). */
export function naiveMatmul(
  a: Storage,
  aOff: number,
  b: Storage,
  bOff: number,
  m: number,
  k: number,
  n: number,
  tA: boolean,
  tB: boolean,
): { value: Float64Array; magnitude: Float64Array } {
  const value = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < k; p++) {
        const x = a[aOff + (tA ? p * m + i : i * k + p)] * b[bOff + (tB ? j * k + p : p * n + j)];
        s += x;
        t += Math.abs(x);
      }
      value[i * n + j] = s;
      magnitude[i * n + j] = t;
    }
  return { value, magnitude };
}
