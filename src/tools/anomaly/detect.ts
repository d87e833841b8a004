// Anomaly mode: finds the first op whose forward output or backward gradient is NaN or infinite.

import { type AnomalyObserver, anomalyObserver, setAnomalyObserver } from "../../autograd/hooks.js";
import type { GradNode } from "../../autograd/node.js";
import type { Tensor } from "../../core.js";
import { AnomalyError, describeValue, TypeMismatchError } from "../../errors.js";
import { captureSite, siteLocation, userFrames } from "./site.js";
import { allFinite, describeNonFinite, formatStats, tensorStats } from "./stats.js";

/** Options of {@link detectAnomaly}. */
export interface AnomalyOptions {
  /** Check every op's output in the forward pass (default true). Turn off where ±Infinity is intended, e.g. masks. */
  checkForward?: boolean;
  /** Check every gradient an op produces in the backward pass (default true). */
  checkBackward?: boolean;
}

/** Where each op recorded in anomaly mode was created; kept as long as its graph node lives. */
const sites = new WeakMap<GradNode, Error>();

function describeInputs(inputs: readonly Tensor[]): string {
  return inputs.map((t, i) => `#${i} ${formatStats(tensorStats(t))}`).join("; ");
}

function creation(site: string | null): string {
  return site === null ? "created outside detectAnomaly (no creation site recorded)" : `created at ${site}`;
}

function forwardError(op: string, inputs: readonly Tensor[], out: Tensor): AnomalyError {
  const stack = userFrames(captureSite());
  const site = siteLocation(stack);
  const output = tensorStats(out);
  return new AnomalyError(
    op,
    `expected finite values in the forward pass, got ${describeNonFinite(output)} among ${output.size} output elements; ${creation(site)}; inputs: ${describeInputs(inputs)}`,
    {
      phase: "forward",
      site,
      stack,
      inputs: inputs.map(tensorStats),
      output,
      gradOutput: null,
      inputIndex: null,
    },
  );
}

function backwardError(node: GradNode, g: Tensor, index: number, gi: Tensor): AnomalyError {
  const recorded = sites.get(node);
  const stack = recorded === undefined ? [] : userFrames(recorded);
  const site = siteLocation(stack);
  const output = tensorStats(gi);
  const gradOutput = tensorStats(g);
  return new AnomalyError(
    node.op,
    `expected a finite gradient for input #${index} in the backward pass, got ${describeNonFinite(output)} among ${output.size} elements; ${creation(site)}; gradient reaching the output: ${formatStats(gradOutput)}; inputs: ${describeInputs(node.inputs)}`,
    {
      phase: "backward",
      site,
      stack,
      inputs: node.inputs.map(tensorStats),
      output,
      gradOutput,
      inputIndex: index,
    },
  );
}

/**
 * Runs `fn` in anomaly mode and returns its value. Every op checks its output for NaN and ±Infinity, and
 * every op recorded for backward remembers where the user's code created it; backward passes inside `fn`
 * check each gradient an op produces. The first offending op throws an {@link AnomalyError} naming the op,
 * the pass, the creation site (`file:line:column` of your code, chainrule's frames removed) and its inputs'
 * statistics (shape, finite min/max/mean, NaN and Infinity counts). Outside `detectAnomaly` nothing is
 * checked or recorded (one null check per op). `fn` must be synchronous. Nested calls use the innermost
 * options. Slow: use it to find a bug, not to train.
 *
 * @example
 * ```ts
 * const x = tensor([0, 1, 4], { requiresGrad: true });
 * detectAnomaly(() => x.sqrt().sum().backward());
 * // AnomalyError: sqrt: expected a finite gradient for input #0 in the backward pass, got 1 +Infinity among
 * //   3 elements; created at my-script.ts:2:23; gradient reaching the output: float32 [3] min 1 max 1 ...
 * ```
 */
export function detectAnomaly<T>(fn: () => T, options: AnomalyOptions = {}): T {
  if (typeof fn !== "function")
    throw new TypeMismatchError("detectAnomaly", `fn must be a function, got ${describeValue(fn)}`);
  const { checkForward = true, checkBackward = true } = options;
  let inVjp = 0;
  const observer: AnomalyObserver = {
    forward(op, inputs, out) {
      // Ops that compute a derivative rule are judged by the rule's result (as the backward of their op).
      if (inVjp > 0) return;
      if (out._node !== null) sites.set(out._node, captureSite());
      if (checkForward && !allFinite(out)) throw forwardError(op, inputs, out);
    },
    vjp(out, node, g, needs) {
      inVjp++;
      let grads: (Tensor | null)[];
      try {
        grads = node.vjp(g, out, needs);
      } finally {
        inVjp--;
      }
      if (checkBackward)
        grads.forEach((gi, i) => {
          if (needs[i] && gi != null && !allFinite(gi)) throw backwardError(node, g, i, gi);
        });
      return grads;
    },
  };
  const previous = setAnomalyObserver(observer);
  try {
    const result = fn();
    if (typeof (result as { then?: unknown } | null)?.then === "function")
      throw new TypeMismatchError(
        "detectAnomaly",
        "fn must be synchronous, got a function that returned a Promise; await inside and call detectAnomaly around the synchronous part",
      );
    return result;
  } finally {
    setAnomalyObserver(previous);
  }
}

/**
 * True inside {@link detectAnomaly}.
 *
 * @example
 * ```ts
 * detectAnomaly(() => isAnomalyEnabled()); // true
 * ```
 */
export function isAnomalyEnabled(): boolean {
  return anomalyObserver !== null;
}
