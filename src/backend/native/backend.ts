// The native backend object: each method calls the C++ addon when the dtypes allow it and the size makes the
// call pay off, and otherwise delegates to the fallback backend (the registry passes js: below these sizes the
// wasm backend would run its js kernels too), so small tensors keep js's cheaper per-op cost. Data-movement kernels (strided views, gather, scatter,
// arg-reductions, where) always go to the fallback.

import type { Storage } from "../../dtype.js";
import type { Backend, BinaryKernel, FusedActivation, ReduceKernel, UnaryKernel } from "../backend.js";
import { jsBackend } from "../js/index.js";
import { envVar } from "../wasm/env.js";
import { ACT_CODE, BINARY_CODE, REDUCE_CODE, UNARY_CODE } from "./codes.js";
import type { NativeAddon } from "./loader.js";

/**
 * Sizes from which each native kernel beats the fallback (elements; multiply-adds m·k·n for matmul), measured
 * with scripts/native-crossover.ts (one thread, float32) on the project's 2-core AVX-512 machine while it was
 * heavily loaded (load average 15), so they are rounded generously. Below them the js kernels win (and
 * the wasm backend runs its js kernels there too): a Node-API call costs 0.4-1 µs, which js matches for a few
 * dozen transcendental elements, a few hundred additions, or a ~10x10x10 product. Whole-array sums stay in
 * js longer because its float64 accumulation loop is already fast.
 */
export interface NativeLimits {
  matmul: number;
  unary: number;
  /** Same-shape binary ops, or an operand of length 1. */
  binary: number;
  /** True broadcasts (the fallback would gather the operand first). */
  broadcast: number;
  reduce: number;
  softmax: number;
}

export const NATIVE_LIMITS: NativeLimits = {
  matmul: 1000,
  unary: 32,
  binary: 512,
  broadcast: 64,
  reduce: 1024,
  softmax: 256,
};

/** Every size to the addon: CHAINRULE_NATIVE_ALWAYS=1 (the test suite's native run uses it). */
const ALWAYS: NativeLimits = { matmul: 0, unary: 0, binary: 0, broadcast: 0, reduce: 0, softmax: 0 };

/** True when every array has out's type (the addon computes one dtype per call). */
function same(out: Storage, a: Storage, b?: Storage): boolean {
  const f64 = out instanceof Float64Array;
  return a instanceof Float64Array === f64 && (b === undefined || b instanceof Float64Array === f64);
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

/** One reusable Float64Array per length up to 8 (shapes, strides, one-batch offsets), refilled per call. */
const scratch: Float64Array[][] = Array.from({ length: 4 }, () =>
  Array.from({ length: 9 }, (_, n) => new Float64Array(n)),
);

/** `values` as a Float64Array; `slot` (0-3) keeps the arrays of one call apart. */
function f64(values: readonly number[], slot: number): Float64Array {
  const n = values.length;
  const out = n <= 8 ? scratch[slot][n] : new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i];
  return out;
}

/**
 * The native backend over a loaded addon, delegating to `fallback` where the addon does not pay off.
 *
 * @param addon The loaded addon (see `loadNativeAddon`).
 * @param fallback The backend small or mixed-dtype calls go to (the registry passes the js backend).
 * @param always Send every size the addon can take to it (defaults to CHAINRULE_NATIVE_ALWAYS=1).
 */
export function createNativeBackend(
  addon: NativeAddon,
  fallback: Backend,
  always = envVar("CHAINRULE_NATIVE_ALWAYS") === "1",
): Backend {
  const limits = always ? ALWAYS : NATIVE_LIMITS;
  const actBackward = addon.actBackward?.bind(addon);
  return {
    name: "native",
    // One call replaces the rule's two or three ops (each allocating), so it pays off at any size.
    ...(actBackward && {
      activationBackward(act: FusedActivation, g: Storage, v: Storage, out: Storage): void {
        actBackward(ACT_CODE[act], g, v, out);
      },
    }),
    unary(op: UnaryKernel, x: Storage, out: Storage): void {
      const code = UNARY_CODE[op];
      if (code !== undefined && out.length >= limits.unary && out.length > 0 && same(out, x))
        addon.unary(code, x, out);
      else fallback.unary(op, x, out);
    },
    binary(op: BinaryKernel, a: Storage, b: Storage, out: Storage): void {
      const code = BINARY_CODE[op];
      if (code !== undefined && out.length >= limits.binary && out.length > 0 && same(out, a, b))
        addon.binary(code, a, b, out);
      else fallback.binary(op, a, b, out);
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
      const code = BINARY_CODE[op];
      if (code !== undefined && out.length >= limits.broadcast && out.length > 0 && same(out, a, b)) {
        addon.binaryStrided(code, a, f64(aStrides, 0), b, f64(bStrides, 1), out, f64(shape, 2));
      } else if (fallback.binaryStrided !== undefined) {
        fallback.binaryStrided(op, a, aStrides, b, bStrides, out, shape);
      } else {
        const n = out.length;
        fallback.binary(op, materialize(a, aStrides, shape, n), materialize(b, bStrides, shape, n), out);
      }
    },
    where: (cond, a, b, out) => fallback.where(cond, a, b, out),
    strided: (x, offset, strides, out, outShape) => fallback.strided(x, offset, strides, out, outShape),
    reduce(
      op: ReduceKernel,
      x: Storage,
      shape: readonly number[],
      dims: readonly number[],
      out: Storage,
    ): void {
      const code = REDUCE_CODE[op];
      if (code !== undefined && x.length >= limits.reduce && x.length > 0 && out.length > 0 && same(out, x))
        addon.reduce(code, x, f64(shape, 0), f64(dims, 1), out);
      else fallback.reduce(op, x, shape, dims, out);
    },
    argReduce: (op, x, shape, dim, out) => fallback.argReduce(op, x, shape, dim, out),
    softmax(x: Storage, outer: number, n: number, inner: number, out: Storage, log: boolean): void {
      if (x.length >= limits.softmax && x.length > 0 && same(out, x))
        addon.softmax(x, outer, n, inner, out, log);
      else fallback.softmax(x, outer, n, inner, out, log);
    },
    gather: (x, shape, dim, index, indexShape, out) => fallback.gather(x, shape, dim, index, indexShape, out),
    scatterAdd: (out, shape, dim, index, indexShape, src) =>
      fallback.scatterAdd(out, shape, dim, index, indexShape, src),
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
      if (m * k * n < limits.matmul || out.length === 0) {
        fallback.matmul(a, aOffsets, b, bOffsets, out, m, k, n, transA, transB);
        return;
      }
      let left = a;
      let right = b;
      if (!same(out, a, b)) {
        // A float32 operand into a float64 product converts exactly; a float64 operand into a float32
        // product would round before multiplying, which the reference does not do: leave that to the fallback.
        if (!(out instanceof Float64Array)) {
          fallback.matmul(a, aOffsets, b, bOffsets, out, m, k, n, transA, transB);
          return;
        }
        if (!(left instanceof Float64Array)) left = Float64Array.from(left);
        if (!(right instanceof Float64Array)) right = Float64Array.from(right);
      }
      addon.matmul(left, f64(aOffsets, 2), right, f64(bOffsets, 3), out, m, k, n, transA, transB);
    },
  };
}
