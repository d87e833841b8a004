// explain(y, x): the chain rule on a recorded graph, path by path (scalar graphs) or node by node (tensors),
// next to autograd's gradient and a float64 finite-difference estimate.

import { gradientsOf } from "../../autograd/engine.js";
import { noGrad, Tensor } from "../../core.js";
import { AutogradError, describeValue, formatShape, TypeMismatchError, ValueError } from "../../errors.js";
import { formatNumber, printSym } from "../expr/print.js";
import { add, mul, type Sym, simplify } from "../expr/symbolic.js";
import { symbolLabels } from "./labels.js";
import { genericRule, localFormula, localValue } from "./local-rules.js";
import { analysePaths, type PathEdge } from "./paths.js";
import { graphOrder, replay, unreplayable } from "./replay.js";
import type {
  ExplainContribution,
  ExplainNode,
  ExplainNumeric,
  ExplainPath,
  ExplainStep,
  Explanation,
} from "./types.js";

/** Options of {@link explain}. */
export interface ExplainOptions {
  /** The most paths to list (largest |product| first); the rest are counted and summed. Default 32. */
  limit?: number;
  /** Tensor graphs: the most nodes to list (largest gradient flow first). Default 10. */
  top?: number;
  /** Names for tensors, shown instead of generated labels: a map, or an object `{ W1, b1 }`. */
  names?: ReadonlyMap<Tensor, string> | Readonly<Record<string, Tensor>>;
  /** Finite-difference step; default `1e-6 · max(1, |x|)`. */
  h?: number;
}

/** Per-edge data the scalar explanation reads. */
interface Edge extends PathEdge {
  readonly slot: number;
  readonly step: ExplainStep;
  readonly formula: Sym | null;
}

/** Leibniz notation, with parentheses around a label of more than one symbol. @example `leibniz("x^2", "x") // "∂(x^2)/∂x"` */
export function leibniz(to: string, from: string): string {
  const wrap = (s: string) => (/^[\p{L}_][\p{L}\p{N}_]*$/u.test(s) ? s : `(${s})`);
  return `∂${wrap(to)}/∂${wrap(from)}`;
}

/** Joins step formulas (output side first), sums in parentheses. @example `chainText(["2x", "2t"]) // "2x · 2t"` */
export function chainText(formulas: readonly (string | null)[]): string | null {
  if (formulas.some((f) => f === null)) return null;
  if (formulas.length === 1) return formulas[0];
  return formulas.map((f) => (/ [+-] /.test(f!) ? `(${f})` : f!)).join(" · ");
}

function toNameMap(names: ExplainOptions["names"]): Map<Tensor, string> {
  if (names === undefined) return new Map();
  if (names instanceof Map) return new Map(names);
  const out = new Map<Tensor, string>();
  for (const [name, t] of Object.entries(names as Record<string, Tensor>)) {
    if (!(t instanceof Tensor))
      throw new TypeMismatchError("explain", `names.${name} must be a Tensor, got ${describeValue(t)}`);
    out.set(t, name);
  }
  return out;
}

function norm(s: ArrayLike<number>): number {
  let acc = 0;
  for (let i = 0; i < s.length; i++) acc += s[i] * s[i];
  return Math.sqrt(acc);
}

/** Sums a broadcast gradient back to `shape` (as the engine does before delivering it). */
function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  return g.sum(dims, true).reshape(shape);
}

/** Central (scalar x) or directional (tensor x, along `direction`) finite difference of the replayed graph. */
function finiteDifference(
  y: Tensor,
  x: Tensor,
  order: readonly Tensor[],
  dependents: ReadonlySet<Tensor>,
  direction: Float64Array | null,
  h0: number | undefined,
): ExplainNumeric {
  const method = direction === null ? "central" : "directional";
  const x0 = Float64Array.from(x._storage);
  let scale = 1;
  for (const v of x0) scale = Math.max(scale, Math.abs(v));
  const h = h0 ?? 1e-6 * scale;
  const missing = unreplayable(order, dependents, x);
  if (missing.length > 0)
    return { value: null, method, h, note: `cannot replay ${missing.join(", ")} (no forward rule)` };
  const u = direction ?? Float64Array.from(x0, () => 1);
  const shifted = (sign: number) =>
    replay(
      y,
      x,
      Float64Array.from(x0, (v, i) => v + sign * h * u[i]),
      order,
      dependents,
    )[0];
  return { value: (shifted(1) - shifted(-1)) / (2 * h), method, h };
}

/**
 * A float64 central-difference estimate of ∂y/∂x for a one-element `x`, by replaying `y`'s recorded graph.
 *
 * @example
 * ```ts
 * const t = tensor(1, { dtype: "float64", requiresGrad: true });
 * numericDerivative(t.sin(), t).value; // cos 1 = 0.5403...
 * ```
 */
export function numericDerivative(y: Tensor, x: Tensor, h?: number): ExplainNumeric {
  const order = graphOrder(y);
  const dependents = new Set<Tensor>();
  for (const t of order) if (t === x || t._node?.inputs.some((i) => dependents.has(i))) dependents.add(t);
  return finiteDifference(y, x, order, dependents, null, h);
}

/**
 * Explains `∂y/∂x` on a recorded graph by the multivariable chain rule: every path from `x` to `y` contributes
 * the product of the local derivatives along it, and the derivative is the sum over paths.
 *
 * - **Scalar graphs** (every node between x and y has one element): lists the paths with each local
 *   derivative symbolically (`∂(x^2)/∂x = 2x`, from the primitive's rule) and its value (the primitive's vjp
 *   with a unit seed), the product per path and the sum. Paths are counted and summed by dynamic programming,
 *   so the sum is over *all* paths even when only the `limit` largest are listed.
 * - **Tensor graphs**: groups by node: the gradient flowing through each node (largest first) and how
 *   `∂y/∂x` splits over the edges that read x; the numeric check is a directional derivative.
 *
 * Either way the result holds autograd's value and a float64 central-difference estimate from replaying the
 * recorded forward computations. `y` must have one element. The result is plain data (JSON-serialisable);
 * {@link formatExplanation} renders it.
 *
 * @example
 * ```ts
 * const t = tensor(0.7, { dtype: "float64", requiresGrad: true });
 * const x = t.pow(2), y = t.sin();
 * const f = x.pow(2).add(y.pow(2));
 * const e = explain(f, t, { names: { t, x, y, f } });
 * e.paths.map((p) => p.nodes.join(" → ")); // ["t → x → x^2 → f", "t → y → y^2 → f"]
 * e.sum.value; // 4t^3 + 2 sin t cos t = 2.35745...
 * console.log(formatExplanation(e));
 * ```
 */
export function explain(y: Tensor, x: Tensor, options: ExplainOptions = {}): Explanation {
  if (!(y instanceof Tensor))
    throw new TypeMismatchError("explain", `y must be a Tensor, got ${describeValue(y)}`);
  if (!(x instanceof Tensor))
    throw new TypeMismatchError("explain", `x must be a Tensor, got ${describeValue(x)}`);
  if (y.size !== 1)
    throw new AutogradError(
      "explain",
      `y must have one element, got shape ${formatShape(y.shape)}; reduce it first (e.g. y.sum())`,
    );
  const limit = options.limit ?? 32;
  const top = options.top ?? 10;
  for (const [key, v] of [
    ["limit", limit],
    ["top", top],
  ] as const)
    if (!Number.isInteger(v) || v < 1)
      throw new ValueError("explain", `${key} must be an integer >= 1, got ${describeValue(v)}`);
  const names = toNameMap(options.names);

  const order = graphOrder(y);
  // An x outside y's graph still gets a label (and zero paths).
  if (!order.includes(x)) order.unshift(x);
  const dependents = new Set<Tensor>();
  for (const t of order) if (t === x || t._node?.inputs.some((i) => dependents.has(i))) dependents.add(t);
  const sub = order.filter((t) => dependents.has(t));
  const scalar = sub.every((t) => t.size === 1) && x.size === 1;
  return scalar
    ? explainScalar(y, x, order, sub, dependents, names, limit, options.h)
    : explainTensor(y, x, order, sub, dependents, names, top, options.h);
}

function explainScalar(
  y: Tensor,
  x: Tensor,
  order: readonly Tensor[],
  sub: readonly Tensor[],
  dependents: ReadonlySet<Tensor>,
  names: Map<Tensor, string>,
  limit: number,
  h: number | undefined,
): Explanation {
  const fixed = new Map<Tensor, string>();
  if (!names.has(y)) fixed.set(y, "y");
  if (!names.has(x)) fixed.set(x, "x");
  const { syms, legend } = symbolLabels(order, names, { fixed, formula: (t) => dependents.has(t) });
  const label = (t: Tensor) => printSym(syms.get(t)!);
  const index = new Map(sub.map((t, i) => [t, i]));
  const edges: Edge[] = [];
  for (const t of sub) {
    if (t === x || t._node === null) continue;
    const node = t._node;
    const args = node.inputs.map((i) => syms.get(i)!);
    node.inputs.forEach((input, slot) => {
      if (!index.has(input)) return;
      const value = localValue(node, t, slot);
      // The formula and the printed step are built on first use: only edges on listed paths need them, and
      // deep graphs have far more edges than the listed paths touch.
      let formula: Sym | null | undefined;
      let step: ExplainStep | undefined;
      const formulaOf = () => {
        if (formula === undefined) formula = localFormula(node, slot, args);
        return formula;
      };
      edges.push({
        from: index.get(input)!,
        to: index.get(t)!,
        value,
        slot,
        get formula() {
          return formulaOf();
        },
        get step() {
          if (step === undefined) {
            const f = formulaOf();
            step = {
              from: label(input),
              to: label(t),
              notation: leibniz(label(t), label(input)),
              derivative: f === null ? null : printSym(f),
              value,
              op: node.op,
              rule: genericRule(node, slot),
            };
          }
          return step;
        },
      });
    });
  }
  const inGraph = index.has(x) && index.has(y);
  const analysis = inGraph
    ? analysePaths(
        sub.length,
        edges,
        index.get(x)!,
        index.get(y)!,
        sub.map((_, i) => i),
        limit,
      )
    : null;
  const paths: ExplainPath[] = (analysis?.top ?? []).map(({ edges: ids, product }) => {
    const steps = ids.map((i) => edges[i].step);
    const formulas = ids.map((i) => edges[i].formula);
    const chain = chainText([...steps].reverse().map((s) => s.derivative));
    let simplified: string | null = null;
    if (formulas.every((f) => f !== null)) {
      simplified = printSym(simplify(mul(...[...formulas].reverse().map((f) => f!))));
      if (simplified === chain) simplified = null;
    }
    return {
      nodes: [label(x), ...steps.map((s) => s.to)],
      steps,
      product,
      chain,
      simplified,
      expanded: null,
    };
  });
  const count = analysis?.count ?? 0n;
  const total = analysis === null ? 0 : analysis.sums[index.get(x)!];
  const listed = paths.reduce((acc, p) => acc + p.product, 0);
  const complete = BigInt(paths.length) === count;
  let symbolic: string | null = null;
  if (complete && analysis !== null) {
    const products = analysis.top.map((p) => p.edges.map((i) => edges[i].formula));
    if (products.every((fs) => fs.every((f) => f !== null)))
      symbolic = printSym(simplify(add(...products.map((fs) => mul(...(fs as Sym[]).reverse())))));
    if (paths.length === 0) symbolic = "0";
  }
  const seen = new Set<ExplainStep>();
  const localDerivatives: ExplainStep[] = [];
  for (const p of paths)
    for (const s of [...p.steps].reverse()) {
      if (seen.has(s)) continue;
      seen.add(s);
      localDerivatives.push(s);
    }
  const [g] = gradientsOf(y, [x], undefined, false, "explain");
  return {
    mode: "scalar",
    level: "ops",
    output: label(y),
    wrt: label(x),
    point: Object.fromEntries([...names].filter(([t]) => t.size === 1).map(([t, n]) => [n, t._storage[0]])),
    definitions: [],
    legend,
    localDerivatives,
    pathCount: count.toString(),
    paths,
    omitted: { count: (count - BigInt(paths.length)).toString(), sum: complete ? 0 : total - listed },
    sum: { value: total, symbolic },
    autograd: g === null ? 0 : g._storage[0],
    numeric: finiteDifference(y, x, order, dependents, null, h),
    tensor: null,
  };
}

function explainTensor(
  y: Tensor,
  x: Tensor,
  order: readonly Tensor[],
  sub: readonly Tensor[],
  dependents: ReadonlySet<Tensor>,
  names: Map<Tensor, string>,
  top: number,
  h: number | undefined,
): Explanation {
  const labels = new Map<Tensor, string>(names);
  const taken = new Set(names.values());
  let counter = 0;
  const label = (t: Tensor): string => {
    let l = labels.get(t);
    if (l === undefined && t._node === null && !t.requiresGrad && t.size === 1)
      return formatNumber(t._storage[0]);
    if (l === undefined) {
      const base = t === x ? "x" : t === y ? "y" : t._node === null ? (t.requiresGrad ? "w" : "c") : "v";
      l = base === "x" || base === "y" ? base : `${base}${++counter}`;
      while (taken.has(l)) l = `${base}${++counter}`;
      taken.add(l);
      labels.set(t, l);
    }
    return l;
  };
  const inGraph = dependents.has(y);
  const targets = inGraph ? [...sub] : [x];
  const grads = gradientsOf(y, targets, undefined, false, "explain");
  const gradOf = new Map(targets.map((t, i) => [t, grads[i]]));
  const gx = gradOf.get(x) ?? null;
  const gxs = gx === null ? new Float64Array(x.size) : Float64Array.from(gx._storage);

  // Count paths (the numbers can be astronomically large in tensor graphs too; they are not enumerated).
  const index = new Map(sub.map((t, i) => [t, i]));
  const edges: PathEdge[] = [];
  for (const t of sub)
    if (t !== x && t._node)
      for (const input of t._node.inputs)
        if (index.has(input)) edges.push({ from: index.get(input)!, to: index.get(t)!, value: 1 });
  const count = inGraph
    ? analysePaths(
        sub.length,
        edges,
        index.get(x)!,
        index.get(y)!,
        sub.map((_, i) => i),
        1,
      ).count
    : 0n;

  const contributions: ExplainContribution[] = [];
  const summed = new Float64Array(x.size);
  noGrad(() => {
    for (const t of sub) {
      if (t === x || t._node === null) continue;
      const gt = gradOf.get(t);
      if (!gt) continue;
      t._node.inputs.forEach((input, slot) => {
        if (input !== x) return;
        const part = t._node!.vjp(
          gt,
          t,
          t._node!.inputs.map((_, i) => i === slot),
        )[slot];
        if (part === null || part === undefined) return;
        const fitted = sumToShape(part, x.shape);
        for (let i = 0; i < summed.length; i++) summed[i] += fitted._storage[i];
        contributions.push({ via: label(t), op: t._node!.op, slot, norm: norm(fitted._storage) });
      });
    }
  });
  let contributionError = 0;
  for (let i = 0; i < summed.length; i++)
    contributionError = Math.max(contributionError, Math.abs(summed[i] - gxs[i]));
  contributions.sort((a, b) => b.norm - a.norm);

  const nodes: ExplainNode[] = sub
    .map((t) => ({
      label: label(t),
      op: t._node?.op ?? "leaf",
      shape: [...t.shape],
      valueNorm: norm(t._storage),
      gradNorm: gradOf.get(t) ? norm(gradOf.get(t)!._storage) : 0,
    }))
    .sort((a, b) => b.gradNorm - a.gradNorm)
    .slice(0, top);
  const byLabel = new Map(sub.map((t) => [label(t), t]));
  const legend = nodes
    .map((n) => byLabel.get(n.label)!)
    .filter((t) => t._node !== null && !names.has(t))
    .map((t) => ({
      label: label(t),
      definition: `${t._node!.op}(${t._node!.inputs.map(label).join(", ")})`,
    }));

  const gnorm = norm(gxs);
  const direction =
    gnorm > 0
      ? Float64Array.from(gxs, (v) => v / gnorm)
      : Float64Array.from(gxs, () => 1 / Math.sqrt(gxs.length || 1));
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let mean = 0;
  for (const v of gxs) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    mean += v / gxs.length;
  }
  const autograd = gxs.reduce((acc, v, i) => acc + v * direction[i], 0);
  const viaEdges = summed.reduce((acc, v, i) => acc + v * direction[i], 0);
  return {
    mode: "tensor",
    level: "ops",
    output: label(y),
    wrt: label(x),
    point: {},
    definitions: [],
    legend,
    localDerivatives: [],
    pathCount: count.toString(),
    paths: [],
    omitted: { count: count.toString(), sum: viaEdges },
    sum: { value: viaEdges, symbolic: null },
    autograd,
    numeric: finiteDifference(y, x, order, dependents, direction, h),
    tensor: {
      gradient: { norm: gnorm, min, max, mean },
      contributions,
      contributionError,
      nodes,
      nodeCount: sub.length,
    },
  };
}
