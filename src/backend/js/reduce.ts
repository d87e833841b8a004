// Reduction kernels of the reference backend. Sums accumulate in float64 whatever the storage dtype.

import type { Storage } from "../../dtype.js";
import { splitAt } from "../../shape.js";
import type { ReduceKernel } from "../backend.js";

export function reduce(
  op: ReduceKernel,
  x: Storage,
  shape: readonly number[],
  dims: readonly number[],
  out: Storage,
): void {
  const nOut = out.length;
  const acc = new Float64Array(nOut);
  if (op === "max") acc.fill(-Infinity);
  else if (op === "min") acc.fill(Infinity);
  if (x.length === 0) {
    out.set(acc);
    return;
  }
  const nd = shape.length;
  // Output stride of each input dim; reduced dims contribute 0.
  const outStrides = new Array<number>(nd).fill(0);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    if (!dims.includes(d)) {
      outStrides[d] = s;
      s *= shape[d];
    }
  }
  const last = nd === 0 ? 1 : shape[nd - 1];
  const lastStride = nd === 0 ? 0 : outStrides[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let o = 0;
  let i = 0;
  const total = x.length;
  while (i < total) {
    if (op === "sum") {
      if (lastStride === 0) {
        let t = 0;
        for (let j = 0; j < last; j++) t += x[i + j];
        acc[o] += t;
      } else for (let j = 0; j < last; j++) acc[o + j * lastStride] += x[i + j];
    } else if (op === "max") {
      for (let j = 0; j < last; j++) {
        const v = x[i + j];
        const k = o + j * lastStride;
        // NOTE: NaN wins, as in PyTorch.
        if (acc[k] === acc[k] && !(v <= acc[k])) acc[k] = v;
      }
    } else {
      for (let j = 0; j < last; j++) {
        const v = x[i + j];
        const k = o + j * lastStride;
        if (acc[k] === acc[k] && !(v >= acc[k])) acc[k] = v;
      }
    }
    i += last;
    let d = nd - 2;
    while (d >= 0) {
      idx[d]++;
      o += outStrides[d];
      if (idx[d] < shape[d]) break;
      o -= outStrides[d] * shape[d];
      idx[d] = 0;
      d--;
    }
  }
  out.set(acc);
}

export function argReduce(
  op: "argmax" | "argmin",
  x: Storage,
  shape: readonly number[],
  dim: number,
  out: Storage,
): void {
  const [outer, n, inner] = splitAt(shape, dim);
  for (let a = 0; a < outer; a++) {
    for (let c = 0; c < inner; c++) {
      const base = a * n * inner + c;
      let best = x[base];
      let bestIdx = 0;
      if (best === best) {
        for (let j = 1; j < n; j++) {
          const v = x[base + j * inner];
          // NOTE: the first index wins at ties; a NaN wins over numbers, as in PyTorch.
          if (v !== v || (op === "argmax" ? v > best : v < best)) {
            best = v;
            bestIdx = j;
            if (v !== v) break;
          }
        }
      }
      out[a * inner + c] = bestIdx;
    }
  }
}
