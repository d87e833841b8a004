// Gradient health: per-parameter and per-layer gradient norms, update-to-weight ratios, dead ReLUs,
// saturated sigmoid/tanh units, and vanishing/exploding flags, from hooks on a model.

import type { RemovableHandle } from "../../autograd/hooks.js";
import { Tensor } from "../../core.js";
import { describeValue, TypeMismatchError, ValueError } from "../../errors.js";
import { ReLU, Sigmoid, Tanh } from "../../nn/activations.js";
import { type AnyModule, Module } from "../../nn/module.js";

/**
 * Thresholds of the health flags. Defaults (in parentheses) follow common practice; change them per model.
 * - A sigmoid output is **saturated** when it is within `saturation` of 0 or 1 (0.01: σ' < 0.0099), a tanh
 *   output when |tanh| > 1 - `saturation` (tanh' < 0.0199).
 * - A ReLU unit is **dead** when its output is exactly 0 for every example of the batch (no threshold).
 * - **Vanishing**: the first layer's gradient norm is below `vanishingRatio` (1e-3) times the last layer's,
 *   or a layer's gradient norm is below `minGradNorm` (1e-7) or below `vanishingRatio` times the largest.
 * - **Exploding**: the first layer's gradient norm is above `explodingRatio` (1e3) times the last layer's,
 *   a layer's norm is above `maxGradNorm` (1e3), or a gradient is NaN or infinite.
 * - Update-to-weight ratio ‖Δw‖/‖w‖ above `maxUpdateRatio` (0.1) is flagged `large-update`, below
 *   `minUpdateRatio` (1e-6) `small-update` (around 1e-3 is the usual healthy range).
 * - An activation layer is flagged `dead` when at least `deadShareWarning` (0.5) of its ReLU units are dead,
 *   `saturated` when at least `saturatedShareWarning` (0.5) of its outputs are saturated.
 */
export interface HealthThresholds {
  saturation: number;
  vanishingRatio: number;
  explodingRatio: number;
  minGradNorm: number;
  maxGradNorm: number;
  minUpdateRatio: number;
  maxUpdateRatio: number;
  deadShareWarning: number;
  saturatedShareWarning: number;
}

/**
 * The default {@link HealthThresholds}.
 *
 * @example
 * ```ts
 * new HealthMonitor(net, { thresholds: { ...DEFAULT_HEALTH_THRESHOLDS, vanishingRatio: 1e-2 } });
 * ```
 */
export const DEFAULT_HEALTH_THRESHOLDS: Readonly<HealthThresholds> = Object.freeze({
  saturation: 0.01,
  vanishingRatio: 1e-3,
  explodingRatio: 1e3,
  minGradNorm: 1e-7,
  maxGradNorm: 1e3,
  minUpdateRatio: 1e-6,
  maxUpdateRatio: 0.1,
  deadShareWarning: 0.5,
  saturatedShareWarning: 0.5,
});

/**
 * A flag on a parameter, layer or activation: `no-gradient` (`.grad` is null), `non-finite` (NaN or
 * infinite gradient), `vanishing`, `exploding`, `small-update`, `large-update`, `dead` (ReLU), `saturated`.
 */
export type HealthFlag =
  | "no-gradient"
  | "non-finite"
  | "vanishing"
  | "exploding"
  | "small-update"
  | "large-update"
  | "dead"
  | "saturated";

/** One parameter's health. Norms are Euclidean (Frobenius) norms over all elements. */
export interface ParameterHealth {
  name: string;
  shape: number[];
  /** ‖∂L/∂p‖; null when `.grad` is null or not finite (see `flags`). */
  gradNorm: number | null;
  /** ‖p‖ (before the step, when {@link HealthMonitor.beforeStep} was called). */
  weightNorm: number;
  /** ‖Δp‖/‖p‖ measured around a step, or estimated as lr·‖∂L/∂p‖/‖p‖; null when neither is known. */
  updateRatio: number | null;
  flags: HealthFlag[];
}

/** One layer's health: a module holding parameters directly (a Linear), its parameters taken together. */
export interface LayerHealth {
  /** The module's dotted name in the model (`"0"`, `"fc1"`). */
  name: string;
  /** The module's class name. */
  type: string;
  /** The names of its parameters. */
  parameters: string[];
  gradNorm: number | null;
  weightNorm: number;
  updateRatio: number | null;
  flags: HealthFlag[];
}

/** One activation module's output on the last batch it saw. */
export interface ActivationHealth {
  name: string;
  type: "relu" | "sigmoid" | "tanh";
  /** Units: the output's elements per example (everything but dim 0; each element for a 1-D output). */
  units: number;
  /** Examples: the size of dim 0 (1 for a 1-D output). */
  examples: number;
  /** ReLU: the share of units that output 0 for every example; null for sigmoid/tanh. */
  deadShare: number | null;
  /** ReLU: the share of all outputs that are 0; null for sigmoid/tanh. */
  zeroShare: number | null;
  /** Sigmoid/tanh: the share of all outputs that are saturated; null for ReLU. */
  saturatedShare: number | null;
  /** Sigmoid/tanh: the share of units saturated for every example; null for ReLU. */
  saturatedUnitShare: number | null;
  /** The mean output. */
  mean: number;
  /** ‖∂L/∂output‖ from the last backward pass through this output (null before one). */
  outputGradNorm: number | null;
  flags: HealthFlag[];
}

/** The whole model: the flags that matter most, and what triggered them. */
export interface HealthSummary {
  vanishing: boolean;
  exploding: boolean;
  nonFinite: boolean;
  /** The first and last layers (in module order) that have a finite gradient. */
  firstLayer: string | null;
  lastLayer: string | null;
  /** first layer's gradient norm / last layer's. */
  firstToLastRatio: number | null;
  minLayerGradNorm: number | null;
  maxLayerGradNorm: number | null;
  /** Dead ReLU units / all ReLU units, over every ReLU module (null without ReLU modules). */
  deadReluShare: number | null;
  /** Saturated outputs / all outputs, over every sigmoid and tanh module (null without them). */
  saturatedShare: number | null;
  /** One sentence per finding. */
  messages: string[];
}

/** What {@link HealthMonitor.report} and {@link gradientHealth} return: plain JSON-serialisable data. */
export interface HealthReport {
  parameters: ParameterHealth[];
  layers: LayerHealth[];
  activations: ActivationHealth[];
  summary: HealthSummary;
  thresholds: HealthThresholds;
}

/** Options of {@link HealthMonitor}. */
export interface HealthMonitorOptions {
  /** Overrides of {@link DEFAULT_HEALTH_THRESHOLDS}. */
  thresholds?: Partial<HealthThresholds>;
}

const OP = "HealthMonitor";

function norm(s: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i] * s[i];
  return Math.sqrt(sum);
}

function diffNorm(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum);
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Dead/zero/saturated shares of one activation output. */
function activationStats(
  type: ActivationHealth["type"],
  out: Tensor,
  saturation: number,
): Omit<ActivationHealth, "name" | "outputGradNorm" | "flags"> {
  const s = out._storage;
  const examples = out.ndim <= 1 ? 1 : out.shape[0];
  const units = examples === 0 ? 0 : out.size / examples;
  const alwaysHit = new Uint8Array(units).fill(1);
  let hits = 0;
  let sum = 0;
  const hit =
    type === "relu"
      ? (v: number) => v === 0
      : type === "sigmoid"
        ? (v: number) => v <= saturation || v >= 1 - saturation
        : (v: number) => Math.abs(v) >= 1 - saturation;
  for (let e = 0; e < examples; e++)
    for (let u = 0; u < units; u++) {
      const v = s[e * units + u];
      sum += v;
      if (hit(v)) hits++;
      else alwaysHit[u] = 0;
    }
  let unitsHit = 0;
  for (let u = 0; u < units; u++) unitsHit += alwaysHit[u];
  const share = out.size === 0 ? 0 : hits / out.size;
  const unitShare = units === 0 ? 0 : unitsHit / units;
  const relu = type === "relu";
  return {
    type,
    units,
    examples,
    deadShare: relu ? unitShare : null,
    zeroShare: relu ? share : null,
    saturatedShare: relu ? null : share,
    saturatedUnitShare: relu ? null : unitShare,
    mean: out.size === 0 ? 0 : sum / out.size,
  };
}

/**
 * Watches a model's gradients and activations. On construction it registers forward hooks on every
 * `nn.ReLU`, `nn.Sigmoid` and `nn.Tanh` module (activations applied as tensor methods inside a custom
 * `forward` are not seen) and, on each forward call, a gradient hook on their outputs. After a backward
 * pass, {@link HealthMonitor.report} reads every parameter's `.grad`. The update-to-weight ratio is
 * measured when {@link HealthMonitor.beforeStep} is called before `opt.step()` and `report()` after it;
 * otherwise `report({ lr })` estimates it as lr·‖grad‖/‖w‖ (exact for plain SGD). Call `remove()` to detach.
 *
 * @example
 * ```ts
 * const monitor = new HealthMonitor(net);
 * const loss = nn.mseLoss(net.forward(x), y);
 * opt.zeroGrad();
 * loss.backward();
 * monitor.beforeStep();
 * opt.step();
 * const report = monitor.report();
 * console.log(formatHealthReport(report));
 * report.summary.vanishing; // true for a deep sigmoid net
 * monitor.remove();
 * ```
 */
export class HealthMonitor {
  /** The model watched. */
  readonly model: AnyModule;
  /** The thresholds in force. */
  readonly thresholds: HealthThresholds;
  readonly #handles: RemovableHandle[] = [];
  readonly #activations = new Map<string, ActivationHealth>();
  #snapshot: Map<Tensor, Float64Array> | null = null;

  constructor(model: AnyModule, options: HealthMonitorOptions = {}) {
    if (!(model instanceof Module))
      throw new TypeMismatchError(OP, `model must be an nn.Module, got ${describeValue(model)}`);
    this.model = model;
    this.thresholds = { ...DEFAULT_HEALTH_THRESHOLDS, ...(options.thresholds ?? {}) };
    for (const [key, v] of Object.entries(this.thresholds))
      if (typeof v !== "number" || !(v >= 0))
        throw new ValueError(OP, `thresholds.${key} must be a number >= 0, got ${describeValue(v)}`);
    for (const [name, module] of model.namedModules()) {
      const type =
        module instanceof ReLU
          ? "relu"
          : module instanceof Sigmoid
            ? "sigmoid"
            : module instanceof Tanh
              ? "tanh"
              : null;
      if (type === null) continue;
      this.#handles.push(
        module.registerForwardHook((_m, _inputs, out) => {
          if (!(out instanceof Tensor)) return;
          const stats: ActivationHealth = {
            name,
            ...activationStats(type, out, this.thresholds.saturation),
            outputGradNorm: null,
            flags: [],
          };
          this.#activations.set(name, stats);
          if (out.requiresGrad)
            out.registerHook((g) => {
              stats.outputGradNorm = norm(g._storage);
            });
        }),
      );
    }
  }

  /**
   * Copies every parameter's values, so that the next {@link HealthMonitor.report} measures the actual
   * update ‖Δw‖/‖w‖ of the optimizer step taken in between.
   *
   * @example
   * ```ts
   * monitor.beforeStep();
   * opt.step();
   * monitor.report().parameters[0].updateRatio; // e.g. 1.2e-3
   * ```
   */
  beforeStep(): void {
    this.#snapshot = new Map(this.model.parameters().map((p) => [p, Float64Array.from(p._storage)]));
  }

  /**
   * Forgets the activations seen so far and the parameter snapshot.
   *
   * @example
   * ```ts
   * monitor.reset();
   * ```
   */
  reset(): void {
    this.#activations.clear();
    this.#snapshot = null;
  }

  /**
   * Unregisters the monitor's hooks; the model runs exactly as before.
   *
   * @example
   * ```ts
   * monitor.remove();
   * ```
   */
  remove(): void {
    for (const h of this.#handles) h.remove();
    this.#handles.length = 0;
  }

  /**
   * The health of the model now: parameters' current `.grad`, the activations of the last forward call,
   * the update ratios (see the class notes), flags and a summary. The snapshot from `beforeStep()` is used
   * once and then dropped.
   *
   * @param options.lr the learning rate, to estimate update ratios as lr·‖grad‖/‖w‖ when no snapshot was taken.
   * @example
   * ```ts
   * const report = monitor.report({ lr: 0.1 });
   * report.layers.map((l) => l.gradNorm);
   * ```
   */
  report(options: { lr?: number } = {}): HealthReport {
    const { lr } = options;
    if (lr !== undefined && (typeof lr !== "number" || !(lr >= 0)))
      throw new ValueError(`${OP}.report`, `lr must be a number >= 0, got ${describeValue(lr)}`);
    const t = this.thresholds;
    const snapshot = this.#snapshot;
    this.#snapshot = null;
    const named = this.model.namedParameters();
    const nameOf = new Map(named.map(([n, p]) => [p, n]));
    const parameters: ParameterHealth[] = [];
    const byTensor = new Map<Tensor, ParameterHealth>();
    const raw = new Map<Tensor, { gradSq: number | null; weightSq: number; updateSq: number | null }>();
    for (const [name, p] of named) {
      const before = snapshot?.get(p);
      const weightNorm = norm(before ?? p._storage);
      const g = p.grad;
      const gradNorm = g === null ? null : norm(g._storage);
      let update: number | null = null;
      if (before !== undefined) update = diffNorm(p._storage, before);
      else if (lr !== undefined && gradNorm !== null) update = lr * gradNorm;
      const flags: HealthFlag[] = [];
      if (g === null) flags.push("no-gradient");
      else if (!Number.isFinite(gradNorm)) flags.push("non-finite", "exploding");
      const ratio = update === null || weightNorm === 0 ? null : finiteOrNull(update / weightNorm);
      const entry: ParameterHealth = {
        name,
        shape: [...p.shape],
        gradNorm: gradNorm === null ? null : finiteOrNull(gradNorm),
        weightNorm,
        updateRatio: ratio,
        flags,
      };
      parameters.push(entry);
      byTensor.set(p, entry);
      raw.set(p, {
        gradSq: gradNorm === null ? null : gradNorm * gradNorm,
        weightSq: weightNorm * weightNorm,
        updateSq: update === null ? null : update * update,
      });
    }

    // Layers: modules holding parameters directly (their own, not their children's), in module order.
    const layers: LayerHealth[] = [];
    for (const [name, module] of this.model.namedModules()) {
      const childParams = new Set(module.children().flatMap((c) => c.parameters()));
      const own = module.parameters().filter((p) => !childParams.has(p));
      if (own.length === 0) continue;
      let gradSq: number | null = 0;
      let weightSq = 0;
      let updateSq: number | null = 0;
      let nonFinite = false;
      for (const p of own) {
        const r = raw.get(p)!;
        if (r.gradSq === null) gradSq = null;
        else if (gradSq !== null) gradSq += r.gradSq;
        if (byTensor.get(p)!.flags.includes("non-finite")) nonFinite = true;
        weightSq += r.weightSq;
        updateSq = r.updateSq === null || updateSq === null ? null : updateSq + r.updateSq;
      }
      const weightNorm = Math.sqrt(weightSq);
      const flags: HealthFlag[] = [];
      if (gradSq === null) flags.push("no-gradient");
      if (nonFinite) flags.push("non-finite", "exploding");
      layers.push({
        name: name === "" ? "(model)" : name,
        type: module.constructor.name,
        parameters: own.map((p) => nameOf.get(p)!),
        gradNorm: gradSq === null || nonFinite ? null : Math.sqrt(gradSq),
        weightNorm,
        updateRatio:
          updateSq === null || weightNorm === 0 ? null : finiteOrNull(Math.sqrt(updateSq) / weightNorm),
        flags,
      });
    }

    const norms = layers.map((l) => l.gradNorm).filter((v): v is number => v !== null);
    const maxNorm = norms.length > 0 ? Math.max(...norms) : null;
    const flagNorms = (entry: {
      gradNorm: number | null;
      updateRatio: number | null;
      flags: HealthFlag[];
    }) => {
      const n = entry.gradNorm;
      if (n !== null) {
        if (n < t.minGradNorm || (maxNorm !== null && n < t.vanishingRatio * maxNorm))
          entry.flags.push("vanishing");
        if (n > t.maxGradNorm) entry.flags.push("exploding");
      }
      const u = entry.updateRatio;
      if (u !== null && u < t.minUpdateRatio) entry.flags.push("small-update");
      if (u !== null && u > t.maxUpdateRatio) entry.flags.push("large-update");
    };
    for (const p of parameters) flagNorms(p);
    for (const l of layers) flagNorms(l);

    const activations = [...this.#activations.values()].map((a) => {
      const flags: HealthFlag[] = [];
      if (a.deadShare !== null && a.units > 0 && a.deadShare >= t.deadShareWarning) flags.push("dead");
      if (a.saturatedShare !== null && a.units > 0 && a.saturatedShare >= t.saturatedShareWarning)
        flags.push("saturated");
      return { ...a, flags };
    });

    return {
      parameters,
      layers,
      activations,
      summary: summarize(layers, activations, parameters, t),
      thresholds: { ...t },
    };
  }
}

function summarize(
  layers: LayerHealth[],
  activations: ActivationHealth[],
  parameters: ParameterHealth[],
  t: HealthThresholds,
): HealthSummary {
  const withGrad = layers.filter((l) => l.gradNorm !== null);
  const first = withGrad[0] ?? null;
  const last = withGrad[withGrad.length - 1] ?? null;
  const ratio =
    first !== null && last !== null && first !== last && last.gradNorm! > 0
      ? first.gradNorm! / last.gradNorm!
      : null;
  const norms = withGrad.map((l) => l.gradNorm!);
  const minNorm = norms.length > 0 ? Math.min(...norms) : null;
  const maxNorm = norms.length > 0 ? Math.max(...norms) : null;
  const nonFinite = parameters.some((p) => p.flags.includes("non-finite"));
  const messages: string[] = [];
  const e = (v: number) => v.toExponential(2);
  let vanishing = false;
  let exploding = nonFinite;
  if (nonFinite)
    messages.push(
      `non-finite gradients in ${parameters
        .filter((p) => p.flags.includes("non-finite"))
        .map((p) => p.name)
        .join(", ")}: use detectAnomaly() to find the op`,
    );
  if (ratio !== null && ratio < t.vanishingRatio) {
    vanishing = true;
    messages.push(
      `vanishing gradients: layer ${first!.name}'s gradient norm is ${e(ratio)} times layer ${last!.name}'s (threshold ${e(t.vanishingRatio)})`,
    );
  }
  if (ratio !== null && ratio > t.explodingRatio) {
    exploding = true;
    messages.push(
      `exploding gradients: layer ${first!.name}'s gradient norm is ${e(ratio)} times layer ${last!.name}'s (threshold ${e(t.explodingRatio)})`,
    );
  }
  const tiny = withGrad.filter((l) => l.gradNorm! < t.minGradNorm);
  if (tiny.length > 0) {
    vanishing = true;
    messages.push(
      `vanishing gradients: ${tiny.map((l) => l.name).join(", ")} below the absolute norm ${e(t.minGradNorm)}`,
    );
  }
  const huge = withGrad.filter((l) => l.gradNorm! > t.maxGradNorm);
  if (huge.length > 0) {
    exploding = true;
    messages.push(
      `exploding gradients: ${huge.map((l) => l.name).join(", ")} above the norm ${e(t.maxGradNorm)}`,
    );
  }
  const relus = activations.filter((a) => a.type === "relu");
  const reluUnits = relus.reduce((n, a) => n + a.units, 0);
  const deadReluShare =
    relus.length === 0 || reluUnits === 0
      ? null
      : relus.reduce((n, a) => n + (a.deadShare ?? 0) * a.units, 0) / reluUnits;
  for (const a of relus)
    if (a.flags.includes("dead"))
      messages.push(
        `dead ReLUs: ${(100 * a.deadShare!).toFixed(1)}% of the ${a.units} units of ${a.name} output 0 for every example`,
      );
  const squashing = activations.filter((a) => a.type !== "relu");
  const outputs = squashing.reduce((n, a) => n + a.units * a.examples, 0);
  const saturatedShare =
    squashing.length === 0 || outputs === 0
      ? null
      : squashing.reduce((n, a) => n + (a.saturatedShare ?? 0) * a.units * a.examples, 0) / outputs;
  for (const a of squashing)
    if (a.flags.includes("saturated"))
      messages.push(
        `saturated ${a.type}: ${(100 * a.saturatedShare!).toFixed(1)}% of the outputs of ${a.name}`,
      );
  for (const l of layers) {
    if (l.flags.includes("large-update"))
      messages.push(
        `large update: layer ${l.name} moved by ${e(l.updateRatio!)} of its weight norm in one step (threshold ${e(t.maxUpdateRatio)}); consider a smaller learning rate`,
      );
    if (l.flags.includes("small-update"))
      messages.push(
        `small update: layer ${l.name} moved by ${e(l.updateRatio!)} of its weight norm in one step (threshold ${e(t.minUpdateRatio)}); it barely learns`,
      );
  }
  if (messages.length === 0 && withGrad.length > 0) messages.push("no problems found");
  return {
    vanishing,
    exploding,
    nonFinite,
    firstLayer: first?.name ?? null,
    lastLayer: last?.name ?? null,
    firstToLastRatio: ratio,
    minLayerGradNorm: minNorm,
    maxLayerGradNorm: maxNorm,
    deadReluShare,
    saturatedShare,
    messages,
  };
}

/**
 * One health check: runs `model.forward(input)`, `loss(output)` and a backward pass with a
 * {@link HealthMonitor} attached, and returns its report. The parameters' `.grad` are restored afterwards
 * (the check leaves no trace); update ratios are estimated from `lr` when given.
 *
 * @example
 * ```ts
 * const report = gradientHealth(net, x, (out) => nn.mseLoss(out, y), { lr: 0.1 });
 * report.summary.vanishing;             // boolean
 * report.activations[0].deadShare;      // share of dead ReLU units in the first ReLU
 * ```
 */
export function gradientHealth(
  model: AnyModule,
  input: Tensor,
  loss: (output: Tensor) => Tensor,
  options: HealthMonitorOptions & { lr?: number } = {},
): HealthReport {
  if (!(input instanceof Tensor))
    throw new TypeMismatchError("gradientHealth", `input must be a Tensor, got ${describeValue(input)}`);
  if (typeof loss !== "function")
    throw new TypeMismatchError("gradientHealth", `loss must be a function, got ${describeValue(loss)}`);
  const monitor = new HealthMonitor(model, options);
  const params = model.parameters();
  const saved = params.map((p) => p.grad);
  try {
    for (const p of params) p.grad = null;
    const out = model.forward(input);
    if (!(out instanceof Tensor))
      throw new TypeMismatchError(
        "gradientHealth",
        `model.forward must return a Tensor, got ${describeValue(out)}`,
      );
    const l = loss(out);
    if (!(l instanceof Tensor))
      throw new TypeMismatchError("gradientHealth", `loss must return a Tensor, got ${describeValue(l)}`);
    l.backward();
    return monitor.report({ lr: options.lr });
  } finally {
    monitor.remove();
    params.forEach((p, i) => {
      p.grad = saved[i];
    });
  }
}
