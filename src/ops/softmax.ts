// Softmax and log-softmax primitives: fused for numerical stability, with derivative rules in tensor ops.

import { getBackend } from "../backend/registry.js";
import { normalizeDim, splitAt } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { apply } from "./apply.js";
import { exp, mul, sub } from "./elementwise.js";
import { sum } from "./reduce.js";
import type { RuleTable } from "./rule.js";
import type { PrimitiveAttrs } from "./rules.js";
import { checkTensor, empty } from "./util.js";

function forward(log: boolean) {
  return ([x]: readonly Tensor[], { dim }: { dim: number }): Tensor => {
    const out = empty(x.shape, x.dtype);
    if (x.size === 0) return out;
    const [outer, n, inner] = splitAt(x.shape, dim);
    getBackend().softmax(x._storage, outer, n, inner, out._storage, log);
    return out;
  };
}

export const softmaxRules: RuleTable<Pick<PrimitiveAttrs, "softmax" | "logSoftmax">> = {
  // ∂softmax: y ⊙ (g - Σ g ⊙ y)
  softmax: {
    forward: forward(false),
    vjp: (g, y, _x, { dim }) => [mul(y, sub(g, sum(mul(g, y), dim, true)))],
    // The Jacobian diag(y) - y yᵀ is symmetric: the same product with the tangent.
    jvp: ([t], y, _x, { dim }) => (t === null ? null : mul(y, sub(t, sum(mul(t, y), dim, true)))),
  },
  // ∂logSoftmax: g - softmax(x) Σ g, with softmax(x) = e^y
  logSoftmax: {
    forward: forward(true),
    vjp: (g, y, _x, { dim }) => [sub(g, mul(exp(y), sum(g, dim, true)))],
    // ∂y_i/∂x_j = δ_ij - softmax_j: t - Σ softmax ⊙ t
    jvp: ([t], y, _x, { dim }) => (t === null ? null : sub(t, sum(mul(exp(y), t), dim, true))),
  },
};

/**
 * Softmax along `dim`: `exp(x) / Σ exp(x)`, computed stably for any finite input.
 *
 * @example
 * ```ts
 * softmax(tensor([1000, 1000]), 0).toArray(); // [0.5, 0.5]
 * ```
 */
export function softmax(x: Tensor, dim = -1): Tensor {
  checkTensor("softmax", x);
  return apply("softmax", [x], { dim: normalizeDim("softmax", dim, x.ndim) });
}

/**
 * Log of softmax along `dim`: `x - logSumExp(x)`, computed stably for any finite input.
 *
 * @example
 * ```ts
 * logSoftmax(tensor([0, 0]), 0).toArray(); // [-0.6931…, -0.6931…]
 * ```
 */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  checkTensor("logSoftmax", x);
  return apply("logSoftmax", [x], { dim: normalizeDim("logSoftmax", dim, x.ndim) });
}
