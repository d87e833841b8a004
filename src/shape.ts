// Shape arithmetic: sizes, strides, broadcasting and dim normalisation. Pure functions.

import { describeValue, formatShape, ShapeError, ValueError } from "./errors.js";

/** Number of elements of a shape (1 for the 0-d shape `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-order) strides of a contiguous tensor. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True when two shapes are identical. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting of any number of shapes; throws a ShapeError naming `op` when they do not fit. */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const shape of shapes) {
    const offset = ndim - shape.length;
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i];
      const o = out[offset + i];
      if (d === o || d === 1) continue;
      if (o === 1) out[offset + i] = d;
      else
        throw new ShapeError(
          op,
          `shapes must be broadcastable, got ${shapes.map((s) => formatShape(s)).join(" and ")}`,
        );
    }
  }
  return out;
}

/**
 * Strides that read a contiguous tensor of `shape` as if broadcast to `outShape`:
 * broadcast (size-1 or missing) dims get stride 0.
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = contiguousStrides(shape);
  const offset = outShape.length - shape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) out[offset + i] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

/** Normalises a possibly negative dim against `ndim`; throws a ValueError naming `op` when out of range. */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  if (!Number.isInteger(dim)) throw new ValueError(op, `dim must be an integer, got ${describeValue(dim)}`);
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (dim < lo || dim > hi)
    throw new ValueError(op, `dim must be in [${lo}, ${hi}] for a ${ndim}-d tensor, got ${dim}`);
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/**
 * Normalises the position of a dim to insert into a tensor of `ndim` dims (unsqueeze, stack):
 * from -(ndim + 1) to ndim.
 */
export function normalizeInsertDim(op: string, dim: number, ndim: number): number {
  if (!Number.isInteger(dim)) throw new ValueError(op, `dim must be an integer, got ${describeValue(dim)}`);
  if (dim < -(ndim + 1) || dim > ndim)
    throw new ValueError(
      op,
      `dim must be in [${-(ndim + 1)}, ${ndim}] to insert a dim into a ${ndim}-d tensor, got ${dim}`,
    );
  return dim < 0 ? dim + ndim + 1 : dim;
}

/**
 * Normalises the `dim` argument of a reduction: undefined means every dim; a number or an array of
 * numbers is normalised, sorted and checked for repeats.
 */
export function normalizeDims(
  op: string,
  dim: number | readonly number[] | undefined,
  ndim: number,
): number[] {
  if (dim === undefined || dim === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dim === "number" ? [dim] : [...dim];
  if (ndim === 0) {
    for (const d of list) normalizeDim(op, d, 0);
    return [];
  }
  const out = list.map((d) => normalizeDim(op, d, ndim));
  const sorted = [...out].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i] === sorted[i - 1])
      throw new ValueError(op, `dims must not repeat, got [${list.join(", ")}]`);
  return sorted;
}

/** Checks that a user-given shape is an array of non-negative integers. */
export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape))
    throw new ValueError(op, `shape must be an array of non-negative integers, got ${String(shape)}`);
  for (const d of shape)
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0)
      throw new ValueError(
        op,
        `shape must contain non-negative integers, got ${formatShape(shape as number[])}`,
      );
  return [...(shape as number[])];
}

/** Splits `shape` around `dim` into the extents [before, at, after] (a 0-d shape counts as [1]). */
export function splitAt(shape: readonly number[], dim: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < dim; i++) outer *= shape[i];
  for (let i = dim + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[dim] ?? 1, inner];
}

/** The shape left after reducing `dims` of `shape`, keeping them as size 1 when `keepDim`. */
export function reducedShape(shape: readonly number[], dims: readonly number[], keepDim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (dims.includes(i)) {
      if (keepDim) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}
