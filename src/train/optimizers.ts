// Optimizers by name with learning-rate defaults that train small networks well.

import type { Tensor } from "../core.js";
import { describeValue, ValueError } from "../errors.js";
import { Adam, AdamW } from "../optim/adam.js";
import type { Optimizer } from "../optim/optimizer.js";
import { RMSprop } from "../optim/rmsprop.js";
import { SGD } from "../optim/sgd.js";

/** Optimizer names the training loop and the CLI understand. */
export const OPTIMIZER_NAMES = ["adam", "adamw", "sgd", "rmsprop"] as const;

/** An optimizer by name. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Default learning rate per optimizer: PyTorch's for the adaptive ones; 0.01 with momentum 0.9 for SGD. */
export const DEFAULT_LR: Record<OptimizerName, number> = {
  adam: 1e-3,
  adamw: 1e-3,
  sgd: 0.01,
  rmsprop: 1e-3,
};

/**
 * Makes an optimizer by name: `"sgd"` is SGD with momentum 0.9; the others use PyTorch's defaults.
 *
 * @example
 * ```ts
 * const opt = makeOptimizer("adam", net.parameters()); // lr 1e-3
 * ```
 */
export function makeOptimizer(name: OptimizerName, params: Tensor[], lr?: number, op = "fit"): Optimizer {
  if (!OPTIMIZER_NAMES.includes(name)) {
    throw new ValueError(
      op,
      `optimizer must be one of ${OPTIMIZER_NAMES.join(", ")} or an optim.Optimizer, got ${describeValue(name)}`,
    );
  }
  const rate = lr ?? DEFAULT_LR[name];
  if (typeof rate !== "number" || !(rate > 0) || !Number.isFinite(rate)) {
    throw new ValueError(op, `lr must be a positive number, got ${describeValue(rate)}`);
  }
  switch (name) {
    case "adam":
      return new Adam(params, { lr: rate });
    case "adamw":
      return new AdamW(params, { lr: rate });
    case "sgd":
      return new SGD(params, { lr: rate, momentum: 0.9 });
    case "rmsprop":
      return new RMSprop(params, { lr: rate });
  }
}
