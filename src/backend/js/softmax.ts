// Softmax and log-softmax kernels of the reference backend.

import type { Storage } from "../../dtype.js";

// NOTE: subtracting the row maximum makes every exponent <= 0, so no finite logits overflow.
export function softmax(
  x: Storage,
  outer: number,
  n: number,
  inner: number,
  out: Storage,
  log: boolean,
): void {
  for (let a = 0; a < outer; a++) {
    for (let c = 0; c < inner; c++) {
      const base = a * n * inner + c;
      let max = -Infinity;
      for (let j = 0; j < n; j++) {
        const v = x[base + j * inner];
        if (v > max || v !== v) max = v;
      }
      if (max === -Infinity || max === Infinity) max = 0; // all -inf (or an inf): let the arithmetic give NaN/0 as PyTorch
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp(x[base + j * inner] - max);
      if (log) {
        const lse = Math.log(sum);
        for (let j = 0; j < n; j++) out[base + j * inner] = x[base + j * inner] - max - lse;
      } else {
        for (let j = 0; j < n; j++) out[base + j * inner] = Math.exp(x[base + j * inner] - max) / sum;
      }
    }
  }
}
