// ReduceLROnPlateau: lowers the learning rate when a watched metric stops improving.

import type { Tensor } from "../core.js";
import { describeValue, TypeMismatchError, ValueError } from "../errors.js";
import type { Optimizer } from "./optimizer.js";
import { checkOptimizer, type SchedulerStateDict } from "./schedulers.js";
import { checkNumber } from "./validate.js";

/**
 * Options of {@link ReduceLROnPlateau}, each with PyTorch's default.
 *
 * @example
 * ```ts
 * const options: optim.ReduceLROnPlateauOptions = { mode: "max", factor: 0.5, patience: 5 };
 * ```
 */
export interface ReduceLROnPlateauOptions {
  /** `"min"`: lower metrics are better (a loss); `"max"`: higher are better (an accuracy). Default `"min"`. */
  mode?: "min" | "max";
  /** Multiplies the learning rate when reducing it; must be < 1. Default `0.1`. */
  factor?: number;
  /** Steps without improvement tolerated before reducing. Default `10`. */
  patience?: number;
  /** Smallest change that counts as an improvement. Default `1e-4`. */
  threshold?: number;
  /** `"rel"`: improvement relative to the best (`best * (1 ∓ threshold)`); `"abs"`: `best ∓ threshold`. Default `"rel"`. */
  thresholdMode?: "rel" | "abs";
  /** Steps to wait after a reduction before counting bad steps again. Default `0`. */
  cooldown?: number;
  /** Lower bound on the learning rate, one for all groups or one per group. Default `0`. */
  minLr?: number | number[];
  /** A reduction smaller than this is skipped. Default `1e-8`. */
  eps?: number;
}

/**
 * Reduces the learning rate by `factor` when a metric has stopped improving for more than `patience` steps,
 * as PyTorch's `ReduceLROnPlateau`. Call `step(metric)` once per epoch with, e.g., the validation loss.
 * A NaN metric counts as no improvement.
 *
 * @example
 * ```ts
 * import { optim } from "chainrule";
 * const sched = new optim.ReduceLROnPlateau(opt, { mode: "min", factor: 0.5, patience: 3 });
 * for (let epoch = 0; epoch < 50; epoch++) {
 *   train(opt);
 *   sched.step(validationLoss());
 * }
 * ```
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer;
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: "rel" | "abs";
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  /** The best metric seen so far (`Infinity` in min mode, `-Infinity` in max mode before any step). */
  best: number;
  /** Consecutive steps without improvement. */
  numBadEpochs = 0;
  /** Steps left in the current cooldown. */
  cooldownCounter = 0;
  /** How many times `step()` was called. */
  lastEpoch = 0;
  private lastLrs: number[];

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    const op = "optim.ReduceLROnPlateau";
    this.optimizer = checkOptimizer(op, optimizer);
    const {
      mode = "min",
      factor = 0.1,
      patience = 10,
      threshold = 1e-4,
      thresholdMode = "rel",
      cooldown = 0,
      minLr = 0,
      eps = 1e-8,
    } = options ?? {};
    if (mode !== "min" && mode !== "max") {
      throw new ValueError(op, `mode must be "min" or "max", got ${describeValue(mode)}`);
    }
    if (thresholdMode !== "rel" && thresholdMode !== "abs") {
      throw new ValueError(op, `thresholdMode must be "rel" or "abs", got ${describeValue(thresholdMode)}`);
    }
    this.mode = mode;
    this.thresholdMode = thresholdMode;
    this.factor = checkNumber(op, "factor", factor, { min: 0, max: 1 });
    this.patience = checkNumber(op, "patience", patience, { min: 0, integer: true });
    this.threshold = checkNumber(op, "threshold", threshold, { min: 0 });
    this.cooldown = checkNumber(op, "cooldown", cooldown, { min: 0, integer: true });
    this.eps = checkNumber(op, "eps", eps, { min: 0 });
    const n = optimizer.paramGroups.length;
    if (Array.isArray(minLr)) {
      if (minLr.length !== n) {
        throw new ValueError(op, `minLr must have one entry per parameter group (${n}), got ${minLr.length}`);
      }
      this.minLrs = minLr.map((v, i) => checkNumber(op, `minLr[${i}]`, v, { min: 0 }));
    } else {
      const v = checkNumber(op, "minLr", minLr, { min: 0 });
      this.minLrs = Array.from({ length: n }, () => v);
    }
    this.best = mode === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.lastLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === "min")
      return this.thresholdMode === "rel" ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === "rel" ? a > best * (threshold + 1) : a > best + threshold;
  }

  /**
   * Records one epoch's metric (a number or a one-element tensor) and reduces the learning rates if it has
   * not improved for more than `patience` steps.
   *
   * @example
   * ```ts
   * sched.step(valLoss); // valLoss: number or a 0-d tensor
   * ```
   */
  step(metric: number | Tensor): void {
    const current = typeof metric === "number" ? metric : (metric as Tensor | undefined)?.item?.();
    if (typeof current !== "number") {
      throw new TypeMismatchError(
        "optim.ReduceLROnPlateau.step",
        `metric must be a number or a one-element tensor, got ${describeValue(metric)}`,
      );
    }
    this.lastEpoch += 1;
    if (this.isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs during cooldown are ignored
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((group, i) => {
        const newLr = Math.max(group.lr * this.factor, this.minLrs[i]);
        if (group.lr - newLr > this.eps) group.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLrs = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The learning rate of each parameter group after the last `step()` (or at construction).
   *
   * @example
   * ```ts
   * console.log(sched.getLastLr());
   * ```
   */
  getLastLr(): number[] {
    return this.lastLrs.slice();
  }

  /**
   * The schedule's progress as plain numbers, for saving.
   *
   * @example
   * ```ts
   * const saved = sched.stateDict();
   * ```
   */
  stateDict(): SchedulerStateDict {
    return {
      lastEpoch: this.lastEpoch,
      baseLrs: [],
      lastLrs: this.lastLrs.slice(),
      best: this.best,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
    };
  }

  /**
   * Restores progress saved by `stateDict()`.
   *
   * @example
   * ```ts
   * sched.loadStateDict(saved);
   * ```
   */
  loadStateDict(state: SchedulerStateDict): void {
    const op = "optim.ReduceLROnPlateau.loadStateDict";
    if (typeof state !== "object" || state === null || !Number.isInteger(state.lastEpoch)) {
      throw new TypeMismatchError(
        op,
        `expected a saved ReduceLROnPlateau state, got ${describeValue(state)}`,
      );
    }
    this.lastEpoch = state.lastEpoch;
    // JSON turns the initial best (+-Infinity) into null.
    const worst = this.mode === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.best = typeof state.best === "number" ? state.best : worst;
    this.numBadEpochs = Number(state.numBadEpochs);
    this.cooldownCounter = Number(state.cooldownCounter);
    this.lastLrs = state.lastLrs.slice();
  }
}
