// Argument handling shared by the function transformations (vjp, jvp, jacobian, hessian): validation,
// numbers as float64 scalars, fresh inputs per call, one-hot basis tensors, outputs as a list.

import { tensor, zeros } from "../creation.js";
import { describeValue, TypeMismatchError, ValueError } from "../errors.js";
import { identity } from "../ops/elementwise.js";
import { Tensor } from "../tensor.js";
import { shareTangents } from "./forward.js";
import { enableGrad } from "./mode.js";

/** Throws unless `f` is a function. */
export function checkFunction(op: string, f: unknown): void {
  if (typeof f !== "function")
    throw new TypeMismatchError(op, `f must be a function, got ${describeValue(f)}`);
}

/** Argument `i` as a tensor: a number becomes a float64 0-d tensor (as `grad` does). */
export function tensorArg(op: string, value: unknown, i: number, what = "argument"): Tensor {
  if (typeof value === "number") return tensor(value, { dtype: "float64" });
  if (value instanceof Tensor) return value;
  throw new TypeMismatchError(op, `${what} ${i} must be a Tensor or a number, got ${describeValue(value)}`);
}

/** `argnums` as a list of valid argument indices. */
export function argnumList(op: string, argnums: number | readonly number[], count: number): number[] {
  const list = typeof argnums === "number" ? [argnums] : Array.isArray(argnums) ? [...argnums] : null;
  if (list === null)
    throw new TypeMismatchError(
      op,
      `argnums must be a number or an array of numbers, got ${describeValue(argnums)}`,
    );
  for (const i of list)
    if (!Number.isInteger(i) || i < 0 || i >= count)
      throw new ValueError(op, `argnums must index the ${count} arguments, got ${describeValue(i)}`);
  return list;
}

/**
 * A fresh tensor holding `t`'s values for one call of a reverse-mode transformation: connected to the outer
 * graph through a recorded identity when `t` requires grad, else a new leaf that requires grad and keeps
 * `t`'s forward-mode tangents. Fresh per call, so nested transformations each differentiate their own copy.
 */
export function freshInput(t: Tensor): Tensor {
  return t.requiresGrad
    ? enableGrad(() => identity(t))
    : shareTangents(t, Tensor._fromStorage(t._storage, t.shape, true));
}

/** The outputs of a transformed function as a list, and whether it returned a single tensor. */
export function outputList(op: string, value: unknown): { outputs: Tensor[]; single: boolean } {
  if (value instanceof Tensor) return { outputs: [value], single: true };
  if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Tensor))
    return { outputs: value as Tensor[], single: false };
  throw new TypeMismatchError(
    op,
    `the function must return a Tensor or a non-empty array of Tensors, got ${describeValue(value)}`,
  );
}

/** Zeros of `shape` with a one at flat position `i`: the i-th basis vector. */
export function basis(shape: readonly number[], dtype: Tensor["dtype"], i: number): Tensor {
  const e = zeros([...shape], { dtype });
  e._storage[i] = 1;
  return e;
}

/** Calls `f` with `args`, argument `i` replaced by `x`. */
export function callWith(
  f: (...args: never[]) => unknown,
  args: readonly unknown[],
  i: number,
  x: Tensor,
): unknown {
  const list = [...args];
  list[i] = x;
  return (f as (...a: unknown[]) => unknown)(...list);
}
