// Creating tensors: from data, filled, ranges, identity and seeded random ones.

import { allocate, DEFAULT_DTYPE, type DType, isDType } from "./dtype.js";
import { describeValue, formatShape, ShapeError, TypeMismatchError, ValueError } from "./errors.js";
import { generatorFor } from "./random.js";
import { checkShape, sizeOf } from "./shape.js";
import { type NestedArray, Tensor } from "./tensor.js";

/** Options every creation function takes. */
export interface CreationOptions {
  /** Element type; `"float32"` by default. */
  dtype?: DType;
  /** Whether gradients flow to the new tensor (a leaf). */
  requiresGrad?: boolean;
}

/** Options of {@link tensor}. */
export interface TensorOptions extends CreationOptions {
  /** The shape of flat typed-array data (default: its length, as a 1-D tensor). */
  shape?: number[];
}

/** Options of the random creation functions. */
export interface RandomOptions extends CreationOptions {
  /** Seed for a reproducible draw; without one the global generator ({@link manualSeed}) is used. */
  seed?: number;
}

/** The data {@link tensor} accepts. */
export type TensorData = number | NestedArray | ArrayLike<number> | Tensor;

function resolveDType(op: string, dtype: unknown, fallback: DType = DEFAULT_DTYPE): DType {
  if (dtype === undefined) return fallback;
  if (!isDType(dtype))
    throw new TypeMismatchError(op, `dtype must be "float32" or "float64", got ${describeValue(dtype)}`);
  return dtype;
}

function finish(
  op: string,
  storage: Float32Array | Float64Array,
  shape: number[],
  opts: CreationOptions,
): Tensor {
  if (opts.requiresGrad !== undefined && typeof opts.requiresGrad !== "boolean")
    throw new TypeMismatchError(
      op,
      `requiresGrad must be a boolean, got ${describeValue(opts.requiresGrad)}`,
    );
  return Tensor._fromStorage(storage, shape, opts.requiresGrad ?? false);
}

/** Infers the shape of rectangular nested arrays, with a clear error for ragged ones or non-numbers. */
function nestedShape(data: unknown[]): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const check = (value: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof value !== "number")
        throw new TypeMismatchError(
          "tensor",
          `elements must be numbers, got ${describeValue(value)} at [${path.join(", ")}]`,
        );
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[depth])
      throw new ShapeError(
        "tensor",
        `nested arrays must be rectangular: expected ${shape[depth]} elements at [${path.join(", ")}] (shape ${formatShape(shape)}), got ${Array.isArray(value) ? `${value.length}` : describeValue(value)}`,
      );
    for (let i = 0; i < value.length; i++) check(value[i], depth + 1, [...path, i]);
  };
  check(data, 0, []);
  return shape;
}

/**
 * Creates a tensor from a number (0-d), nested arrays (rectangular) or a typed array with `{ shape }`.
 * The dtype defaults to float32, except that a Float64Array keeps float64. NaN and Infinity are allowed.
 *
 * @example
 * ```ts
 * tensor(3);                                  // 0-d, shape []
 * tensor([[1, 2], [3, 4]], { dtype: "float64", requiresGrad: true });
 * tensor(new Float32Array(6), { shape: [2, 3] });
 * ```
 */
export function tensor(data: TensorData, options: TensorOptions = {}): Tensor {
  if (options === null || typeof options !== "object")
    throw new TypeMismatchError("tensor", `options must be an object, got ${describeValue(options)}`);
  if (typeof data === "number") {
    const s = allocate(resolveDType("tensor", options.dtype), 1);
    s[0] = data;
    return finish("tensor", s, [], options);
  }
  if (data instanceof Tensor) {
    const s = allocate(resolveDType("tensor", options.dtype, data.dtype), data.size);
    s.set(data._storage);
    return finish("tensor", s, [...data.shape], options);
  }
  if (Array.isArray(data)) {
    const shape = nestedShape(data);
    if (options.shape !== undefined && sizeOf(checkShape("tensor", options.shape)) !== sizeOf(shape))
      throw new ShapeError(
        "tensor",
        `shape ${formatShape(options.shape)} does not fit data of shape ${formatShape(shape)}`,
      );
    const s = allocate(resolveDType("tensor", options.dtype), sizeOf(shape));
    const flat = shape.length > 1 ? (data as unknown[]).flat(shape.length - 1) : data;
    for (let i = 0; i < s.length; i++) s[i] = flat[i] as number;
    return finish("tensor", s, options.shape ? [...options.shape] : shape, options);
  }
  if (
    ArrayBuffer.isView(data) &&
    !(data instanceof DataView) &&
    !(data instanceof BigInt64Array) &&
    !(data instanceof BigUint64Array)
  ) {
    const values = data as unknown as ArrayLike<number>;
    const shape = options.shape === undefined ? [values.length] : checkShape("tensor", options.shape);
    if (sizeOf(shape) !== values.length)
      throw new ShapeError(
        "tensor",
        `shape ${formatShape(shape)} holds ${sizeOf(shape)} elements, got a typed array of length ${values.length}`,
      );
    const fallback: DType = data instanceof Float64Array ? "float64" : DEFAULT_DTYPE;
    const s = allocate(resolveDType("tensor", options.dtype, fallback), values.length);
    s.set(values);
    return finish("tensor", s, shape, options);
  }
  throw new TypeMismatchError(
    "tensor",
    `data must be a number, nested arrays of numbers or a typed array, got ${describeValue(data)}`,
  );
}

function shapeArg(op: string, shape: number[] | number): number[] {
  return checkShape(op, typeof shape === "number" ? [shape] : shape);
}

function filled(op: string, shape: number[] | number, value: number, options: CreationOptions): Tensor {
  const dims = shapeArg(op, shape);
  if (typeof value !== "number")
    throw new TypeMismatchError(op, `value must be a number, got ${describeValue(value)}`);
  const s = allocate(resolveDType(op, options.dtype), sizeOf(dims));
  if (value !== 0) s.fill(value);
  return finish(op, s, dims, options);
}

/** A tensor filled with `value`. @example `full([2, 2], 7).toArray() // [[7, 7], [7, 7]]` */
export function full(shape: number[] | number, value: number, options: CreationOptions = {}): Tensor {
  return filled("full", shape, value, options);
}

/** A tensor of zeros. @example `zeros([2, 3]).shape // [2, 3]` */
export function zeros(shape: number[] | number, options: CreationOptions = {}): Tensor {
  return filled("zeros", shape, 0, options);
}

/** A tensor of ones. @example `ones([2]).toArray() // [1, 1]` */
export function ones(shape: number[] | number, options: CreationOptions = {}): Tensor {
  return filled("ones", shape, 1, options);
}

/** Zeros of `like`'s shape (and dtype unless given). @example `zerosLike(x)` */
export function zerosLike(like: Tensor, options: CreationOptions = {}): Tensor {
  return zeros([...like.shape], { dtype: like.dtype, ...options });
}

/** Ones of `like`'s shape (and dtype unless given). @example `onesLike(x)` */
export function onesLike(like: Tensor, options: CreationOptions = {}): Tensor {
  return ones([...like.shape], { dtype: like.dtype, ...options });
}

/**
 * Values from `start` (inclusive) to `end` (exclusive) every `step`; with one argument, from 0 to it.
 *
 * @example
 * ```ts
 * arange(4).toArray();        // [0, 1, 2, 3]
 * arange(1, 2, 0.25).toArray(); // [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange(start: number, end?: number, step = 1, options: CreationOptions = {}): Tensor {
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  for (const v of [lo, hi, step])
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new ValueError("arange", `start, end and step must be finite numbers, got ${lo}, ${hi}, ${step}`);
  if (step === 0) throw new ValueError("arange", "step must not be zero, got 0");
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const s = allocate(resolveDType("arange", options.dtype), n);
  for (let i = 0; i < n; i++) s[i] = lo + i * step;
  return finish("arange", s, [n], options);
}

/**
 * `steps` evenly spaced values from `start` to `end`, both included.
 *
 * @example
 * ```ts
 * linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: number, end: number, steps: number, options: CreationOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    throw new ValueError("linspace", `steps must be a non-negative integer, got ${steps}`);
  if (!Number.isFinite(start) || !Number.isFinite(end))
    throw new ValueError("linspace", `start and end must be finite numbers, got ${start} and ${end}`);
  const s = allocate(resolveDType("linspace", options.dtype), steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill from both ends so that both endpoints are exact, as PyTorch does.
  for (let i = 0; i < steps; i++) s[i] = i < steps / 2 ? start + i * delta : end - (steps - 1 - i) * delta;
  return finish("linspace", s, [steps], options);
}

/**
 * The identity matrix `[n, m]` (`m = n` by default).
 *
 * @example
 * ```ts
 * eye(2).toArray(); // [[1, 0], [0, 1]]
 * ```
 */
export function eye(n: number, m?: number, options: CreationOptions = {}): Tensor {
  const cols = m ?? n;
  const dims = checkShape("eye", [n, cols]);
  const s = allocate(resolveDType("eye", options.dtype), n * cols);
  for (let i = 0; i < Math.min(n, cols); i++) s[i * cols + i] = 1;
  return finish("eye", s, dims, options);
}

/**
 * Uniform random values in [0, 1). Reproducible across runs and platforms for a given `seed`.
 *
 * @example
 * ```ts
 * rand([2, 2], { seed: 1 });
 * ```
 */
export function rand(shape: number[] | number, options: RandomOptions = {}): Tensor {
  const dims = shapeArg("rand", shape);
  const g = generatorFor(options.seed, "rand");
  const s = allocate(resolveDType("rand", options.dtype), sizeOf(dims));
  for (let i = 0; i < s.length; i++) s[i] = g.uniform();
  return finish("rand", s, dims, options);
}

/**
 * Standard normal random values. Reproducible across runs and platforms for a given `seed`.
 *
 * @example
 * ```ts
 * randn([3], { seed: 42, dtype: "float64" });
 * ```
 */
export function randn(shape: number[] | number, options: RandomOptions = {}): Tensor {
  const dims = shapeArg("randn", shape);
  const g = generatorFor(options.seed, "randn");
  const s = allocate(resolveDType("randn", options.dtype), sizeOf(dims));
  for (let i = 0; i < s.length; i++) s[i] = g.normal();
  return finish("randn", s, dims, options);
}
