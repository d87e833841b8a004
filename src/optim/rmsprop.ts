// RMSprop with optional momentum, centering and L2 weight decay (PyTorch's algorithm).

import { Optimizer, type ParamGroup, type ParamsInput, withDefaults } from "./optimizer.js";
import { checkBoolean, checkNumber } from "./validate.js";

/**
 * Hyper-parameters of {@link RMSprop}; the constructor takes any subset.
 *
 * @example
 * ```ts
 * const options: Partial<optim.RMSpropOptions> = { lr: 1e-3, alpha: 0.9, centered: true };
 * ```
 */
export interface RMSpropOptions {
  /** Learning rate (default `0.01`). */
  lr: number;
  /** Smoothing constant of the squared-gradient average (default `0.99`). */
  alpha: number;
  /** Added to the denominator for stability (default `1e-8`). */
  eps: number;
  /** L2 penalty added to the gradient (default `0`). */
  weightDecay: number;
  /** Momentum factor (default `0`). */
  momentum: number;
  /** Normalise by an estimate of the gradient's variance instead of its second moment (default `false`). */
  centered: boolean;
  /** Maximize the objective instead of minimizing it (default `false`). */
  maximize: boolean;
}

/**
 * RMSprop, exactly PyTorch's `torch.optim.RMSprop`: per element `g = maximize ? -g : g`,
 * `g += weightDecay * p`, `v = α v + (1-α) g²`; if `centered`, `ḡ = α ḡ + (1-α) g` and `v̂ = v - ḡ²`, else
 * `v̂ = v`; `d = sqrt(v̂) + eps` (the square root is taken before adding eps, as PyTorch); with momentum
 * `b = momentum * b + g / d` and `p -= lr * b`, else `p -= lr * g / d`.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "chainrule";
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = new optim.RMSprop([w], { lr: 0.01, momentum: 0.9, centered: true });
 * opt.zeroGrad();
 * w.square().sum().backward();
 * opt.step();
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(
      "optim.RMSprop",
      params,
      withDefaults(
        { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
        options,
      ),
    );
  }

  protected validateGroup(group: RMSpropOptions): void {
    checkNumber(this.opName, "lr", group.lr, { min: 0 });
    checkNumber(this.opName, "alpha", group.alpha, { min: 0 });
    checkNumber(this.opName, "eps", group.eps, { min: 0 });
    checkNumber(this.opName, "weightDecay", group.weightDecay, { min: 0 });
    checkNumber(this.opName, "momentum", group.momentum, { min: 0 });
    checkBoolean(this.opName, "centered", group.centered);
    checkBoolean(this.opName, "maximize", group.maximize);
  }

  protected stepGroup(group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const p of group.params) {
      const g = this.gradStorage(p);
      if (g === null) continue;
      const x = p._storage;
      const n = x.length;
      const state = this.stateOf(p);
      state.step = ((state.step as number | undefined) ?? 0) + 1;
      const sq = this.buffer(state, "squareAvg", n);
      const gAvg = centered ? this.buffer(state, "gradAvg", n) : null;
      const buf = momentum > 0 ? this.buffer(state, "momentumBuffer", n) : null;
      for (let i = 0; i < n; i++) {
        let d = maximize ? -g[i] : g[i];
        if (weightDecay !== 0) d += weightDecay * x[i];
        const s = alpha * sq[i] + (1 - alpha) * d * d;
        sq[i] = s;
        let avg: number;
        if (gAvg !== null) {
          const ga = alpha * gAvg[i] + (1 - alpha) * d;
          gAvg[i] = ga;
          // NOTE: no clamp at zero, as PyTorch; s >= ga² holds in exact arithmetic for these averages.
          avg = Math.sqrt(s - ga * ga) + eps;
        } else {
          avg = Math.sqrt(s) + eps;
        }
        if (buf !== null) {
          const b = momentum * buf[i] + d / avg;
          buf[i] = b;
          x[i] -= lr * b;
        } else {
          x[i] -= lr * (d / avg);
        }
      }
    }
  }
}
