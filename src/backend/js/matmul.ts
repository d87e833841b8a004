// Matrix product kernel of the reference backend: i-k-j order with four output rows per pass,
// so each row of B loaded from memory serves four rows of A. Accumulates in float64.

import type { Storage } from "../../dtype.js";

export function matmul(
  a: Storage,
  aOffsets: readonly number[],
  b: Storage,
  bOffsets: readonly number[],
  out: Storage,
  m: number,
  k: number,
  n: number,
): void {
  const acc = new Float64Array(4 * n);
  for (let t = 0; t < aOffsets.length; t++) {
    const ao = aOffsets[t];
    const bo = bOffsets[t];
    const oo = t * m * n;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      acc.fill(0);
      const r0 = ao + i * k;
      const r1 = r0 + k;
      const r2 = r1 + k;
      const r3 = r2 + k;
      for (let p = 0; p < k; p++) {
        const a0 = a[r0 + p];
        const a1 = a[r1 + p];
        const a2 = a[r2 + p];
        const a3 = a[r3 + p];
        const bp = bo + p * n;
        for (let j = 0; j < n; j++) {
          const bv = b[bp + j];
          acc[j] += a0 * bv;
          acc[n + j] += a1 * bv;
          acc[2 * n + j] += a2 * bv;
          acc[3 * n + j] += a3 * bv;
        }
      }
      const o = oo + i * n;
      for (let j = 0; j < 4 * n; j++) out[o + j] = acc[j];
    }
    for (; i < m; i++) {
      acc.fill(0, 0, n);
      const r0 = ao + i * k;
      for (let p = 0; p < k; p++) {
        const a0 = a[r0 + p];
        const bp = bo + p * n;
        for (let j = 0; j < n; j++) acc[j] += a0 * b[bp + j];
      }
      const o = oo + i * n;
      for (let j = 0; j < n; j++) out[o + j] = acc[j];
    }
  }
}
