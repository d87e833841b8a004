// The chain-rule breakdown of ∂L/∂w for one parameter: autograd's value for the next step (batch or one
// example), a float64 central difference, per-example contributions, and, for one example, every path
// from w to L with its local derivatives: the network rebuilt as a scalar graph (one 0-d tensor per
// quantity) and handed to chainrule's `explain`, whose paths are then grouped into neuron-level factors.

import { explain, noGrad, type Tensor, tensor } from "chainrule";
import type { ParamRef } from "../protocol.js";
import {
  checkParam,
  type LayerInfo,
  layersOf,
  neuronSymbol,
  paramName,
  paramTensor,
  row,
  selectExamples,
  sub,
  sup,
  withParamValue,
  withSavedGrads,
} from "./network.js";
import type {
  BreakdownFactor,
  BreakdownPath,
  BreakdownResult,
  ExampleContribution,
  TrainerLike,
} from "./types.js";

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/** Options of {@link breakdown}. */
export interface BreakdownOptions {
  /** The most paths to list (largest |product| first); the rest are counted and summed. Default 24 (12 for
   *  networks of more than 3 hidden layers). */
  limit?: number;
  /** The most per-example contributions to list. Default 8. */
  top?: number;
}

/** A quantity of the scalar graph that paths are grouped by. */
interface Named {
  kind: "w" | "z" | "a" | "L";
  layer: number;
  neuron: number;
  symbol: string;
}

/** The loss of the trainer for inputs `x`, targets `y` (data loss + regulariser), recorded. */
function fullLoss(trainer: TrainerLike, x: Tensor, y: Tensor, withReg = true): Tensor {
  const data = trainer.dataLoss(trainer.model.forward(x) as Tensor, y);
  const reg = withReg ? trainer.regularizer() : null;
  return reg === null ? data : data.add(reg);
}

/** ∂(loss())/∂p by one backward pass; the trainer's `.grad` are restored. */
function gradOf(trainer: TrainerLike, p: ParamRef, loss: () => Tensor | null): number {
  const { t, index } = paramTensor(trainer, p);
  return withSavedGrads(trainer, () => {
    const l = loss();
    if (l === null || !l.requiresGrad) return 0;
    l.backward();
    return t.grad === null ? 0 : t.grad._storage[index];
  });
}

/** Float64 central difference of the trainer's loss on (x, y) in parameter p (perturbed and restored). */
export function centralDifference(
  trainer: TrainerLike,
  p: ParamRef,
  x: Tensor,
  y: Tensor,
): { value: number; h: number } {
  const { t, index } = paramTensor(trainer, p);
  const w0 = t._storage[index];
  const h = 1e-6 * Math.max(1, Math.abs(w0));
  const at = (v: number) => withParamValue(trainer, p, v, () => noGrad(() => fullLoss(trainer, x, y).item()));
  return { value: (at(w0 + h) - at(w0 - h)) / (2 * h), h };
}

/** An activation function on a number (the parts of the network that do not depend on w). */
function activate(act: string, z: number): number {
  if (act === "tanh") return Math.tanh(z);
  if (act === "sigmoid") return 1 / (1 + Math.exp(-z));
  if (act === "relu") return Math.max(z, 0);
  return z;
}

/** The network for one example as a scalar graph in which only `p` requires grad; returns L and names. */
function scalarGraph(
  trainer: TrainerLike,
  layers: readonly LayerInfo[],
  p: ParamRef,
  example: number,
): { L: Tensor; w: Tensor; names: Map<Tensor, string>; named: Map<string, Named> } {
  const names = new Map<Tensor, string>();
  const named = new Map<string, Named>();
  let counter = 0;
  // Every tensor gets a unique name, so explain's labels map back to tensors without ambiguity.
  const name = (t: Tensor, n?: Named): Tensor => {
    if (!names.has(t)) {
      const label = n ? `${n.kind}${n.neuron}_${n.layer}` : `t${++counter}`;
      names.set(t, label);
      if (n) named.set(label, n);
    }
    return t;
  };
  const f64 = { dtype: "float64" as const };
  const xs = trainer.train.x;
  const nf = xs.shape[1] ?? 1;
  const xRow = Array.from(xs._storage.subarray(example * nf, (example + 1) * nf));
  const ys = trainer.train.y;
  const yWidth = ys.size / (ys.shape[0] || 1);
  const label = ys._storage[example * yWidth];

  const { t: pt, index } = paramTensor(trainer, p);
  const wValue = pt._storage[index];
  const w = name(tensor(wValue, { ...f64, requiresGrad: true }), {
    kind: "w",
    layer: p.layer,
    neuron: p.to,
    symbol: p.from < 0 ? "b" : "w",
  });

  // Each activation: its value and, when it depends on w, its tensor.
  let prev: { v: number; t: Tensor | null }[] = xRow.map((v) => ({ v, t: null }));
  let outputs: { v: number; t: Tensor | null }[] = [];
  layers.forEach((info, l) => {
    const lin = info.linear;
    const W = lin.weight._storage;
    const b = lin.bias?._storage;
    const nIn = lin.inFeatures;
    const cur: { v: number; t: Tensor | null }[] = [];
    for (let j = 0; j < lin.outFeatures; j++) {
      const isTarget = l === p.layer && j === p.to;
      let constant = b !== undefined && !(isTarget && p.from < 0) ? b[j] : 0;
      let value = isTarget && p.from < 0 ? wValue : 0;
      let acc: Tensor | null = null;
      const push = (t: Tensor) => {
        acc = acc === null ? t : name(acc.add(t));
      };
      for (let i = 0; i < nIn; i++) {
        const wij = W[j * nIn + i];
        const a = prev[i];
        if (isTarget && i === p.from) {
          value += wValue * a.v;
          push(name(w.mul(a.v)));
        } else if (a.t !== null) {
          value += wij * a.v;
          push(name(a.t.mul(wij)));
        } else constant += wij * a.v;
      }
      if (isTarget && p.from < 0) push(w);
      value += constant;
      const last = l === layers.length - 1;
      if (acc === null) {
        cur.push({ v: last ? value : activate(info.activation, value), t: null });
        continue;
      }
      const z = name((acc as Tensor).add(constant), {
        kind: "z",
        layer: l,
        neuron: j,
        symbol: neuronSymbol("z", l + 1, j),
      });
      if (last || info.act === null) {
        cur.push({ v: value, t: z });
        continue;
      }
      const act = info.activation;
      const a =
        act === "tanh" ? z.tanh() : act === "sigmoid" ? z.sigmoid() : act === "relu" ? z.relu() : null;
      if (a === null) cur.push({ v: value, t: z });
      else {
        name(a, { kind: "a", layer: l, neuron: j, symbol: neuronSymbol("a", l + 1, j) });
        cur.push({ v: a.item(), t: a });
      }
    }
    if (l === layers.length - 1) outputs = cur;
    prev = cur;
  });

  // The example's data loss on the outputs, written so that each output has as few paths to L as possible.
  let loss: Tensor;
  const c0 = tensor(0, f64);
  const asTensor = (o: { v: number; t: Tensor | null }) => o.t ?? tensor(o.v, f64);
  if (trainer.problem === "multiclass") {
    const m = Math.max(...outputs.map((o) => o.v));
    let constant = 0;
    let acc: Tensor | null = null;
    for (const o of outputs) {
      if (o.t === null) constant += Math.exp(o.v - m);
      else {
        const e = name(name(o.t.sub(m)).exp());
        acc = acc === null ? e : name(acc.add(e));
      }
    }
    const s = acc === null ? tensor(constant, f64) : name((acc as Tensor).add(constant));
    loss = name(name(s.log()).add(m)).sub(asTensor(outputs[label]));
  } else if (trainer.problem === "binary") {
    const z = asTensor(outputs[0]);
    // bceWithLogits = softplus(z) - y z = softplus((1 - 2y) z) for y in {0, 1}: one path from z.
    loss =
      label === 0 || label === 1
        ? name(z.mul(1 - 2 * label)).softplus()
        : name(z.softplus()).sub(name(z.mul(label)));
  } else {
    loss = name(asTensor(outputs[0]).sub(label)).square();
  }
  name(loss);

  // The regulariser: only w's own term depends on w; the other weights' terms are a constant.
  const cfg = trainer.config;
  let L = loss;
  if (cfg.regularization !== "none" && cfg.regularizationRate > 0) {
    let rest = 0;
    layers.forEach((info, l) => {
      const W = info.linear.weight._storage;
      for (let k = 0; k < W.length; k++) {
        if (p.from >= 0 && l === p.layer && k === index) continue;
        rest += cfg.regularization === "l1" ? Math.abs(W[k]) : 0.5 * W[k] * W[k];
      }
    });
    const own =
      p.from < 0
        ? c0
        : cfg.regularization === "l1"
          ? name(name(w.abs()).mul(cfg.regularizationRate))
          : name(name(name(w.square()).mul(0.5)).mul(cfg.regularizationRate));
    L = loss.add(name(own.add(cfg.regularizationRate * rest)));
  }
  names.delete(L);
  name(L, { kind: "L", layer: layers.length, neuron: 0, symbol: "L" });
  return { L, w, names, named };
}

/** The factor for a hop between two named quantities: a formula in the network's symbols and a note in words. */
function factorFormula(
  trainer: TrainerLike,
  layers: readonly LayerInfo[],
  p: ParamRef,
  from: Named,
  to: Named,
  ops: readonly string[],
): { formula: string; note: string } {
  if (from.kind === "w" && to.kind === "L")
    return trainer.config.regularization === "l1"
      ? { formula: "λ sign(w)", note: "the L1 regulariser" }
      : { formula: "λ w", note: "the L2 regulariser" };
  if (from.kind === "w") {
    if (p.from < 0) return { formula: "1", note: "the bias adds to z" };
    const input =
      p.layer === 0 ? (trainer.featureNames()[p.from] ?? "x") : neuronSymbol("a", p.layer, p.from);
    return { formula: input, note: "the input on the edge" };
  }
  if (from.kind === "z" && to.kind === "a") {
    const act = layers[from.layer].activation;
    const a = neuronSymbol("a", from.layer + 1, from.neuron);
    if (act === "tanh") return { formula: `1 − ${a}²`, note: "tanh′" };
    if (act === "sigmoid") return { formula: `${a}(1 − ${a})`, note: "σ′" };
    if (act === "relu") return { formula: "[z > 0]", note: "relu′: 1 if z > 0, else 0" };
    return { formula: "1", note: "linear" };
  }
  if (to.kind === "z")
    return {
      formula: `w${sub(to.neuron + 1)}${sub(from.neuron + 1)}${sup(to.layer + 1)}`,
      note: "the weight on the edge",
    };
  // An output to the loss.
  if (trainer.problem === "binary")
    return ops.includes("softplus") && ops.length <= 3
      ? { formula: "σ(z) − y", note: "BCE with logits" }
      : { formula: "∂ℓ/∂z (part)", note: "BCE with logits, one of its terms" };
  if (trainer.problem === "regression") return { formula: "2(ŷ − y)", note: "squared error" };
  return ops.includes("exp")
    ? { formula: `softmax(z)${sub(from.neuron + 1)}`, note: "cross-entropy, via log Σ exp" }
    : { formula: "−1", note: "cross-entropy, the −z_y term" };
}

/**
 * The chain-rule breakdown of ∂L/∂p for the step the trainer takes next (`exampleIndex` undefined: L is
 * the next minibatch's loss) or for one training example (a batch of one). Never changes the trainer.
 *
 * @example
 * ```ts
 * const r = breakdown(trainer, { layer: 0, to: 0, from: 1 });
 * r.total;          // autograd ∂L/∂w, what the next SGD step applies
 * r.paths.sum;      // Σ over the paths for one example = r.paths.modelAutograd
 * ```
 */
export function breakdown(
  trainer: TrainerLike,
  p: ParamRef,
  exampleIndex?: number,
  options: BreakdownOptions = {},
): BreakdownResult {
  const t0 = now();
  checkParam("breakdown", trainer, p);
  const top = options.top ?? 8;
  const { x, y, indices, scope } = selectExamples("breakdown", trainer, exampleIndex);
  const layers = layersOf(trainer);
  // Listing (and simplifying) a path costs one symbolic product per path: fewer for deep networks.
  const limit = options.limit ?? (layers.length <= 4 ? 24 : 12);
  const B = indices.length;

  const total = gradOf(trainer, p, () => fullLoss(trainer, x, y));
  const regularization = gradOf(trainer, p, () => trainer.regularizer());
  const numeric = centralDifference(trainer, p, x, y);
  // Per example: (1/B) ∂ℓₙ/∂w; they sum to total - regularization.
  const perExample = indices.map((example, n) => ({
    example,
    value:
      B === 1
        ? total - regularization
        : gradOf(trainer, p, () => fullLoss(trainer, row(x, n), row(y, n), false)) / B,
  }));
  const contributions: ExampleContribution[] = [...perExample]
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
    .slice(0, top);
  const pathExample = contributions[0]?.example ?? indices[0];
  const pathPart = perExample.find((c) => c.example === pathExample)!.value * B + regularization;

  const { L, w, names, named } = scalarGraph(trainer, layers, p, pathExample);
  const e = explain(L, w, { names, limit });
  const list: BreakdownPath[] = e.paths.map((path) => {
    const factors: BreakdownFactor[] = [];
    const nodes: string[] = [named.get(path.steps[0]?.from ?? "")?.symbol ?? "w"];
    let from = named.get(path.steps[0]?.from ?? "");
    let value = 1;
    let ops: string[] = [];
    for (const s of path.steps) {
      value *= s.value;
      ops.push(s.op ?? "?");
      const to = named.get(s.to);
      if (to === undefined || from === undefined) continue;
      const fromSym = from.kind === "w" ? (p.from < 0 ? "b" : "w") : from.symbol;
      factors.push({
        notation: `∂${to.symbol}/∂${fromSym}`,
        ...factorFormula(trainer, layers, p, from, to, ops),
        value,
        ops,
      });
      nodes.push(to.symbol);
      from = to;
      value = 1;
      ops = [];
    }
    return { nodes, factors, product: path.product };
  });
  return {
    kind: "breakdown",
    step: trainer.step,
    param: { ...p },
    paramName: paramName(trainer, p),
    value: w.item(),
    scope,
    examples: indices,
    total,
    numeric,
    regularization,
    contributions,
    contributionCount: B,
    paths: {
      example: pathExample,
      count: e.pathCount,
      list,
      omitted: e.omitted,
      sum: e.sum.value,
      autograd: e.autograd,
      numeric: e.numeric.value,
      modelAutograd: pathPart,
    },
    ms: now() - t0,
  };
}
