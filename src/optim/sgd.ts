// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay (PyTorch's algorithm).

import type { Storage } from "../dtype.js";
import { ValueError } from "../errors.js";
import { Optimizer, type ParamGroup, type ParamsInput, withDefaults } from "./optimizer.js";
import { checkBoolean, checkNumber } from "./validate.js";

/**
 * Hyper-parameters of {@link SGD}; the constructor takes any subset.
 *
 * @example
 * ```ts
 * const options: Partial<optim.SGDOptions> = { lr: 0.1, momentum: 0.9, nesterov: true };
 * ```
 */
export interface SGDOptions {
  /** Learning rate (default `1e-3`, as PyTorch 2.x). */
  lr: number;
  /** Momentum factor (default `0`). */
  momentum: number;
  /** Dampening for momentum (default `0`). */
  dampening: number;
  /** Use Nesterov momentum; needs `momentum > 0` and `dampening === 0` (default `false`). */
  nesterov: boolean;
  /** L2 penalty added to the gradient (default `0`). */
  weightDecay: number;
  /** Maximize the objective instead of minimizing it (default `false`). */
  maximize: boolean;
}

/**
 * Stochastic gradient descent, exactly PyTorch's `torch.optim.SGD`. Per element, with gradient `g`:
 * `g = maximize ? -g : g`; `g += weightDecay * p`; with momentum, `b = g` on a parameter's first step and
 * `b = momentum * b + (1 - dampening) * g` afterwards, then `g = nesterov ? g + momentum * b : b`;
 * finally `p -= lr * g`.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "chainrule";
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = new optim.SGD([w], { lr: 0.1, momentum: 0.9 });
 * for (let i = 0; i < 100; i++) {
 *   opt.zeroGrad();
 *   w.sub(3).square().sum().backward();
 *   opt.step();
 * }
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(
      "optim.SGD",
      params,
      withDefaults(
        { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false },
        options,
      ),
    );
  }

  protected validateGroup(group: SGDOptions): void {
    checkNumber(this.opName, "lr", group.lr, { min: 0 });
    checkNumber(this.opName, "momentum", group.momentum, { min: 0 });
    checkNumber(this.opName, "dampening", group.dampening);
    checkNumber(this.opName, "weightDecay", group.weightDecay, { min: 0 });
    checkBoolean(this.opName, "nesterov", group.nesterov);
    checkBoolean(this.opName, "maximize", group.maximize);
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new ValueError(
        this.opName,
        `nesterov requires momentum > 0 and dampening = 0, got momentum ${group.momentum} and dampening ${group.dampening}`,
      );
    }
  }

  protected stepGroup(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, nesterov, weightDecay, maximize } = group;
    for (const p of group.params) {
      const g = this.gradStorage(p);
      if (g === null) continue;
      const x = p._storage;
      const n = x.length;
      if (momentum === 0 && weightDecay === 0) {
        // Plain gradient descent, the common case: a loop with nothing else in it runs several times faster.
        axpy(maximize ? lr : -lr, g, x);
        continue;
      }
      if (momentum === 0) {
        for (let i = 0; i < n; i++) {
          let d = maximize ? -g[i] : g[i];
          if (weightDecay !== 0) d += weightDecay * x[i];
          x[i] -= lr * d;
        }
        continue;
      }
      const state = this.stateOf(p);
      const first = !(state.momentumBuffer instanceof Float64Array);
      const buf = this.buffer(state, "momentumBuffer", n);
      const keep = 1 - dampening;
      for (let i = 0; i < n; i++) {
        let d = maximize ? -g[i] : g[i];
        if (weightDecay !== 0) d += weightDecay * x[i];
        // PyTorch starts the buffer at the first gradient itself, undamped.
        const b = first ? d : momentum * buf[i] + keep * d;
        buf[i] = b;
        d = nesterov ? d + momentum * b : b;
        x[i] -= lr * d;
      }
    }
  }
}

/** `y[i] += a * x[i]`. */
function axpy(a: number, x: Storage, y: Storage): void {
  const n = y.length;
  for (let i = 0; i < n; i++) y[i] += a * x[i];
}
