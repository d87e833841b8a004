// Whether ops record the graph now: noGrad turns recording off for a block, enableGrad back on.

import { describeValue, TypeMismatchError } from "../errors.js";

let enabled = true;

/** True when ops record the graph for backward (the default). */
export function isGradEnabled(): boolean {
  return enabled;
}

function runWith<T>(op: string, mode: boolean, fn: () => T): T {
  if (typeof fn !== "function")
    throw new TypeMismatchError(op, `fn must be a function, got ${describeValue(fn)}`);
  const previous = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/**
 * Runs `fn` without recording the graph and returns its value: results have `requiresGrad === false`.
 * Use it for evaluation and for updating parameters by hand. `fn` must be synchronous.
 *
 * @example
 * ```ts
 * const w = tensor([1, 2], { requiresGrad: true });
 * const y = noGrad(() => w.mul(2)); // y.requiresGrad === false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return runWith("noGrad", false, fn);
}

/**
 * Runs `fn` with graph recording on, even inside `noGrad`, and returns its value.
 *
 * @example
 * ```ts
 * noGrad(() => enableGrad(() => x.mul(2))).requiresGrad; // true when x requires grad
 * ```
 */
export function enableGrad<T>(fn: () => T): T {
  return runWith("enableGrad", true, fn);
}
