// whyNoGradient: explains why a tensor's gradient is null, zero or vanishing, by walking the recorded graph.

import { fitTo, topologicalOrder } from "../../autograd/engine.js";
import { cutEdges } from "../../autograd/hooks.js";
import { noGrad, onesLike, Tensor } from "../../core.js";
import { describeValue, formatShape, ShapeError, TypeMismatchError, ValueError } from "../../errors.js";

/** Why a gradient is missing: one cause, found on the graph. */
export type NoGradientKind =
  /** `y` has no recorded graph (computed under `noGrad()`, or only from tensors that do not require grad). */
  | "no-graph"
  /** `x` does not require grad (created without `requiresGrad`, or the result of `detach()`). */
  | "does-not-require-grad"
  /** `y` was computed from a detached copy of `x` (same elements, cut from the graph). */
  | "detached"
  /** No path leads from `x` to `y`. */
  | "not-reachable"
  /** The path goes through an op without a derivative: a comparison, `argmax`/`argmin`, or `sign` (derivative 0). */
  | "non-differentiable"
  /** A ReLU whose inputs are all ≤ 0 where the gradient arrives: relu' = 0. */
  | "dead-relu"
  /** A sigmoid or tanh in saturation: its local derivative is (nearly) 0. */
  | "saturated"
  /** A product whose other factor is 0. */
  | "zero-multiplier"
  /** Another op whose local derivative is 0 where the gradient arrives (abs at 0, max's loser, where's unused branch). */
  | "zero-derivative"
  /** Several paths each carry a gradient, but they sum to zero. */
  | "cancellation"
  /** No single op stops the gradient, but the product of many small local derivatives makes it tiny. */
  | "vanishing"
  /** The gradient exists, but `x` is not a leaf, so `backward()` does not keep it in `.grad` without `retainGrad()`. */
  | "not-retained";

/** One cause, with the path it lies on (`"x"`, then op names up to `y`'s op). */
export interface NoGradientReason {
  kind: NoGradientKind;
  /** The op responsible, when there is one (`"relu"`, `"sigmoid"`, `"compare"`...). */
  op: string | null;
  /** The path from `x` to `y`, as `["x", "matmul", "relu", "sum"]`; empty when there is none. */
  path: string[];
  /** A sentence saying what happened and what to do. */
  message: string;
}

/** What {@link whyNoGradient} found. */
export interface WhyNoGradientResult {
  /** `"null"`: no gradient reaches `x`; `"zero"`: it is exactly 0; `"tiny"`: every element ≤ `tiny`; else `"nonzero"`. */
  gradient: "null" | "zero" | "tiny" | "nonzero";
  /** The largest |∂y/∂x| (null when no gradient reaches `x`). */
  maxAbs: number | null;
  /** The share of `x`'s elements whose gradient is exactly 0 (null when no gradient reaches `x`). */
  zeroShare: number | null;
  /** The causes found, most direct first; empty when the gradient is healthy. */
  reasons: NoGradientReason[];
  /** Everything in one paragraph. */
  message: string;
}

/** Options of {@link whyNoGradient}. */
export interface WhyNoGradientOptions {
  /** The gradient of some scalar with respect to `y` (default: ones, i.e. the gradient of `y.sum()`). */
  gradient?: Tensor;
  /** A gradient whose elements are all at most this in absolute value counts as `"tiny"` (default 1e-8). */
  tiny?: number;
  /** An op blocks the gradient when what it passes on is at most this share of what reaches it (default 1e-6). */
  blockRatio?: number;
}

const OP = "whyNoGradient";

/** The ops a gradient flows through from `y` (graph edges) and, separately, through cut (non-differentiable) edges. */
interface Walk {
  /** For each tensor found, the consumer it was reached from (null for `y`). */
  from: Map<Tensor, Tensor | null>;
  /** The non-differentiable op on the way, for tensors only reachable through one. */
  cutOp: Map<Tensor, string>;
}

/** Breadth-first from `y` along graph edges, and along cut edges when `throughCuts`. */
function walk(y: Tensor, throughCuts: boolean): Walk {
  const from = new Map<Tensor, Tensor | null>([[y, null]]);
  const cutOp = new Map<Tensor, string>();
  const queue = [y];
  for (let k = 0; k < queue.length; k++) {
    const t = queue[k];
    const cut = throughCuts && t._node === null ? cutEdges.get(t) : undefined;
    const inputs = t._node?.inputs ?? cut?.inputs ?? [];
    for (const i of inputs) {
      if (from.has(i)) continue;
      from.set(i, t);
      const op = cut?.op ?? cutOp.get(t);
      if (op !== undefined) cutOp.set(i, op);
      queue.push(i);
    }
  }
  return { from, cutOp };
}

function label(t: Tensor, x: Tensor): string {
  if (t === x) return "x";
  return t._node?.op ?? cutEdges.get(t)?.op ?? "leaf";
}

/** The path x → ... → y read off the `from` links (x must be in them). */
function pathUp(start: Tensor, x: Tensor, from: ReadonlyMap<Tensor, Tensor | null>): string[] {
  const path: string[] = [];
  for (let t: Tensor | null | undefined = start; t != null; t = from.get(t)) path.push(label(t, x));
  return path;
}

function maxAbs(t: Tensor): number {
  let m = 0;
  const s = t._storage;
  for (let i = 0; i < s.length; i++) {
    const a = Math.abs(s[i]);
    if (a > m || Number.isNaN(a)) m = a;
  }
  return m;
}

const fmt = (v: number): string => String(Number(v.toPrecision(3)));

/** An edge where the gradient dies: node `t`'s input `index` gets ≤ blockRatio of what reached `t`. */
interface Block {
  t: Tensor;
  index: number;
  g: Tensor;
}

/** Names the cause of a block from the op and the values it saw. */
function classify(block: Block): { kind: NoGradientKind; message: string } {
  const { t, index, g } = block;
  const node = t._node!;
  const op = node.op;
  const inputs = node.inputs;
  const gs = g._storage;
  // Only elements that receive a gradient matter (g may broadcast against t).
  const live = (i: number) => g.size === t.size && gs[i] !== 0;
  if (op === "relu") {
    const xs = inputs[0]._storage;
    let n = 0;
    let maxIn = -Infinity;
    for (let i = 0; i < xs.length; i++)
      if (live(i)) {
        n++;
        maxIn = Math.max(maxIn, xs[i]);
      }
    return {
      kind: "dead-relu",
      message: `relu passes no gradient: all ${n} of its inputs that receive one are ≤ 0 (largest ${fmt(maxIn)}), and relu'(x) = 0 there (a dead ReLU); check the bias and initialisation, or use leakyRelu`,
    };
  }
  if (op === "sigmoid" || op === "tanh") {
    const ys = t._storage;
    let maxLocal = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < ys.length; i++)
      if (live(i)) {
        const local = op === "sigmoid" ? ys[i] * (1 - ys[i]) : 1 - ys[i] * ys[i];
        maxLocal = Math.max(maxLocal, local);
        lo = Math.min(lo, ys[i]);
        hi = Math.max(hi, ys[i]);
      }
    const formula = op === "sigmoid" ? "σ'(x) = σ(x)(1 - σ(x))" : "tanh'(x) = 1 - tanh²(x)";
    return {
      kind: "saturated",
      message: `${op} is saturated: its outputs lie in [${fmt(lo)}, ${fmt(hi)}], so ${formula} is at most ${fmt(maxLocal)}; scale the inputs down or initialise smaller`,
    };
  }
  if (op === "sign")
    return {
      kind: "non-differentiable",
      message: "sign's derivative is 0 everywhere: no gradient flows through it",
    };
  if ((op === "mul" || op === "matmul") && inputs.length === 2) {
    const other = inputs[1 - index];
    if (maxAbs(other) === 0)
      return {
        kind: "zero-multiplier",
        message: `${op}'s other operand (${formatShape(other.shape)}) is all zeros, so the gradient it passes on is ${op === "mul" ? "g · 0" : "g @ 0"} = 0`,
      };
  }
  const why: Record<string, string> = {
    abs: "abs'(0) = 0 and the inputs that receive a gradient are 0",
    maximum: "the other operand is larger wherever the gradient arrives",
    minimum: "the other operand is smaller wherever the gradient arrives",
    max: "the gradient goes to the maximum elements only",
    min: "the gradient goes to the minimum elements only",
    where: "the condition never selects this branch where the gradient arrives",
    pow: index === 0 ? "the exponent is 0" : "the base is 0",
    div: index === 1 ? "the numerator is 0" : "the denominator is infinite",
  };
  return {
    kind: "zero-derivative",
    message: `${op} passes no gradient to its input #${index}: ${why[op] ?? "its local derivative is 0 where the gradient arrives"}`,
  };
}

/**
 * Explains why `x` gets no gradient from `y` (null, zero, or vanishingly small), before or after `backward()`:
 * it walks `y`'s recorded graph, computes ∂y/∂x with a private backward pass (no `.grad` is touched), and
 * names the causes with the path they lie on: `y` has no graph (computed under `noGrad()`), `x` does not
 * require grad or was detached, `x` is not reachable, the path goes through a non-differentiable op
 * (comparison, argmax, sign), a dead ReLU, a saturated sigmoid/tanh, a zero multiplier, another zero local
 * derivative, paths that cancel, or many small factors (vanishing). For a healthy gradient the reasons are
 * empty, except `"not-retained"` when `x` is a non-leaf whose `.grad` backward would not keep.
 *
 * @example
 * ```ts
 * const w = tensor([1, 2], { requiresGrad: true });
 * const y = w.mul(-5).sub(10).relu().sum(); // every unit dead
 * const why = whyNoGradient(w, y);
 * why.gradient;        // "zero"
 * why.reasons[0].kind; // "dead-relu"
 * why.reasons[0].path; // ["x", "mul", "sub", "relu", "sum"]
 * ```
 */
export function whyNoGradient(x: Tensor, y: Tensor, options: WhyNoGradientOptions = {}): WhyNoGradientResult {
  if (!(x instanceof Tensor)) throw new TypeMismatchError(OP, `x must be a Tensor, got ${describeValue(x)}`);
  if (!(y instanceof Tensor)) throw new TypeMismatchError(OP, `y must be a Tensor, got ${describeValue(y)}`);
  const { tiny = 1e-8, blockRatio = 1e-6, gradient } = options;
  if (!(tiny >= 0)) throw new ValueError(OP, `tiny must be a number >= 0, got ${describeValue(tiny)}`);
  if (!(blockRatio >= 0))
    throw new ValueError(OP, `blockRatio must be a number >= 0, got ${describeValue(blockRatio)}`);
  if (gradient !== undefined) {
    if (!(gradient instanceof Tensor))
      throw new TypeMismatchError(OP, `gradient must be a Tensor, got ${describeValue(gradient)}`);
    if (gradient.shape.length !== y.shape.length || gradient.shape.some((d, i) => d !== y.shape[i]))
      throw new ShapeError(
        OP,
        `gradient must have y's shape ${formatShape(y.shape)}, got ${formatShape(gradient.shape)}`,
      );
  }
  const none = (reasons: NoGradientReason[]): WhyNoGradientResult =>
    finish({ gradient: "null", maxAbs: null, zeroShare: null, reasons });

  const graph = walk(y, false);
  if (!graph.from.has(x)) {
    // Not reachable along graph edges: look through non-differentiable ops, then for a detached copy.
    const wide = walk(y, true);
    if (wide.from.has(x)) {
      const op = wide.cutOp.get(x) ?? "an op without a derivative";
      return none([
        {
          kind: "non-differentiable",
          op,
          path: pathUp(x, x, wide.from),
          message: `the path from x to y goes through ${op}, which has no derivative (a comparison, argmax or argmin): its output is a constant to autograd`,
        },
      ]);
    }
    for (const t of wide.from.keys())
      if (t !== x && t._node === null && !t.requiresGrad && t._storage === x._storage)
        return none([
          {
            kind: "detached",
            op: null,
            path: pathUp(t, x, wide.from).slice(1),
            message:
              "y was computed from a detached copy of x (same elements, cut from the graph by detach()): use x itself where the gradient should flow",
          },
        ]);
    if (!y.requiresGrad)
      return none([
        x.requiresGrad
          ? {
              kind: "no-graph",
              op: null,
              path: [],
              message:
                "y has no recorded graph: it was computed under noGrad() (or only from detached tensors), so nothing links it to x; compute y outside noGrad() from x itself",
            }
          : {
              kind: "does-not-require-grad",
              op: null,
              path: [],
              message:
                "x does not require grad, so no graph was recorded for y: create x with { requiresGrad: true } (or set x.requiresGrad = true) before computing y",
            },
      ]);
    return none([
      {
        kind: "not-reachable",
        op: null,
        path: [],
        message:
          "x is not an ancestor of y in the recorded graph: y does not use x (a branch may have been computed under noGrad(), or from another tensor)",
      },
    ]);
  }
  if (!x.requiresGrad)
    return none([
      {
        kind: "does-not-require-grad",
        op: null,
        path: pathUp(x, x, graph.from),
        message:
          "y uses x, but x does not require grad, so autograd treats it as a constant: create it with { requiresGrad: true } (or set x.requiresGrad = true before computing y)",
      },
    ]);
  if (x === y) return finish({ gradient: "nonzero", maxAbs: 1, zeroShare: 0, reasons: [] });

  // A private backward pass over the tensors between x and y, watching where the gradient dies.
  const order = topologicalOrder(y);
  const dependsOnX = new Set<Tensor>([x]);
  for (const t of order) if (t !== x && t._node!.inputs.some((i) => dependsOnX.has(i))) dependsOnX.add(t);
  const blocks: Block[] = [];
  let contributions = 0;
  let gx: Tensor | null = null;
  noGrad(() => {
    const grads = new Map<Tensor, Tensor>([[y, gradient ?? onesLike(y)]]);
    const deliver = (t: Tensor, g: Tensor) => {
      const prev = grads.get(t);
      grads.set(t, prev === undefined ? g : prev.add(g));
    };
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k];
      const g = grads.get(t);
      if (t === x || g === undefined || !dependsOnX.has(t)) continue;
      const node = t._node!;
      const needs = node.inputs.map((i) => dependsOnX.has(i) && i.requiresGrad);
      const raw = node.vjp(g, t, needs);
      const gIn = maxAbs(g);
      node.inputs.forEach((input, i) => {
        if (!needs[i]) return;
        const r = raw[i];
        const gi = r == null ? null : fitTo(r, input);
        const gOut = gi === null ? 0 : maxAbs(gi);
        if (gIn > 0 && gOut <= blockRatio * gIn) blocks.push({ t, index: i, g });
        if (input === x && gOut > 0) contributions++;
        if (gi !== null) deliver(input, gi);
      });
    }
    gx = grads.get(x) ?? null;
  });
  const g = gx as Tensor | null;
  if (g === null) return none(blocks.map((b) => reasonFor(b, x, dependsOnX, graph.from)));
  const m = maxAbs(g);
  let zeros = 0;
  for (let i = 0; i < g._storage.length; i++) if (g._storage[i] === 0) zeros++;
  const zeroShare = g.size === 0 ? 0 : zeros / g.size;
  const status = m === 0 ? "zero" : m <= tiny ? "tiny" : "nonzero";
  const reasons: NoGradientReason[] = [];
  if (status !== "nonzero") {
    for (const b of blocks) reasons.push(reasonFor(b, x, dependsOnX, graph.from));
    if (reasons.length === 0 && contributions >= 2 && m === 0)
      reasons.push({
        kind: "cancellation",
        op: null,
        path: pathUp(x, x, graph.from),
        message: `${contributions} paths from x to y each carry a gradient, but they sum to zero (for example y = x - x)`,
      });
    if (reasons.length === 0)
      reasons.push({
        kind: "vanishing",
        op: null,
        path: pathUp(x, x, graph.from),
        message: `no single op stops the gradient, but the product of the local derivatives along ${order.length} ops shrinks it to ${fmt(m)}: the vanishing-gradient problem (try ReLU with He init, or normalisation)`,
      });
  } else if (x._node !== null && !x.retainsGrad)
    reasons.push({
      kind: "not-retained",
      op: null,
      path: pathUp(x, x, graph.from),
      message:
        "x gets a gradient, but x is not a leaf: backward() keeps only leaves' gradients in .grad; call x.retainGrad() before backward(), or use grad()",
    });
  return finish({ gradient: status, maxAbs: m, zeroShare, reasons });
}

/** A reason for a block, with the path x → ... → the block's input → the blocking op → ... → y. */
function reasonFor(
  b: Block,
  x: Tensor,
  dependsOnX: ReadonlySet<Tensor>,
  from: ReadonlyMap<Tensor, Tensor | null>,
): NoGradientReason {
  const { kind, message } = classify(b);
  // Down from the blocked input to x through tensors that depend on x.
  const below: string[] = [];
  let u: Tensor | undefined = b.t._node!.inputs[b.index];
  while (u !== undefined && u !== x) {
    below.push(label(u, x));
    u = u._node?.inputs.find((i) => dependsOnX.has(i));
  }
  const path = ["x", ...below.reverse(), ...pathUp(b.t, x, from)];
  return { kind, op: b.t._node!.op, path, message };
}

function finish(r: Omit<WhyNoGradientResult, "message">): WhyNoGradientResult {
  const head =
    r.gradient === "null"
      ? "No gradient reaches x from y"
      : r.gradient === "zero"
        ? "x's gradient from y is exactly zero"
        : r.gradient === "tiny"
          ? `x's gradient from y is vanishingly small (max |∂y/∂x| = ${fmt(r.maxAbs ?? 0)})`
          : `x gets a gradient from y (max |∂y/∂x| = ${fmt(r.maxAbs ?? 0)}${r.zeroShare ? `, ${fmt(100 * r.zeroShare)}% of its elements zero` : ""})`;
  const body = r.reasons.map((reason) => {
    const path = reason.path.length > 0 ? ` [path: ${reason.path.join(" → ")}]` : "";
    return `${reason.message}${path}`;
  });
  return { ...r, message: body.length > 0 ? `${head}: ${body.join("; ")}.` : `${head}.` };
}
