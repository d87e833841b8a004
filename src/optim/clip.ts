// Gradient clipping: rescale all gradients to a maximum total norm, or clamp each element.

import { Tensor } from "../core.js";
import { describeValue, TypeMismatchError, ValueError } from "../errors.js";
import { checkBoolean, checkNumber } from "./validate.js";

function gradsOf(op: string, params: Tensor | Iterable<Tensor>): Tensor[] {
  let list: unknown[];
  if (params instanceof Tensor) list = [params];
  else if (
    typeof params === "object" &&
    params !== null &&
    typeof (params as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function"
  ) {
    list = Array.from(params as Iterable<unknown>);
  } else {
    throw new TypeMismatchError(
      op,
      `params must be a tensor or an array of tensors, got ${describeValue(params)}`,
    );
  }
  const grads: Tensor[] = [];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) {
      throw new TypeMismatchError(op, `params[${i}] must be a Tensor, got ${describeValue(p)}`);
    }
    if (p.grad !== null && p.grad !== undefined) grads.push(p.grad);
  });
  return grads;
}

/** The p-norm of one storage, scaled by its largest magnitude so that squares neither overflow nor underflow. */
function storageNorm(g: Float32Array | Float64Array, p: number): number {
  let max = 0;
  for (let i = 0; i < g.length; i++) {
    const a = Math.abs(g[i]);
    if (a > max) max = a;
    else if (Number.isNaN(a)) return Number.NaN;
  }
  if (p === Number.POSITIVE_INFINITY || max === 0 || max === Number.POSITIVE_INFINITY) return max;
  const inv = 1 / max;
  let sum = 0;
  if (p === 2) {
    for (let i = 0; i < g.length; i++) {
      const a = g[i] * inv;
      sum += a * a;
    }
    return max * Math.sqrt(sum);
  }
  for (let i = 0; i < g.length; i++) sum += Math.abs(g[i] * inv) ** p;
  return max * sum ** (1 / p);
}

/** The p-norm of a list of non-negative numbers (the per-tensor norms), as `storageNorm`. */
function combineNorms(norms: number[], p: number): number {
  return storageNorm(Float64Array.from(norms), p);
}

/**
 * Rescales the gradients of `params` in place so that their total norm (the norm of all gradients
 * concatenated into one vector) is at most `maxNorm`, as PyTorch's `torch.nn.utils.clip_grad_norm_`,
 * and returns the total norm before clipping. Every gradient is multiplied by
 * `min(1, maxNorm / (total + 1e-6))`. Parameters whose `.grad` is `null` are ignored; with no gradients
 * at all the result is 0.
 *
 * `normType` is any positive number, or `Infinity` for the largest absolute value. The norm is computed in
 * float64 whatever the gradients' dtype.
 *
 * NOTE: as PyTorch's default (`error_if_nonfinite=False`), a non-finite total norm is not an error: a NaN
 * total turns every gradient into NaN and an infinite total multiplies every gradient by 0 (so infinite
 * entries become NaN), which makes the bad step visible. Pass `errorIfNonfinite: true` to throw instead
 * (and leave the gradients untouched).
 *
 * @example
 * ```ts
 * import { optim } from "chainrule";
 * loss.backward();
 * const norm = optim.clipGradNorm(model.parameters(), 1.0); // gradients now have total 2-norm <= 1
 * opt.step();
 * ```
 */
export function clipGradNorm(
  params: Tensor | Iterable<Tensor>,
  maxNorm: number,
  options: { normType?: number; errorIfNonfinite?: boolean } = {},
): number {
  const op = "optim.clipGradNorm";
  const { normType = 2, errorIfNonfinite = false } = options;
  checkNumber(op, "maxNorm", maxNorm, { min: 0 });
  checkNumber(op, "normType", normType, { min: 0, minExclusive: true });
  checkBoolean(op, "errorIfNonfinite", errorIfNonfinite);
  const grads = gradsOf(op, params);
  if (grads.length === 0) return 0;
  const total = combineNorms(
    grads.map((g) => storageNorm(g._storage, normType)),
    normType,
  );
  if (!Number.isFinite(total) && errorIfNonfinite) {
    throw new ValueError(
      op,
      `the total ${normType}-norm of the gradients must be finite, got ${total}; pass errorIfNonfinite: false to clip anyway`,
    );
  }
  const coef = maxNorm / (total + 1e-6);
  // `!(coef >= 1)` also scales by a NaN coefficient, as PyTorch's clamp does.
  if (!(coef >= 1)) {
    for (const g of grads) {
      const s = g._storage;
      for (let i = 0; i < s.length; i++) s[i] *= coef;
    }
  }
  return total;
}

/**
 * Clamps every gradient element of `params` in place to `[-clipValue, clipValue]`, as PyTorch's
 * `torch.nn.utils.clip_grad_value_`. NaN entries stay NaN; parameters whose `.grad` is `null` are ignored.
 *
 * @example
 * ```ts
 * import { optim } from "chainrule";
 * loss.backward();
 * optim.clipGradValue(model.parameters(), 0.5);
 * opt.step();
 * ```
 */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  const op = "optim.clipGradValue";
  checkNumber(op, "clipValue", clipValue, { min: 0 });
  for (const g of gradsOf(op, params)) {
    const s = g._storage;
    for (let i = 0; i < s.length; i++) {
      if (s[i] > clipValue) s[i] = clipValue;
      else if (s[i] < -clipValue) s[i] = -clipValue;
    }
  }
}
