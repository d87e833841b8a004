// The rule table: every primitive's forward and derivative rule, one entry per name.

import type { BinaryKernel, UnaryKernel } from "../backend/backend.js";
import type { DType } from "../dtype.js";
import { elementwiseRules } from "./elementwise.js";
import { layoutRules } from "./layout.js";
import { matmulRules } from "./matmul.js";
import { reduceRules } from "./reduce.js";
import type { RuleTable } from "./rule.js";
import { softmaxRules } from "./softmax.js";

/** Comparison kernels: results are 0/1 and carry no gradient. */
export type CompareKernel = Extract<BinaryKernel, "gt" | "ge" | "lt" | "le" | "eq" | "ne">;

/** Differentiable elementwise functions of one argument. */
export type UnaryPrimitive = Exclude<UnaryKernel, "copy" | "sign">;

/** The attributes each primitive takes, by name. The rule table is typed over these names. */
export interface PrimitiveAttrs extends Record<UnaryPrimitive, null> {
  sign: null;
  add: null;
  sub: null;
  mul: null;
  div: null;
  pow: null;
  maximum: null;
  minimum: null;
  compare: { kernel: CompareKernel };
  bce: null;
  where: null;
  cast: { dtype: DType };
  identity: null;
  sum: { dims: number[]; keepDim: boolean };
  max: { dims: number[]; keepDim: boolean };
  min: { dims: number[]; keepDim: boolean };
  argReduce: { kernel: "argmax" | "argmin"; dim: number | null; keepDim: boolean };
  reshape: { shape: number[] };
  permute: { dims: number[] };
  expand: { shape: number[] };
  slice: { dim: number; start: number; end: number; step: number };
  embedSlice: { shape: number[]; dim: number; start: number; end: number; step: number };
  concat: { dim: number };
  gather: { dim: number };
  scatterAdd: { dim: number; shape: number[] };
  /** Operands read transposed (last two dims swapped), as backward uses them; null for a plain product. */
  matmul: { transA: boolean; transB: boolean } | null;
  softmax: { dim: number };
  logSoftmax: { dim: number };
}

/** The name of a primitive. */
export type PrimitiveName = keyof PrimitiveAttrs;

let table: RuleTable<PrimitiveAttrs> | null = null;

/**
 * Every primitive's rule. Assembled on first use: the families import the ops they differentiate with,
 * which import this table, so building it while modules are still loading would read uninitialised bindings.
 */
export function rules(): RuleTable<PrimitiveAttrs> {
  table ??= { ...elementwiseRules, ...reduceRules, ...layoutRules, ...matmulRules, ...softmaxRules };
  return table;
}
