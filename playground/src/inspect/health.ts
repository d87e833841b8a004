// Gradient health for the health panel: per-layer gradient norms over training (read by `onStep` from the
// gradients each SGD step leaves in `.grad`, so the cost per step is a few microseconds), and on request
// chainrule's `gradientHealth` on the next batch: norms, dead ReLU and saturated sigmoid/tanh shares, flags.

import { gradientHealth, type HealthReport, type Tensor } from "chainrule";
import { layersOf } from "./network.js";
import type { HealthResult, LayerHealthPoint, TrainerLike } from "./types.js";

/** Samples kept before the history is thinned (every other one dropped, the interval doubled). */
const MAX_HISTORY = 300;
/** Steps between samples at the start; doubles each time the history is thinned. */
const FIRST_EVERY = 1;

interface HealthState {
  model: unknown;
  every: number;
  lastStep: number;
  history: { step: number; norms: (number | null)[] }[];
}

let state: HealthState | null = null;

function stateFor(trainer: TrainerLike): HealthState {
  // A new model (reset) or a step count that went back starts a new history.
  if (state === null || state.model !== trainer.model || trainer.step < state.lastStep)
    state = { model: trainer.model, every: FIRST_EVERY, lastStep: -1, history: [] };
  return state;
}

/** One health report on the next batch (the parameters' `.grad` are left as they were). */
function report(trainer: TrainerLike): HealthReport {
  const batch = trainer.nextBatch();
  const y: Tensor = batch.y;
  return gradientHealth(trainer.model, batch.x, (out) => trainer.dataLoss(out, y));
}

/** Per Linear layer (model order): the gradient norm and its activation's dead / saturated shares. */
function layerPoints(trainer: TrainerLike, r: HealthReport): LayerHealthPoint[] {
  const moduleName = new Map<unknown, string>(trainer.model.namedModules().map(([n, m]) => [m, n]));
  const layerByName = new Map(r.layers.map((l) => [l.name, l]));
  const actByName = new Map(r.activations.map((a) => [a.name, a]));
  const infos = layersOf(trainer);
  return infos.map((info, l) => {
    const lh = layerByName.get(moduleName.get(info.linear) ?? "");
    const ah = info.act === null ? undefined : actByName.get(moduleName.get(info.act) ?? "");
    const last = l === infos.length - 1;
    return {
      name: last ? "output" : `layer ${l + 1}`,
      gradNorm: lh?.gradNorm ?? null,
      weightNorm: lh?.weightNorm ?? 0,
      activation: last ? null : info.activation === "output" ? null : info.activation,
      deadShare: ah?.deadShare ?? null,
      saturatedShare: ah?.saturatedShare ?? null,
      flags: [...(lh?.flags ?? []), ...(ah?.flags ?? [])].filter(
        (f) => f !== "large-update" && f !== "small-update",
      ),
    };
  });
}

function record(s: HealthState, step: number, norms: (number | null)[]): void {
  s.lastStep = step;
  if (s.history.length > 0 && s.history[s.history.length - 1].step === step) s.history.pop();
  s.history.push({ step, norms });
  if (s.history.length > MAX_HISTORY) {
    s.history = s.history.filter((_, i) => i % 2 === 0 || i === s.history.length - 1);
    s.every *= 2;
  }
}

/** ‖∂L/∂(W, b)‖ per Linear layer from the gradients in `.grad` (null where a gradient is missing). */
function gradNorms(trainer: TrainerLike): (number | null)[] {
  return trainer.linears.map((lin) => {
    let sq = 0;
    for (const p of [lin.weight, lin.bias]) {
      if (p === null) continue;
      if (p.grad === null) return null;
      const g = p.grad._storage;
      for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
    }
    return Number.isFinite(sq) ? Math.sqrt(sq) : null;
  });
}

/**
 * Called by the worker after each training step: records each layer's gradient norm of the step just taken
 * (what the trainer's backward pass left in `.grad`, regulariser included) every `every` steps (1 at first,
 * doubling each time the history is thinned). A few microseconds: no forward or backward pass.
 *
 * @example
 * ```ts
 * trainer.takeStep();
 * healthOnStep(trainer);
 * ```
 */
export function healthOnStep(trainer: TrainerLike): void {
  const s = stateFor(trainer);
  if (s.lastStep >= 0 && trainer.step - s.lastStep < s.every) return;
  const norms = gradNorms(trainer);
  if (norms.every((n) => n === null)) return;
  record(s, trainer.step, norms);
}

/**
 * The health panel's data: a fresh report on the next batch, and the gradient-norm history.
 *
 * @example
 * ```ts
 * const h = healthNow(trainer);
 * h.summary.vanishing; // true for a deep sigmoid network
 * ```
 */
export function healthNow(trainer: TrainerLike): HealthResult {
  const s = stateFor(trainer);
  const r = report(trainer);
  const layers = layerPoints(trainer, r);
  const sum = r.summary;
  return {
    kind: "health",
    step: trainer.step,
    layers,
    summary: {
      vanishing: sum.vanishing,
      exploding: sum.exploding,
      firstToLastRatio: sum.firstToLastRatio,
      deadReluShare: sum.deadReluShare,
      saturatedShare: sum.saturatedShare,
      messages: sum.messages.map(renameLayers(trainer)),
    },
    history: s.history.map((h) => ({ step: h.step, norms: [...h.norms] })),
    every: s.every,
  };
}

/** Rewrites the monitor's module names ("layer 0", "2") in messages as the page's layer names. */
function renameLayers(trainer: TrainerLike): (m: string) => string {
  const names = new Map<string, string>();
  const moduleName = new Map<unknown, string>(trainer.model.namedModules().map(([n, m]) => [m, n]));
  const infos = layersOf(trainer);
  infos.forEach((info, l) => {
    const shown = l === infos.length - 1 ? "the output layer" : `layer ${l + 1}`;
    const n = moduleName.get(info.linear);
    if (n !== undefined) names.set(n, shown);
    const a = info.act === null ? undefined : moduleName.get(info.act);
    if (a !== undefined) names.set(a, `layer ${l + 1}'s ${info.activation}`);
  });
  const name = (n: string) => names.get(n) ?? n;
  // One pass, so a replaced name is never rewritten again.
  return (m) =>
    m.replace(
      /\blayer (\d+)|\bof (\d+) output|\boutputs of (\d+)|gradients: ((?:\d+, )*\d+) below/g,
      (all, a?: string, b?: string, c?: string, d?: string) => {
        if (a !== undefined) return name(a);
        if (b !== undefined) return `of ${name(b)} output`;
        if (c !== undefined) return `outputs of ${name(c)}`;
        if (d !== undefined) return `gradients: ${d.split(", ").map(name).join(", ")} below`;
        return all;
      },
    );
}

/** Forgets the history (tests). */
export function resetHealth(): void {
  state = null;
}
