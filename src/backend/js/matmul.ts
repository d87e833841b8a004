// Matrix product kernel of the reference backend. Both operands are packed into panels of four rows
// (of A) and four columns (of B), contiguous along k (either one read transposed when asked, so transposes
// are never materialised), and a 4x4 block of C is accumulated in sixteen local variables: sixteen
// multiply-adds per eight loads, where a naive loop does one per two.
// Accumulates in float64 whatever the storage dtype.

import type { Storage } from "../../dtype.js";

/**
 * Packs rows `[0, m)` of op(A) into panels: `out[(i >> 2) k 4 + 4p + (i & 3)] = op(A)[i, p]`, where A is
 * `[m, k]` at `offset`, or `[k, m]` read transposed when `trans` (so a transpose is never materialised).
 */
function packRows(a: Storage, offset: number, m: number, k: number, trans: boolean, out: Float64Array): void {
  out.fill(0);
  // Element (i, p) of op(A) sits at offset + i * si + p * sp.
  const si = trans ? 1 : k;
  const sp = trans ? m : 1;
  for (let i = 0; i < m; i++) {
    const base = (i >> 2) * k * 4 + (i & 3);
    const row = offset + i * si;
    for (let p = 0; p < k; p++) out[base + 4 * p] = a[row + p * sp];
  }
}

/**
 * Packs columns of op(B) into panels: `out[(j >> 2) k 4 + 4p + (j & 3)] = op(B)[p, j]`, where B is `[k, n]`
 * at `offset`, or `[n, k]` read transposed when `trans`.
 */
function packColumns(
  b: Storage,
  offset: number,
  k: number,
  n: number,
  trans: boolean,
  out: Float64Array,
): void {
  out.fill(0);
  // Element (p, j) of op(B) sits at offset + p * sp + j * sj.
  const sp = trans ? 1 : n;
  const sj = trans ? k : 1;
  for (let p = 0; p < k; p++) {
    const row = offset + p * sp;
    for (let j = 0; j < n; j++) out[(j >> 2) * k * 4 + 4 * p + (j & 3)] = b[row + j * sj];
  }
}

/** Depth of one pass over k: keeps a 4-row and a 4-column panel slice (2 x 8 KB) in L1. */
const KC = 256;

/** Below this many multiply-adds per matrix, packing costs more than it saves. */
const SMALL = 32768;

/** Dot products straight from the operands: no allocation, for small matrices. */
function matmulSmall(
  a: Storage,
  aOffsets: readonly number[],
  b: Storage,
  bOffsets: readonly number[],
  out: Storage,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  // Strides of op(A)[i, p] and op(B)[p, j] in their storage.
  const si = transA ? 1 : k;
  const sap = transA ? m : 1;
  const sbp = transB ? 1 : n;
  const sj = transB ? k : 1;
  for (let t = 0; t < aOffsets.length; t++) {
    const ao = aOffsets[t];
    const bo = bOffsets[t];
    let o = t * m * n;
    for (let i = 0; i < m; i++) {
      const row = ao + i * si;
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0, q = bo + j * sj; p < k; p++, q += sbp) sum += a[row + p * sap] * b[q];
        out[o++] = sum;
      }
    }
  }
}

export function matmul(
  a: Storage,
  aOffsets: readonly number[],
  b: Storage,
  bOffsets: readonly number[],
  out: Storage,
  m: number,
  k: number,
  n: number,
  transA = false,
  transB = false,
): void {
  if (m * k * n <= SMALL) {
    matmulSmall(a, aOffsets, b, bOffsets, out, m, k, n, transA, transB);
    return;
  }
  const mPanels = (m + 3) >> 2;
  const nPanels = (n + 3) >> 2;
  const ap = new Float64Array(mPanels * k * 4);
  const bp = new Float64Array(nPanels * k * 4);
  let packedA = -1;
  let packedB = -1;
  const acc = new Float64Array(mPanels * 4 * nPanels * 4);
  for (let t = 0; t < aOffsets.length; t++) {
    // Broadcast batches often repeat an operand: pack it once.
    if (aOffsets[t] !== packedA) packRows(a, aOffsets[t], m, k, transA, ap);
    if (bOffsets[t] !== packedB) packColumns(b, bOffsets[t], k, n, transB, bp);
    packedA = aOffsets[t];
    packedB = bOffsets[t];
    const oo = t * m * n;
    acc.fill(0);
    const ldc = nPanels * 4;
    for (let k0 = 0; k0 < k; k0 += KC) {
      const k1 = Math.min(k, k0 + KC);
      for (let jb = 0; jb < nPanels; jb++) {
        const pb0 = jb * k * 4 + k0 * 4;
        const j0 = jb * 4;
        for (let ib = 0; ib < mPanels; ib++) {
          let pa = ib * k * 4 + k0 * 4;
          let pb = pb0;
          let c00 = 0,
            c01 = 0,
            c02 = 0,
            c03 = 0;
          let c10 = 0,
            c11 = 0,
            c12 = 0,
            c13 = 0;
          let c20 = 0,
            c21 = 0,
            c22 = 0,
            c23 = 0;
          let c30 = 0,
            c31 = 0,
            c32 = 0,
            c33 = 0;
          for (let p = k0; p < k1; p++) {
            const a0 = ap[pa];
            const a1 = ap[pa + 1];
            const a2 = ap[pa + 2];
            const a3 = ap[pa + 3];
            const b0 = bp[pb];
            const b1 = bp[pb + 1];
            const b2 = bp[pb + 2];
            const b3 = bp[pb + 3];
            c00 += a0 * b0;
            c01 += a0 * b1;
            c02 += a0 * b2;
            c03 += a0 * b3;
            c10 += a1 * b0;
            c11 += a1 * b1;
            c12 += a1 * b2;
            c13 += a1 * b3;
            c20 += a2 * b0;
            c21 += a2 * b1;
            c22 += a2 * b2;
            c23 += a2 * b3;
            c30 += a3 * b0;
            c31 += a3 * b1;
            c32 += a3 * b2;
            c33 += a3 * b3;
            pa += 4;
            pb += 4;
          }
          let o = ib * 4 * ldc + j0;
          acc[o] += c00;
          acc[o + 1] += c01;
          acc[o + 2] += c02;
          acc[o + 3] += c03;
          o += ldc;
          acc[o] += c10;
          acc[o + 1] += c11;
          acc[o + 2] += c12;
          acc[o + 3] += c13;
          o += ldc;
          acc[o] += c20;
          acc[o + 1] += c21;
          acc[o + 2] += c22;
          acc[o + 3] += c23;
          o += ldc;
          acc[o] += c30;
          acc[o + 1] += c31;
          acc[o + 2] += c32;
          acc[o + 3] += c33;
        }
      }
    }
    for (let i = 0; i < m; i++) {
      const src = i * ldc;
      const dst = oo + i * n;
      for (let j = 0; j < n; j++) out[dst + j] = acc[src + j];
    }
  }
}
