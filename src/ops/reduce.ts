// Reductions (sum, max, min, arg-reductions) with their derivative rules; mean, var, logSumExp composed.

import { getBackend } from "../backend/registry.js";
import { ValueError } from "../errors.js";
import { normalizeDim, normalizeDims, reducedShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { apply } from "./apply.js";
import { add, div, eq, exp, log, mul, ne, sub, where } from "./elementwise.js";
import { expand, reshape } from "./layout.js";
import type { RuleTable } from "./rule.js";
import type { PrimitiveAttrs } from "./rules.js";
import { checkTensor, empty } from "./util.js";

type ReduceAttrs = { dims: number[]; keepDim: boolean };

function reduceForward(kernel: "sum" | "max" | "min") {
  return ([x]: readonly Tensor[], { dims, keepDim }: ReduceAttrs): Tensor => {
    if (kernel !== "sum" && x.size === 0)
      throw new ValueError(kernel, "cannot reduce an empty tensor (no identity for max/min), got 0 elements");
    const out = empty(reducedShape(x.shape, dims, keepDim), x.dtype);
    getBackend().reduce(kernel, x._storage, x.shape, dims, out._storage);
    return out;
  };
}

/** `g` (of the reduced shape) reshaped with the reduced dims kept as 1, then broadcast back to `shape`. */
function unreduce(g: Tensor, shape: readonly number[], dims: readonly number[]): Tensor {
  return expand(reshape(g, reducedShape(shape, dims, true)), shape);
}

// NOTE: at ties max/min share the gradient equally among the tied elements, as the API promises; when the
// result is NaN, the NaN elements share it (as PyTorch's evenly_distribute_backward).
function extremumVjp(g: Tensor, y: Tensor, [x]: readonly Tensor[], { dims }: ReduceAttrs): Tensor[] {
  const yb = unreduce(y, x.shape, dims);
  const mask = add(eq(x, yb), mul(ne(x, x), ne(yb, yb)));
  const count = sumOf(mask, dims, true);
  return [mul(mask, unreduce(div(g, reshape(count, y.shape)), x.shape, dims))];
}

/** The same Jacobian as {@link extremumVjp}: the mean of the tangents of the tied extrema. */
function extremumJvp(
  [t]: readonly (Tensor | null)[],
  y: Tensor,
  [x]: readonly Tensor[],
  { dims }: ReduceAttrs,
): Tensor | null {
  if (t === null) return null;
  const yb = unreduce(y, x.shape, dims);
  const mask = add(eq(x, yb), mul(ne(x, x), ne(yb, yb)));
  return reshape(div(sumOf(mul(mask, t), dims, true), sumOf(mask, dims, true)), y.shape);
}

export const reduceRules: RuleTable<Pick<PrimitiveAttrs, "sum" | "max" | "min" | "argReduce">> = {
  // ∂(Σ x)/∂x_i = 1: the gradient is broadcast back over the reduced dims
  sum: {
    forward: reduceForward("sum"),
    vjp: (g, _y, [x], { dims }) => [unreduce(g, x.shape, dims)],
    jvp: ([t], _y, _x, { dims, keepDim }) => (t === null ? null : sumOf(t, dims, keepDim)),
  },
  max: { forward: reduceForward("max"), vjp: extremumVjp, jvp: extremumJvp },
  min: { forward: reduceForward("min"), vjp: extremumVjp, jvp: extremumJvp },
  argReduce: {
    forward: ([x], { kernel, dim, keepDim }) => {
      if (x.size === 0)
        throw new ValueError(kernel, "cannot take the index of an empty tensor, got 0 elements");
      if (dim === null) {
        const out = empty(keepDim ? x.shape.map(() => 1) : [], x.dtype);
        getBackend().argReduce(kernel, x._storage, [x.size], 0, out._storage);
        return out;
      }
      const out = empty(reducedShape(x.shape, [dim], keepDim), x.dtype);
      getBackend().argReduce(kernel, x._storage, x.ndim === 0 ? [1] : x.shape, dim, out._storage);
      return out;
    },
  },
};

function sumOf(x: Tensor, dims: number[], keepDim: boolean): Tensor {
  return apply("sum", [x], { dims, keepDim });
}

/**
 * Sum over `dim` (a number or an array of numbers, negative counting from the end); all dims when omitted,
 * giving a 0-d tensor. `keepDim` keeps reduced dims as size 1.
 *
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), 1); // [3, 7]
 * ```
 */
export function sum(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  checkTensor("sum", x);
  return sumOf(x, normalizeDims("sum", dim, x.ndim), keepDim);
}

/**
 * Mean over `dim` (all dims when omitted).
 *
 * @example
 * ```ts
 * mean(tensor([[1, 2], [3, 4]]), 0); // [2, 3]
 * ```
 */
export function mean(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  checkTensor("mean", x);
  const dims = normalizeDims("mean", dim, x.ndim);
  let count = 1;
  for (const d of dims) count *= x.shape[d];
  return div(sumOf(x, dims, keepDim), count);
}

/**
 * Maximum values over `dim` (all dims when omitted). Returns the values only; see {@link argmax} for indices.
 * NOTE: at ties the gradient is shared equally among the maxima.
 *
 * @example
 * ```ts
 * max(tensor([[1, 5], [7, 2]]), 1); // [5, 7]
 * ```
 */
export function max(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  checkTensor("max", x);
  return apply("max", [x], { dims: normalizeDims("max", dim, x.ndim), keepDim });
}

/**
 * Minimum values over `dim` (all dims when omitted). NOTE: at ties the gradient is shared equally.
 *
 * @example
 * ```ts
 * min(tensor([[1, 5], [7, 2]]), 1); // [1, 2]
 * ```
 */
export function min(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  checkTensor("min", x);
  return apply("min", [x], { dims: normalizeDims("min", dim, x.ndim), keepDim });
}

function argReduce(
  kernel: "argmax" | "argmin",
  x: Tensor,
  dim: number | undefined,
  keepDim: boolean,
): Tensor {
  checkTensor(kernel, x);
  const d = dim === undefined ? null : normalizeDim(kernel, dim, x.ndim);
  return apply("argReduce", [x], { kernel, dim: x.ndim === 0 ? null : d, keepDim });
}

/**
 * Index of the maximum along `dim` (of the flattened tensor when omitted); the first index at ties.
 * Indices come back as a tensor of the input's dtype (exact integers), without gradient.
 *
 * @example
 * ```ts
 * argmax(tensor([[1, 5], [7, 2]]), 1); // [1, 0]
 * ```
 */
export function argmax(x: Tensor, dim?: number, keepDim = false): Tensor {
  return argReduce("argmax", x, dim, keepDim);
}

/**
 * Index of the minimum along `dim` (of the flattened tensor when omitted); the first index at ties.
 *
 * @example
 * ```ts
 * argmin(tensor([3, 1, 2])); // 1 (a 0-d tensor)
 * ```
 */
export function argmin(x: Tensor, dim?: number, keepDim = false): Tensor {
  return argReduce("argmin", x, dim, keepDim);
}

/**
 * `log(Σ exp(x))` over `dim` (all dims when omitted), stable for any finite input.
 *
 * @example
 * ```ts
 * logSumExp(tensor([1000, 1000])); // 1000.6931…
 * ```
 */
export function logSumExp(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  checkTensor("logSumExp", x);
  const dims = normalizeDims("logSumExp", dim, x.ndim);
  // NOTE: the result does not depend on the shift m, so m is detached; a non-finite m is replaced by 0.
  const m = apply("max", [x.detach()], { dims, keepDim: true });
  const shift = where(eq(m, m).mul(m.abs().lt(Infinity)), m, 0);
  const out = add(log(sumOf(exp(sub(x, shift)), dims, true)), shift);
  return keepDim ? out : reshape(out, reducedShape(x.shape, dims, false));
}

/**
 * Variance over `dim` (all when omitted) with `correction` (1 = Bessel's, as PyTorch's default).
 *
 * @example
 * ```ts
 * variance(tensor([1, 2, 3, 4])); // 1.6667
 * ```
 */
export function variance(
  x: Tensor,
  dim?: number | readonly number[],
  keepDim = false,
  correction = 1,
): Tensor {
  checkTensor("var", x);
  const dims = normalizeDims("var", dim, x.ndim);
  let count = 1;
  for (const d of dims) count *= x.shape[d];
  const centered = sub(x, mean(x, dims, true));
  return div(sumOf(mul(centered, centered), dims, keepDim), Math.max(0, count - correction));
}
