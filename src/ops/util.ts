// Helpers shared by the ops: argument checks and operand conversion.

import { allocate, type DType } from "../dtype.js";
import { describeValue, TypeMismatchError } from "../errors.js";
import { sizeOf } from "../shape.js";
import { Tensor, type TensorLike } from "../tensor.js";

/** Throws a TypeMismatchError unless `value` is a Tensor. */
export function checkTensor(op: string, value: unknown, name = "input"): Tensor {
  if (!(value instanceof Tensor))
    throw new TypeMismatchError(op, `argument '${name}' must be a Tensor, got ${describeValue(value)}`);
  return value;
}

/** A tensor operand from a tensor or a plain number; a number takes `dtype` (it never changes the dtype). */
export function operand(op: string, value: TensorLike, dtype: DType, name = "other"): Tensor {
  if (typeof value === "number") {
    const s = allocate(dtype, 1);
    s[0] = value;
    return Tensor._fromStorage(s, []);
  }
  if (!(value instanceof Tensor))
    throw new TypeMismatchError(
      op,
      `argument '${name}' must be a Tensor or a number, got ${describeValue(value)}`,
    );
  return value;
}

/** Converts the two operands of a binary op to tensors; numbers take the tensor operand's dtype. */
export function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === "number" && typeof b === "number")
    throw new TypeMismatchError(op, "at least one operand must be a Tensor, got two numbers");
  const dtypeA = a instanceof Tensor ? a.dtype : undefined;
  const dtypeB = b instanceof Tensor ? b.dtype : undefined;
  const ta = operand(op, a, dtypeB ?? dtypeA ?? "float32", "input");
  const tb = operand(op, b, dtypeA ?? dtypeB ?? "float32", "other");
  return [ta, tb];
}

/** A new tensor of `shape` and `dtype` with zeroed storage. */
export function empty(shape: readonly number[], dtype: DType): Tensor {
  return Tensor._fromStorage(allocate(dtype, sizeOf(shape)), shape);
}
