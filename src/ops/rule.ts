// The shape of a primitive's entry in the rule table: a forward computation and its vector-Jacobian product.

import type { Tensor } from "../tensor.js";

/**
 * One primitive. `forward` computes the result with the backend (no recording); `vjp`, when present,
 * maps the output gradient `g` to one gradient per input (null where `needs[i]` is false), written with
 * tensor ops so that it can itself be differentiated. A primitive without `vjp` has no gradient.
 * Gradients may come back with a broadcast shape or another dtype: the engine sums them back to the
 * input's shape and converts the dtype in one place.
 */
export interface Rule<A> {
  forward(inputs: readonly Tensor[], attrs: A): Tensor;
  vjp?(
    g: Tensor,
    out: Tensor,
    inputs: readonly Tensor[],
    attrs: A,
    needs: readonly boolean[],
  ): (Tensor | null)[];
}

/** A table of rules, one per primitive name in `Attrs`: a missing rule is a compile error. */
export type RuleTable<Attrs> = { [K in keyof Attrs]: Rule<Attrs[K]> };
