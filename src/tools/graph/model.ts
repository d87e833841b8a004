// The drawable model of a recorded graph: one entry per tensor with its kind, title and summary lines
// (op, shape, value, gradient), edges with optional local-derivative labels. Collapsing happens later.

import { gradientsOf } from "../../autograd/engine.js";
import { type Tensor, Tensor as TensorClass } from "../../core.js";
import { describeValue, TypeMismatchError, ValueError } from "../../errors.js";
import type { AnyModule } from "../../nn/module.js";
import { symbolLabels } from "../explain/labels.js";
import { localFormula, localValue } from "../explain/local-rules.js";
import { graphOrder } from "../explain/replay.js";
import { formatNumber, printSym } from "../expr/print.js";

/** How a node is drawn: leaves that need no gradient (data), leaves that do (parameters), ops, the output, groups. */
export type GraphNodeKind = "data" | "param" | "op" | "output" | "group";

/** Options shared by {@link toDot} and {@link toSvg}. */
export interface GraphOptions {
  /** Names for tensors: a map, or an object `{ W1, b1 }`. */
  names?: ReadonlyMap<Tensor, string> | Readonly<Record<string, Tensor>>;
  /**
   * A module whose parameters name the leaves (`"0.weight"`) and whose submodules scope the ops that read them;
   * with `collapse: "modules"` (or when over the node budget) each submodule's ops are drawn as one box.
   */
  module?: AnyModule;
  /**
   * Gradient summaries: `"auto"` (default) computes ∂root/∂node for every node when the root has one element
   * and requires grad (one backward pass, nothing written to `.grad`), else shows leaves' `.grad`;
   * `true` insists (an error for a root with several elements); `false` shows none.
   */
  gradients?: boolean | "auto";
  /** Label edges between one-element tensors with the local derivative (`2x = 0.98`). Default true. */
  edgeLabels?: boolean;
  /**
   * `"auto"` (default): draw every node while the graph has at most `maxNodes`; beyond that, group ops by module,
   * collapse long chains, and finally group nodes by depth so that about `maxNodes` boxes remain.
   * `"modules"`: always group by module first. `"none"`: draw every node (slow for thousands).
   */
  collapse?: "auto" | "modules" | "none";
  /** The node budget for `collapse` (default 120). */
  maxNodes?: number;
  /** Layout direction: `"TB"` (inputs on top, default) or `"LR"` (inputs on the left). */
  direction?: "TB" | "LR";
  /** A title drawn above the graph. */
  title?: string;
}

/** One tensor of the raw graph. */
export interface RawNode {
  readonly tensor: Tensor;
  kind: GraphNodeKind;
  /** First line: the name, a short formula, or the op. */
  title: string;
  /** Further lines: op, shape, value, gradient. */
  lines: string[];
  /** The op name, or "leaf". */
  op: string;
  /** Module scope (e.g. `"0"`), when a module was given and the node reads its parameters. */
  scope: string | null;
}

/** An edge of the raw graph, by node index. */
export interface RawEdge {
  readonly from: number;
  readonly to: number;
  /** The local-derivative label, computed only for edges that end up drawn (big graphs hide most). */
  readonly label: (() => string) | null;
}

/** The whole recorded graph, before collapsing. */
export interface RawGraph {
  nodes: RawNode[];
  edges: RawEdge[];
  /** Index of the root. */
  root: number;
  /** Module scope → its class name (for group titles). */
  scopeNames: Map<string, string>;
}

/** Four significant digits: enough to read a drawing. @example `short(0.76484219) // "0.7648"` */
export function short(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}

function summary(s: ArrayLike<number>): string {
  if (s.length === 1) return `= ${short(s[0])}`;
  if (s.length === 0) return "empty";
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let mean = 0;
  for (let i = 0; i < s.length; i++) {
    min = Math.min(min, s[i]);
    max = Math.max(max, s[i]);
    mean += s[i] / s.length;
  }
  return `mean ${short(mean)} [${short(min)}, ${short(max)}]`;
}

function gradSummary(s: ArrayLike<number>): string {
  if (s.length === 1) return `grad ${short(s[0])}`;
  let sq = 0;
  let mean = 0;
  for (let i = 0; i < s.length; i++) {
    sq += s[i] * s[i];
    mean += s[i] / s.length;
  }
  return `grad ‖${short(Math.sqrt(sq))}‖ mean ${short(mean)}`;
}

function toNameMap(names: GraphOptions["names"], op: string): Map<Tensor, string> {
  if (names === undefined) return new Map();
  if (names instanceof Map) return new Map(names);
  const out = new Map<Tensor, string>();
  for (const [name, t] of Object.entries(names as Record<string, Tensor>)) {
    if (!(t instanceof TensorClass))
      throw new TypeMismatchError(op, `names.${name} must be a Tensor, got ${describeValue(t)}`);
    out.set(t, name);
  }
  return out;
}

/** Ops that only rearrange a parameter (W.T in a linear layer): they belong to the parameter's module. */
function paramScopes(order: readonly Tensor[], paramScope: ReadonlyMap<Tensor, string>): Map<Tensor, string> {
  // A tensor computed from one module's parameters and constants only is part of that module (W.T);
  // an op reading such a tensor (or the parameter itself) is scoped to the module too.
  const derived = new Map<Tensor, string | null>();
  const scopes = new Map<Tensor, string>();
  for (const t of order) {
    const own = paramScope.get(t);
    if (own !== undefined) {
      derived.set(t, own);
      continue;
    }
    if (t._node === null) continue;
    const inputs = t._node.inputs;
    const fromParams = inputs.map((i) => derived.get(i));
    const constant = (i: Tensor) => i._node === null && !i.requiresGrad && i.size === 1;
    if (inputs.every((i) => derived.has(i) || constant(i))) {
      const set = new Set(fromParams.filter((s) => s !== undefined));
      const only = set.size === 1 ? [...set][0] : null;
      derived.set(t, only);
      if (only !== null) scopes.set(t, only);
      continue;
    }
    const reads = new Set(fromParams.filter((s): s is string => typeof s === "string"));
    if (reads.size === 1) scopes.set(t, [...reads][0]);
  }
  return scopes;
}

/**
 * Builds the raw drawable graph of `root`: every tensor reachable from it; one-element constants are folded into
 * their reader's title (`pow(·, 2)`) instead of drawn as boxes.
 *
 * @example
 * ```ts
 * buildRawGraph(t.pow(2), { names: { t } }, "toSvg").nodes.map((n) => n.title); // ["t", "t^2"]
 * ```
 */
export function buildRawGraph(root: Tensor, options: GraphOptions, op: string): RawGraph {
  if (!(root instanceof TensorClass))
    throw new TypeMismatchError(op, `expected a Tensor, got ${describeValue(root)}`);
  const names = toNameMap(options.names, op);
  const scopeNames = new Map<string, string>();
  const paramScope = new Map<Tensor, string>();
  if (options.module !== undefined) {
    const m = options.module as Partial<AnyModule>;
    if (typeof m.namedParameters !== "function" || typeof m.namedModules !== "function")
      throw new TypeMismatchError(op, `module must be an nn.Module, got ${describeValue(options.module)}`);
    for (const [path, mod] of m.namedModules()) if (path !== "") scopeNames.set(path, mod.constructor.name);
    for (const [name, p] of m.namedParameters()) {
      if (!names.has(p)) names.set(p, name);
      const dot = name.lastIndexOf(".");
      if (dot > 0) paramScope.set(p, name.slice(0, dot));
    }
  }
  const order = graphOrder(root);
  const scopes = paramScopes(order, paramScope);

  const wantGrads = options.gradients ?? "auto";
  let grads = new Map<Tensor, Tensor>();
  if (wantGrads !== false && root.requiresGrad && (root.size === 1 || wantGrads === true)) {
    if (root.size !== 1)
      throw new ValueError(op, `gradients: true needs a root with one element, got ${root.size} elements`);
    const targets = order.filter((t) => t.requiresGrad);
    const gs = gradientsOf(root, targets, undefined, false, op);
    grads = new Map(targets.flatMap((t, i) => (gs[i] ? [[t, gs[i]!] as const] : [])));
  }

  // Formula titles (x^2, sin t) only for scalar chains: a formula of a tensor's label says little.
  const { syms } = symbolLabels(order, names, {
    maxLength: 18,
    formula: (t) => t.size === 1 && t._node !== null && t._node.inputs.every((i) => i.size === 1),
  });
  const inlined = (t: Tensor) => t._node === null && t.size === 1 && !t.requiresGrad && !names.has(t);
  const index = new Map<Tensor, number>();
  const nodes: RawNode[] = [];
  for (const t of order) {
    if (inlined(t)) continue;
    const node = t._node;
    const name = names.get(t);
    let title: string;
    const lines: string[] = [];
    if (node === null) title = name ?? (t.requiresGrad ? "param" : "data");
    else {
      const consts = node.inputs.some(inlined);
      const opText = consts
        ? `${node.op}(${node.inputs.map((i) => (inlined(i) ? formatNumber(i._storage[0]) : "·")).join(", ")})`
        : node.op;
      const scalarChain = t.size === 1 && node.inputs.every((i) => i.size === 1);
      const formula = scalarChain ? printSym(syms.get(t)!) : null;
      if (name !== undefined || (formula !== null && !/^v\d+$/.test(formula))) {
        title = name ?? formula!;
        lines.push(opText);
      } else title = opText;
    }
    lines.push(t.ndim === 0 ? t.dtype : `[${t.shape.join(", ")}] ${t.dtype}`);
    lines.push(summary(t._storage));
    const g = grads.get(t) ?? (node === null ? t.grad : null);
    if (g) lines.push(gradSummary(g._storage));
    const kind: GraphNodeKind =
      t === root ? "output" : node !== null ? "op" : t.requiresGrad ? "param" : "data";
    index.set(t, nodes.length);
    nodes.push({ tensor: t, kind, title, lines, op: node?.op ?? "leaf", scope: scopes.get(t) ?? null });
  }
  const edges: RawEdge[] = [];
  const edgeLabels = options.edgeLabels ?? true;
  for (const t of order) {
    const to = index.get(t);
    if (to === undefined || t._node === null) continue;
    const node = t._node;
    node.inputs.forEach((input, slot) => {
      const from = index.get(input);
      if (from === undefined) return;
      let label: (() => string) | null = null;
      if (edgeLabels && t.size === 1 && input.size === 1 && input.requiresGrad)
        label = () => {
          const value = localValue(node, t, slot);
          const f = localFormula(
            node,
            slot,
            node.inputs.map((i) => syms.get(i)!),
          );
          const text = f === null ? null : printSym(f);
          return text !== null && text.length <= 18 && text !== short(value)
            ? `${text} = ${short(value)}`
            : short(value);
        };
      edges.push({ from, to, label });
    });
  }
  return { nodes, edges, root: index.get(root)!, scopeNames };
}
