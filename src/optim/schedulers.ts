// Learning-rate schedules that set an optimizer's per-group learning rates, as torch.optim.lr_scheduler.

import { describeValue, TypeMismatchError, ValueError } from "../errors.js";
import { Optimizer } from "./optimizer.js";
import { checkNumber } from "./validate.js";

/**
 * Throws unless `optimizer` is an {@link Optimizer}; shared by the schedules.
 *
 * @example
 * ```ts
 * checkOptimizer("optim.StepLR", {}); // throws "optim.StepLR: optimizer must be an optim.Optimizer, got ..."
 * ```
 */
export function checkOptimizer(op: string, optimizer: unknown): Optimizer {
  if (!(optimizer instanceof Optimizer)) {
    throw new TypeMismatchError(op, `optimizer must be an optim.Optimizer, got ${describeValue(optimizer)}`);
  }
  return optimizer;
}

/**
 * A schedule's state as plain numbers, from `stateDict()`.
 *
 * @example
 * ```ts
 * const saved: optim.SchedulerStateDict = sched.stateDict(); // { lastEpoch: 3, baseLrs: [0.1], lastLrs: [0.05] }
 * ```
 */
export interface SchedulerStateDict {
  lastEpoch: number;
  baseLrs: number[];
  lastLrs: number[];
  [key: string]: number | number[] | string | null;
}

/**
 * Base class of the epoch-indexed schedules. As in PyTorch, constructing a schedule records each group's
 * current learning rate as its base and counts as step 0 (so `getLastLr()` is the base learning rates);
 * each `step()` advances the count and sets every group's learning rate.
 *
 * NOTE: the schedules use PyTorch's closed forms (the learning rate is a function of the step count and the
 * base learning rates). PyTorch's default "chainable" forms give the same numbers unless something else
 * changes the learning rate between steps; here such a change is overwritten at the next `step()`.
 *
 * @example
 * ```ts
 * import { optim } from "chainrule";
 * class HalveEveryStep extends optim.LRScheduler {
 *   constructor(opt: optim.Optimizer) {
 *     super(opt, "HalveEveryStep");
 *     this.initialStep(); // step 0, once the subclass's own fields are set
 *   }
 *   protected computeLr(epoch: number): number[] {
 *     return this.baseLrs.map((lr) => lr * 0.5 ** epoch);
 *   }
 * }
 * const sched = new HalveEveryStep(opt);
 * ```
 */
export abstract class LRScheduler {
  /** The optimizer whose learning rates are set. */
  readonly optimizer: Optimizer;
  /** Each group's learning rate when the schedule was made. */
  baseLrs: number[];
  /** How many times `step()` was called (0 right after construction). */
  lastEpoch = -1;
  protected lastLrs: number[] = [];
  /** The name used in error messages, e.g. `"optim.StepLR"`. */
  protected readonly opName: string;

  /**
   * @param optimizer the optimizer whose learning rates to set.
   * @param opName name for error messages, e.g. `"optim.StepLR"`.
   */
  constructor(optimizer: Optimizer, opName = "optim.LRScheduler") {
    this.opName = opName;
    this.optimizer = checkOptimizer(opName, optimizer);
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rate of each group at step `epoch` (0 is the first). */
  protected abstract computeLr(epoch: number): number[];

  /** Applies step 0; called once at the end of each subclass's constructor, after its options are set. */
  protected initialStep(): void {
    this.step();
  }

  /**
   * Advances the schedule by one step (call it once per epoch, after `optimizer.step()`) and sets every
   * group's learning rate.
   *
   * @example
   * ```ts
   * for (let epoch = 0; epoch < 10; epoch++) {
   *   train(opt);
   *   sched.step();
   * }
   * ```
   */
  step(): void {
    this.lastEpoch += 1;
    const lrs = this.computeLr(this.lastEpoch);
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = lrs[i];
    });
    this.lastLrs = lrs.slice();
  }

  /**
   * The learning rate of each parameter group set by the last `step()` (or construction).
   *
   * @example
   * ```ts
   * const [lr] = sched.getLastLr();
   * ```
   */
  getLastLr(): number[] {
    return this.lastLrs.slice();
  }

  /**
   * The schedule's progress as plain numbers, for saving with the optimizer's state.
   *
   * @example
   * ```ts
   * const saved = JSON.stringify({ opt: opt.stateDict(), sched: sched.stateDict() });
   * ```
   */
  stateDict(): SchedulerStateDict {
    return { lastEpoch: this.lastEpoch, baseLrs: this.baseLrs.slice(), lastLrs: this.lastLrs.slice() };
  }

  /**
   * Restores progress saved by `stateDict()`; the optimizer's learning rates are restored by its own
   * `loadStateDict`.
   *
   * @example
   * ```ts
   * sched.loadStateDict(JSON.parse(saved).sched);
   * ```
   */
  loadStateDict(state: SchedulerStateDict): void {
    const op = `${this.opName}.loadStateDict`;
    const n = this.optimizer.paramGroups.length;
    if (typeof state !== "object" || state === null || !Number.isInteger(state.lastEpoch)) {
      throw new TypeMismatchError(op, `expected a saved schedule state, got ${describeValue(state)}`);
    }
    if (!Array.isArray(state.baseLrs) || state.baseLrs.length !== n) {
      throw new ValueError(
        op,
        `baseLrs must have one entry per parameter group (${n}), got ${describeValue(state.baseLrs)}`,
      );
    }
    this.lastEpoch = state.lastEpoch;
    this.baseLrs = state.baseLrs.slice();
    this.lastLrs = Array.isArray(state.lastLrs) ? state.lastLrs.slice() : this.computeLr(this.lastEpoch);
  }
}

/**
 * Multiplies the learning rate by `gamma` every `stepSize` steps: `lr = base * gamma^floor(epoch / stepSize)`,
 * as PyTorch's `StepLR`.
 *
 * @example
 * ```ts
 * import { optim } from "chainrule";
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
 * const sched = new optim.StepLR(opt, { stepSize: 30, gamma: 0.1 }); // 0.1 for 30 epochs, then 0.01, ...
 * ```
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: { stepSize: number; gamma?: number }) {
    super(optimizer, "optim.StepLR");
    const { stepSize, gamma = 0.1 } = options ?? ({} as { stepSize: number });
    this.stepSize = checkNumber("optim.StepLR", "stepSize", stepSize, {
      min: 0,
      minExclusive: true,
      integer: true,
    });
    this.gamma = checkNumber("optim.StepLR", "gamma", gamma, { min: 0 });
    this.initialStep();
  }

  protected computeLr(epoch: number): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(epoch / this.stepSize));
  }
}

/**
 * Multiplies the learning rate by `gamma` at each of the given steps (`milestones`, increasing):
 * `lr = base * gamma^(number of milestones <= epoch)`, as PyTorch's `MultiStepLR`.
 *
 * @example
 * ```ts
 * const sched = new optim.MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: { milestones: number[]; gamma?: number }) {
    super(optimizer, "optim.MultiStepLR");
    const { milestones, gamma = 0.1 } = options ?? ({} as { milestones: number[] });
    if (!Array.isArray(milestones)) {
      throw new TypeMismatchError(
        "optim.MultiStepLR",
        `milestones must be an array of non-negative integers, got ${describeValue(milestones)}`,
      );
    }
    milestones.forEach((m, i) => {
      checkNumber("optim.MultiStepLR", `milestones[${i}]`, m, { min: 0, integer: true });
    });
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = checkNumber("optim.MultiStepLR", "gamma", gamma, { min: 0 });
    this.initialStep();
  }

  protected computeLr(epoch: number): number[] {
    // A milestone listed twice counts twice, as in PyTorch.
    const passed = this.milestones.filter((m) => m <= epoch).length;
    return this.baseLrs.map((lr) => lr * this.gamma ** passed);
  }
}

/**
 * Multiplies the learning rate by `gamma` every step: `lr = base * gamma^epoch`, as PyTorch's `ExponentialLR`.
 *
 * @example
 * ```ts
 * const sched = new optim.ExponentialLR(opt, { gamma: 0.95 });
 * ```
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: { gamma: number }) {
    super(optimizer, "optim.ExponentialLR");
    this.gamma = checkNumber("optim.ExponentialLR", "gamma", options?.gamma, { min: 0 });
    this.initialStep();
  }

  protected computeLr(epoch: number): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** epoch);
  }
}

/**
 * Cosine annealing from the base learning rate down to `etaMin` over `tMax` steps, as PyTorch's
 * `CosineAnnealingLR` (closed form): `lr = etaMin + (base - etaMin) * (1 + cos(pi * epoch / tMax)) / 2`.
 * Past `tMax` the cosine continues, so the rate climbs back up (period `2 * tMax`), as in PyTorch.
 *
 * @example
 * ```ts
 * const sched = new optim.CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, options: { tMax: number; etaMin?: number }) {
    super(optimizer, "optim.CosineAnnealingLR");
    const { tMax, etaMin = 0 } = options ?? ({} as { tMax: number });
    this.tMax = checkNumber("optim.CosineAnnealingLR", "tMax", tMax, { min: 0, minExclusive: true });
    this.etaMin = checkNumber("optim.CosineAnnealingLR", "etaMin", etaMin, { min: 0 });
    this.initialStep();
  }

  protected computeLr(epoch: number): number[] {
    const c = (1 + Math.cos((Math.PI * epoch) / this.tMax)) / 2;
    return this.baseLrs.map((lr) => this.etaMin + (lr - this.etaMin) * c);
  }
}

/**
 * Scales the learning rate by a factor that moves linearly from `startFactor` to `endFactor` over
 * `totalIters` steps and then stays at `endFactor`, as PyTorch's `LinearLR` (a common warm-up):
 * `lr = base * (startFactor + (endFactor - startFactor) * min(epoch, totalIters) / totalIters)`.
 *
 * @example
 * ```ts
 * // warm up from 10% to the full rate over 5 epochs
 * const sched = new optim.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * ```
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(
    optimizer: Optimizer,
    options: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    super(optimizer, "optim.LinearLR");
    const op = "optim.LinearLR";
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = options ?? {};
    this.startFactor = checkNumber(op, "startFactor", startFactor, { min: 0, minExclusive: true });
    if (this.startFactor > 1) {
      throw new ValueError(op, `startFactor must be a number in (0, 1], got ${startFactor}`);
    }
    this.endFactor = checkNumber(op, "endFactor", endFactor, { min: 0 });
    if (this.endFactor > 1)
      throw new ValueError(op, `endFactor must be a number in [0, 1], got ${endFactor}`);
    this.totalIters = checkNumber(op, "totalIters", totalIters, {
      min: 0,
      minExclusive: true,
      integer: true,
    });
    this.initialStep();
  }

  protected computeLr(epoch: number): number[] {
    const t = Math.min(epoch, this.totalIters);
    const factor = this.startFactor + ((this.endFactor - this.startFactor) * t) / this.totalIters;
    return this.baseLrs.map((lr) => lr * factor);
  }
}

/**
 * Sets each group's learning rate to its base times `lrLambda(epoch)` (one function for all groups, or one per
 * group), as PyTorch's `LambdaLR`.
 *
 * @example
 * ```ts
 * const warmup = 100;
 * const sched = new optim.LambdaLR(opt, { lrLambda: (e) => Math.min(1, (e + 1) / warmup) });
 * ```
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: ((epoch: number) => number)[];

  constructor(
    optimizer: Optimizer,
    options: { lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[] },
  ) {
    super(optimizer, "optim.LambdaLR");
    const op = "optim.LambdaLR";
    const f: unknown = options?.lrLambda;
    const n = this.optimizer.paramGroups.length;
    const list = Array.isArray(f) ? f : Array.from({ length: n }, () => f);
    if (list.length !== n || !list.every((g) => typeof g === "function")) {
      throw new TypeMismatchError(
        op,
        `lrLambda must be a function or an array of ${n} functions (one per parameter group), got ${describeValue(f)}`,
      );
    }
    this.lrLambdas = list as ((epoch: number) => number)[];
    this.initialStep();
  }

  protected computeLr(epoch: number): number[] {
    return this.baseLrs.map((lr, i) => lr * this.lrLambdas[i](epoch));
  }
}
