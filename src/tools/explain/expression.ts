// explainExpression: the chain rule for a small program (f = x^2 + y^2; x = t^2; y = sin(t)), path by path
// through the user's named variables, with each local derivative written symbolically as the tutorial does.

import { gradientsOf } from "../../autograd/engine.js";
import { type Tensor, tensor } from "../../core.js";
import { describeValue, ValueError } from "../../errors.js";
import { derive } from "../expr/derive.js";
import { EXPR_CONSTANTS } from "../expr/functions.js";
import { printSym } from "../expr/print.js";
import { buildTensor, type EvaluatedExpression, evaluateExpression, outputClosure } from "../expr/program.js";
import { add, mul, type Sym, simplify, substitute } from "../expr/symbolic.js";
import { chainText, explain, numericDerivative } from "./explain.js";
import { analysePaths, type PathEdge } from "./paths.js";
import type { ExplainPath, ExplainStep, Explanation } from "./types.js";

/** Options of {@link explainExpression}. */
export interface ExplainExpressionOptions {
  /** The variable to differentiate with respect to (an input, or a defined name). */
  wrt: string;
  /** A value for every input, e.g. `{ t: 0.7 }`. */
  at: Readonly<Record<string, number>>;
  /** The output; default: the defined name nothing else reads. */
  output?: string;
  /** Explain through the recorded primitives instead of the named variables. */
  ops?: boolean;
  /** The most paths to list (default 32). */
  limit?: number;
  /** Finite-difference step (default 1e-6 · max(1, |wrt|)). */
  h?: number;
}

/** Longest printed formula kept in a result (longer ones are left out rather than flooding a terminal). */
const MAX_FORMULA = 160;

const shown = (s: Sym | null): string | null => {
  if (s === null) return null;
  const text = printSym(s);
  return text.length <= MAX_FORMULA ? text : null;
};

/** Each name's definition with intermediate names substituted (all but `keep`), or null when too large. */
function expandedDefinitions(ev: EvaluatedExpression, keep: string): Map<string, Sym | null> {
  const out = new Map<string, Sym | null>();
  let broken = false;
  for (const d of outputClosure(ev.program).definitions) {
    if (d.name === keep) continue;
    const s = substitute(d.sym, (n) => {
      if (n === keep || !out.has(n)) return undefined;
      const e = out.get(n);
      if (e === null) broken = true;
      return e ?? undefined;
    });
    out.set(d.name, broken || s === null ? null : simplify(s));
    broken = false;
  }
  return out;
}

/** ∂(definition)/∂(each name it reads) at the point: autograd on the definition alone, its names as leaves. */
function localPartials(ev: EvaluatedExpression, name: string, refs: readonly string[]): number[] {
  const def = ev.program.definitions.find((d) => d.name === name)!;
  const leaves = new Map<string, Tensor>(
    refs.map((r) => [r, tensor(ev.values[r], { dtype: "float64", requiresGrad: true })]),
  );
  const constants: Record<string, number> = EXPR_CONSTANTS;
  const out = buildTensor(def.expr, (n) => leaves.get(n) ?? tensor(constants[n], { dtype: "float64" }));
  const grads = gradientsOf(out, [...leaves.values()], undefined, false, "explain");
  return grads.map((g) => (g === null ? 0 : g._storage[0]));
}

/**
 * Explains `d(output)/d(wrt)` for an expression program, the tutorial's way: one term per path from `wrt` to the
 * output through the named variables, each term the product of local derivatives written symbolically
 * (`∂f/∂x = 2x`, `dx/dt = 2t`) with values; each path's product in the path's variables and in the inputs
 * (`2x · 2t = 4t^3`), and the sum over paths next to autograd and a float64 central difference. With `ops`,
 * the paths run through the recorded primitives instead. See {@link parseExpression} for the language.
 *
 * @example
 * ```ts
 * const e = explainExpression("f = x^2 + y^2; x = t^2; y = sin(t)", { wrt: "t", at: { t: 0.7 } });
 * e.paths.map((p) => p.expanded); // ["4t^3", "2 sin t cos t"]
 * e.sum.symbolic; // "4t^3 + 2 sin t cos t"
 * e.sum.value; // 2.35745..., the same as e.autograd and e.numeric.value
 * console.log(formatExplanation(e));
 * ```
 */
export function explainExpression(source: string, options: ExplainExpressionOptions): Explanation {
  if (typeof options !== "object" || options === null)
    throw new ValueError("explain", `expected options { wrt, at }, got ${describeValue(options)}`);
  const ev = evaluateExpression(source, options.at ?? {}, { output: options.output, op: "explain" });
  const program = ev.program;
  const { wrt } = options;
  const known = Object.keys(ev.tensors);
  if (typeof wrt !== "string" || !Object.hasOwn(ev.tensors, wrt)) {
    const all = [...program.inputs, ...program.definitions.map((d) => d.name)];
    const hint = all.includes(wrt) ? `; ${program.output} does not depend on ${wrt}` : "";
    throw new ValueError(
      "explain",
      `wrt must name a variable ${program.output} depends on (${known.join(", ")}), got ${describeValue(wrt)}${hint}`,
    );
  }
  // Shown in the order the user wrote them (evaluation order is inputs-first).
  const definitions = [...outputClosure(program).definitions]
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .map((d) => d.text);
  if (options.ops) {
    const e = explain(ev.output, ev.tensors[wrt], { names: ev.names, limit: options.limit, h: options.h });
    return { ...e, point: { ...ev.values }, definitions };
  }
  const limit = options.limit ?? 32;
  if (!Number.isInteger(limit) || limit < 1)
    throw new ValueError("explain", `limit must be an integer >= 1, got ${describeValue(limit)}`);

  // The graph of named variables: u → v when v's definition reads u; only names that depend on wrt.
  const defs = outputClosure(program).definitions;
  const order = [wrt, ...defs.map((d) => d.name).filter((n) => n !== wrt)];
  const dependent = new Set<string>([wrt]);
  for (const d of defs) if (d.name !== wrt && d.refs.some((r) => dependent.has(r))) dependent.add(d.name);
  const nodes = order.filter((n) => dependent.has(n));
  const index = new Map(nodes.map((n, i) => [n, i]));
  const edges: (PathEdge & { step: ExplainStep; formula: Sym })[] = [];
  for (const d of defs) {
    if (d.name === wrt || !dependent.has(d.name)) continue;
    const refs = d.refs.filter((r) => dependent.has(r));
    const values = localPartials(ev, d.name, d.refs);
    const partial = d.refs.length === 1 ? "d" : "∂";
    for (const r of refs) {
      const formula = derive(d.sym, r);
      const value = values[d.refs.indexOf(r)];
      edges.push({
        from: index.get(r)!,
        to: index.get(d.name)!,
        value,
        formula,
        step: {
          from: r,
          to: d.name,
          notation: `${partial}${d.name}/${partial}${r}`,
          derivative: shown(formula),
          value,
        },
      });
    }
  }
  const out = program.output;
  const analysis = index.has(out)
    ? analysePaths(
        nodes.length,
        edges,
        0,
        index.get(out)!,
        nodes.map((_, i) => i),
        limit,
      )
    : null;
  const expanded = expandedDefinitions(ev, wrt);
  const expand = (s: Sym): Sym | null => {
    let failed = false;
    const r = substitute(s, (n) => {
      if (n === wrt || !expanded.has(n)) return undefined;
      const e = expanded.get(n);
      if (e === null) failed = true;
      return e ?? undefined;
    });
    return failed || r === null ? null : simplify(r);
  };
  const products: (Sym | null)[] = [];
  const paths: ExplainPath[] = (analysis?.top ?? []).map(({ edges: ids, product }) => {
    const steps = ids.map((i) => edges[i].step);
    const formulas = ids.map((i) => edges[i].formula).reverse();
    const chain = chainText(steps.map((s) => s.derivative).reverse());
    const inPath = simplify(mul(...formulas));
    const inInputs = expand(inPath);
    products.push(inInputs);
    let simplified = shown(inPath);
    const expandedText = shown(inInputs);
    if (simplified === chain || simplified === expandedText) simplified = null;
    return {
      nodes: [wrt, ...steps.map((s) => s.to)],
      steps,
      product,
      chain,
      simplified,
      expanded: expandedText,
    };
  });
  const count = analysis?.count ?? 0n;
  const total = analysis === null ? 0 : analysis.sums[0];
  const complete = BigInt(paths.length) === count;
  let symbolic: string | null = null;
  if (complete && products.every((p) => p !== null))
    symbolic = paths.length === 0 ? "0" : shown(simplify(add(...(products as Sym[]))));
  else {
    // Too many paths to list: the total derivative of the expanded output says the same in one formula.
    const whole = expanded.get(out);
    if (whole) symbolic = shown(derive(whole, wrt));
  }
  const seen = new Set<ExplainStep>();
  const localDerivatives: ExplainStep[] = [];
  for (const p of paths)
    for (const s of [...p.steps].reverse()) {
      if (seen.has(s)) continue;
      seen.add(s);
      localDerivatives.push(s);
    }
  const listed = paths.reduce((acc, p) => acc + p.product, 0);
  const [g] = gradientsOf(ev.output, [ev.tensors[wrt]], undefined, false, "explain");
  return {
    mode: "scalar",
    level: "variables",
    output: out,
    wrt,
    point: { ...ev.values },
    definitions,
    legend: [],
    localDerivatives,
    pathCount: count.toString(),
    paths,
    omitted: { count: (count - BigInt(paths.length)).toString(), sum: complete ? 0 : total - listed },
    sum: { value: total, symbolic },
    autograd: g === null ? 0 : g._storage[0],
    numeric: numericDerivative(ev.output, ev.tensors[wrt], options.h),
    tensor: null,
  };
}
