// Drivers of the wasm elementwise kernels (assembly/elementwise.ts): op codes, job blocks, broadcasting
// strides coalesced into [outer dims..., inner run], and the sizes below which the js kernels are faster.

import type { Storage } from "../../dtype.js";
import type { BinaryKernel, UnaryKernel } from "../backend.js";
import { KERNEL, type WasmRuntime } from "./runtime.js";

/** Unary op codes of assembly/elementwise.ts; the others (sin, cos, erf, erfc) run in js. */
export const UNARY_CODES: Partial<Record<UnaryKernel, number>> = {
  neg: 0,
  exp: 1,
  log: 2,
  log1p: 3,
  expm1: 4,
  sqrt: 5,
  tanh: 6,
  sigmoid: 7,
  relu: 8,
  abs: 9,
  sign: 10,
  softplus: 11,
  copy: 12,
};

/** Binary op codes of assembly/elementwise.ts; pow runs in js. */
export const BINARY_CODES: Partial<Record<BinaryKernel, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
  gt: 6,
  ge: 7,
  lt: 8,
  le: 9,
  eq: 10,
  ne: 11,
  bce: 12,
};

/** Elements per chunk: threads are woken only for jobs of several chunks. */
const CHUNK = 1 << 14;

export function wasmUnary(rt: WasmRuntime, op: UnaryKernel, x: Storage, out: Storage): void {
  const is64 = out instanceof Float64Array;
  const sz = is64 ? 8 : 4;
  const n = out.length;
  const chunks = Math.ceil(n / CHUNK);
  if (chunks > 1) rt.pool?.wake();
  const arena = rt.arena;
  arena.reset();
  const job = arena.alloc(20);
  const xAt = arena.alloc(n * sz);
  const outAt = arena.alloc(n * sz);
  arena.write(xAt, x, is64);
  const i32 = arena.i32;
  const j = job >>> 2;
  i32[j] = UNARY_CODES[op] as number;
  i32[j + 1] = xAt;
  i32[j + 2] = outAt;
  i32[j + 3] = n;
  i32[j + 4] = CHUNK;
  rt.run(is64 ? KERNEL.unaryF64 : KERNEL.unaryF32, job, chunks, chunks > 1);
  arena.read(outAt, out, is64);
}

/**
 * Dims of a broadcast binary op after dropping size-1 dims and merging neighbours that both operands
 * walk contiguously: [size, aStride, bStride] per dim, outermost first.
 */
function coalesce(
  shape: readonly number[],
  aStrides: readonly number[],
  bStrides: readonly number[],
): [number, number, number][] {
  const dims: [number, number, number][] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const prev = dims[dims.length - 1];
    if (prev && prev[1] === aStrides[d] * shape[d] && prev[2] === bStrides[d] * shape[d]) {
      prev[0] *= shape[d];
      prev[1] = aStrides[d];
      prev[2] = bStrides[d];
    } else dims.push([shape[d], aStrides[d], bStrides[d]]);
  }
  if (dims.length === 0) dims.push([1, 0, 0]);
  return dims;
}

/**
 * `out = a op b` over `shape`, reading `a` and `b` through strides (0 along broadcast dims, else the
 * contiguous strides of their own shapes), so broadcast operands are never materialised.
 */
export function wasmBinary(
  rt: WasmRuntime,
  op: BinaryKernel,
  a: Storage,
  aStrides: readonly number[],
  b: Storage,
  bStrides: readonly number[],
  out: Storage,
  shape: readonly number[],
): void {
  const is64 = out instanceof Float64Array;
  const sz = is64 ? 8 : 4;
  const n = out.length;
  const dims = coalesce(shape, aStrides, bStrides);
  const [inner, sa, sb] = dims[dims.length - 1];
  const outer = dims.slice(0, -1);
  const rows = n / inner;
  const per = Math.max(1, Math.floor(CHUNK / inner));
  const chunks = Math.ceil(rows / per);
  if (chunks > 1) rt.pool?.wake();
  const arena = rt.arena;
  arena.reset();
  const job = arena.alloc((10 + 3 * outer.length) * 4);
  const aAt = arena.alloc(a.length * sz);
  const bAt = arena.alloc(b.length * sz);
  const outAt = arena.alloc(n * sz);
  arena.write(aAt, a, is64);
  arena.write(bAt, b, is64);
  const i32 = arena.i32;
  const j = job >>> 2;
  i32[j] = BINARY_CODES[op] as number;
  i32[j + 1] = aAt;
  i32[j + 2] = bAt;
  i32[j + 3] = outAt;
  i32[j + 4] = rows;
  i32[j + 5] = inner;
  i32[j + 6] = outer.length;
  // Along the inner run a stride is 1 (contiguous) or 0 (broadcast).
  i32[j + 7] = sa === 0 ? 0 : 1;
  i32[j + 8] = sb === 0 ? 0 : 1;
  i32[j + 9] = per;
  for (let d = 0; d < outer.length; d++) {
    i32[j + 10 + 3 * d] = outer[d][0];
    i32[j + 11 + 3 * d] = outer[d][1];
    i32[j + 12 + 3 * d] = outer[d][2];
  }
  rt.run(is64 ? KERNEL.binaryF64 : KERNEL.binaryF32, job, chunks, chunks > 1);
  arena.read(outAt, out, is64);
}

/** `out = cond != 0 ? a : b`, all of one length. */
export function wasmWhere(rt: WasmRuntime, cond: Storage, a: Storage, b: Storage, out: Storage): void {
  const is64 = out instanceof Float64Array;
  const sz = is64 ? 8 : 4;
  const n = out.length;
  const arena = rt.arena;
  arena.reset();
  const job = arena.alloc(20);
  const cAt = arena.alloc(n * sz);
  const aAt = arena.alloc(n * sz);
  const bAt = arena.alloc(n * sz);
  const outAt = arena.alloc(n * sz);
  arena.write(cAt, cond, is64);
  arena.write(aAt, a, is64);
  arena.write(bAt, b, is64);
  const i32 = arena.i32;
  const j = job >>> 2;
  i32[j] = cAt;
  i32[j + 1] = aAt;
  i32[j + 2] = bAt;
  i32[j + 3] = outAt;
  i32[j + 4] = n;
  (rt.exports[is64 ? "whereF64" : "whereF32"] as (job: number) => void)(job);
  arena.read(outAt, out, is64);
}
