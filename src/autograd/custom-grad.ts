// customGrad: a function with a user-written derivative rule (as jax.custom_vjp, torch.autograd.Function).

import {
  AutogradError,
  describeValue,
  formatShape,
  ShapeError,
  TypeMismatchError,
  ValueError,
} from "../errors.js";
import { sameShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { forwardActive, hasTangent, propagate, withoutTangents } from "./forward.js";
import { isGradEnabled, noGrad } from "./mode.js";

/** What a custom rule sees: the call's inputs, its output, and what the forward saved. */
export interface CustomGradContext<S> {
  /** The tensors the function was called with. */
  readonly inputs: readonly Tensor[];
  /** The function's output (the tensor the caller got). */
  readonly output: Tensor;
  /** What `forward` returned as `saved` (undefined when it returned a bare tensor). */
  readonly saved: S;
}

/** Options of {@link customGrad}. */
export interface CustomGradOptions<S> {
  /** Shown in graph drawings and errors as `customGrad(name)`. Default: plain `customGrad`. */
  name?: string;
  /**
   * The forward-mode rule: one tangent per input (null for zero) to the output's tangent (null for zero),
   * written with tensor ops. Needed only for forward mode (`jvp`, `jacfwd`, `hessian`).
   */
  jvp?: (tangents: readonly (Tensor | null)[], ctx: CustomGradContext<S>) => Tensor | null;
}

/** What a custom forward returns: the output, or the output with values saved for the backward. */
export type CustomForwardResult<S> = Tensor | { output: Tensor; saved: S };

/** A custom backward's result: one gradient per input (null for none); a bare tensor for a one-input function. */
export type CustomBackwardResult = Tensor | null | readonly (Tensor | null)[];

function checkGradients(label: string, result: unknown, inputs: readonly Tensor[]): (Tensor | null)[] {
  const list = Array.isArray(result) ? result : inputs.length === 1 ? [result] : null;
  if (list === null || list.length !== inputs.length)
    throw new AutogradError(
      label,
      `backward must return one gradient (a Tensor or null) per input (${inputs.length}), got ${describeValue(result)}`,
    );
  return list.map((g: unknown, i) => {
    if (g === null || g === undefined) return null;
    if (!(g instanceof Tensor))
      throw new TypeMismatchError(
        label,
        `backward must return a Tensor or null for input ${i}, got ${describeValue(g)}`,
      );
    if (!sameShape(g.shape, inputs[i].shape))
      throw new ShapeError(
        label,
        `backward returned shape ${formatShape(g.shape)} for input ${i} of shape ${formatShape(inputs[i].shape)}`,
      );
    return g;
  });
}

function checkTangent(label: string, t: unknown, out: Tensor): Tensor | null {
  if (t === null || t === undefined) return null;
  if (!(t instanceof Tensor))
    throw new TypeMismatchError(label, `jvp must return a Tensor or null, got ${describeValue(t)}`);
  if (!sameShape(t.shape, out.shape))
    throw new ShapeError(
      label,
      `jvp returned shape ${formatShape(t.shape)} for an output of shape ${formatShape(out.shape)}`,
    );
  return t;
}

/**
 * Makes a differentiable function from a forward computation and a user-written backward rule, as JAX's
 * `custom_vjp` or PyTorch's `autograd.Function`. `forward(...inputs)` computes the output with tensor ops
 * (not recorded: its own derivative is never used) and returns it, or `{ output, saved }` to hand values to
 * the backward. `backward(g, ctx, needs)` gets the gradient `g` of the output and returns one gradient per
 * input, each of that input's shape (null for none); a bare tensor will do for a one-input function. A
 * returned gradient of the wrong shape is an error naming the input. The result works with `backward()`,
 * `grad`, `vjp` and `jacrev`, and shows in graphs as one node `customGrad(name)`.
 *
 * Write `backward` with tensor ops on `g`, `ctx.inputs` and `ctx.output` and it can be differentiated again
 * (`grad(grad(f))`); `saved` values are constants there. Forward mode (`jvp`, `jacfwd`, `hessian`) needs
 * the `jvp` option, else it throws: a custom rule usually replaces a derivative that forward mode cannot see.
 *
 * @example
 * ```ts
 * // A straight-through estimator: round in the forward, pass the gradient through unchanged.
 * const signSte = customGrad((x: Tensor) => x.sign(), (g) => g, { name: "ste" });
 * grad((x: Tensor) => signSte(x).mul(x).sum())(tensor([-2, 3])).toArray(); // [-1 + -2, 1 + 3] = [-3, 4]
 * // A numerically stable log(1 + e^x) with its derivative σ(x) saved from the forward.
 * const log1pexp = customGrad(
 *   (x: Tensor) => ({ output: x.softplus(), saved: x.sigmoid() }),
 *   (g, { saved }) => g.mul(saved),
 *   { name: "log1pexp", jvp: ([t], { saved }) => (t === null ? null : t.mul(saved)) },
 * );
 * grad((x: Tensor) => log1pexp(x).sum())(tensor([0, 100])).toArray(); // [0.5, 1]
 * ```
 */
export function customGrad<A extends Tensor[], S = undefined>(
  forward: (...inputs: A) => CustomForwardResult<S>,
  backward: (g: Tensor, ctx: CustomGradContext<S>, needs: readonly boolean[]) => CustomBackwardResult,
  options: CustomGradOptions<S> = {},
): (...inputs: A) => Tensor {
  if (typeof forward !== "function")
    throw new TypeMismatchError("customGrad", `forward must be a function, got ${describeValue(forward)}`);
  if (typeof backward !== "function")
    throw new TypeMismatchError("customGrad", `backward must be a function, got ${describeValue(backward)}`);
  const { name, jvp } = options;
  if (name !== undefined && (typeof name !== "string" || name.length === 0))
    throw new ValueError("customGrad", `name must be a non-empty string, got ${describeValue(name)}`);
  if (jvp !== undefined && typeof jvp !== "function")
    throw new TypeMismatchError("customGrad", `jvp must be a function, got ${describeValue(jvp)}`);
  const label = name === undefined ? "customGrad" : `customGrad(${name})`;

  return (...inputs: A): Tensor => {
    inputs.forEach((x, i) => {
      if (!(x instanceof Tensor))
        throw new TypeMismatchError(label, `input ${i} must be a Tensor, got ${describeValue(x)}`);
    });
    const result = withoutTangents(() => noGrad(() => forward(...inputs)));
    const raw = result instanceof Tensor ? result : (result as { output?: unknown } | null)?.output;
    if (!(raw instanceof Tensor))
      throw new TypeMismatchError(
        label,
        `forward must return a Tensor or { output, saved }, got ${describeValue(result)}`,
      );
    const saved = (result instanceof Tensor ? undefined : (result as { saved: S }).saved) as S;
    // A tensor of its own, so the node below never lands on an input or on a tensor the forward captured.
    const out = Tensor._fromStorage(inputs.includes(raw) ? raw._storage.slice() : raw._storage, raw.shape);
    const ctx: CustomGradContext<S> = { inputs, output: out, saved };
    if (isGradEnabled() && inputs.some((x) => x.requiresGrad))
      out._record({
        op: label,
        inputs,
        attrs: { name: name ?? null },
        vjp: (g, _out, needs) => checkGradients(label, backward(g, ctx, needs), inputs),
      });
    if (forwardActive() && inputs.some(hasTangent)) {
      if (jvp === undefined)
        throw new AutogradError(
          label,
          "forward mode (jvp, jacfwd, hessian) needs a tangent rule, got none; pass { jvp: (tangents, ctx) => ... } in the options, or use reverse mode (grad, vjp, jacrev)",
        );
      propagate(label, inputs, out, (tangents) => checkTangent(label, jvp(tangents, ctx), out));
    }
    return out;
  };
}
