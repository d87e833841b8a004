// vjp: reverse-mode differentiation of a function, JAX style (the value now, cotangent-times-Jacobian later).

import { full, zerosLike } from "../creation.js";
import { describeValue, formatShape, TypeMismatchError, ValueError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { gradientsOf } from "./engine.js";
import { enableGrad, isGradEnabled } from "./mode.js";
import { checkFunction, freshInput, outputList, tensorArg } from "./transform-args.js";

/** What {@link vjp} returns for a function with one output. */
export interface VjpResult {
  /** `f(...primals)`. */
  value: Tensor;
  /**
   * The pullback: given a cotangent of `value`'s shape (default 1 for a one-element output), returns
   * `cotangent · J`, one tensor per primal, shaped like it. Can be called any number of times.
   */
  vjp: (cotangent?: Tensor | number) => Tensor[];
}

/** What {@link vjp} returns for a function with a list of outputs: one cotangent per output (null for zero). */
export interface VjpResultMulti {
  /** `f(...primals)`. */
  value: Tensor[];
  /** The pullback: one cotangent per output (null for zero) in, one tensor per primal out. */
  vjp: (cotangents: readonly (Tensor | null)[]) => Tensor[];
}

/** A recorded call of `f` and its pullback to the chosen arguments. @internal */
export interface Linearized {
  value: unknown;
  outputs: Tensor[];
  single: boolean;
  /** One cotangent per output (null for zero) to one gradient per chosen argument (zeros when unreached). */
  pullback: (cotangents: readonly (Tensor | null)[]) => Tensor[];
}

/**
 * Runs `f(...args)` with fresh recorded copies of the arguments at `argnums` and returns its outputs with a
 * pullback. The backward passes are recorded while grad mode is on, so results can be differentiated again.
 * @internal
 */
export function reversePass(
  op: string,
  f: (...args: never[]) => unknown,
  args: readonly unknown[],
  argnums: readonly number[],
): Linearized {
  const inputs = [...args];
  const wrapped = argnums.map((i) => {
    const w = freshInput(tensorArg(op, args[i], i));
    inputs[i] = w;
    return w;
  });
  const value = enableGrad(() => (f as (...a: unknown[]) => unknown)(...inputs));
  const { outputs, single } = outputList(op, value);
  const pullback = (cotangents: readonly (Tensor | null)[]): Tensor[] => {
    let totals: (Tensor | null)[] = wrapped.map(() => null);
    outputs.forEach((y, o) => {
      const ct = cotangents[o];
      if (ct === null) return;
      const grads = gradientsOf(y, wrapped, ct, isGradEnabled(), op);
      totals = totals.map((t, k) => {
        const g = grads[k];
        return g === null ? t : t === null ? g : t.add(g);
      });
    });
    return totals.map((t, k) => t ?? zerosLike(wrapped[k]));
  };
  return { value, outputs, single, pullback };
}

/** Checks a user's cotangent for output `y` (a number only for a one-element output). */
function cotangentFor(op: string, y: Tensor, ct: unknown, what: string): Tensor {
  if (ct === undefined || typeof ct === "number") {
    if (y.size !== 1)
      throw new ValueError(
        op,
        `${what} must be a Tensor of the output's shape ${formatShape(y.shape)}, got ${describeValue(ct)}`,
      );
    return full([...y.shape], ct ?? 1, { dtype: y.dtype });
  }
  if (!(ct instanceof Tensor))
    throw new TypeMismatchError(op, `${what} must be a Tensor, got ${describeValue(ct)}`);
  return ct; // the engine checks its shape and converts its dtype
}

/**
 * Reverse-mode derivative with the pullback kept, as JAX's `vjp`: evaluates `f(...primals)` once, records
 * it, and returns `{ value, vjp }` where `vjp(cotangent)` gives `cotangent · J` for every primal (one
 * backward pass per call). With a cotangent of ones this is the gradient; with one-hot cotangents it gives
 * the Jacobian row by row (that is {@link jacrev}). A number primal is a float64 0-d tensor; primals need no
 * `requiresGrad` and no `.grad` is written. If `f` returns an array of tensors, `value` is that array and
 * `vjp` takes one cotangent per output (null for zero). While grad mode is on, the results are recorded and
 * can be differentiated again.
 *
 * @example
 * ```ts
 * // The tutorial: f(u) = u², u = 3x + 1, so df/dx = 6(3x + 1).
 * const { value, vjp: pullback } = vjp((x: Tensor) => x.mul(3).add(1).square(), tensor([0, 1, 2]));
 * value.toArray();                       // [1, 16, 49]
 * pullback(ones([3]))[0].toArray();      // [6, 24, 42]
 * ```
 */
export function vjp(f: (...primals: Tensor[]) => Tensor, ...primals: (Tensor | number)[]): VjpResult;
export function vjp(f: (...primals: Tensor[]) => Tensor[], ...primals: (Tensor | number)[]): VjpResultMulti;
export function vjp(
  f: (...primals: Tensor[]) => Tensor | Tensor[],
  ...primals: (Tensor | number)[]
): VjpResult | VjpResultMulti {
  checkFunction("vjp", f);
  const lin = reversePass(
    "vjp",
    f,
    primals,
    primals.map((_, i) => i),
  );
  if (lin.single) {
    const y = lin.outputs[0];
    return {
      value: y,
      vjp: (cotangent?: Tensor | number) => lin.pullback([cotangentFor("vjp", y, cotangent, "cotangent")]),
    };
  }
  return {
    value: lin.outputs,
    vjp: (cotangents: readonly (Tensor | null)[]) => {
      if (!Array.isArray(cotangents) || cotangents.length !== lin.outputs.length)
        throw new ValueError(
          "vjp",
          `expected an array of ${lin.outputs.length} cotangents (one per output, null for zero), got ${describeValue(cotangents)}`,
        );
      return lin.pullback(
        cotangents.map((ct, o) =>
          ct === null ? null : cotangentFor("vjp", lin.outputs[o], ct, `cotangent ${o}`),
        ),
      );
    },
  };
}
