// The worker's entry to the inspect code: `handleInspect` answers the page's inspect requests (backprop
// trace, weight breakdown, gradient exercise, health) and `onStep` samples gradient health during training.
// Nothing here changes the trainer's parameters, gradients, step count or batch order.

import type { InspectRequest } from "../protocol.js";
import { breakdown } from "./breakdown.js";
import { checkGuess } from "./check.js";
import { healthNow, healthOnStep } from "./health.js";
import { traceStep } from "./trace.js";
import type { InspectResult, TrainerLike } from "./types.js";

export type * from "./types.js";

/**
 * Answers one inspect request about the step the trainer takes next. Throws a clear error for a bad
 * request (the worker reports it to the page as an `error` message with the request's id).
 *
 * @example
 * ```ts
 * const trace = handleInspect(trainer, { kind: "trace" }) as TraceResult;
 * const b = handleInspect(trainer, { kind: "breakdown", param: { layer: 0, to: 0, from: 0 } });
 * ```
 */
export function handleInspect(trainer: TrainerLike, request: InspectRequest): InspectResult {
  switch (request?.kind) {
    case "trace":
      return traceStep(trainer, request.exampleIndex);
    case "breakdown":
      return breakdown(trainer, request.param, request.exampleIndex);
    case "check":
      return checkGuess(trainer, request.param, request.guess, request.exampleIndex);
    case "health":
      return healthNow(trainer);
    default:
      throw new TypeError(
        `inspect: expected a request of kind "trace", "breakdown", "check" or "health", got ${JSON.stringify((request as { kind?: unknown } | null)?.kind)}`,
      );
  }
}

/**
 * Called by the worker after each training step: samples gradient health every few steps (cheap otherwise).
 *
 * @example
 * ```ts
 * trainer.takeStep();
 * onStep(trainer);
 * ```
 */
export function onStep(trainer: TrainerLike): void {
  healthOnStep(trainer);
}
