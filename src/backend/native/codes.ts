// The native addon's op codes: an op's code is its index in these lists (native/src/kernels/kernels.h has the
// same order). Kept apart from the loader so tests can check the lists against the Backend's kernel names.

import type { BinaryKernel, ReduceKernel, UnaryKernel } from "../backend.js";

/** Unary kernels in code order. */
export const UNARY: readonly UnaryKernel[] = [
  "neg",
  "exp",
  "log",
  "log1p",
  "expm1",
  "sqrt",
  "sin",
  "cos",
  "tanh",
  "sigmoid",
  "relu",
  "abs",
  "sign",
  "erf",
  "erfc",
  "softplus",
  "copy",
];

/** Binary kernels in code order. */
export const BINARY: readonly BinaryKernel[] = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "gt",
  "ge",
  "lt",
  "le",
  "eq",
  "ne",
  "bce",
];

/** Reductions in code order. */
export const REDUCE: readonly ReduceKernel[] = ["sum", "max", "min"];

/** Activations of the fused kernels (biasAct, actBackward) in code order. */
export const ACT = ["none", "relu", "tanh", "sigmoid"] as const;

function codes<K extends string>(names: readonly K[]): Readonly<Record<K, number>> {
  return Object.fromEntries(names.map((name, i) => [name, i])) as Record<K, number>;
}

/** Name to code. */
export const UNARY_CODE = codes(UNARY);
export const BINARY_CODE = codes(BINARY);
export const REDUCE_CODE = codes(REDUCE);
export const ACT_CODE = codes(ACT);
