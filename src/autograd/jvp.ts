// jvp: forward-mode differentiation of a function, JAX style (the Jacobian times a tangent, in one pass).

import { tensor, zeros } from "../creation.js";
import { describeValue, formatShape, ShapeError, TypeMismatchError, ValueError } from "../errors.js";
import { cast, identity } from "../ops/elementwise.js";
import { sameShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { withLevel } from "./forward.js";
import { checkFunction, outputList, tensorArg } from "./transform-args.js";

/** What {@link jvp} returns: the function's value and its tangent (a list of each for a list of outputs). */
export interface JvpResult<T extends Tensor | Tensor[]> {
  /** `f(...primals)`. */
  value: T;
  /** The directional derivative `J · tangents`, shaped like `value`. */
  tangent: T;
}

/** A tangent for `primal`: a tensor of its shape (converted to its dtype), or a number for a one-element primal. */
function tangentFor(op: string, primal: Tensor, t: unknown, i: number): Tensor {
  if (typeof t === "number") {
    if (primal.size !== 1)
      throw new ValueError(
        op,
        `tangent ${i} must be a Tensor of the primal's shape ${formatShape(primal.shape)}, got the number ${t}`,
      );
    return tensor(t, { dtype: primal.dtype }).reshape(primal.shape);
  }
  if (!(t instanceof Tensor))
    throw new TypeMismatchError(op, `tangent ${i} must be a Tensor or a number, got ${describeValue(t)}`);
  if (!sameShape(t.shape, primal.shape))
    throw new ShapeError(
      op,
      `tangent ${i} must have the shape of primal ${i}, ${formatShape(primal.shape)}, got ${formatShape(t.shape)}`,
    );
  return cast(t, primal.dtype);
}

/**
 * The core of forward mode: runs `f(...primals)` at a new level where `primals[i]` has tangent `tangents[i]`,
 * and returns the outputs with their tangents (zeros where an output does not depend on the primals).
 * @internal
 */
export function forwardPass(
  op: string,
  f: (...args: Tensor[]) => unknown,
  primals: readonly Tensor[],
  tangents: readonly Tensor[],
): { value: unknown; outputs: Tensor[]; tangents: Tensor[]; single: boolean } {
  // Fresh tensors (the same one passed twice gets two tangents), made before the level opens so that they
  // keep the tangents of the levels outside, and recorded when they require grad (reverse over forward).
  const inputs = primals.map((p) => identity(p));
  return withLevel((level) => {
    inputs.forEach((x, i) => {
      level.tangents.set(x, tangents[i]);
    });
    const value = f(...inputs);
    const { outputs, single } = outputList(op, value);
    return {
      value,
      outputs,
      tangents: outputs.map((y) => level.tangentOf(y) ?? zeros([...y.shape], { dtype: y.dtype })),
      single,
    };
  });
}

/**
 * Forward-mode derivative (a Jacobian-vector product), as JAX's `jvp`: runs `f(...primals)` once, carrying
 * a tangent next to every value, and returns the value and `J · tangents`, the derivative of `f` in the
 * direction `tangents`. Costs about three forward passes whatever the number of outputs, where reverse mode
 * costs one backward pass per output element: use it when the outputs outnumber the inputs.
 *
 * `primals` and `tangents` are arrays, one tangent per primal with the primal's shape (converted to its
 * dtype; a number for a one-element primal); a number primal is a float64 0-d tensor. `f` may return a
 * tensor or an array of tensors (then `value` and `tangent` are arrays). Works inside `grad` (reverse over
 * forward), around `grad` (forward over reverse: Hessian-vector products) and inside another `jvp`.
 * NOTE: tangents flow under `noGrad` too (only `detach()` stops them), as in PyTorch's forward AD.
 *
 * @example
 * ```ts
 * // The tutorial: f = x² + y² with x = t², y = sin t, so df/dt = 4t³ + 2 sin t cos t.
 * const f = (t: Tensor) => t.square().square().add(t.sin().square());
 * const { value, tangent } = jvp(f, [tensor(0.7)], [tensor(1)]);
 * tangent.item(); // 4·0.7³ + 2 sin 0.7 cos 0.7 = 2.3575…
 * ```
 */
export function jvp(
  f: (...primals: Tensor[]) => Tensor,
  primals: readonly (Tensor | number)[],
  tangents: readonly (Tensor | number)[],
): JvpResult<Tensor>;
export function jvp(
  f: (...primals: Tensor[]) => Tensor[],
  primals: readonly (Tensor | number)[],
  tangents: readonly (Tensor | number)[],
): JvpResult<Tensor[]>;
export function jvp(
  f: (...primals: Tensor[]) => Tensor | Tensor[],
  primals: readonly (Tensor | number)[],
  tangents: readonly (Tensor | number)[],
): JvpResult<Tensor> | JvpResult<Tensor[]> {
  checkFunction("jvp", f);
  if (!Array.isArray(primals))
    throw new TypeMismatchError("jvp", `primals must be an array, got ${describeValue(primals)}`);
  if (!Array.isArray(tangents))
    throw new TypeMismatchError("jvp", `tangents must be an array, got ${describeValue(tangents)}`);
  if (tangents.length !== primals.length)
    throw new ValueError(
      "jvp",
      `expected one tangent per primal (${primals.length}), got ${tangents.length} tangents`,
    );
  const ps = primals.map((p, i) => tensorArg("jvp", p, i, "primal"));
  const ts = ps.map((p, i) => tangentFor("jvp", p, tangents[i], i));
  const r = forwardPass("jvp", f as (...args: Tensor[]) => unknown, ps, ts);
  return r.single
    ? { value: r.outputs[0], tangent: r.tangents[0] }
    : { value: r.outputs, tangent: r.tangents };
}
