// The reference backend's matmul kernel against a naive triple loop, on every path it takes:
// unpacked small products, packed panels with ragged edges, several k slices, and repeated batch operands.

import { describe, expect, it } from "vitest";
import { jsBackend } from "../src/backend/js/index.js";
import { Generator } from "../src/random.js";

function naive(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      out[i * n + j] = s;
    }
  return out;
}

function random(size: number, seed: number): Float64Array {
  const g = new Generator(seed);
  return Float64Array.from({ length: size }, () => g.normal());
}

describe("js backend matmul", () => {
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 2],
    [31, 33, 32], // just under the packing threshold
    [65, 33, 17], // packed, ragged m and n
    [7, 600, 9], // packed, k in three slices
    [4, 257, 4], // a one-element last k slice
    [128, 300, 5],
  ];
  for (const [m, k, n] of sizes) {
    it(`[${m}, ${k}] @ [${k}, ${n}] matches a naive product`, () => {
      const a = random(m * k, m + k);
      const b = random(k * n, k + n);
      const out = new Float64Array(m * n);
      jsBackend.matmul(a, [0], b, [0], out, m, k, n);
      const want = naive(a, b, m, k, n);
      for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(want[i], 10);
    });
  }

  it("batches with a repeated (broadcast) operand are each right", () => {
    const [m, k, n] = [40, 50, 30];
    const a = random(2 * m * k, 1);
    const b = random(k * n, 2);
    const out = new Float64Array(3 * m * n);
    const aOffsets = [0, m * k, 0];
    jsBackend.matmul(a, aOffsets, b, [0, 0, 0], out, m, k, n);
    aOffsets.forEach((offset, t) => {
      const want = naive(a.subarray(offset, offset + m * k), b, m, k, n);
      for (let i = 0; i < m * n; i++) expect(out[t * m * n + i]).toBeCloseTo(want[i], 10);
    });
  });

  it("float32 storage is computed with float64 accumulation", () => {
    const [m, k, n] = [64, 700, 3];
    const a64 = random(m * k, 5);
    const b64 = random(k * n, 6);
    const a = Float32Array.from(a64);
    const b = Float32Array.from(b64);
    const out = new Float32Array(m * n);
    jsBackend.matmul(a, [0], b, [0], out, m, k, n);
    const want = naive(Float64Array.from(a), Float64Array.from(b), m, k, n);
    // One rounding to float32 at the end: within half an ulp (plus float64 summation-order noise).
    for (let i = 0; i < out.length; i++)
      expect(Math.abs(out[i] - want[i])).toBeLessThanOrEqual(2 ** -24 * Math.abs(want[i]) * 1.001 + 1e-12);
  });
});
