// Activation functions as modules (for Sequential), each a thin wrapper over a tensor method.

import type { Tensor } from "../core.js";
import { describeValue, TypeMismatchError, ValueError } from "../errors.js";
import { Module } from "./module.js";
import { checkTensor } from "./validate.js";

/** Reads an argument given either positionally (`new Softmax(1)`) or by name (`new Softmax({ dim: 1 })`). */
function named<K extends string>(value: unknown, key: K, fallback: number): unknown {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return (value as Partial<Record<K, unknown>>)[key] ?? fallback;
  }
  return value;
}

function checkDim(op: string, dim: unknown): number {
  if (typeof dim !== "number")
    throw new TypeMismatchError(op, `dim must be an integer, got ${describeValue(dim)}`);
  if (!Number.isInteger(dim)) throw new ValueError(op, `dim must be an integer, got ${describeValue(dim)}`);
  return dim;
}

/**
 * The logistic sigmoid `1 / (1 + e^-x)`, elementwise.
 *
 * @example
 * ```ts
 * new nn.Sigmoid().forward(tensor([0])); // [0.5]
 * ```
 */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return checkTensor("nn.Sigmoid", "input", x).sigmoid();
  }
}

/**
 * The hyperbolic tangent, elementwise.
 *
 * @example
 * ```ts
 * new nn.Tanh().forward(tensor([0])); // [0]
 * ```
 */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return checkTensor("nn.Tanh", "input", x).tanh();
  }
}

/**
 * `max(x, 0)`, elementwise. NOTE: the gradient at 0 is 0, as PyTorch.
 *
 * @example
 * ```ts
 * new nn.ReLU().forward(tensor([-1, 2])); // [0, 2]
 * ```
 */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return checkTensor("nn.ReLU", "input", x).relu();
  }
}

/**
 * `x` for `x > 0`, else `negativeSlope * x` (default slope 0.01, as PyTorch).
 *
 * @example
 * ```ts
 * new nn.LeakyReLU(0.1).forward(tensor([-2, 3])); // [-0.2, 3]
 * new nn.LeakyReLU({ negativeSlope: 0.1 });         // the same, by name
 * ```
 */
export class LeakyReLU extends Module {
  /** The slope for negative inputs. */
  readonly negativeSlope: number;

  constructor(negativeSlope: number | { negativeSlope?: number } = 0.01) {
    super();
    negativeSlope = named(negativeSlope, "negativeSlope", 0.01) as number;
    if (typeof negativeSlope !== "number" || !Number.isFinite(negativeSlope)) {
      throw new ValueError(
        "nn.LeakyReLU",
        `negativeSlope must be a finite number, got ${describeValue(negativeSlope)}`,
      );
    }
    this.negativeSlope = negativeSlope;
  }

  forward(x: Tensor): Tensor {
    return checkTensor("nn.LeakyReLU", "input", x).leakyRelu(this.negativeSlope);
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/**
 * The Gaussian error linear unit `x * Φ(x)`, exact (erf) form, as PyTorch's default.
 *
 * @example
 * ```ts
 * new nn.GELU().forward(tensor([1])); // [0.8413]
 * ```
 */
export class GELU extends Module {
  forward(x: Tensor): Tensor {
    return checkTensor("nn.GELU", "input", x).gelu();
  }
}

/**
 * `x * sigmoid(x)` (also called swish).
 *
 * @example
 * ```ts
 * new nn.SiLU().forward(tensor([0])); // [0]
 * ```
 */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return checkTensor("nn.SiLU", "input", x).silu();
  }
}

/**
 * `log(1 + e^(beta x)) / beta`, elementwise and stable (beta defaults to 1). Unlike PyTorch there is no
 * `threshold`: the underlying op is already stable for large inputs.
 *
 * @example
 * ```ts
 * new nn.Softplus().forward(tensor([0])); // [0.6931]
 * new nn.Softplus({ beta: 2 });            // or new nn.Softplus(2)
 * ```
 */
export class Softplus extends Module {
  /** The sharpness `beta`. */
  readonly beta: number;

  constructor(options: number | { beta?: number } = {}) {
    super();
    const beta = named(options, "beta", 1);
    if (typeof beta !== "number" || !(beta > 0) || !Number.isFinite(beta)) {
      throw new ValueError(
        "nn.Softplus",
        `beta must be a positive finite number, got ${describeValue(beta)}`,
      );
    }
    this.beta = beta;
  }

  forward(x: Tensor): Tensor {
    checkTensor("nn.Softplus", "input", x);
    return this.beta === 1 ? x.softplus() : x.mul(this.beta).softplus().div(this.beta);
  }

  override extraRepr(): string {
    return `beta=${this.beta}`;
  }
}

/**
 * Softmax along `dim` (default -1, the last): each slice is non-negative and sums to 1.
 *
 * @example
 * ```ts
 * new nn.Softmax().forward(tensor([[0, 0]])); // [[0.5, 0.5]]
 * new nn.Softmax(0);                            // or new nn.Softmax({ dim: 0 })
 * ```
 */
export class Softmax extends Module {
  /** The dimension normalised over. */
  readonly dim: number;

  constructor(dim: number | { dim?: number } = -1) {
    super();
    this.dim = checkDim("nn.Softmax", named(dim, "dim", -1));
  }

  forward(x: Tensor): Tensor {
    return checkTensor("nn.Softmax", "input", x).softmax(this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * Log-softmax along `dim` (default -1), computed stably.
 *
 * @example
 * ```ts
 * new nn.LogSoftmax().forward(tensor([[0, 0]])); // [[-0.6931, -0.6931]]
 * ```
 */
export class LogSoftmax extends Module {
  /** The dimension normalised over. */
  readonly dim: number;

  constructor(dim: number | { dim?: number } = -1) {
    super();
    this.dim = checkDim("nn.LogSoftmax", named(dim, "dim", -1));
  }

  forward(x: Tensor): Tensor {
    return checkTensor("nn.LogSoftmax", "input", x).logSoftmax(this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * Returns its input unchanged (a placeholder, e.g. to switch a layer off in a Sequential).
 *
 * @example
 * ```ts
 * const x = tensor([1]);
 * new nn.Identity().forward(x) === x; // true
 * ```
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return checkTensor("nn.Identity", "input", x);
  }
}

/**
 * Merges dims `startDim..endDim` into one (default: all but the batch dim, as PyTorch's `nn.Flatten`).
 *
 * @example
 * ```ts
 * new nn.Flatten().forward(zeros([2, 3, 4])).shape; // [2, 12]
 * ```
 */
export class Flatten extends Module {
  /** First dim merged. */
  readonly startDim: number;
  /** Last dim merged. */
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = checkDim("nn.Flatten", startDim);
    this.endDim = checkDim("nn.Flatten", endDim);
  }

  forward(x: Tensor): Tensor {
    return checkTensor("nn.Flatten", "input", x).flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
