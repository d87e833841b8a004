// The Tensor class: fields, reading helpers and thin methods that call the ops.

import { runBackward } from "./autograd/engine.js";
import { addTensorHook, type RemovableHandle, type TensorHook, type TensorHooks } from "./autograd/hooks.js";
import type { GradNode } from "./autograd/node.js";
import type { DType, Storage } from "./dtype.js";
import { dtypeOf } from "./dtype.js";
import {
  AutogradError,
  describeValue,
  formatShape,
  ShapeError,
  TypeMismatchError,
  ValueError,
} from "./errors.js";
import { formatValues } from "./format.js";
import * as ops from "./ops/index.js";
import { sameShape, sizeOf } from "./shape.js";

/** A tensor operand: a tensor, or a plain number that takes the other operand's dtype. */
export type TensorLike = Tensor | number;

/** Nested arrays of numbers, as `toArray()` returns them. */
export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array of float32 or float64 numbers that records the ops applied to it, so that
 * gradients can flow back by the chain rule. Create tensors with {@link tensor}, {@link zeros}, {@link randn}...
 *
 * @example
 * ```ts
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * const y = x.mul(x).sum(); // y = Σ x²
 * y.backward();
 * x.grad?.toArray(); // [2, 4, 6]
 * ```
 */
export class Tensor {
  /** The size of each dimension; `[]` for a 0-d (scalar) tensor. */
  readonly shape: number[];
  /** The element type. */
  readonly dtype: DType;
  /** The number of elements. */
  readonly size: number;
  private _grad: Tensor | null = null;
  /** @internal Contiguous row-major elements. */
  _storage: Storage;
  /** @internal The op that made this tensor, when it was recorded for backward. */
  _node: GradNode | null = null;
  /** @internal Gradient hooks and the `retainGrad()` flag; null (the common case) costs the engine one check. */
  _hooks: TensorHooks | null = null;
  private _requiresGrad = false;
  /** @internal The backward pass that last visited this tensor (the engine's topological sort). */
  _visit = 0;

  /** @internal Use the creation functions ({@link tensor}, {@link zeros}, ...) instead. */
  constructor(storage: Storage, shape: readonly number[]) {
    this._storage = storage;
    // Ops pass shapes that are already frozen (an input's shape, a computed one): share them, copy the rest.
    this.shape = (Object.isFrozen(shape) ? shape : Object.freeze(shape.slice())) as number[];
    this.dtype = dtypeOf(storage);
    this.size = storage.length;
  }

  /** @internal Wraps storage without copying. */
  static _fromStorage(storage: Storage, shape: readonly number[], requiresGrad = false): Tensor {
    const t = new Tensor(storage, shape);
    if (requiresGrad) t._requiresGrad = true;
    return t;
  }

  /** @internal Marks this tensor as made by a recorded op. */
  _record(node: GradNode): void {
    this._node = node;
    this._requiresGrad = true;
  }

  /**
   * The gradient accumulated by `backward()`; null until a backward pass reaches this leaf. Assignable
   * (`x.grad = null` resets it) with a tensor of this tensor's shape and dtype.
   */
  get grad(): Tensor | null {
    return this._grad;
  }

  set grad(value: Tensor | null) {
    if (value !== null) {
      if (!(value instanceof Tensor))
        throw new TypeMismatchError("grad", `must be a Tensor or null, got ${describeValue(value)}`);
      if (!sameShape(value.shape, this.shape) || value.dtype !== this.dtype)
        throw new ShapeError(
          "grad",
          `must match the tensor's shape ${formatShape(this.shape)} and dtype ${this.dtype}, got shape ${formatShape(value.shape)} and dtype ${value.dtype}`,
        );
    }
    this._grad = value;
  }

  /** The number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /**
   * Whether gradients flow to this tensor. Settable on leaves (tensors not made by a recorded op);
   * results of ops on tensors that require grad require grad themselves.
   */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(value: boolean) {
    if (this._node !== null && !value)
      throw new AutogradError(
        "requiresGrad",
        "can only be turned off on a leaf tensor, got the result of an op; use detach()",
      );
    this._requiresGrad = value;
  }

  /** True when this tensor was not made by a recorded op (user-created, or detached). */
  get isLeaf(): boolean {
    return this._node === null;
  }

  /** The name of the op that made this tensor, or null for a leaf. */
  get gradFn(): string | null {
    return this._node?.op ?? null;
  }

  /** A copy of the elements as a typed array (Float32Array or Float64Array), row-major. */
  get data(): Storage {
    return this._storage.slice();
  }

  /** All dims reversed, as NumPy's `.T`. */
  get T(): Tensor {
    return ops.permute(
      this,
      this.shape.map((_, i) => this.ndim - 1 - i),
    );
  }

  /**
   * The elements as nested arrays (a plain number for a 0-d tensor).
   *
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).toArray(); // [[1, 2], [3, 4]]
   * ```
   */
  toArray(): NestedArray {
    const s = this._storage;
    const shape = this.shape;
    if (shape.length === 0) return s[0];
    const build = (dim: number, offset: number, stride: number): NestedArray[] => {
      const n = shape[dim];
      const inner = stride / (n || 1);
      const out: NestedArray[] = new Array(n);
      if (dim === shape.length - 1) for (let i = 0; i < n; i++) out[i] = s[offset + i];
      else for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * inner, inner);
      return out;
    };
    return build(0, 0, sizeOf(shape));
  }

  /**
   * The single element of a one-element tensor, as a number.
   *
   * @example
   * ```ts
   * tensor([[5]]).item(); // 5
   * ```
   */
  item(): number {
    if (this.size !== 1)
      throw new ValueError(
        "item",
        `expected a tensor with exactly one element, got shape ${formatShape(this.shape)} (${this.size} elements)`,
      );
    return this._storage[0];
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf that requires grad, by the chain rule,
   * and adds it to each leaf's `.grad`. Gradients accumulate over calls until they are reset
   * (`opt.zeroGrad()` or `x.grad = null`); the graph is kept, so calling it twice accumulates twice.
   *
   * @param gradient the gradient of some scalar with respect to this tensor; required unless this tensor
   *   has one element.
   * @example
   * ```ts
   * const x = tensor(3, { requiresGrad: true });
   * x.mul(3).add(1).pow(2).backward();
   * x.grad?.item(); // 6 (3x + 1) = 60
   * ```
   */
  backward(gradient?: Tensor | number, options: { createGraph?: boolean } = {}): void {
    runBackward(this, gradient, options.createGraph ?? false);
  }

  /**
   * Registers `hook`, called with this tensor's gradient each time a backward pass (or `grad()`) computes it,
   * after every path's contribution is summed; the hook may return a tensor of the same shape and dtype to
   * replace the gradient that flows on (and, for a leaf, what is added to `.grad`). Works on leaves and
   * non-leaves, as PyTorch's `register_hook`. Returns a handle whose `remove()` unregisters the hook.
   *
   * @example
   * ```ts
   * const x = tensor([1, 2], { requiresGrad: true });
   * const h = x.mul(x);
   * const handle = h.registerHook((g) => g.mul(10)); // scale the gradient flowing through h
   * h.sum().backward();
   * x.grad?.toArray(); // [20, 40] instead of [2, 4]
   * handle.remove();
   * ```
   */
  registerHook(hook: TensorHook): RemovableHandle {
    return addTensorHook(this, hook);
  }

  /**
   * Makes `backward()` store this non-leaf tensor's gradient in `.grad` (accumulating, as for leaves). Leaves
   * keep their gradient anyway, so on a leaf this does nothing. Returns `this`.
   *
   * @example
   * ```ts
   * const x = tensor(3, { requiresGrad: true });
   * const h = x.mul(2).retainGrad();
   * h.pow(2).backward();
   * h.grad?.item(); // 2h = 12
   * ```
   */
  retainGrad(): this {
    if (!this.requiresGrad)
      throw new AutogradError("retainGrad", "expected a tensor that requires grad, got requiresGrad false");
    if (this._node !== null) {
      this._hooks ??= { fns: [], retain: false };
      this._hooks.retain = true;
    }
    return this;
  }

  /**
   * True when `backward()` stores this tensor's gradient in `.grad`: a leaf that requires grad, or after `retainGrad()`.
   *
   * @example
   * ```ts
   * tensor(1, { requiresGrad: true }).mul(2).retainsGrad; // false
   * ```
   */
  get retainsGrad(): boolean {
    return this._node === null ? this.requiresGrad : this._hooks?.retain === true;
  }

  /** A tensor with the same elements that is cut from the graph and does not require grad. */
  detach(): Tensor {
    return Tensor._fromStorage(this._storage, this.shape);
  }

  /** A copy with its own storage; gradients flow through it. */
  clone(): Tensor {
    return ops.clone(this);
  }

  /** Converts to `dtype` (a recorded op: gradients are converted back). Returns this tensor if it already has it. */
  to(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }

  /** Same as `to("float64")`. */
  double(): Tensor {
    return ops.cast(this, "float64");
  }

  /** Same as `to("float32")`. */
  float(): Tensor {
    return ops.cast(this, "float32");
  }

  /**
   * The tensor as PyTorch prints it: values with four decimals, large tensors summarised with `...`.
   *
   * @example
   * ```ts
   * String(tensor([[1, 2], [3, 4.5]])); // "tensor([[1.0000, 2.0000],\n        [3.0000, 4.5000]])"
   * ```
   */
  toString(): string {
    const prefix = "tensor(";
    const body = formatValues(this.shape, this._storage).replaceAll("\n ", `\n${" ".repeat(prefix.length)} `);
    const flags: string[] = [];
    if (this.dtype === "float64") flags.push("dtype=float64");
    if (this.size === 0 || this.size > 1000) flags.push(`shape=${formatShape(this.shape)}`);
    if (this._node) flags.push(`gradFn=${this._node.op}`);
    else if (this.requiresGrad) flags.push("requiresGrad=true");
    return `${prefix}${body}${flags.length ? `, ${flags.join(", ")}` : ""})`;
  }

  /** Node's `console.log` and `util.inspect` print the same as `toString()` (a registered symbol: no import of node:util). */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // Elementwise arithmetic (broadcasting; numbers take this tensor's dtype).
  /** `this + other`, broadcast. */
  add(other: TensorLike): Tensor {
    return ops.add(this, other);
  }
  /** `this - other`, broadcast. */
  sub(other: TensorLike): Tensor {
    return ops.sub(this, other);
  }
  /** `this * other`, broadcast. */
  mul(other: TensorLike): Tensor {
    return ops.mul(this, other);
  }
  /** `this / other`, broadcast. */
  div(other: TensorLike): Tensor {
    return ops.div(this, other);
  }
  /** `this ** exponent`, broadcast. */
  pow(exponent: TensorLike): Tensor {
    return ops.pow(this, exponent);
  }
  /** Elementwise maximum; at ties the gradient is shared equally. */
  maximum(other: TensorLike): Tensor {
    return ops.maximum(this, other);
  }
  /** Elementwise minimum; at ties the gradient is shared equally. */
  minimum(other: TensorLike): Tensor {
    return ops.minimum(this, other);
  }
  /** `-this`. */
  neg(): Tensor {
    return ops.neg(this);
  }
  /** `e^this`. */
  exp(): Tensor {
    return ops.exp(this);
  }
  /** Natural logarithm. */
  log(): Tensor {
    return ops.log(this);
  }
  /** `log(1 + this)`, accurate near 0. */
  log1p(): Tensor {
    return ops.log1p(this);
  }
  /** `e^this - 1`, accurate near 0. */
  expm1(): Tensor {
    return ops.expm1(this);
  }
  /** Square root. */
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  /** `this * this`. */
  square(): Tensor {
    return ops.square(this);
  }
  /** `1 / this`. */
  reciprocal(): Tensor {
    return ops.reciprocal(this);
  }
  /** Sine. */
  sin(): Tensor {
    return ops.sin(this);
  }
  /** Cosine. */
  cos(): Tensor {
    return ops.cos(this);
  }
  /** Hyperbolic tangent. */
  tanh(): Tensor {
    return ops.tanh(this);
  }
  /** Logistic sigmoid `1 / (1 + e^-x)`, stable for any finite input. */
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  /** `max(x, 0)`; NOTE: relu'(0) = 0. */
  relu(): Tensor {
    return ops.relu(this);
  }
  /** `x` for x > 0, else `negativeSlope * x`. */
  leakyRelu(negativeSlope = 0.01): Tensor {
    return ops.leakyRelu(this, negativeSlope);
  }
  /** Gaussian error linear unit, exact (erf) form. */
  gelu(): Tensor {
    return ops.gelu(this);
  }
  /** `log(1 + e^x)`, stable. */
  softplus(): Tensor {
    return ops.softplus(this);
  }
  /** `x * sigmoid(x)` (also called swish). */
  silu(): Tensor {
    return ops.silu(this);
  }
  /** The error function. */
  erf(): Tensor {
    return ops.erf(this);
  }
  /** `|x|`; NOTE: abs'(0) = 0. */
  abs(): Tensor {
    return ops.abs(this);
  }
  /** -1, 0 or 1; its gradient is zero. */
  sign(): Tensor {
    return ops.sign(this);
  }
  /** Limits values to `[min, max]`; either bound may be omitted. */
  clamp(min?: number | null, max?: number | null): Tensor {
    return ops.clamp(this, min, max);
  }
  /** `this > other` as 0/1 (no gradient). */
  gt(other: TensorLike): Tensor {
    return ops.gt(this, other);
  }
  /** `this >= other` as 0/1 (no gradient). */
  ge(other: TensorLike): Tensor {
    return ops.ge(this, other);
  }
  /** `this < other` as 0/1 (no gradient). */
  lt(other: TensorLike): Tensor {
    return ops.lt(this, other);
  }
  /** `this <= other` as 0/1 (no gradient). */
  le(other: TensorLike): Tensor {
    return ops.le(this, other);
  }
  /** `this == other` as 0/1 (no gradient). */
  eq(other: TensorLike): Tensor {
    return ops.eq(this, other);
  }
  /** `this != other` as 0/1 (no gradient). */
  ne(other: TensorLike): Tensor {
    return ops.ne(this, other);
  }

  // Linear algebra.
  /** Matrix product with NumPy/PyTorch semantics (1-D operands, broadcast batch dims). */
  matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }

  // Shape.
  /** The same elements in a new shape; one dim may be -1. */
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  /** Merges dims `startDim..endDim` into one. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return ops.flatten(this, startDim, endDim);
  }
  /** Swaps two dims (the last two by default); a 1-D tensor is returned as is. */
  transpose(dim0 = -2, dim1 = -1): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  /** Reorders dims. */
  permute(dims: readonly number[]): Tensor {
    return ops.permute(this, dims);
  }
  /** Broadcasts to `shape` (-1 keeps a dim). */
  expand(shape: readonly number[]): Tensor {
    return ops.expand(this, shape);
  }
  /** Removes size-1 dims (all, or the given one). */
  squeeze(dim?: number | readonly number[]): Tensor {
    return ops.squeeze(this, dim);
  }
  /** Inserts a size-1 dim at `dim`. */
  unsqueeze(dim: number): Tensor {
    return ops.unsqueeze(this, dim);
  }
  /** Elements `start` (inclusive) to `end` (exclusive) along `dim`, with `step`; negative indices count from the end. */
  slice(dim: number, start: number, end?: number, step = 1): Tensor {
    return ops.slice(this, dim, start, end, step);
  }
  /** Picks elements along `dim` at the positions in `index` (as PyTorch's gather). */
  gather(dim: number, index: Tensor | readonly number[] | Int32Array): Tensor {
    return ops.gather(this, dim, index);
  }

  // Reductions.
  /** Sum over `dim` (a number or an array; all dims when omitted). */
  sum(dim?: number | readonly number[], keepDim = false): Tensor {
    return ops.sum(this, dim, keepDim);
  }
  /** Mean over `dim` (all dims when omitted). */
  mean(dim?: number | readonly number[], keepDim = false): Tensor {
    return ops.mean(this, dim, keepDim);
  }
  /** Maximum values over `dim` (all dims when omitted); at ties the gradient is shared equally. */
  max(dim?: number | readonly number[], keepDim = false): Tensor {
    return ops.max(this, dim, keepDim);
  }
  /** Minimum values over `dim` (all dims when omitted); at ties the gradient is shared equally. */
  min(dim?: number | readonly number[], keepDim = false): Tensor {
    return ops.min(this, dim, keepDim);
  }
  /** Index of the maximum along `dim` (of the flattened tensor when omitted); the first at ties. */
  argmax(dim?: number, keepDim = false): Tensor {
    return ops.argmax(this, dim, keepDim);
  }
  /** Index of the minimum along `dim` (of the flattened tensor when omitted); the first at ties. */
  argmin(dim?: number, keepDim = false): Tensor {
    return ops.argmin(this, dim, keepDim);
  }
  /** `log(sum(exp(x)))` over `dim`, computed stably. */
  logSumExp(dim?: number | readonly number[], keepDim = false): Tensor {
    return ops.logSumExp(this, dim, keepDim);
  }
  /** Variance over `dim` (all when omitted), with Bessel's correction by default as PyTorch. */
  var(dim?: number | readonly number[], keepDim = false, correction = 1): Tensor {
    return ops.variance(this, dim, keepDim, correction);
  }
  /** Softmax along `dim`, stable for any finite input. */
  softmax(dim = -1): Tensor {
    return ops.softmax(this, dim);
  }
  /** Log of softmax along `dim`, stable for any finite input. */
  logSoftmax(dim = -1): Tensor {
    return ops.logSoftmax(this, dim);
  }
  /** `cond ? this : other` elementwise, where `cond` is non-zero. */
  where(cond: Tensor, other: TensorLike): Tensor {
    return ops.where(cond, this, other);
  }
}
