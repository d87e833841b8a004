// Shape and layout primitives (reshape, permute, expand, slice, concat, gather) with their derivative rules,
// and the shape functions composed from them.

import { getBackend } from "../backend/registry.js";
import { allocate, promote } from "../dtype.js";
import { describeValue, formatShape, ShapeError, TypeMismatchError, ValueError } from "../errors.js";
import {
  broadcastStrides,
  contiguousStrides,
  normalizeDim,
  normalizeInsertDim,
  sameShape,
  sizeOf,
  splitAt,
} from "../shape.js";
import { Tensor } from "../tensor.js";
import { apply } from "./apply.js";
import type { RuleTable } from "./rule.js";
import type { PrimitiveAttrs } from "./rules.js";
import { checkTensor, empty } from "./util.js";

type LayoutName =
  | "reshape"
  | "permute"
  | "expand"
  | "slice"
  | "embedSlice"
  | "concat"
  | "gather"
  | "scatterAdd";

export const layoutRules: RuleTable<Pick<PrimitiveAttrs, LayoutName>> = {
  // Tensors are always contiguous, so a reshape shares storage. Its gradient is reshaped back.
  reshape: {
    forward: ([x], { shape }) => Tensor._fromStorage(x._storage, shape),
    vjp: (g, _y, [x]) => [reshapeTo(g, x.shape)],
    jvp: ([t], _y, _x, { shape }) => (t === null ? null : reshapeTo(t, shape)),
  },
  // The gradient of a permutation is the inverse permutation.
  permute: {
    forward: ([x], { dims }) => {
      const shape = dims.map((d) => x.shape[d]);
      const strides = contiguousStrides(x.shape);
      const out = empty(shape, x.dtype);
      getBackend().strided(
        x._storage,
        0,
        dims.map((d) => strides[d]),
        out._storage,
        shape,
      );
      return out;
    },
    vjp: (g, _y, _x, { dims }) => {
      const inverse = new Array<number>(dims.length);
      dims.forEach((d, i) => {
        inverse[d] = i;
      });
      return [apply("permute", [g], { dims: inverse })];
    },
    jvp: ([t], _y, _x, { dims }) => (t === null ? null : apply("permute", [t], { dims })),
  },
  // The engine sums the broadcast gradient back to the input's shape.
  expand: {
    forward: ([x], { shape }) => {
      const out = empty(shape, x.dtype);
      getBackend().strided(x._storage, 0, broadcastStrides(x.shape, shape), out._storage, shape);
      return out;
    },
    vjp: (g) => [g],
    jvp: ([t], _y, _x, { shape }) => (t === null ? null : apply("expand", [t], { shape })),
  },
  // The gradient of a slice is the gradient placed back into zeros of the input's shape.
  slice: {
    forward: ([x], { dim, start, end, step }) => {
      const shape = [...x.shape];
      shape[dim] = Math.max(0, Math.ceil((end - start) / step));
      const strides = contiguousStrides(x.shape);
      const outStrides = [...strides];
      outStrides[dim] = strides[dim] * step;
      const out = empty(shape, x.dtype);
      if (out.size > 0)
        getBackend().strided(x._storage, start * strides[dim], outStrides, out._storage, shape);
      return out;
    },
    vjp: (g, _y, [x], attrs) => [apply("embedSlice", [g], { shape: [...x.shape], ...attrs })],
    jvp: ([t], _y, _x, attrs) => (t === null ? null : apply("slice", [t], attrs)),
  },
  embedSlice: {
    forward: ([g], { shape, dim, start, step }) => {
      const out = empty(shape, g.dtype);
      const [outer, n, inner] = splitAt(shape, dim);
      const m = g.shape[dim];
      const src = g._storage;
      const dst = out._storage;
      for (let a = 0; a < outer; a++)
        for (let j = 0; j < m; j++) {
          const from = (a * m + j) * inner;
          const to = (a * n + start + j * step) * inner;
          for (let c = 0; c < inner; c++) dst[to + c] = src[from + c];
        }
      return out;
    },
    vjp: (g, _y, _x, { dim, start, end, step }) => [apply("slice", [g], { dim, start, end, step })],
    jvp: ([t], _y, _x, attrs) => (t === null ? null : apply("embedSlice", [t], attrs)),
  },
  // Each input's gradient is its slice of the output gradient.
  concat: {
    forward: (xs, { dim }) => {
      const shape = [...xs[0].shape];
      shape[dim] = xs.reduce((s, t) => s + t.shape[dim], 0);
      const dtype = xs.reduce((d, t) => promote(d, t.dtype), xs[0].dtype);
      const out = empty(shape, dtype);
      const [outer, total, inner] = splitAt(shape, dim);
      let offset = 0;
      for (const t of xs) {
        const m = t.shape[dim];
        const src = t._storage;
        for (let a = 0; a < outer; a++) {
          const from = a * m * inner;
          out._storage.set(src.subarray(from, from + m * inner), (a * total + offset) * inner);
        }
        offset += m;
      }
      return out;
    },
    vjp: (g, _y, xs, { dim }, needs) => {
      let offset = 0;
      return xs.map((t, i) => {
        const m = t.shape[dim];
        const start = offset;
        offset += m;
        return needs[i] ? apply("slice", [g], { dim, start, end: start + m, step: 1 }) : null;
      });
    },
    // The tangents concatenated, zeros standing in for inputs without one.
    jvp: (ts, _y, xs, { dim }) => {
      if (ts.every((t) => t === null)) return null;
      return apply(
        "concat",
        ts.map((t, i) => t ?? empty(xs[i].shape, xs[i].dtype)),
        { dim },
      );
    },
  },
  // ∂ gather(x, idx)/∂x scatters the gradient back (adding where an index repeats); indices get none.
  gather: {
    forward: ([x, index], { dim }) => {
      const out = empty(index.shape, x.dtype);
      getBackend().gather(x._storage, x.shape, dim, index._storage, index.shape, out._storage);
      return out;
    },
    vjp: (g, _y, [x, index], { dim }) => [
      apply("scatterAdd", [index, g], { dim, shape: [...x.shape] }),
      null,
    ],
    jvp: ([t], _y, [, index], { dim }) => (t === null ? null : apply("gather", [t, index], { dim })),
  },
  scatterAdd: {
    forward: ([index, src], { dim, shape }) => {
      const out = empty(shape, src.dtype);
      getBackend().scatterAdd(out._storage, shape, dim, index._storage, index.shape, src._storage);
      return out;
    },
    vjp: (g, _y, [index], { dim }) => [null, apply("gather", [g, index], { dim })],
    jvp: ([, t], _y, [index], attrs) => (t === null ? null : apply("scatterAdd", [index, t], attrs)),
  },
};

/** Reshape without validation (shapes known to match). */
function reshapeTo(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  return apply("reshape", [x], { shape: [...shape] });
}

/**
 * The same elements in a new shape; one dim may be -1 (inferred).
 *
 * @example
 * ```ts
 * reshape(arange(6), [2, -1]).shape; // [2, 3]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor("reshape", x);
  if (!Array.isArray(shape))
    throw new TypeMismatchError("reshape", `shape must be an array, got ${describeValue(shape)}`);
  let infer = -1;
  let known = 1;
  shape.forEach((d, i) => {
    if (d === -1) {
      if (infer !== -1) throw new ValueError("reshape", `only one dim can be -1, got ${formatShape(shape)}`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0)
      throw new ValueError("reshape", `dims must be non-negative integers or -1, got ${formatShape(shape)}`);
    else known *= d;
  });
  const out = [...shape];
  if (infer !== -1) {
    if (known === 0 || x.size % known !== 0)
      throw new ShapeError(
        "reshape",
        `cannot infer the -1 dim of ${formatShape(shape)} for ${x.size} elements (input shape ${formatShape(x.shape)})`,
      );
    out[infer] = x.size / known;
  } else if (known !== x.size)
    throw new ShapeError(
      "reshape",
      `shape ${formatShape(shape)} holds ${known} elements, got input of shape ${formatShape(x.shape)} with ${x.size}`,
    );
  return reshapeTo(x, out);
}

/**
 * Reorders dims: dim `i` of the result is dim `dims[i]` of `x`.
 *
 * @example
 * ```ts
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor("permute", x);
  if (!Array.isArray(dims) || dims.length !== x.ndim)
    throw new ValueError(
      "permute",
      `expected ${x.ndim} dims for shape ${formatShape(x.shape)}, got ${describeValue(dims)}`,
    );
  const norm = dims.map((d) => normalizeDim("permute", d, x.ndim));
  if (new Set(norm).size !== norm.length)
    throw new ValueError(
      "permute",
      `dims must be a permutation of 0..${x.ndim - 1}, got [${dims.join(", ")}]`,
    );
  if (norm.every((d, i) => d === i)) return x;
  return apply("permute", [x], { dims: norm });
}

/**
 * Swaps two dims (the last two by default). A 0-d or 1-D tensor is returned as is.
 *
 * @example
 * ```ts
 * transpose(zeros([2, 3])).shape; // [3, 2]
 * ```
 */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  checkTensor("transpose", x);
  if (x.ndim < 2) return x;
  const a = normalizeDim("transpose", dim0, x.ndim);
  const b = normalizeDim("transpose", dim1, x.ndim);
  const dims = x.shape.map((_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permute(x, dims);
}

/**
 * Broadcasts `x` to `shape` (size-1 dims stretch, new dims are added in front; -1 keeps a dim).
 *
 * @example
 * ```ts
 * expand(tensor([[1], [2]]), [2, 3]).toArray(); // [[1, 1, 1], [2, 2, 2]]
 * ```
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor("expand", x);
  const lead = shape.length - x.ndim;
  if (lead < 0)
    throw new ShapeError(
      "expand",
      `target shape must have at least ${x.ndim} dims, got ${formatShape(shape)}`,
    );
  const out = shape.map((d, i) => {
    const own = i >= lead ? x.shape[i - lead] : 1;
    const target = d === -1 && i >= lead ? own : d;
    if (!Number.isInteger(target) || target < 0 || (own !== 1 && own !== target))
      throw new ShapeError("expand", `cannot expand shape ${formatShape(x.shape)} to ${formatShape(shape)}`);
    return target;
  });
  if (sameShape(out, x.shape)) return x;
  return apply("expand", [x], { shape: out });
}

/**
 * Removes size-1 dims: all of them, or only `dim` (a number or an array) when given.
 *
 * @example
 * ```ts
 * squeeze(zeros([2, 1, 3])).shape; // [2, 3]
 * ```
 */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  checkTensor("squeeze", x);
  let drop: number[];
  if (dim === undefined) drop = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  else {
    const list = typeof dim === "number" ? [dim] : [...dim];
    drop = list.map((d) => normalizeDim("squeeze", d, x.ndim)).filter((d) => x.shape[d] === 1);
  }
  return reshapeTo(
    x,
    x.shape.filter((_, i) => !drop.includes(i)),
  );
}

/**
 * Inserts a size-1 dim at `dim` (from -(ndim+1) to ndim).
 *
 * @example
 * ```ts
 * unsqueeze(zeros([3]), 0).shape; // [1, 3]
 * ```
 */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor("unsqueeze", x);
  const d = normalizeInsertDim("unsqueeze", dim, x.ndim);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshapeTo(x, shape);
}

/**
 * Merges dims `startDim` through `endDim` into one.
 *
 * @example
 * ```ts
 * flatten(zeros([2, 3, 4]), 1).shape; // [2, 12]
 * ```
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor("flatten", x);
  if (x.ndim === 0) return reshapeTo(x, [1]);
  const s = normalizeDim("flatten", startDim, x.ndim);
  const e = normalizeDim("flatten", endDim, x.ndim);
  if (s > e)
    throw new ValueError("flatten", `startDim must not come after endDim, got ${startDim} and ${endDim}`);
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshapeTo(x, shape);
}

/**
 * Elements `start` (inclusive) to `end` (exclusive, default the end) along `dim`, every `step`-th.
 * Negative positions count from the end and out-of-range ones are clipped, as Python slices.
 *
 * @example
 * ```ts
 * slice(arange(10), 0, 2, 8, 3).toArray(); // [2, 5]
 * ```
 */
export function slice(x: Tensor, dim: number, start: number, end?: number, step = 1): Tensor {
  checkTensor("slice", x);
  if (x.ndim === 0) throw new ShapeError("slice", "cannot slice a 0-d tensor, got shape []");
  const d = normalizeDim("slice", dim, x.ndim);
  if (!Number.isInteger(step) || step <= 0)
    throw new ValueError("slice", `step must be a positive integer, got ${step}`);
  if (!Number.isInteger(start) || (end !== undefined && !Number.isInteger(end)))
    throw new ValueError(
      "slice",
      `start and end must be integers, got ${describeValue(start)} and ${describeValue(end)}`,
    );
  const n = x.shape[d];
  const clip = (i: number) => Math.min(n, Math.max(0, i < 0 ? i + n : i));
  const s = clip(start);
  const e = Math.max(s, end === undefined ? n : clip(end));
  if (s === 0 && e === n && step === 1) return x;
  return apply("slice", [x], { dim: d, start: s, end: e, step });
}

/**
 * Joins tensors along an existing dim; their other dims must match. Mixed dtypes promote to float64.
 *
 * @example
 * ```ts
 * concat([zeros([2, 3]), ones([1, 3])], 0).shape; // [3, 3]
 * ```
 */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new ValueError("concat", `expected a non-empty array of tensors, got ${describeValue(tensors)}`);
  tensors.forEach((t, i) => {
    checkTensor("concat", t, `tensors[${i}]`);
  });
  const first = tensors[0];
  if (first.ndim === 0) throw new ShapeError("concat", "cannot concatenate 0-d tensors; use stack");
  const d = normalizeDim("concat", dim, first.ndim);
  for (const t of tensors)
    if (t.ndim !== first.ndim || t.shape.some((s: number, i: number) => i !== d && s !== first.shape[i]))
      throw new ShapeError(
        "concat",
        `tensors must match except in dim ${d}, got ${tensors.map((u) => formatShape(u.shape)).join(", ")}`,
      );
  if (tensors.length === 1) return first;
  return apply("concat", [...tensors], { dim: d });
}

/**
 * Joins tensors of one shape along a new dim.
 *
 * @example
 * ```ts
 * stack([zeros([3]), ones([3])], 0).shape; // [2, 3]
 * ```
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new ValueError("stack", `expected a non-empty array of tensors, got ${describeValue(tensors)}`);
  tensors.forEach((t, i) => {
    checkTensor("stack", t, `tensors[${i}]`);
  });
  const first = tensors[0];
  for (const t of tensors)
    if (!sameShape(t.shape, first.shape))
      throw new ShapeError(
        "stack",
        `tensors must have the same shape, got ${tensors.map((u) => formatShape(u.shape)).join(", ")}`,
      );
  const d = normalizeInsertDim("stack", dim, first.ndim);
  return concat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}

/**
 * Picks elements along `dim`: `out[i][j] = x[i][index[i][j]]` for `dim = 1` (PyTorch's gather). `index` has
 * as many dims as `x` and holds integers in `[0, x.shape[dim])`; the result has `index`'s shape.
 *
 * @example
 * ```ts
 * gather(tensor([[1, 2], [3, 4]]), 1, tensor([[1], [0]])).toArray(); // [[2], [3]]
 * ```
 */
export function gather(x: Tensor, dim: number, index: Tensor | readonly number[] | Int32Array): Tensor {
  checkTensor("gather", x);
  const idx = index instanceof Tensor ? index : indexTensor("gather", index);
  const d = normalizeDim("gather", dim, x.ndim);
  if (idx.ndim !== x.ndim)
    throw new ShapeError(
      "gather",
      `index must have as many dims as the input, got index ${formatShape(idx.shape)} for input ${formatShape(x.shape)}`,
    );
  idx.shape.forEach((s, i) => {
    if (i !== d && s > x.shape[i])
      throw new ShapeError(
        "gather",
        `index dims other than ${d} must not exceed the input's, got index ${formatShape(idx.shape)} for input ${formatShape(x.shape)}`,
      );
  });
  checkIndices("gather", idx._storage, x.ndim === 0 ? 1 : x.shape[d]);
  return apply("gather", [x, idx.requiresGrad ? idx.detach() : idx], { dim: d });
}

/** Checks that every index is an integer in `[0, n)`. */
export function checkIndices(op: string, values: ArrayLike<number>, n: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= n)
      throw new ValueError(op, `indices must be integers in [0, ${n}), got ${v} at position ${i}`);
  }
}

/** A float64 1-D tensor of indices from an array. */
export function indexTensor(op: string, values: readonly number[] | Int32Array): Tensor {
  if (!Array.isArray(values) && !(values instanceof Int32Array))
    throw new TypeMismatchError(
      op,
      `indices must be a Tensor, a number[] or an Int32Array, got ${describeValue(values)}`,
    );
  const s = allocate("float64", values.length);
  for (let i = 0; i < values.length; i++) s[i] = values[i];
  return Tensor._fromStorage(s, [values.length]);
}
