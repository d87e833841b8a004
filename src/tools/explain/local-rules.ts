// Local derivatives of the primitives, in one place: each primitive's output as a formula of its operands
// (symbolic templates) and the value of ∂out/∂input at the point (the primitive's vjp with a unit seed).

import type { GradNode } from "../../autograd/node.js";
import { noGrad, onesLike, type Tensor } from "../../core.js";
import { derive } from "../expr/derive.js";
import { EXPR_FUNCTIONS } from "../expr/functions.js";
import { printSym } from "../expr/print.js";
import {
  add,
  call,
  div,
  mul,
  neg,
  num,
  pow,
  type Sym,
  simplify,
  sub,
  substitute,
  variable,
} from "../expr/symbolic.js";

/** A primitive's output as a formula of its operands (null: the op has no elementwise formula). */
type Template = (args: readonly Sym[], inputs: readonly Tensor[]) => Sym;

const unaryTemplate =
  (fn: string): Template =>
  ([a]) =>
    call(fn, a);

/** The primitives whose output is a formula of scalar operands. Layout ops and reductions of one element pass the value through. */
const TEMPLATES: Readonly<Record<string, Template>> = {
  add: ([a, b]) => add(a, b),
  sub: ([a, b]) => sub(a, b),
  mul: ([a, b]) => mul(a, b),
  div: ([a, b]) => div(a, b),
  pow: ([a, b]) => pow(a, b),
  neg: ([a]) => neg(a),
  maximum: ([a, b]) => call("max", a, b),
  minimum: ([a, b]) => call("min", a, b),
  // For one element: a matrix product is a product, softmax is 1 and logSoftmax 0 (their derivatives vanish).
  matmul: ([a, b]) => mul(a, b),
  softmax: () => num(1),
  logSoftmax: () => num(0),
  // The condition is a constant of the recorded graph: the op picks one operand.
  where: ([, a, b], [c]) => (c._storage[0] !== 0 ? a : b),
  bce: ([p, t]) => neg(add(mul(t, call("log", p)), mul(sub(num(1), t), call("log", sub(num(1), p))))),
};
for (const name of [
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
  "erf",
  "erfc",
  "softplus",
  "sign",
]) {
  if (EXPR_FUNCTIONS[name]) (TEMPLATES as Record<string, Template>)[name] = unaryTemplate(name);
}

/** Ops that pass one element through unchanged (their local derivative is 1). */
const PASS_THROUGH = new Set([
  "identity",
  "cast",
  "reshape",
  "expand",
  "permute",
  "sum",
  "max",
  "min",
  "slice",
  "embedSlice",
  "concat",
  "gather",
  "scatterAdd",
]);

const PLACEHOLDERS = ["a", "b", "c"];

/**
 * The output of `node` as a formula of its operands' labels; ops that pass a single element through get a
 * call form (`reshape(x)`) so the node keeps a label of its own. Null when the op is unknown here.
 *
 * @example
 * ```ts
 * printSym(nodeFormula(y._node!, [variable("x"), num(2)])!); // "x^2"
 * ```
 */
export function nodeFormula(node: GradNode, args: readonly Sym[]): Sym | null {
  const t = TEMPLATES[node.op];
  if (t) return t(args, node.inputs);
  if (PASS_THROUGH.has(node.op)) return call(node.op, args[0]);
  return null;
}

/** ∂(node's formula)/∂(operand `slot`), in terms of the operands' labels; null when unknown. @example `printSym(localFormula(node, 0, [variable("x"), num(2)])!) // "2x" for pow` */
export function localFormula(node: GradNode, slot: number, args: readonly Sym[]): Sym | null {
  if (PASS_THROUGH.has(node.op)) return num(1);
  const t = TEMPLATES[node.op];
  if (!t) return null;
  // Differentiate with placeholders, so that x·x differentiates by operand slot (∂(a·b)/∂a = b = x).
  const holders = node.inputs.map((_, i) => variable(`§${i}`));
  const d = derive(t(holders, node.inputs), `§${slot}`);
  const back = substitute(d, (n) => (n.startsWith("§") ? args[Number(n.slice(1))] : undefined));
  return back === null ? null : simplify(back);
}

/** The primitive's rule in generic operand names. @example `genericRule(x.mul(y)._node!, 0) // "∂(a·b)/∂a = b"` */
export function genericRule(node: GradNode, slot: number): string {
  const names = node.inputs.map((_, i) => variable(PLACEHOLDERS[i] ?? `x${i}`));
  const self = nodeFormula(node, names);
  const wrt = PLACEHOLDERS[slot] ?? `x${slot}`;
  if (PASS_THROUGH.has(node.op)) return `∂${node.op}(a)/∂a = 1 (one element)`;
  if (self === null) return `∂${node.op}/∂input${slot}`;
  const d = localFormula(node, slot, names);
  // Products are written with a dot here: ∂(a·b)/∂a reads better than ∂(ab)/∂a.
  const shown = node.op === "mul" ? "a·b" : node.op === "matmul" ? "a@b" : printSym(self);
  const wrapped = PLACEHOLDERS.includes(shown) ? shown : `(${shown})`;
  return `∂${wrapped}/∂${wrt} = ${d === null ? "?" : printSym(d)}`;
}

/**
 * The value of ∂out/∂input[slot] for a node whose output and input have one element: the primitive's vjp
 * with a unit seed (so it is exactly what backpropagation multiplies by).
 *
 * @example
 * ```ts
 * const x = tensor(3, { requiresGrad: true });
 * localValue(x.mul(x)._node!, x.mul(x), 0); // 3
 * ```
 */
export function localValue(node: GradNode, out: Tensor, slot: number): number {
  return noGrad(() => {
    const needs = node.inputs.map((_, i) => i === slot);
    const g = node.vjp(onesLike(out), out, needs)[slot];
    if (g === null || g === undefined) return 0;
    let s = 0;
    for (let i = 0; i < g.size; i++) s += g._storage[i];
    return s;
  });
}
