// Argument checks shared by the nn layers and losses, with messages in the library's one template.

import { Tensor } from "../core.js";
import { describeValue, formatShape, ShapeError, TypeMismatchError, ValueError } from "../errors.js";
import { sameShape } from "../shape.js";

/**
 * Throws a `TypeMismatchError` unless `value` is a `Tensor`; returns it typed.
 *
 * @example
 * ```ts
 * checkTensor("nn.mseLoss", "prediction", [1, 2]); // throws "nn.mseLoss: expected prediction to be a Tensor, got an array of length 2"
 * ```
 */
export function checkTensor(op: string, name: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) {
    throw new TypeMismatchError(op, `expected ${name} to be a Tensor, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Throws a `ValueError` unless `value` is an integer `>= min` (a `TypeMismatchError` for a non-number).
 *
 * @example
 * ```ts
 * checkInteger("nn.Linear", "inFeatures", 0, 1); // throws "nn.Linear: inFeatures must be an integer >= 1, got 0"
 * ```
 */
export function checkInteger(op: string, name: string, value: unknown, min: number): number {
  if (typeof value !== "number") {
    throw new TypeMismatchError(op, `${name} must be an integer >= ${min}, got ${describeValue(value)}`);
  }
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ValueError(op, `${name} must be an integer >= ${min}, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Throws a `ValueError` unless `value` is a number in `[min, max]` (NaN rejected).
 *
 * @example
 * ```ts
 * checkRange("nn.Dropout", "p", 1.5, 0, 1); // throws "nn.Dropout: p must be a number in [0, 1], got 1.5"
 * ```
 */
export function checkRange(op: string, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number") {
    throw new TypeMismatchError(
      op,
      `${name} must be a number in [${min}, ${max}], got ${describeValue(value)}`,
    );
  }
  if (!(value >= min && value <= max)) {
    throw new ValueError(op, `${name} must be a number in [${min}, ${max}], got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Throws a `ValueError` unless `value` is one of `choices` (strings), naming them all.
 *
 * @example
 * ```ts
 * checkChoice("nn.mseLoss", "reduction", "avg", ["mean", "sum", "none"]);
 * // throws 'nn.mseLoss: reduction must be one of "mean", "sum", "none", got "avg"'
 * ```
 */
export function checkChoice<T extends string>(
  op: string,
  name: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (!(choices as readonly unknown[]).includes(value)) {
    const list = choices.map((c) => JSON.stringify(c)).join(", ");
    throw new ValueError(op, `${name} must be one of ${list}, got ${describeValue(value)}`);
  }
  return value as T;
}

/**
 * Throws a `ShapeError` unless `a` and `b` have exactly the same shape (no broadcasting).
 *
 * @example
 * ```ts
 * checkSameShape("nn.mseLoss", zeros([2]), zeros([3]));
 * // throws "nn.mseLoss: prediction and target shapes must match, got [2] and [3]"
 * ```
 */
export function checkSameShape(op: string, a: Tensor, b: Tensor, names = "prediction and target"): void {
  if (!sameShape(a.shape, b.shape)) {
    throw new ShapeError(
      op,
      `${names} shapes must match, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
}

/**
 * True when a tensor of shape `from` broadcasts to exactly `to` (NumPy rules, `to` unchanged).
 *
 * @example
 * ```ts
 * broadcastsTo([3], [2, 3]); // true
 * broadcastsTo([2, 3], [3]); // false
 * ```
 */
export function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  const offset = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[i + offset]);
}
