// A recorded op in the graph: the inputs it read and how to pull a gradient back through it.

import type { Tensor } from "../tensor.js";

/** The record a non-leaf tensor keeps of the op that made it. */
export interface GradNode {
  /** The primitive's name, for error messages and graph drawings. */
  readonly op: string;
  /** The op's tensor inputs, in order. */
  readonly inputs: readonly Tensor[];
  /** The primitive's attributes (dims, shapes, constants), for explanations and graph drawings. */
  readonly attrs?: unknown;
  /**
   * Vector-Jacobian product: given the gradient `g` of the output `out`, returns one gradient per input
   * (null where `needs[i]` is false or the input gets none). Written with tensor ops, so it can be recorded.
   */
  vjp(g: Tensor, out: Tensor, needs: readonly boolean[]): (Tensor | null)[];
}
