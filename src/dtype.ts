// Data types and their typed-array storage; promotion rules.

/** The element types chainrule computes in. */
export type DType = "float32" | "float64";

/** Storage for a tensor's elements: a typed array matching its dtype. */
export type Storage = Float32Array | Float64Array;

/** The dtype new tensors get when none is given (as PyTorch). */
export const DEFAULT_DTYPE: DType = "float32";

/** True for the dtype names chainrule knows. */
export function isDType(value: unknown): value is DType {
  return value === "float32" || value === "float64";
}

/** Allocates zeroed storage of `size` elements. */
export function allocate(dtype: DType, size: number): Storage {
  return dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
}

/** The dtype of a storage array. */
export function dtypeOf(storage: Storage): DType {
  return storage instanceof Float64Array ? "float64" : "float32";
}

/** Result dtype of a binary op: mixed float32/float64 promotes to float64. */
export function promote(a: DType, b: DType): DType {
  return a === "float64" || b === "float64" ? "float64" : "float32";
}
