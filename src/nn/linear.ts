// The fully connected layer y = x W^T + b.

import type { Tensor } from "../core.js";
import { type DType, isDType } from "../dtype.js";
import { describeValue, formatShape, ShapeError, TypeMismatchError } from "../errors.js";
import * as init from "./init.js";
import { Module } from "./module.js";
import { checkChoice, checkInteger, checkTensor } from "./validate.js";

/**
 * How {@link Linear} initialises its weight (`fanIn = inFeatures`, `fanOut = outFeatures`):
 * - `"default"`: PyTorch's default, `kaiming_uniform_` with `a = sqrt(5)`, i.e. U(-1/sqrt(fanIn), 1/sqrt(fanIn));
 * - `"kaiming-uniform"` / `"kaiming-normal"`: He init for ReLU, bound sqrt(6/fanIn) / std sqrt(2/fanIn);
 * - `"xavier-uniform"` / `"xavier-normal"`: Glorot init, bound sqrt(6/(fanIn+fanOut)) / std sqrt(2/(fanIn+fanOut));
 * - `"normal"`: N(0, 0.01^2);
 * - `"zeros"`: all zeros (bias too).
 *
 * The bias, except with `"zeros"`, is PyTorch's default U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
 */
export type LinearInit =
  | "default"
  | "kaiming-uniform"
  | "kaiming-normal"
  | "xavier-uniform"
  | "xavier-normal"
  | "normal"
  | "zeros";

const INITS: readonly LinearInit[] = [
  "default",
  "kaiming-uniform",
  "kaiming-normal",
  "xavier-uniform",
  "xavier-normal",
  "normal",
  "zeros",
];

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Whether to learn an additive bias. Default `true`. */
  bias?: boolean;
  /** Weight initialisation, see {@link LinearInit}. Default `"default"` (PyTorch's). */
  init?: LinearInit;
  /** Parameter dtype. Default `"float32"`. */
  dtype?: DType;
  /** Seed for reproducible initial values (the bias uses `seed + 1`); default: the global generator. */
  seed?: number;
}

/**
 * Applies `y = x W^T + b` to the last dimension of the input, with `weight` of shape
 * `[outFeatures, inFeatures]` and `bias` of shape `[outFeatures]` (as PyTorch). The input may have any
 * number of leading batch dimensions, or be a 1-D vector of length `inFeatures`.
 *
 * @example
 * ```ts
 * const layer = new nn.Linear(3, 2, { seed: 0 });
 * layer.forward(randn([5, 3])).shape; // [5, 2]
 * layer.forward(randn([3])).shape;    // [2]
 * ```
 */
export class Linear extends Module {
  /** Size of each input's last dimension. */
  readonly inFeatures: number;
  /** Size of each output's last dimension. */
  readonly outFeatures: number;
  /** The weight, shape `[outFeatures, inFeatures]`. */
  weight: Tensor;
  /** The bias, shape `[outFeatures]`, or `null` when built with `bias: false`. */
  bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    const op = "nn.Linear";
    this.inFeatures = checkInteger(op, "inFeatures", inFeatures, 1);
    this.outFeatures = checkInteger(op, "outFeatures", outFeatures, 1);
    const { bias = true, init: scheme = "default", dtype = "float32", seed } = options;
    if (typeof bias !== "boolean") {
      throw new TypeMismatchError(op, `bias must be a boolean, got ${describeValue(bias)}`);
    }
    checkChoice(op, "init", scheme, INITS);
    if (!isDType(dtype)) {
      throw new TypeMismatchError(op, `dtype must be "float32" or "float64", got ${describeValue(dtype)}`);
    }
    const shape = [outFeatures, inFeatures];
    const common = { dtype, requiresGrad: true, ...(seed === undefined ? {} : { seed }) };
    const bound = 1 / Math.sqrt(inFeatures);
    switch (scheme) {
      case "default":
        this.weight = init.uniform(shape, -bound, bound, common);
        break;
      case "kaiming-uniform":
        this.weight = init.kaimingUniform(shape, common);
        break;
      case "kaiming-normal":
        this.weight = init.kaimingNormal(shape, common);
        break;
      case "xavier-uniform":
        this.weight = init.xavierUniform(shape, common);
        break;
      case "xavier-normal":
        this.weight = init.xavierNormal(shape, common);
        break;
      case "normal":
        this.weight = init.normal(shape, 0, 0.01, common);
        break;
      case "zeros":
        this.weight = init.zeros(shape, common);
        break;
    }
    if (!bias) this.bias = null;
    else if (scheme === "zeros") this.bias = init.zeros([outFeatures], common);
    else {
      const biasOptions = { ...common, ...(seed === undefined ? {} : { seed: seed + 1 }) };
      this.bias = init.uniform([outFeatures], -bound, bound, biasOptions);
    }
  }

  /**
   * `x W^T + b` over the last dimension of `x`.
   *
   * @example
   * ```ts
   * new nn.Linear(3, 2).forward(ones([4, 3])).shape; // [4, 2]
   * ```
   */
  forward(x: Tensor): Tensor {
    checkTensor("nn.Linear", "input", x);
    if (x.shape.length === 0 || x.shape[x.shape.length - 1] !== this.inFeatures) {
      throw new ShapeError(
        "nn.Linear",
        `expected input with last dimension ${this.inFeatures}, got shape ${formatShape(x.shape)}`,
      );
    }
    const y = x.matmul(this.weight.T);
    return this.bias === null ? y : y.add(this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
