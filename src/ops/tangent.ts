// Helpers for the forward-mode (jvp) rules: tangents may be null, meaning zero, and must stay null when
// every contribution is zero so that no work is done for inputs that carry no tangent.

import type { Tensor } from "../tensor.js";
import { add, mul } from "./elementwise.js";

/** `a + b` where null stands for zero (null when both are). */
export function addTangents(a: Tensor | null, b: Tensor | null): Tensor | null {
  if (a === null) return b;
  if (b === null) return a;
  return add(a, b);
}

/** `t · factor()` where a null tangent stays null (the factor is not computed). */
export function scaleTangent(t: Tensor | null, factor: () => Tensor): Tensor | null {
  return t === null ? null : mul(t, factor());
}
