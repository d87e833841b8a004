// The backend interface: kernels over typed arrays. Kernels know nothing about tensors or autograd.

import type { Storage } from "../dtype.js";

/** Elementwise functions of one argument that backends implement. */
export type UnaryKernel =
  | "neg"
  | "exp"
  | "log"
  | "log1p"
  | "expm1"
  | "sqrt"
  | "sin"
  | "cos"
  | "tanh"
  | "sigmoid"
  | "relu"
  | "abs"
  | "sign"
  | "erf"
  | "erfc"
  | "softplus"
  | "copy";

/** Elementwise functions of two arguments that backends implement. */
export type BinaryKernel =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "maximum"
  | "minimum"
  | "gt"
  | "ge"
  | "lt"
  | "le"
  | "eq"
  | "ne"
  | "bce";

/** Activations whose backward a backend may fuse (see {@link Backend.activationBackward}). */
export type FusedActivation = "relu" | "tanh" | "sigmoid";

/** Reductions over a set of dims. */
export type ReduceKernel = "sum" | "max" | "min";

/**
 * A compute backend. Every array argument is contiguous row-major unless strides are passed.
 * The plain TypeScript backend is the reference that faster backends are tested against.
 */
export interface Backend {
  /** A short name, e.g. `"js"`. */
  readonly name: string;
  /** `out[i] = f(x[i])`. */
  unary(op: UnaryKernel, x: Storage, out: Storage): void;
  /** `out[i] = f(a[i], b[i])`, where an operand of length 1 is broadcast to every `i`. */
  binary(op: BinaryKernel, a: Storage, b: Storage, out: Storage): void;
  /**
   * Optional fused broadcasting: `out = a op b` over `shape` (contiguous), reading `a` and `b` through
   * `aStrides`/`bStrides` (0 along broadcast dims), so broadcast operands are never materialised. Ops call
   * it for true broadcasts when a backend has it, else `binary` on materialised operands.
   */
  binaryStrided?(
    op: BinaryKernel,
    a: Storage,
    aStrides: readonly number[],
    b: Storage,
    bStrides: readonly number[],
    out: Storage,
    shape: readonly number[],
  ): void;
  /**
   * Optional fused activation backward, one pass instead of the rule's two or three ops, rounding as they do:
   * relu `out = v > 0 ? g : 0` (v = the input), tanh `out = g (1 - v²)`, sigmoid `out = g v (1 - v)`
   * (v = the output). All three arrays have one dtype and length. The ops layer calls it only when no graph is
   * being recorded (plain backward, no forward mode), so higher derivatives still see the rule's tensor ops.
   */
  activationBackward?(act: FusedActivation, g: Storage, v: Storage, out: Storage): void;
  /** `out[i] = cond[i] != 0 ? a[i] : b[i]` (all the same length). */
  where(cond: Storage, a: Storage, b: Storage, out: Storage): void;
  /** Gathers `x[offset + sum_d idx_d * strides[d]]` into contiguous `out` of `outShape` (views: expand, permute, slice). */
  strided(
    x: Storage,
    offset: number,
    strides: readonly number[],
    out: Storage,
    outShape: readonly number[],
  ): void;
  /** Reduces the sorted `dims` of `x` (of `shape`) into contiguous `out`. */
  reduce(op: ReduceKernel, x: Storage, shape: readonly number[], dims: readonly number[], out: Storage): void;
  /** Index of the largest (`argmax`) or smallest value along `dim`; the first one at ties. */
  argReduce(op: "argmax" | "argmin", x: Storage, shape: readonly number[], dim: number, out: Storage): void;
  /**
   * Batched matrix product: for each batch `t`, `out[t] = op(a[t]) @ op(b[t])` with `op(a[t])` of `[m, k]`
   * and `op(b[t])` of `[k, n]`; `out` is contiguous `[batch, m, n]` (in `out`'s dtype: an operand of the
   * other dtype is converted). `a[t]` starts at `aOffsets[t]` and is stored `[m, k]`, or `[k, m]` when
   * `transA` (then `op` transposes it); likewise `b[t]` is `[k, n]`, or `[n, k]` when `transB`. The
   * transposed forms let backward compute `G Bᵀ` and `Aᵀ G` without materialising a transpose.
   */
  matmul(
    a: Storage,
    aOffsets: readonly number[],
    b: Storage,
    bOffsets: readonly number[],
    out: Storage,
    m: number,
    k: number,
    n: number,
    transA?: boolean,
    transB?: boolean,
  ): void;
  /** Softmax (or log-softmax) over the middle axis of `x` viewed as `[outer, n, inner]`. */
  softmax(x: Storage, outer: number, n: number, inner: number, out: Storage, log: boolean): void;
  /** `out[..., j, ...] = x[..., index[..., j, ...], ...]` along `dim`; `out` has `indexShape`. */
  gather(
    x: Storage,
    shape: readonly number[],
    dim: number,
    index: Storage,
    indexShape: readonly number[],
    out: Storage,
  ): void;
  /** `out[..., index[..., j, ...], ...] += src[..., j, ...]` along `dim`; `src` has `indexShape`. */
  scatterAdd(
    out: Storage,
    shape: readonly number[],
    dim: number,
    index: Storage,
    indexShape: readonly number[],
    src: Storage,
  ): void;
}
