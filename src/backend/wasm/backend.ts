// The wasm backend object: each method runs the wasm kernel when the input is large enough for the copy
// into and out of wasm memory to pay off, and the js reference kernel otherwise (tiny tensors keep the js
// backend's per-op cost). Kernels that only move data (strided views, gather, scatter, arg-reductions) stay
// in js: a copy into and out of wasm memory would cost more than the move itself.

import type { Storage } from "../../dtype.js";
import type { Backend, BinaryKernel, ReduceKernel, UnaryKernel } from "../backend.js";
import { jsBackend } from "../js/index.js";
import { ArenaFullError } from "./arena.js";
import { BINARY_CODES, UNARY_CODES, wasmBinary, wasmUnary, wasmWhere } from "./elementwise.js";
import { envVar } from "./env.js";
import { wasmMatmul } from "./matmul.js";
import { reductionView, wasmReduce, wasmSoftmax } from "./reduce.js";
import type { WasmRuntime } from "./runtime.js";

/**
 * Sizes from which each wasm kernel beats the js kernel, copies in and out included (elements; multiply-adds
 * for matmul), measured with scripts/wasm-crossover.ts (see the README). Contiguous binary ops are bound by
 * memory traffic, where the copies cost about as much as the js loop, so they gain later than the rest.
 */
export interface WasmLimits {
  matmul: number;
  /** Unary kernels (the js loop calls a function per element, so even cheap ones gain early). */
  unary: number;
  /** Binary kernels on operands of full length or length 1. */
  binary: number;
  /** Binary kernels on a true broadcast (js would materialise the operand first). */
  broadcast: number;
  where: number;
  reduce: number;
  softmax: number;
}

export const WASM_LIMITS: WasmLimits = {
  matmul: 2048,
  unary: 64,
  binary: 1024,
  broadcast: 64,
  where: 256,
  reduce: 64,
  softmax: 1024,
};

/** Every kernel wasm has, whatever the size: CHAINRULE_WASM_ALWAYS=1 (the test suite's wasm run uses it). */
const ALWAYS: WasmLimits = { matmul: 0, unary: 0, binary: 0, broadcast: 0, where: 0, reduce: 0, softmax: 0 };

/** True when a kernel computing in `out`'s dtype sees every input exactly (no float64 input into float32). */
function exact(out: Storage, a: Storage, b?: Storage): boolean {
  return out instanceof Float64Array || (!(a instanceof Float64Array) && !(b instanceof Float64Array));
}

/** `x` read through `strides` as a contiguous array of `shape` (`x` itself when already full or a scalar). */
function materialize(
  x: Storage,
  strides: readonly number[],
  shape: readonly number[],
  size: number,
): Storage {
  if (x.length === size || x.length === 1) return x;
  const copy = x instanceof Float64Array ? new Float64Array(size) : new Float32Array(size);
  jsBackend.strided(x, 0, strides, copy, shape);
  return copy;
}

/** Runs a wasm kernel; false when its operands do not fit in wasm memory (the caller then runs js). */
function ran(kernel: () => void): boolean {
  try {
    kernel();
    return true;
  } catch (error) {
    if (error instanceof ArenaFullError) return false;
    throw error;
  }
}

/** The wasm backend over one runtime. */
export function createWasmBackend(rt: WasmRuntime): Backend {
  const limits = envVar("CHAINRULE_WASM_ALWAYS") === "1" ? ALWAYS : WASM_LIMITS;
  return {
    name: "wasm",
    unary(op: UnaryKernel, x: Storage, out: Storage): void {
      const wasm = UNARY_CODES[op] !== undefined && out.length >= limits.unary && exact(out, x);
      if (!(wasm && ran(() => wasmUnary(rt, op, x, out)))) jsBackend.unary(op, x, out);
    },
    binary(op: BinaryKernel, a: Storage, b: Storage, out: Storage): void {
      const n = out.length;
      if (BINARY_CODES[op] === undefined || n < limits.binary || !exact(out, a, b)) {
        jsBackend.binary(op, a, b, out);
        return;
      }
      // A length-1 operand broadcasts: stride 0.
      const sa = a.length === 1 && n !== 1 ? 0 : 1;
      const sb = b.length === 1 && n !== 1 ? 0 : 1;
      if (!ran(() => wasmBinary(rt, op, a, [sa], b, [sb], out, [n]))) jsBackend.binary(op, a, b, out);
    },
    binaryStrided(
      op: BinaryKernel,
      a: Storage,
      aStrides: readonly number[],
      b: Storage,
      bStrides: readonly number[],
      out: Storage,
      shape: readonly number[],
    ): void {
      const wasm = BINARY_CODES[op] !== undefined && out.length >= limits.broadcast && exact(out, a, b);
      if (wasm && ran(() => wasmBinary(rt, op, a, aStrides, b, bStrides, out, shape))) return;
      // Small: materialise the broadcast operands, as the ops layer does for the js backend.
      jsBackend.binary(
        op,
        materialize(a, aStrides, shape, out.length),
        materialize(b, bStrides, shape, out.length),
        out,
      );
    },
    where(cond: Storage, a: Storage, b: Storage, out: Storage): void {
      // The kernel reads the condition in out's dtype: a float64 condition into float32 could lose a tiny nonzero.
      const sameType = cond instanceof Float64Array === out instanceof Float64Array;
      const wasm = out.length >= limits.where && sameType && exact(out, a, b);
      if (!(wasm && ran(() => wasmWhere(rt, cond, a, b, out)))) jsBackend.where(cond, a, b, out);
    },
    strided: jsBackend.strided,
    reduce(
      op: ReduceKernel,
      x: Storage,
      shape: readonly number[],
      dims: readonly number[],
      out: Storage,
    ): void {
      const view =
        x.length > 0 && x.length >= limits.reduce && exact(out, x) ? reductionView(shape, dims) : null;
      if (!(view && ran(() => wasmReduce(rt, op, x, view, out)))) jsBackend.reduce(op, x, shape, dims, out);
    },
    argReduce: jsBackend.argReduce,
    softmax(x: Storage, outer: number, n: number, inner: number, out: Storage, log: boolean): void {
      const wasm = inner === 1 && x.length >= limits.softmax && exact(out, x);
      if (!(wasm && ran(() => wasmSoftmax(rt, x, outer, n, out, log))))
        jsBackend.softmax(x, outer, n, inner, out, log);
    },
    gather: jsBackend.gather,
    scatterAdd: jsBackend.scatterAdd,
    matmul(
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
      const wasm = m * k * n >= limits.matmul;
      if (!(wasm && ran(() => wasmMatmul(rt, a, aOffsets, b, bOffsets, out, m, k, n, transA, transB))))
        jsBackend.matmul(a, aOffsets, b, bOffsets, out, m, k, n, transA, transB);
    },
  };
}
