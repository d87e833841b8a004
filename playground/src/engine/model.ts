// Builds the playground's network: chainrule Linear layers (float64) with one activation module between them.

import { manualSeed, nn } from "chainrule";
import type { ActivationName } from "../protocol.js";

function activation(name: ActivationName): nn.TensorModule {
  switch (name) {
    case "relu":
      return new nn.ReLU();
    case "tanh":
      return new nn.Tanh();
    case "sigmoid":
      return new nn.Sigmoid();
    case "linear":
      // Identity keeps the Linear, act, Linear, ... layout that the views index into.
      return new nn.Identity();
  }
}

/**
 * `Linear(inputs, h1) → act → ... → Linear(hk, outputs)` in float64 with chainrule's default (PyTorch's)
 * initialisation, drawn from the global generator after `manualSeed(seed)`, so the same seed and shape give
 * the same weights. The output layer has no activation (losses take logits).
 *
 * @example
 * ```ts
 * const net = buildModel(2, [4, 2], 1, "tanh", 1); // modules: Linear, Tanh, Linear, Tanh, Linear
 * ```
 */
export function buildModel(
  inputs: number,
  hidden: readonly number[],
  outputs: number,
  act: ActivationName,
  seed: number,
): nn.Sequential {
  manualSeed(seed);
  const sizes = [inputs, ...hidden, outputs];
  const model = new nn.Sequential();
  for (let i = 0; i + 1 < sizes.length; i++) {
    model.append(new nn.Linear(sizes[i], sizes[i + 1], { dtype: "float64" }));
    if (i + 2 < sizes.length) model.append(activation(act));
  }
  return model;
}
