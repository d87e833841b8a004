// Weight initialisers (PyTorch's torch.nn.init): new tensors drawn with the gains and fans of the literature.

import { rand, randn, Tensor } from "../core.js";
import { type DType, isDType } from "../dtype.js";
import { describeValue, formatShape, ShapeError, TypeMismatchError, ValueError } from "../errors.js";
import { checkChoice } from "./validate.js";

/** Options shared by every initialiser. */
export interface InitOptions {
  /** Element type, `"float32"` (default) or `"float64"`. */
  dtype?: DType;
  /** Seed for a reproducible draw; without one the global generator (`manualSeed`) is used. */
  seed?: number;
  /** Whether the new tensor requires grad. Default `false`, as every creation function. */
  requiresGrad?: boolean;
}

/** The nonlinearities {@link calculateGain} knows (PyTorch's names in camelCase). */
export type Nonlinearity =
  | "linear"
  | "identity"
  | "conv"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leakyRelu"
  | "selu";

/** Which fan the Kaiming initialisers scale by. */
export type FanMode = "fanIn" | "fanOut";

const NONLINEARITIES: readonly Nonlinearity[] = [
  "linear",
  "identity",
  "conv",
  "sigmoid",
  "tanh",
  "relu",
  "leakyRelu",
  "selu",
];

/**
 * The recommended gain for a nonlinearity (PyTorch's `calculate_gain`): 1 for linear, identity, conv and
 * sigmoid; 5/3 for tanh; sqrt(2) for relu; sqrt(2 / (1 + slope^2)) for leakyRelu (slope defaults to 0.01);
 * 3/4 for selu.
 *
 * @example
 * ```ts
 * nn.init.calculateGain("relu");           // 1.4142135623730951
 * nn.init.calculateGain("leakyRelu", 0.2); // sqrt(2 / 1.04)
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  checkChoice("nn.init.calculateGain", "nonlinearity", nonlinearity, NONLINEARITIES);
  switch (nonlinearity) {
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leakyRelu": {
      const slope = param ?? 0.01;
      if (typeof slope !== "number" || !Number.isFinite(slope)) {
        throw new ValueError(
          "nn.init.calculateGain",
          `negative slope must be a finite number, got ${describeValue(slope)}`,
        );
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      return 1;
  }
}

/**
 * Fan-in and fan-out of a weight shape, as PyTorch computes them: for `[out, in, ...kernel]`,
 * `fanIn = in * prod(kernel)` and `fanOut = out * prod(kernel)`. Needs at least 2 dimensions.
 *
 * @example
 * ```ts
 * nn.init.computeFans([3, 2]); // { fanIn: 2, fanOut: 3 }
 * ```
 */
export function computeFans(
  shape: readonly number[],
  op = "nn.init.computeFans",
): { fanIn: number; fanOut: number } {
  checkShape(op, shape);
  if (shape.length < 2) {
    throw new ShapeError(
      op,
      `fan in and fan out need a shape with at least 2 dimensions, got ${formatShape(shape)}`,
    );
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/**
 * A tensor drawn from the uniform distribution U(low, high).
 *
 * @example
 * ```ts
 * nn.init.uniform([2, 3], -0.1, 0.1, { seed: 0 });
 * ```
 */
export function uniform(shape: readonly number[], low = 0, high = 1, options: InitOptions = {}): Tensor {
  const op = "nn.init.uniform";
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) {
    throw new ValueError(op, `expected finite bounds with low <= high, got low=${low}, high=${high}`);
  }
  return draw(op, "uniform", shape, options, (u) => low + (high - low) * u);
}

/**
 * A tensor drawn from the normal distribution N(mean, std^2).
 *
 * @example
 * ```ts
 * nn.init.normal([2, 3], 0, 0.01, { seed: 0 });
 * ```
 */
export function normal(shape: readonly number[], mean = 0, std = 1, options: InitOptions = {}): Tensor {
  const op = "nn.init.normal";
  if (!(Number.isFinite(mean) && Number.isFinite(std) && std >= 0)) {
    throw new ValueError(op, `expected a finite mean and a finite std >= 0, got mean=${mean}, std=${std}`);
  }
  return draw(op, "normal", shape, options, (z) => mean + std * z);
}

/**
 * A tensor of zeros, with the same options as the other initialisers.
 *
 * @example
 * ```ts
 * nn.init.zeros([3], { requiresGrad: true });
 * ```
 */
export function zeros(shape: readonly number[], options: InitOptions = {}): Tensor {
  checkShape("nn.init.zeros", shape);
  checkDType("nn.init.zeros", options.dtype);
  const size = shape.reduce((a, b) => a * b, 1);
  const storage = options.dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
  return Tensor._fromStorage(storage, [...shape], options.requiresGrad ?? false);
}

/**
 * Xavier/Glorot uniform (Glorot & Bengio, 2010): U(-a, a) with `a = gain * sqrt(6 / (fanIn + fanOut))`,
 * which keeps activation and gradient variances roughly equal across layers with tanh/sigmoid units.
 * `gain` defaults to 1; pass `calculateGain("tanh")` for tanh networks.
 *
 * @example
 * ```ts
 * nn.init.xavierUniform([16, 8], { seed: 0 }); // bound sqrt(6 / 24) = 0.5
 * ```
 */
export function xavierUniform(
  shape: readonly number[],
  options: InitOptions & { gain?: number } = {},
): Tensor {
  const { fanIn, fanOut } = computeFans(shape, "nn.init.xavierUniform");
  const a = gainOf("nn.init.xavierUniform", options.gain) * Math.sqrt(6 / (fanIn + fanOut));
  return draw("nn.init.xavierUniform", "uniform", shape, options, (u) => a * (2 * u - 1));
}

/**
 * Xavier/Glorot normal: N(0, std^2) with `std = gain * sqrt(2 / (fanIn + fanOut))`; `gain` defaults to 1.
 *
 * @example
 * ```ts
 * nn.init.xavierNormal([16, 8], { seed: 0 }); // std sqrt(2 / 24)
 * ```
 */
export function xavierNormal(
  shape: readonly number[],
  options: InitOptions & { gain?: number } = {},
): Tensor {
  const { fanIn, fanOut } = computeFans(shape, "nn.init.xavierNormal");
  const std = gainOf("nn.init.xavierNormal", options.gain) * Math.sqrt(2 / (fanIn + fanOut));
  return draw("nn.init.xavierNormal", "normal", shape, options, (z) => std * z);
}

/** Options of the Kaiming (He) initialisers. */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (0 for ReLU, the default). */
  a?: number;
  /** `"fanIn"` (default) preserves activation variance forward; `"fanOut"` preserves gradient variance backward. */
  mode?: FanMode;
  /** The nonlinearity that follows; default `"leakyRelu"` with slope `a` (so `a = 0` means ReLU). */
  nonlinearity?: Nonlinearity;
}

/**
 * Kaiming/He uniform (He et al., 2015): U(-b, b) with `b = gain * sqrt(3 / fan)`, where
 * `gain = calculateGain(nonlinearity, a)`; with the defaults (ReLU, fan in) `b = sqrt(6 / fanIn)`.
 * PyTorch's default `nn.Linear` weight init is this with `a = sqrt(5)`, i.e. `b = 1 / sqrt(fanIn)`.
 *
 * @example
 * ```ts
 * nn.init.kaimingUniform([16, 8], { seed: 0 }); // bound sqrt(6 / 8)
 * ```
 */
export function kaimingUniform(shape: readonly number[], options: KaimingOptions = {}): Tensor {
  const op = "nn.init.kaimingUniform";
  const bound = Math.sqrt(3) * kaimingStd(op, shape, options);
  return draw(op, "uniform", shape, options, (u) => bound * (2 * u - 1));
}

/**
 * Kaiming/He normal: N(0, std^2) with `std = gain / sqrt(fan)`; with the defaults (ReLU, fan in)
 * `std = sqrt(2 / fanIn)`.
 *
 * @example
 * ```ts
 * nn.init.kaimingNormal([16, 8], { seed: 0 }); // std sqrt(2 / 8) = 0.5
 * ```
 */
export function kaimingNormal(shape: readonly number[], options: KaimingOptions = {}): Tensor {
  const op = "nn.init.kaimingNormal";
  const std = kaimingStd(op, shape, options);
  return draw(op, "normal", shape, options, (z) => std * z);
}

function kaimingStd(op: string, shape: readonly number[], options: KaimingOptions): number {
  const { a = 0, mode = "fanIn", nonlinearity = "leakyRelu" } = options;
  checkChoice(op, "mode", mode, ["fanIn", "fanOut"] as const);
  const fans = computeFans(shape, op);
  const fan = mode === "fanIn" ? fans.fanIn : fans.fanOut;
  if (fan === 0) throw new ShapeError(op, `expected a shape with a non-zero fan, got ${formatShape(shape)}`);
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

function gainOf(op: string, gain: number | undefined): number {
  const g = gain ?? 1;
  if (typeof g !== "number" || !Number.isFinite(g)) {
    throw new ValueError(op, `gain must be a finite number, got ${describeValue(g)}`);
  }
  return g;
}

function checkDType(op: string, dtype: unknown): void {
  if (dtype !== undefined && !isDType(dtype)) {
    throw new TypeMismatchError(op, `dtype must be "float32" or "float64", got ${describeValue(dtype)}`);
  }
}

function checkShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape)) {
    throw new TypeMismatchError(op, `expected a shape (an array of sizes), got ${describeValue(shape)}`);
  }
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ValueError(op, `expected a shape of non-negative integers, got ${formatShape(shape)}`);
  }
}

/** Draws standard uniform or normal numbers and maps each through `f`, in float64 before rounding to dtype. */
function draw(
  op: string,
  kind: "uniform" | "normal",
  shape: readonly number[],
  options: InitOptions,
  f: (x: number) => number,
): Tensor {
  checkShape(op, shape);
  checkDType(op, options.dtype);
  const { dtype, seed, requiresGrad = false } = options;
  const drawOptions = { dtype: "float64" as const, ...(seed === undefined ? {} : { seed }) };
  const base = kind === "uniform" ? rand([...shape], drawOptions) : randn([...shape], drawOptions);
  const values = base._storage;
  const storage = dtype === "float64" ? new Float64Array(values.length) : new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) storage[i] = f(values[i]);
  return Tensor._fromStorage(storage, [...shape], requiresGrad);
}
