// A multilayer perceptron as an nn.Sequential: Linear layers with one activation between them.

import type { DType } from "../dtype.js";
import { describeValue, ValueError } from "../errors.js";
import { GELU, LeakyReLU, ReLU, Sigmoid, Tanh } from "../nn/activations.js";
import { Dropout } from "../nn/dropout.js";
import { Linear } from "../nn/linear.js";
import { Sequential, type TensorModule } from "../nn/sequential.js";

/** Hidden-layer activations {@link mlp} offers. */
export const ACTIVATIONS = ["relu", "tanh", "sigmoid", "gelu", "leakyRelu"] as const;

/** A hidden-layer activation by name. */
export type ActivationName = (typeof ACTIVATIONS)[number];

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Input features. */
  inputs: number;
  /** Hidden layer widths, e.g. `[32, 16]`; `[]` gives a linear model. */
  hidden: readonly number[];
  /** Outputs (classes for classification, targets for regression). */
  outputs: number;
  /** Hidden-layer activation. Default `"relu"`. */
  activation?: ActivationName;
  /** Seed of the initial weights (layer `i` uses `seed + 2i`). Default: the global generator. */
  seed?: number;
  /** Parameter dtype. Default `"float32"`. */
  dtype?: DType;
  /** Dropout probability after each hidden activation (training only). Default `0` (no dropout layers). */
  dropout?: number;
}

function activation(name: ActivationName): TensorModule {
  switch (name) {
    case "relu":
      return new ReLU();
    case "tanh":
      return new Tanh();
    case "sigmoid":
      return new Sigmoid();
    case "gelu":
      return new GELU();
    case "leakyRelu":
      return new LeakyReLU();
  }
}

/**
 * Builds `Linear(inputs, h1) → act → Linear(h1, h2) → act → ... → Linear(hk, outputs)`, with PyTorch's
 * default initialisation. The output layer has no activation: classification losses take logits.
 *
 * @example
 * ```ts
 * const net = mlp({ inputs: 784, hidden: [128], outputs: 10, seed: 0 });
 * net.forward(zeros([2, 784])).shape; // [2, 10]
 * ```
 */
export function mlp(options: MlpOptions): Sequential {
  const op = "mlp";
  const { inputs, hidden, outputs, activation: act = "relu", seed, dtype = "float32", dropout = 0 } = options;
  if (typeof dropout !== "number" || !(dropout >= 0 && dropout < 1)) {
    throw new ValueError(op, `dropout must be a number in [0, 1), got ${describeValue(dropout)}`);
  }
  if (!ACTIVATIONS.includes(act)) {
    throw new ValueError(
      op,
      `activation must be one of ${ACTIVATIONS.join(", ")}, got ${describeValue(act)}`,
    );
  }
  hidden.forEach((h) => {
    if (!Number.isInteger(h) || h < 1) {
      throw new ValueError(op, `hidden layer sizes must be positive integers, got ${describeValue(h)}`);
    }
  });
  const sizes = [inputs, ...hidden, outputs];
  const net = new Sequential();
  for (let i = 0; i + 1 < sizes.length; i++) {
    const layerSeed = seed === undefined ? {} : { seed: seed + 2 * i };
    net.append(new Linear(sizes[i], sizes[i + 1], { dtype, ...layerSeed }));
    if (i + 2 < sizes.length) {
      net.append(activation(act));
      if (dropout > 0)
        net.append(new Dropout(dropout, seed === undefined ? {} : { seed: seed + 2 * i + 1000 }));
    }
  }
  return net;
}
