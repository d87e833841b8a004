// Drivers of the wasm reductions (assembly/reduce.ts) and softmax (assembly/softmax.ts): map a reduction
// onto [outer, r, inner] when its reduced dims are adjacent, and fill the job blocks.

import type { Storage } from "../../dtype.js";
import type { ReduceKernel } from "../backend.js";
import { KERNEL, type WasmRuntime } from "./runtime.js";

const REDUCE_CODES: Record<ReduceKernel, number> = { sum: 0, max: 1, min: 2 };

/** Elements per chunk of a threaded reduction. */
const CHUNK = 1 << 15;

/**
 * [outer, r, inner] of `shape` reduced over `dims` when the reduced dims (ignoring size-1 dims) are
 * adjacent; null otherwise (the js kernel handles the general case).
 */
export function reductionView(
  shape: readonly number[],
  dims: readonly number[],
): [number, number, number] | null {
  let outer = 1;
  let r = 1;
  let inner = 1;
  // 0: before the reduced block, 1: inside it, 2: after it.
  let phase = 0;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const reduced = dims.includes(d);
    if (reduced) {
      if (phase === 2) return null;
      phase = 1;
      r *= shape[d];
    } else if (phase === 0) outer *= shape[d];
    else {
      phase = 2;
      inner *= shape[d];
    }
  }
  return [outer, r, inner];
}

export function wasmReduce(
  rt: WasmRuntime,
  op: ReduceKernel,
  x: Storage,
  view: readonly [number, number, number],
  out: Storage,
): void {
  const [outer, r, inner] = view;
  const is64 = out instanceof Float64Array;
  const sz = is64 ? 8 : 4;
  let cols: number;
  let chunks: number;
  if (inner === 1) {
    cols = Math.max(1, Math.floor(CHUNK / r));
    chunks = Math.ceil(outer / cols);
  } else {
    cols = Math.min(inner, Math.max(16, Math.floor(CHUNK / r / 16) * 16));
    chunks = outer * Math.ceil(inner / cols);
  }
  const parallel = chunks > 1 && x.length >= 2 * CHUNK;
  if (parallel) rt.pool?.wake();
  const arena = rt.arena;
  arena.reset();
  const job = arena.alloc(28);
  const xAt = arena.alloc(x.length * sz);
  const outAt = arena.alloc(out.length * sz);
  arena.write(xAt, x, is64);
  const i32 = arena.i32;
  const j = job >>> 2;
  i32[j] = REDUCE_CODES[op];
  i32[j + 1] = xAt;
  i32[j + 2] = outAt;
  i32[j + 3] = outer;
  i32[j + 4] = r;
  i32[j + 5] = inner;
  i32[j + 6] = cols;
  rt.run(is64 ? KERNEL.reduceF64 : KERNEL.reduceF32, job, chunks, parallel);
  arena.read(outAt, out, is64);
}

/** Softmax (or log-softmax) of contiguous rows: `x` viewed as [rows, n]. */
export function wasmSoftmax(
  rt: WasmRuntime,
  x: Storage,
  rows: number,
  n: number,
  out: Storage,
  log: boolean,
): void {
  const is64 = out instanceof Float64Array;
  const sz = is64 ? 8 : 4;
  const per = Math.max(1, Math.floor(CHUNK / 8 / n));
  const chunks = Math.ceil(rows / per);
  const parallel = chunks > 1;
  if (parallel) rt.pool?.wake();
  const arena = rt.arena;
  arena.reset();
  const job = arena.alloc(24);
  const xAt = arena.alloc(x.length * sz);
  const outAt = arena.alloc(out.length * sz);
  arena.write(xAt, x, is64);
  const i32 = arena.i32;
  const j = job >>> 2;
  i32[j] = xAt;
  i32[j + 1] = outAt;
  i32[j + 2] = rows;
  i32[j + 3] = n;
  i32[j + 4] = log ? 1 : 0;
  i32[j + 5] = per;
  rt.run(is64 ? KERNEL.softmaxF64 : KERNEL.softmaxF32, job, chunks, parallel);
  arena.read(outAt, out, is64);
}
