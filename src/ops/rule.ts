// The shape of a primitive's entry in the rule table: a forward computation and its two derivative rules.

import type { Tensor } from "../tensor.js";

/**
 * A differentiable primitive. `forward` computes the result with the backend (no recording).
 *
 * `vjp` (reverse mode) maps the output gradient `g` to one gradient per input (null where `needs[i]` is
 * false). Gradients may come back with a broadcast shape or another dtype: the engine sums them back to the
 * input's shape and converts the dtype in one place.
 *
 * `jvp` (forward mode) maps one tangent per input (null where the input's tangent is zero) to the output's
 * tangent, or null when it is zero. A tangent may come back with a shape that broadcasts to the output's
 * shape, or another dtype: `src/autograd/forward.ts` expands and converts it in one place.
 *
 * Both are written with tensor ops, so that they can themselves be differentiated in either mode, and both
 * must describe the same Jacobian (the tests check jacobian by forward mode against reverse mode).
 */
export interface DifferentiableRule<A> {
  forward(inputs: readonly Tensor[], attrs: A): Tensor;
  vjp(
    g: Tensor,
    out: Tensor,
    inputs: readonly Tensor[],
    attrs: A,
    needs: readonly boolean[],
  ): (Tensor | null)[];
  jvp(tangents: readonly (Tensor | null)[], out: Tensor, inputs: readonly Tensor[], attrs: A): Tensor | null;
}

/** A primitive without a derivative (comparisons, arg-reductions): its output never carries a gradient or a tangent. */
export interface ConstantRule<A> {
  forward(inputs: readonly Tensor[], attrs: A): Tensor;
  vjp?: undefined;
  jvp?: undefined;
}

/** One primitive: either both derivative rules or neither (a `vjp` without a `jvp` is a compile error). */
export type Rule<A> = DifferentiableRule<A> | ConstantRule<A>;

/** A table of rules, one per primitive name in `Attrs`: a missing rule is a compile error. */
export type RuleTable<Attrs> = { [K in keyof Attrs]: Rule<Attrs[K]> };
