// Argument checks shared by the optimizers and schedules, with messages in the library's one template.

import { describeValue, TypeMismatchError, ValueError } from "../errors.js";

/**
 * Throws unless `value` is a number `>= min` (and `< max` when given). NaN is always rejected.
 *
 * @example
 * ```ts
 * checkNumber("optim.SGD", "lr", -1, { min: 0 }); // throws "optim.SGD: lr must be a non-negative number, got -1"
 * ```
 */
export function checkNumber(
  op: string,
  name: string,
  value: unknown,
  range: { min?: number; max?: number; minExclusive?: boolean; integer?: boolean } = {},
): number {
  const { min, max, minExclusive = false, integer = false } = range;
  const what = describeRange(range);
  if (typeof value !== "number") {
    throw new TypeMismatchError(op, `${name} must be ${what}, got ${describeValue(value)}`);
  }
  const tooLow = min !== undefined && (minExclusive ? !(value > min) : !(value >= min));
  const tooHigh = max !== undefined && !(value < max);
  if (Number.isNaN(value) || tooLow || tooHigh || (integer && !Number.isInteger(value))) {
    throw new ValueError(op, `${name} must be ${what}, got ${describeValue(value)}`);
  }
  return value;
}

function describeRange(range: {
  min?: number;
  max?: number;
  minExclusive?: boolean;
  integer?: boolean;
}): string {
  const { min, max, minExclusive = false, integer = false } = range;
  const kind = integer ? "integer" : "number";
  if (min === 0 && max === undefined) return minExclusive ? `a positive ${kind}` : `a non-negative ${kind}`;
  if (min !== undefined && max !== undefined) {
    return `a ${kind} in ${minExclusive ? "(" : "["}${min}, ${max})`;
  }
  if (min !== undefined) return `a ${kind} ${minExclusive ? ">" : ">="} ${min}`;
  if (max !== undefined) return `a ${kind} < ${max}`;
  return `a ${kind}`;
}

/**
 * Throws unless `value` is a boolean.
 *
 * @example
 * ```ts
 * checkBoolean("optim.SGD", "nesterov", "yes"); // throws "optim.SGD: nesterov must be a boolean, got "yes""
 * ```
 */
export function checkBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new TypeMismatchError(op, `${name} must be a boolean, got ${describeValue(value)}`);
  }
  return value;
}
