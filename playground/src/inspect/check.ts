// The "predict the gradient" exercise: the learner's ∂L/∂w against autograd and a float64 central
// difference, with a tolerance that accepts what a careful hand computation gives (1 % or 1e-4).

import type { ParamRef } from "../protocol.js";
import { breakdown } from "./breakdown.js";
import type { CheckResult, TrainerLike } from "./types.js";

/** The exercise's tolerance: a guess is right when |guess − autograd| ≤ max(abs, rel · |autograd|). */
export const CHECK_TOLERANCE = Object.freeze({ rel: 1e-2, abs: 1e-4 });

/**
 * Whether `guess` is an acceptable value of a derivative whose exact value is `exact`.
 *
 * @example
 * ```ts
 * isCloseEnough(0.1234, 0.12345); // true (within 1 %)
 * isCloseEnough(0.2, 0.1);        // false
 * ```
 */
export function isCloseEnough(guess: number, exact: number): boolean {
  return (
    Number.isFinite(guess) &&
    Math.abs(guess - exact) <= Math.max(CHECK_TOLERANCE.abs, CHECK_TOLERANCE.rel * Math.abs(exact))
  );
}

/**
 * Checks the learner's guess of ∂L/∂p for the next step (or one example, `exampleIndex`), and returns the
 * breakdown to show afterwards. Never changes the trainer.
 *
 * @example
 * ```ts
 * const r = checkGuess(trainer, { layer: 1, to: 0, from: 0 }, -0.0123);
 * r.correct; r.autograd; r.numeric;
 * ```
 */
export function checkGuess(
  trainer: TrainerLike,
  p: ParamRef,
  guess: number,
  exampleIndex?: number,
): CheckResult {
  if (typeof guess !== "number" || Number.isNaN(guess))
    throw new TypeError(`check: expected the guess to be a number, got ${JSON.stringify(guess)}`);
  const b = breakdown(trainer, p, exampleIndex);
  const autograd = b.total;
  return {
    kind: "check",
    param: { ...p },
    paramName: b.paramName,
    guess,
    autograd,
    numeric: b.numeric.value,
    correct: isCloseEnough(guess, autograd),
    tolerance: { ...CHECK_TOLERANCE },
    relError: Math.abs(guess - autograd) / Math.max(Math.abs(autograd), Number.MIN_VALUE),
    breakdown: b,
  };
}
