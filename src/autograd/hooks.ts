// Gradient hooks on tensors, and the observer points that anomaly mode and whyNoGradient use.
// Everything here costs nothing until a hook is registered or anomaly mode is entered.

import { AutogradError, describeValue, formatShape, TypeMismatchError } from "../errors.js";
import { Tensor } from "../tensor.js";
import type { GradNode } from "./node.js";

/** What a hook registration returns: call `remove()` to unregister the hook. */
export interface RemovableHandle {
  /** Unregisters the hook; calling it again does nothing. */
  remove(): void;
}

/**
 * A tensor gradient hook: called with the gradient of the backward root with respect to the tensor, once
 * per backward pass (after every path's contribution is summed). Return a tensor of the same shape to
 * replace the gradient, or nothing to keep it.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that only inspects returns nothing.
export type TensorHook = (grad: Tensor) => Tensor | undefined | void;

/** @internal The hooks one tensor carries (stored on `Tensor._hooks`, null when it has none). */
export interface TensorHooks {
  /** The registered hooks, in registration order. */
  fns: TensorHook[];
  /** Set by `retainGrad()`: the (hooked) gradient of this non-leaf is accumulated into `.grad`. */
  retain: boolean;
}

/** @internal Adds `fn` to `t`'s hooks; the handle removes it again. */
export function addTensorHook(t: Tensor, fn: TensorHook): RemovableHandle {
  if (typeof fn !== "function")
    throw new TypeMismatchError("registerHook", `hook must be a function, got ${describeValue(fn)}`);
  if (!t.requiresGrad)
    throw new AutogradError(
      "registerHook",
      "expected a tensor that requires grad (no gradient would ever reach the hook), got requiresGrad false",
    );
  t._hooks ??= { fns: [], retain: false };
  t._hooks.fns.push(fn);
  let removed = false;
  return {
    remove() {
      if (removed) return;
      removed = true;
      const hooks = t._hooks;
      if (hooks === null) return;
      const i = hooks.fns.indexOf(fn);
      if (i >= 0) hooks.fns.splice(i, 1);
      if (hooks.fns.length === 0 && !hooks.retain) t._hooks = null;
    },
  };
}

/** @internal Runs `t`'s hooks on its gradient `g` in order; each may replace it (same shape required). */
export function runTensorHooks(t: Tensor, hooks: TensorHooks, g: Tensor): Tensor {
  // A copy of the list: a hook may remove itself (or others) while running.
  for (const fn of hooks.fns.slice()) {
    const r = fn(g);
    if (r === undefined) continue;
    if (!(r instanceof Tensor))
      throw new TypeMismatchError(
        "registerHook",
        `a hook must return a Tensor or nothing, got ${describeValue(r)}`,
      );
    if (r.shape.length !== t.shape.length || r.shape.some((d, i) => d !== t.shape[i]) || r.dtype !== g.dtype)
      throw new AutogradError(
        "registerHook",
        `a hook's replacement gradient must have the gradient's shape ${formatShape(t.shape)} and dtype ${g.dtype}, got shape ${formatShape(r.shape)} and dtype ${r.dtype}`,
      );
    g = r;
  }
  return g;
}

/**
 * @internal What anomaly mode plugs into the recording point (`apply`) and the engine. Null outside anomaly
 * mode, so both pay one null check per op.
 */
export interface AnomalyObserver {
  /** Checks an op's output right after it ran (and was recorded, when it was). */
  forward(op: string, inputs: readonly Tensor[], out: Tensor): void;
  /** Runs `node.vjp` and checks the gradients it produced. */
  vjp(out: Tensor, node: GradNode, g: Tensor, needs: readonly boolean[]): (Tensor | null)[];
}

/** @internal The active anomaly observer (a live binding: importers see updates). */
export let anomalyObserver: AnomalyObserver | null = null;

/** @internal Installs (or clears, with null) the anomaly observer; returns the previous one. */
export function setAnomalyObserver(observer: AnomalyObserver | null): AnomalyObserver | null {
  const previous = anomalyObserver;
  anomalyObserver = observer;
  return previous;
}

/** @internal Where a tensor made by an op without a derivative (a comparison, argmax) came from. */
export interface CutEdge {
  readonly op: string;
  readonly inputs: readonly Tensor[];
}

/**
 * @internal Outputs of non-differentiable ops applied, with grad mode on, to tensors that require grad:
 * such an output is a leaf without a graph, so this is the only trace of where it came from
 * (whyNoGradient follows it). Keyed weakly by the output, so it lives exactly as long as a graph would.
 */
export const cutEdges = new WeakMap<Tensor, CutEdge>();

/**
 * @internal Records that `out` was made from `inputs` by the non-differentiable op `op` (named by its kernel,
 * e.g. `gt` or `argmax`, when its attributes have one).
 */
export function noteCutEdge(op: string, inputs: readonly Tensor[], out: Tensor, attrs: unknown): void {
  for (const t of inputs)
    if (t.requiresGrad) {
      const kernel = (attrs as { kernel?: unknown } | null)?.kernel;
      cutEdges.set(out, { op: typeof kernel === "string" ? kernel : op, inputs });
      return;
    }
}
