// Matrix product: the primitive for operands of 2 or more dims (batch dims broadcast), its derivative
// rule, and the public function with NumPy's 1-D cases.

import { getBackend } from "../backend/registry.js";
import { promote } from "../dtype.js";
import { formatShape, ShapeError } from "../errors.js";
import { broadcastShapes, broadcastStrides, sizeOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { apply } from "./apply.js";
import { reshape, transpose, unsqueeze } from "./layout.js";
import type { RuleTable } from "./rule.js";
import type { PrimitiveAttrs } from "./rules.js";
import { checkTensor, empty } from "./util.js";

/** Storage offsets of each matrix of `shape` when its batch dims are broadcast to `batch`. */
function batchOffsets(shape: readonly number[], batch: readonly number[]): number[] {
  const own = shape.slice(0, -2);
  const matrix = shape[shape.length - 2] * shape[shape.length - 1];
  const strides = broadcastStrides(own, batch);
  const count = sizeOf(batch);
  const offsets = new Array<number>(count);
  const idx = new Array<number>(batch.length).fill(0);
  for (let t = 0; t < count; t++) {
    let o = 0;
    for (let d = 0; d < batch.length; d++) o += idx[d] * strides[d];
    offsets[t] = o * matrix;
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++idx[d] < batch[d]) break;
      idx[d] = 0;
    }
  }
  return offsets;
}

export const matmulRules: RuleTable<Pick<PrimitiveAttrs, "matmul">> = {
  // ∂(AB)/∂A = G Bᵀ, ∂(AB)/∂B = Aᵀ G; the engine sums broadcast batch dims back.
  matmul: {
    forward: ([a, b]) => {
      const m = a.shape[a.ndim - 2];
      const k = a.shape[a.ndim - 1];
      const n = b.shape[b.ndim - 1];
      const batch = broadcastShapes("matmul", a.shape.slice(0, -2), b.shape.slice(0, -2));
      const out = empty([...batch, m, n], promote(a.dtype, b.dtype));
      if (out.size === 0) return out;
      getBackend().matmul(
        a._storage,
        batchOffsets(a.shape, batch),
        b._storage,
        batchOffsets(b.shape, batch),
        out._storage,
        m,
        k,
        n,
      );
      return out;
    },
    vjp: (g, _y, [a, b], _attrs, needs) => [
      needs[0] ? apply("matmul", [g, transpose(b)], null) : null,
      needs[1] ? apply("matmul", [transpose(a), g], null) : null,
    ],
  },
};

/**
 * Matrix product with NumPy/PyTorch semantics: 1-D by 1-D is a dot product (0-d result), a 1-D left operand
 * is a row vector and a 1-D right operand a column vector (the added dim is removed again), and dims before
 * the last two are batch dims that broadcast.
 *
 * @example
 * ```ts
 * matmul(tensor([[1, 2], [3, 4]]), tensor([1, 1])).toArray(); // [3, 7]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor("matmul", a);
  checkTensor("matmul", b, "other");
  if (a.ndim === 0 || b.ndim === 0)
    throw new ShapeError(
      "matmul",
      `both operands must have at least 1 dim, got ${formatShape(a.shape)} @ ${formatShape(b.shape)}`,
    );
  const k1 = a.shape[a.ndim - 1];
  const k2 = b.ndim === 1 ? b.shape[0] : b.shape[b.ndim - 2];
  if (k1 !== k2)
    throw new ShapeError(
      "matmul",
      `inner dimensions must match, got ${formatShape(a.shape)} @ ${formatShape(b.shape)}`,
    );
  const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;
  const b2 = b.ndim === 1 ? unsqueeze(b, 1) : b;
  try {
    broadcastShapes("matmul", a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  } catch {
    throw new ShapeError(
      "matmul",
      `batch dimensions must be broadcastable, got ${formatShape(a.shape)} @ ${formatShape(b.shape)}`,
    );
  }
  const out = apply("matmul", [a2, b2], null);
  if (a.ndim > 1 && b.ndim > 1) return out;
  const shape = out.shape.slice(0, -2);
  if (a.ndim > 1) shape.push(out.shape[out.ndim - 2]);
  if (b.ndim > 1) shape.push(out.shape[out.ndim - 1]);
  return reshape(out, shape);
}
