// Adam (L2 weight decay) and AdamW (decoupled weight decay), with AMSGrad, as PyTorch implements them.

import { describeValue, TypeMismatchError } from "../errors.js";
import { Optimizer, type ParamGroup, type ParamsInput, withDefaults } from "./optimizer.js";
import { checkBoolean, checkNumber } from "./validate.js";

/**
 * Hyper-parameters of {@link Adam} and {@link AdamW}; the constructors take any subset.
 *
 * @example
 * ```ts
 * const options: Partial<optim.AdamOptions> = { lr: 3e-4, betas: [0.9, 0.98], amsgrad: true };
 * ```
 */
export interface AdamOptions {
  /** Learning rate (default `1e-3`). */
  lr: number;
  /** Decay rates of the first and second moment averages, each in [0, 1) (default `[0.9, 0.999]`). */
  betas: [number, number];
  /** Added to the denominator for stability (default `1e-8`). */
  eps: number;
  /** Weight decay: an L2 penalty for Adam (default `0`), decoupled for AdamW (default `0.01`). */
  weightDecay: number;
  /** Use the AMSGrad variant (default `false`). */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it (default `false`). */
  maximize: boolean;
}

function validateAdam(op: string, group: AdamOptions): void {
  checkNumber(op, "lr", group.lr, { min: 0 });
  checkNumber(op, "eps", group.eps, { min: 0 });
  checkNumber(op, "weightDecay", group.weightDecay, { min: 0 });
  const betas: unknown = group.betas;
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new TypeMismatchError(op, `betas must be a pair of numbers in [0, 1), got ${describeValue(betas)}`);
  }
  checkNumber(op, "betas[0]", betas[0], { min: 0, max: 1 });
  checkNumber(op, "betas[1]", betas[1], { min: 0, max: 1 });
  checkBoolean(op, "amsgrad", group.amsgrad);
  checkBoolean(op, "maximize", group.maximize);
}

/**
 * Adam, exactly PyTorch's `torch.optim.Adam`: per element `g = maximize ? -g : g`, `g += weightDecay * p`
 * (L2 penalty), `m = β1 m + (1-β1) g`, `v = β2 v + (1-β2) g²`, and
 * `p -= lr / (1 - β1^t) * m / (sqrt(v) / sqrt(1 - β2^t) + eps)`, where `t` counts this parameter's steps.
 * With `amsgrad`, `v` in the denominator is the running maximum of `v`.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "chainrule";
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = new optim.Adam([w], { lr: 0.05 });
 * for (let i = 0; i < 200; i++) {
 *   opt.zeroGrad();
 *   w.sub(3).square().sum().backward();
 *   opt.step();
 * }
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  /** Whether weight decay is decoupled (AdamW) rather than an L2 term in the gradient (Adam). */
  static readonly decoupledWeightDecay: boolean = false;
  /** Whether weight decay is decoupled (AdamW) rather than an L2 term in the gradient (Adam). */
  protected readonly decoupled: boolean;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    const decoupled = (new.target as typeof Adam).decoupledWeightDecay;
    super(decoupled ? "optim.AdamW" : "optim.Adam", params, adamDefaults(decoupled ? 0.01 : 0, options));
    this.decoupled = decoupled;
  }

  protected validateGroup(group: AdamOptions): void {
    validateAdam(this.opName, group);
  }

  protected stepGroup(group: ParamGroup<AdamOptions>): void {
    const { lr, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = group.betas;
    const decay = this.decoupled ? 1 - lr * weightDecay : 1;
    const l2 = this.decoupled ? 0 : weightDecay;
    for (const p of group.params) {
      const g = this.gradStorage(p);
      if (g === null) continue;
      const x = p._storage;
      const n = x.length;
      const state = this.stateOf(p);
      const step = ((state.step as number | undefined) ?? 0) + 1;
      state.step = step;
      const m = this.buffer(state, "expAvg", n);
      const v = this.buffer(state, "expAvgSq", n);
      const vMax = amsgrad ? this.buffer(state, "maxExpAvgSq", n) : null;
      const stepSize = lr / (1 - beta1 ** step);
      const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
      for (let i = 0; i < n; i++) {
        let d = maximize ? -g[i] : g[i];
        if (decay !== 1) x[i] *= decay;
        if (l2 !== 0) d += l2 * x[i];
        const mi = beta1 * m[i] + (1 - beta1) * d;
        const vi = beta2 * v[i] + (1 - beta2) * d * d;
        m[i] = mi;
        v[i] = vi;
        let vHat = vi;
        if (vMax !== null) {
          // NOTE: as PyTorch's code (not its doc's formula), the running max is of the raw second
          // moment, bias-corrected afterwards.
          vHat = Math.max(vMax[i], vi);
          vMax[i] = vHat;
        }
        x[i] -= stepSize * (mi / (Math.sqrt(vHat) / biasCorrection2Sqrt + eps));
      }
    }
  }
}

/**
 * AdamW, exactly PyTorch's `torch.optim.AdamW`: Adam without the L2 term, where each step first shrinks
 * every parameter with a gradient, `p *= 1 - lr * weightDecay` (decoupled weight decay). Options as
 * {@link Adam}, except that `weightDecay` defaults to `0.01`.
 *
 * @example
 * ```ts
 * import { nn, optim } from "chainrule";
 * const model = new nn.Linear(4, 1);
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 * ```
 */
export class AdamW extends Adam {
  static override readonly decoupledWeightDecay: boolean = true;
}

function adamDefaults(weightDecay: number, options: Partial<AdamOptions>): AdamOptions {
  const merged = withDefaults<AdamOptions>(
    { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay, amsgrad: false, maximize: false },
    options,
  );
  // Copy so a caller's array is never shared with (or mutated through) the optimizer.
  if (Array.isArray(merged.betas)) merged.betas = [...merged.betas] as [number, number];
  return merged;
}
