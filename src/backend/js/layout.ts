// Layout kernels of the reference backend: strided gathers (views), gather and scatter-add along a dim.

import type { Storage } from "../../dtype.js";

export function strided(
  x: Storage,
  offset: number,
  strides: readonly number[],
  out: Storage,
  outShape: readonly number[],
): void {
  const nd = outShape.length;
  const total = out.length;
  if (total === 0) return;
  if (nd === 0) {
    out[0] = x[offset];
    return;
  }
  const last = outShape[nd - 1];
  const lastStride = strides[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  let o = 0;
  while (o < total) {
    // Innermost dim as a tight loop; the odometer moves the outer dims.
    if (lastStride === 1) for (let j = 0; j < last; j++) out[o++] = x[base + j];
    else if (lastStride === 0) {
      const v = x[base];
      for (let j = 0; j < last; j++) out[o++] = v;
    } else for (let j = 0; j < last; j++) out[o++] = x[base + j * lastStride];
    let d = nd - 2;
    while (d >= 0) {
      idx[d]++;
      base += strides[d];
      if (idx[d] < outShape[d]) break;
      base -= strides[d] * outShape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
}

export function gather(
  x: Storage,
  shape: readonly number[],
  dim: number,
  index: Storage,
  indexShape: readonly number[],
  out: Storage,
): void {
  forEachIndexed(shape, dim, indexShape, (o, src) => {
    out[o] = x[src(index[o])];
  });
}

export function scatterAdd(
  out: Storage,
  shape: readonly number[],
  dim: number,
  index: Storage,
  indexShape: readonly number[],
  src: Storage,
): void {
  forEachIndexed(shape, dim, indexShape, (o, dst) => {
    out[dst(index[o])] += src[o];
  });
}

/**
 * Walks every position `o` of a tensor of `indexShape` and hands `fn` a function that maps an index
 * value along `dim` to the flat position in a contiguous tensor of `shape` with the other coordinates of `o`.
 */
function forEachIndexed(
  shape: readonly number[],
  dim: number,
  indexShape: readonly number[],
  fn: (o: number, at: (i: number) => number) => void,
): void {
  const nd = indexShape.length;
  const strides = new Array<number>(nd);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  const total = indexShape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(nd).fill(0);
  let base = 0; // flat position in `shape` of idx with idx[dim] treated as 0
  const dimStride = nd === 0 ? 1 : strides[dim];
  const at = (i: number) => base + i * dimStride;
  for (let o = 0; o < total; o++) {
    fn(o, at);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      if (d !== dim) base += strides[d];
      if (idx[d] < indexShape[d]) break;
      if (d !== dim) base -= strides[d] * indexShape[d];
      idx[d] = 0;
    }
  }
}
