// Function transformations: grad and valueAndGrad, JAX style, built on the engine.

import { tensor, zerosLike } from "../creation.js";
import { AutogradError, describeValue, formatShape, TypeMismatchError, ValueError } from "../errors.js";
import { identity } from "../ops/elementwise.js";
import { Tensor } from "../tensor.js";
import { gradientsOf } from "./engine.js";
import { shareTangents } from "./forward.js";
import { enableGrad, isGradEnabled } from "./mode.js";

/** Options of {@link grad} and {@link valueAndGrad}. */
export interface GradOptions<N extends number | readonly number[] = number | readonly number[]> {
  /** Which positional arguments to differentiate with respect to (default 0). */
  argnums?: N;
}

function differentiate(
  op: string,
  f: (...args: never[]) => unknown,
  args: unknown[],
  argnums: number | readonly number[],
): { value: Tensor; grads: Tensor[] } {
  const list = typeof argnums === "number" ? [argnums] : [...argnums];
  const inputs = [...args];
  const wrapped = list.map((i) => {
    if (!Number.isInteger(i) || i < 0 || i >= args.length)
      throw new ValueError(op, `argnums must index the ${args.length} arguments, got ${i}`);
    const a = args[i];
    let t: Tensor;
    if (typeof a === "number") {
      t = tensor(a, { dtype: "float64" });
    } else if (a instanceof Tensor) t = a;
    else
      throw new TypeMismatchError(op, `argument ${i} must be a Tensor or a number, got ${describeValue(a)}`);
    // A fresh node per call, so nested transformations each differentiate their own copy; an input that
    // requires grad stays connected to the outer graph through a recorded identity, and a fresh leaf keeps
    // the input's forward-mode tangents (so jvp(grad(f)) works).
    const w = t.requiresGrad
      ? enableGrad(() => identity(t))
      : shareTangents(t, Tensor._fromStorage(t._storage, t.shape, true));
    inputs[i] = w;
    return w;
  });
  const value = enableGrad(() => (f as (...a: unknown[]) => unknown)(...inputs));
  if (!(value instanceof Tensor))
    throw new TypeMismatchError(op, `the function must return a Tensor, got ${describeValue(value)}`);
  if (value.size !== 1)
    throw new AutogradError(
      op,
      `the function must return a scalar tensor, got shape ${formatShape(value.shape)}; reduce it with .sum() or .mean()`,
    );
  const grads = gradientsOf(value, wrapped, undefined, isGradEnabled(), op).map(
    (g, k) => g ?? zerosLike(wrapped[k]),
  );
  return { value, grads };
}

/**
 * Transforms `f` into a function that returns the gradient of `f` (which must return a one-element tensor)
 * with respect to the argument at `argnums` (an array of gradients when `argnums` is an array).
 * Arguments need no `requiresGrad`, and no `.grad` is written. A number argument is treated as a float64
 * 0-d tensor. While grad mode is on, results are recorded, so `grad(grad(f))` gives second derivatives.
 * An argument the output does not depend on gets a zero gradient.
 *
 * @example
 * ```ts
 * const f = (x: Tensor) => x.mul(3).add(1).pow(2); // (3x + 1)²
 * grad(f)(tensor(2)).item();       // 6(3x + 1) = 42
 * grad(grad(f))(tensor(2)).item(); // 18
 * ```
 */
export function grad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  options?: GradOptions<number>,
): (...args: A) => Tensor;
export function grad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  options: GradOptions<readonly number[]>,
): (...args: A) => Tensor[];
export function grad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  options: GradOptions = {},
): (...args: A) => Tensor | Tensor[] {
  if (typeof f !== "function")
    throw new TypeMismatchError("grad", `f must be a function, got ${describeValue(f)}`);
  const argnums = options.argnums ?? 0;
  return (...args: A) => {
    const { grads } = differentiate("grad", f, args, argnums);
    return typeof argnums === "number" ? grads[0] : grads;
  };
}

/**
 * Like {@link grad}, but the transformed function returns both `f`'s value and the gradient.
 *
 * @example
 * ```ts
 * const { value, grad: g } = valueAndGrad((x: Tensor) => x.square().sum())(tensor([1, 2]));
 * value.item(); // 5
 * g.toArray();  // [2, 4]
 * ```
 */
export function valueAndGrad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  options?: GradOptions<number>,
): (...args: A) => { value: Tensor; grad: Tensor };
export function valueAndGrad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  options: GradOptions<readonly number[]>,
): (...args: A) => { value: Tensor; grad: Tensor[] };
export function valueAndGrad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  options: GradOptions = {},
): (...args: A) => { value: Tensor; grad: Tensor | Tensor[] } {
  if (typeof f !== "function")
    throw new TypeMismatchError("valueAndGrad", `f must be a function, got ${describeValue(f)}`);
  const argnums = options.argnums ?? 0;
  return (...args: A) => {
    const { value, grads } = differentiate("valueAndGrad", f, args, argnums);
    return { value, grad: typeof argnums === "number" ? grads[0] : grads };
  };
}
