// Matrix product: the primitive for operands of 2 or more dims (batch dims broadcast), its derivative
// rule, and the public function with NumPy's 1-D cases.

import { getBackend } from "../backend/registry.js";
import { promote } from "../dtype.js";
import { formatShape, ShapeError } from "../errors.js";
import { broadcastShapes, broadcastStrides, sizeOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { apply } from "./apply.js";
import { reshape, unsqueeze } from "./layout.js";
import type { RuleTable } from "./rule.js";
import type { PrimitiveAttrs } from "./rules.js";
import { addTangents } from "./tangent.js";
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

/** Whether the primitive reads an operand transposed (its last two dims swapped); null for neither. */
type MatmulAttrs = PrimitiveAttrs["matmul"];

/** op(a) @ op(b), recorded with the transposes as attributes so no transposed copy is ever made. */
function matmulT(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return apply("matmul", [a, b], transA || transB ? { transA, transB } : null);
}

export const matmulRules: RuleTable<Pick<PrimitiveAttrs, "matmul">> = {
  // C = op(A) op(B): ∂C/∂op(A) = G op(B)ᵀ, ∂C/∂op(B) = op(A)ᵀ G, transposed back where op transposes; as
  // transposed products (G Bᵀ, Aᵀ G for plain A B), never materialised transposes. The engine sums
  // broadcast batch dims back.
  matmul: {
    forward: ([a, b], attrs: MatmulAttrs) => {
      const transA = attrs?.transA ?? false;
      const transB = attrs?.transB ?? false;
      const m = a.shape[a.ndim - (transA ? 1 : 2)];
      const k = a.shape[a.ndim - (transA ? 2 : 1)];
      const n = b.shape[b.ndim - (transB ? 2 : 1)];
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
        transA,
        transB,
      );
      return out;
    },
    vjp: (g, _y, [a, b], attrs, needs) => {
      const tA = attrs?.transA ?? false;
      const tB = attrs?.transB ?? false;
      return [
        // ∂A = G op(B)ᵀ, or its transpose op(B) Gᵀ when A is read transposed
        needs[0] ? (tA ? matmulT(b, g, tB, true) : matmulT(g, b, false, !tB)) : null,
        // ∂B = op(A)ᵀ G, or its transpose Gᵀ op(A) when B is read transposed
        needs[1] ? (tB ? matmulT(g, a, true, tA) : matmulT(a, g, !tA, false)) : null,
      ];
    },
    // d(op(A) op(B)) = op(dA) op(B) + op(A) op(dB)
    jvp: ([ta, tb], _y, [a, b], attrs) => {
      const tA = attrs?.transA ?? false;
      const tB = attrs?.transB ?? false;
      return addTangents(
        ta === null ? null : matmulT(ta, b, tA, tB),
        tb === null ? null : matmulT(a, tb, tA, tB),
      );
    },
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
