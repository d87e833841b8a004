// Shared helpers of the inspect code: the network's structure read from the trainer's model, names of
// parameters and neurons in words, the examples a request covers, and running a function with the
// trainer's gradients (or one parameter value) saved and restored, so inspecting never changes its state.

import { nn, type Tensor } from "chainrule";
import type { ParamRef } from "../protocol.js";
import type { LayerActivation, TrainerLike } from "./types.js";

/** One Linear layer with the activation module that follows it (null after the last layer). */
export interface LayerInfo {
  linear: nn.Linear;
  /** The module applied after the linear (an activation), or null when none follows. */
  act: nn.Module | null;
  activation: LayerActivation;
}

/** The activation name of a module (null when it is not one of the playground's activations). */
export function activationOf(m: unknown): "relu" | "tanh" | "sigmoid" | "linear" | null {
  if (m instanceof nn.ReLU) return "relu";
  if (m instanceof nn.Tanh) return "tanh";
  if (m instanceof nn.Sigmoid) return "sigmoid";
  if (m instanceof nn.Identity) return "linear";
  return null;
}

/** The model as layers: each Linear with the activation that follows it (hidden) or "output" (last). */
export function layersOf(trainer: TrainerLike): LayerInfo[] {
  const modules = [...trainer.model];
  const out: LayerInfo[] = [];
  modules.forEach((m, i) => {
    if (!(m instanceof nn.Linear)) return;
    const next = modules[i + 1];
    const kind = next instanceof nn.Linear || next === undefined ? null : activationOf(next);
    const isLast = !modules.slice(i + 1).some((n) => n instanceof nn.Linear);
    out.push({
      linear: m,
      act: kind === null ? null : (next as nn.Module),
      activation: isLast ? "output" : (kind ?? "linear"),
    });
  });
  return out;
}

const SUB = "₀₁₂₃₄₅₆₇₈₉";
const SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹";
/** Subscript digits: `sub(12) === "₁₂"`. */
export const sub = (n: number): string => [...String(n)].map((d) => SUB[Number(d)] ?? d).join("");
/** Superscript in parentheses: `sup(2) === "⁽²⁾"`. */
export const sup = (n: number): string => `⁽${[...String(n)].map((d) => SUP[Number(d)] ?? d).join("")}⁾`;

/** Short symbol of a neuron's quantity: `neuronSymbol("z", 1, 0) === "z₁⁽¹⁾"` (layer 1-based, neuron 0-based). */
export function neuronSymbol(q: string, layer1: number, neuron: number): string {
  return `${q}${sub(neuron + 1)}${sup(layer1)}`;
}

/** The source of an edge in words: a feature name for layer 0, else "neuron k of layer l". */
function sourceName(trainer: TrainerLike, layer: number, from: number): string {
  if (layer === 0) return trainer.featureNames()[from] ?? `input ${from + 1}`;
  return `neuron ${from + 1} of layer ${layer}`;
}

/** The target of an edge in words: "neuron k of layer l", or "the output" / "output k" for the last layer. */
function targetName(trainer: TrainerLike, layer: number, to: number): string {
  const last = trainer.linears.length - 1;
  if (layer === last) return trainer.linears[last].outFeatures === 1 ? "the output" : `output ${to + 1}`;
  return `neuron ${to + 1} of layer ${layer + 1}`;
}

/**
 * A parameter in words: `"w from x₁ to neuron 1 of layer 1"`, `"b of neuron 2 of layer 1"`.
 *
 * @example
 * ```ts
 * paramName(trainer, { layer: 0, to: 0, from: 0 }); // "w from x₁ to neuron 1 of layer 1"
 * ```
 */
export function paramName(trainer: TrainerLike, p: ParamRef): string {
  const to = targetName(trainer, p.layer, p.to);
  return p.from < 0 ? `b of ${to}` : `w from ${sourceName(trainer, p.layer, p.from)} to ${to}`;
}

/** Throws a clear error unless `p` names a parameter of the trainer's network. */
export function checkParam(op: string, trainer: TrainerLike, p: ParamRef): void {
  const ok =
    p !== null &&
    typeof p === "object" &&
    Number.isInteger(p.layer) &&
    p.layer >= 0 &&
    p.layer < trainer.linears.length &&
    Number.isInteger(p.to) &&
    p.to >= 0 &&
    p.to < trainer.linears[p.layer].outFeatures &&
    Number.isInteger(p.from) &&
    p.from >= -1 &&
    p.from < trainer.linears[p.layer].inFeatures;
  if (!ok)
    throw new RangeError(
      `${op}: expected a parameter { layer, to, from } of the network (layers 0..${trainer.linears.length - 1}), got ${JSON.stringify(p)}`,
    );
}

/** The tensor holding `p` and the flat index of its element. */
export function paramTensor(trainer: TrainerLike, p: ParamRef): { t: Tensor; index: number } {
  const lin = trainer.linears[p.layer];
  if (p.from < 0) {
    if (lin.bias === null) throw new RangeError(`inspect: layer ${p.layer + 1} has no bias`);
    return { t: lin.bias, index: p.to };
  }
  return { t: lin.weight, index: p.to * lin.inFeatures + p.from };
}

/** The examples a request covers: the next batch (peeked, not advanced), or one training example. */
export function selectExamples(
  op: string,
  trainer: TrainerLike,
  exampleIndex: number | undefined,
): { x: Tensor; y: Tensor; indices: number[]; scope: "batch" | "example" } {
  const n = trainer.train.points.length;
  if (exampleIndex === undefined || exampleIndex === null) {
    const batch = trainer.nextBatch();
    return { x: batch.x, y: batch.y, indices: [...batch.indices], scope: "batch" };
  }
  if (!Number.isInteger(exampleIndex) || exampleIndex < 0 || exampleIndex >= n)
    throw new RangeError(`${op}: expected exampleIndex an integer in [0, ${n}), got ${exampleIndex}`);
  return {
    x: row(trainer.train.x, exampleIndex),
    y: row(trainer.train.y, exampleIndex),
    indices: [exampleIndex],
    scope: "example",
  };
}

/** Row `i` of a tensor (dim 0), keeping the dimension: a batch of one. */
export function row(t: Tensor, i: number): Tensor {
  return t.slice(0, i, i + 1);
}

/**
 * Runs `fn` with every parameter's `.grad` saved first and restored afterwards (even when `fn` throws), so
 * a backward pass inside `fn` leaves the trainer exactly as it was.
 */
export function withSavedGrads<T>(trainer: TrainerLike, fn: () => T): T {
  const params = trainer.model.parameters();
  const saved = params.map((p) => p.grad);
  try {
    for (const p of params) p.grad = null;
    return fn();
  } finally {
    params.forEach((p, i) => {
      p.grad = saved[i];
    });
  }
}

/**
 * Runs `fn` with parameter `p` temporarily set to `value`, restoring the exact previous value afterwards
 * (for finite differences through the trainer's own loss). The worker is single-threaded, so nothing can
 * observe the temporary value.
 */
export function withParamValue<T>(trainer: TrainerLike, p: ParamRef, value: number, fn: () => T): T {
  const { t, index } = paramTensor(trainer, p);
  const old = t._storage[index];
  t._storage[index] = value;
  try {
    return fn();
  } finally {
    t._storage[index] = old;
  }
}

/** A 2-D tensor as nested arrays of numbers (copies). */
export function matrix(t: Tensor): number[][] {
  const [r, c] = t.ndim === 2 ? t.shape : [1, t.size];
  const s = t._storage;
  return Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => s[i * c + j]));
}

/** A tensor's elements as an array of numbers. */
export function vector(t: Tensor): number[] {
  return Array.from(t._storage);
}
