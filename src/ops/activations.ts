// Composite functions built from primitives: they need no derivative rule of their own.

import { describeValue, ValueError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { div, erfc, gt, lt, mul, sigmoid, where } from "./elementwise.js";
import { checkTensor } from "./util.js";

const SQRT1_2 = Math.SQRT1_2;

/**
 * Leaky ReLU: `x` where x > 0, else `negativeSlope * x`. NOTE: the derivative at 0 is `negativeSlope`, as PyTorch.
 *
 * @example
 * ```ts
 * leakyRelu(tensor([-10, 5]), 0.1).toArray(); // [-1, 5]
 * ```
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkTensor("leakyRelu", x);
  if (typeof negativeSlope !== "number")
    throw new ValueError("leakyRelu", `negativeSlope must be a number, got ${describeValue(negativeSlope)}`);
  return where(gt(x, 0), x, mul(x, negativeSlope));
}

/**
 * GELU, exact form `x Φ(x) = x/2 · erfc(-x/√2)`; erfc keeps it accurate for large negative x.
 *
 * @example
 * ```ts
 * gelu(tensor([0, 1])).toArray(); // [0, 0.8413…]
 * ```
 */
export function gelu(x: Tensor): Tensor {
  checkTensor("gelu", x);
  return mul(mul(x, 0.5), erfc(mul(x, -SQRT1_2)));
}

/**
 * SiLU (swish): `x · sigmoid(x)`.
 *
 * @example
 * ```ts
 * silu(tensor([0])).toArray(); // [0]
 * ```
 */
export function silu(x: Tensor): Tensor {
  checkTensor("silu", x);
  return mul(x, sigmoid(x));
}

/** `x · x`. @example `square(tensor([3])) // [9]` */
export function square(x: Tensor): Tensor {
  checkTensor("square", x);
  return mul(x, x);
}

/** `1 / x`. @example `reciprocal(tensor([4])) // [0.25]` */
export function reciprocal(x: Tensor): Tensor {
  checkTensor("reciprocal", x);
  return div(1, x);
}

/**
 * Limits values to `[min, max]`; either bound may be null or omitted. NOTE: as PyTorch, the gradient passes
 * where `min <= x <= max` (bounds included) and is 0 outside.
 *
 * @example
 * ```ts
 * clamp(tensor([-2, 0.5, 3]), 0, 1).toArray(); // [0, 0.5, 1]
 * ```
 */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  checkTensor("clamp", x);
  const lo = min ?? null;
  const hi = max ?? null;
  if (lo === null && hi === null)
    throw new ValueError("clamp", "expected at least one of min and max, got neither");
  if ((lo !== null && typeof lo !== "number") || (hi !== null && typeof hi !== "number"))
    throw new ValueError(
      "clamp",
      `bounds must be numbers or null, got ${describeValue(lo)} and ${describeValue(hi)}`,
    );
  let out = x;
  if (lo !== null) out = where(lt(out, lo), lo, out);
  if (hi !== null) out = where(gt(out, hi), hi, out);
  return out;
}
