// Elementwise primitives (unary, binary with broadcasting, where, cast) with their derivative rules,
// and the public functions built on them.

import type { BinaryKernel, UnaryKernel } from "../backend/backend.js";
import { getBackend } from "../backend/registry.js";
import { type DType, isDType, promote } from "../dtype.js";
import { describeValue, TypeMismatchError } from "../errors.js";
import { broadcastShapes, broadcastStrides, sameShape } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { apply } from "./apply.js";
import { fusedActivationBackward } from "./fused.js";
import type { DifferentiableRule, RuleTable } from "./rule.js";
import type { CompareKernel, PrimitiveAttrs, UnaryPrimitive } from "./rules.js";
import { addTangents, scaleTangent } from "./tangent.js";
import { checkTensor, empty, operands } from "./util.js";

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const BCE_EPSILON = Math.fround(1e-12);

/**
 * Reads `t` as contiguous storage of `shape`: a broadcast copy when needed. A one-element `t` stays as it is
 * when `keepScalar` (the binary kernels broadcast it themselves).
 */
function broadcastTo(t: Tensor, shape: readonly number[], keepScalar = true): Tensor {
  if ((keepScalar && t.size === 1) || sameShape(t.shape, shape)) return t;
  const out = empty(shape, t.dtype);
  getBackend().strided(t._storage, 0, broadcastStrides(t.shape, shape), out._storage, shape);
  return out;
}

function unaryForward(kernel: UnaryKernel) {
  return ([x]: readonly Tensor[]): Tensor => {
    const out = empty(x.shape, x.dtype);
    getBackend().unary(kernel, x._storage, out._storage);
    return out;
  };
}

/** True when a binary kernel reads `t` as it is for an output of `shape`: one element, or the same shape. */
function plainOperand(t: Tensor, shape: readonly number[]): boolean {
  return t.size === 1 || sameShape(t.shape, shape);
}

function binaryForward(kernel: BinaryKernel, dtypeOf?: (a: Tensor, b: Tensor) => DType) {
  return ([a, b]: readonly Tensor[]): Tensor => {
    const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(kernel, a.shape, b.shape);
    const out = empty(shape, dtypeOf ? dtypeOf(a, b) : promote(a.dtype, b.dtype));
    if (out.size === 0) return out;
    const backend = getBackend();
    // A true broadcast goes to a backend's fused kernel when it has one, with no materialised copy.
    if (backend.binaryStrided !== undefined && !(plainOperand(a, shape) && plainOperand(b, shape)))
      backend.binaryStrided(
        kernel,
        a._storage,
        broadcastStrides(a.shape, shape),
        b._storage,
        broadcastStrides(b.shape, shape),
        out._storage,
        shape,
      );
    else backend.binary(kernel, broadcastTo(a, shape)._storage, broadcastTo(b, shape)._storage, out._storage);
    return out;
  };
}

/**
 * An elementwise function of one argument, given `times(v, x, y) = v · f'(x)`. Its Jacobian is diagonal, so
 * the same product is the vjp (v = the output gradient) and the jvp (v = the input's tangent).
 */
function unaryRule(
  kernel: UnaryPrimitive,
  times: (v: Tensor, x: Tensor, y: Tensor) => Tensor,
): DifferentiableRule<null> {
  return {
    forward: unaryForward(kernel),
    vjp: (g, y, [x]) => [times(g, x, y)],
    jvp: ([t], y, [x]) => (t === null ? null : times(t, x, y)),
  };
}

type ElementwiseName =
  | UnaryPrimitive
  | "sign"
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "maximum"
  | "minimum"
  | "compare"
  | "bce"
  | "where"
  | "cast"
  | "identity";

/** Share of the gradient that `a` gets from max(a, b): 1 where a wins, 1/2 at ties, 0 where b wins. */
function winnerShare(a: Tensor, b: Tensor, kernel: "gt" | "lt"): Tensor {
  return compare(kernel, a, b).add(compare("eq", a, b).mul(0.5));
}

export const elementwiseRules: RuleTable<Pick<PrimitiveAttrs, ElementwiseName>> = {
  // d/dx -x = -1
  neg: unaryRule("neg", (g) => neg(g)),
  // d/dx e^x = e^x
  exp: unaryRule("exp", (g, _x, y) => mul(g, y)),
  // d/dx log x = 1/x
  log: unaryRule("log", (g, x) => div(g, x)),
  // d/dx log(1 + x) = 1/(1 + x)
  log1p: unaryRule("log1p", (g, x) => div(g, add(x, 1))),
  // d/dx (e^x - 1) = e^x
  expm1: unaryRule("expm1", (g, _x, y) => mul(g, add(y, 1))),
  // d/dx √x = 1/(2√x)
  sqrt: unaryRule("sqrt", (g, _x, y) => div(g, mul(y, 2))),
  // d/dx sin x = cos x
  sin: unaryRule("sin", (g, x) => mul(g, cos(x))),
  // d/dx cos x = -sin x
  cos: unaryRule("cos", (g, x) => neg(mul(g, sin(x)))),
  // d/dx tanh x = 1 - tanh² x
  tanh: unaryRule("tanh", (g, _x, y) => fusedActivationBackward("tanh", g, y) ?? mul(g, sub(1, mul(y, y)))),
  // d/dx σ(x) = σ(x)(1 - σ(x))
  sigmoid: unaryRule(
    "sigmoid",
    (g, _x, y) => fusedActivationBackward("sigmoid", g, y) ?? mul(g, mul(y, sub(1, y))),
  ),
  // NOTE: relu'(0) = 0, as PyTorch; `where` keeps an infinite g from turning into NaN.
  // (The fused kernel, when the backend has one and no graph is recorded, computes the same in one pass.)
  relu: unaryRule("relu", (g, x) => fusedActivationBackward("relu", g, x) ?? where(gt(x, 0), g, 0)),
  // NOTE: abs'(0) = sign(0) = 0, as PyTorch.
  abs: unaryRule("abs", (g, x) => mul(g, sign(x))),
  // d/dx erf x = 2/√π e^{-x²}
  erf: unaryRule("erf", (g, x) => mul(g, mul(exp(neg(mul(x, x))), TWO_OVER_SQRT_PI))),
  // d/dx erfc x = -2/√π e^{-x²}
  erfc: unaryRule("erfc", (g, x) => mul(g, mul(exp(neg(mul(x, x))), -TWO_OVER_SQRT_PI))),
  // d/dx log(1 + e^x) = σ(x), exact everywhere (unlike a max/abs composite at 0)
  softplus: unaryRule("softplus", (g, x) => mul(g, sigmoid(x))),
  // d/dx sign x = 0 (almost everywhere); recorded, as PyTorch, so the output requires grad.
  sign: { forward: unaryForward("sign"), vjp: (g) => [empty(g.shape, g.dtype)], jvp: () => null },
  // ∂(a + b)/∂a = 1, ∂(a + b)/∂b = 1
  add: { forward: binaryForward("add"), vjp: (g) => [g, g], jvp: ([ta, tb]) => addTangents(ta, tb) },
  // ∂(a - b)/∂a = 1, ∂(a - b)/∂b = -1
  sub: {
    forward: binaryForward("sub"),
    vjp: (g, _y, _i, _a, needs) => [g, needs[1] ? neg(g) : null],
    jvp: ([ta, tb]) => (tb === null ? ta : ta === null ? neg(tb) : sub(ta, tb)),
  },
  // ∂(ab)/∂a = b, ∂(ab)/∂b = a
  mul: {
    forward: binaryForward("mul"),
    vjp: (g, _y, [a, b], _a, needs) => [needs[0] ? mul(g, b) : null, needs[1] ? mul(g, a) : null],
    jvp: ([ta, tb], _y, [a, b]) =>
      addTangents(
        scaleTangent(ta, () => b),
        scaleTangent(tb, () => a),
      ),
  },
  // ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = -a/b²
  div: {
    forward: binaryForward("div"),
    vjp: (g, y, [, b], _a, needs) => [needs[0] ? div(g, b) : null, needs[1] ? neg(mul(div(g, b), y)) : null],
    // (ta - tb · y) / b
    jvp: ([ta, tb], y, [, b]) => {
      const num = tb === null ? ta : ta === null ? neg(mul(tb, y)) : sub(ta, mul(tb, y));
      return num === null ? null : div(num, b);
    },
  },
  // ∂(a^b)/∂a = b a^(b-1), ∂(a^b)/∂b = a^b log a
  // NOTE: as PyTorch, the first is 0 where b = 0 and the second 0 where a = 0 and b >= 0 (no 0·∞ NaN).
  pow: {
    forward: binaryForward("pow"),
    vjp: (g, y, [a, b], _a, needs) => [
      needs[0] ? where(eq(b, 0), 0, mul(g, mul(b, pow(a, sub(b, 1))))) : null,
      needs[1] ? where(mul(eq(a, 0), ge(b, 0)), 0, mul(g, mul(y, log(a)))) : null,
    ],
    jvp: ([ta, tb], y, [a, b]) =>
      addTangents(
        ta === null ? null : where(eq(b, 0), 0, mul(ta, mul(b, pow(a, sub(b, 1))))),
        tb === null ? null : where(mul(eq(a, 0), ge(b, 0)), 0, mul(tb, mul(y, log(a)))),
      ),
  },
  // NOTE: at ties max(a, b) shares the gradient equally, as PyTorch.
  maximum: {
    forward: binaryForward("maximum"),
    vjp: (g, _y, [a, b], _a, needs) => [
      needs[0] ? mul(g, winnerShare(a, b, "gt")) : null,
      needs[1] ? mul(g, winnerShare(b, a, "gt")) : null,
    ],
    jvp: ([ta, tb], _y, [a, b]) =>
      addTangents(
        scaleTangent(ta, () => winnerShare(a, b, "gt")),
        scaleTangent(tb, () => winnerShare(b, a, "gt")),
      ),
  },
  minimum: {
    forward: binaryForward("minimum"),
    vjp: (g, _y, [a, b], _a, needs) => [
      needs[0] ? mul(g, winnerShare(a, b, "lt")) : null,
      needs[1] ? mul(g, winnerShare(b, a, "lt")) : null,
    ],
    jvp: ([ta, tb], _y, [a, b]) =>
      addTangents(
        scaleTangent(ta, () => winnerShare(a, b, "lt")),
        scaleTangent(tb, () => winnerShare(b, a, "lt")),
      ),
  },
  compare: { forward: (inputs, { kernel }) => binaryForward(kernel)(inputs) },
  // Binary cross-entropy of probabilities, fused for stability (logs clamped at -100 as PyTorch).
  // ∂/∂p = (p - t) / (p (1 - p)), with the denominator kept >= 1e-12 as PyTorch (its constant is the float32
  // nearest 1e-12, so gradients at p = 0 or 1 agree to the last digit); targets get no gradient.
  bce: {
    forward: binaryForward("bce"),
    vjp: (g, _y, [p, t]) => [div(mul(g, sub(p, t)), maximum(mul(p, sub(1, p)), BCE_EPSILON)), null],
    // NOTE: as in reverse mode, the target's tangent is ignored (it is data, not a parameter).
    jvp: ([tp], _y, [p, t]) =>
      tp === null ? null : div(mul(tp, sub(p, t)), maximum(mul(p, sub(1, p)), BCE_EPSILON)),
  },
  // ∂ where(c, a, b)/∂a = c, ∂/∂b = 1 - c; the condition gets none.
  where: {
    forward: ([c, a, b]) => {
      const shape = broadcastShapes("where", c.shape, a.shape, b.shape);
      const out = empty(shape, promote(a.dtype, b.dtype));
      const [fc, fa, fb] = [c, a, b].map((t) => broadcastTo(t, shape, false)._storage);
      getBackend().where(fc, fa, fb, out._storage);
      return out;
    },
    vjp: (g, _y, [c], _a, needs) => [
      null,
      needs[1] ? where(c, g, 0) : null,
      needs[2] ? where(c, 0, g) : null,
    ],
    jvp: ([, ta, tb], _y, [c]) => (ta === null && tb === null ? null : where(c, ta ?? 0, tb ?? 0)),
  },
  // A dtype conversion passes the gradient through (the engine converts it back).
  cast: {
    forward: ([x], { dtype }) => {
      const out = empty(x.shape, dtype);
      out._storage.set(x._storage);
      return out;
    },
    vjp: (g) => [g],
    jvp: ([t], _y, _x, { dtype }) => (t === null ? null : cast(t, dtype)),
  },
  identity: {
    forward: ([x]) => {
      const out = empty(x.shape, x.dtype);
      out._storage.set(x._storage);
      return out;
    },
    vjp: (g) => [g],
    jvp: ([t]) => t,
  },
};

function unaryOp(name: UnaryPrimitive | "sign") {
  return (x: Tensor): Tensor => apply(name, [checkTensor(name, x)], null);
}

function binaryOp(name: "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum") {
  return (a: TensorLike, b: TensorLike): Tensor => apply(name, operands(name, a, b), null);
}

/** `-x`. @example `neg(tensor([1, -2])) // [-1, 2]` */
export const neg = unaryOp("neg");
/** `e^x`. @example `exp(tensor([0])) // [1]` */
export const exp = unaryOp("exp");
/** Natural logarithm. @example `log(tensor([1])) // [0]` */
export const log = unaryOp("log");
/** `log(1 + x)`, accurate near 0. @example `log1p(tensor([0])) // [0]` */
export const log1p = unaryOp("log1p");
/** `e^x - 1`, accurate near 0. @example `expm1(tensor([0])) // [0]` */
export const expm1 = unaryOp("expm1");
/** Square root. @example `sqrt(tensor([4])) // [2]` */
export const sqrt = unaryOp("sqrt");
/** Sine. @example `sin(tensor([0])) // [0]` */
export const sin = unaryOp("sin");
/** Cosine. @example `cos(tensor([0])) // [1]` */
export const cos = unaryOp("cos");
/** Hyperbolic tangent. @example `tanh(tensor([0])) // [0]` */
export const tanh = unaryOp("tanh");
/** Logistic sigmoid, stable for any input. @example `sigmoid(tensor([0])) // [0.5]` */
export const sigmoid = unaryOp("sigmoid");
/** `max(x, 0)`; NOTE: relu'(0) = 0. @example `relu(tensor([-1, 2])) // [0, 2]` */
export const relu = unaryOp("relu");
/** `|x|`; NOTE: abs'(0) = 0. @example `abs(tensor([-3])) // [3]` */
export const abs = unaryOp("abs");
/** The error function. @example `erf(tensor([0])) // [0]` */
export const erf = unaryOp("erf");
/** The complementary error function `1 - erf(x)`, accurate in the tail. @example `erfc(tensor([0])) // [1]` */
export const erfc = unaryOp("erfc");
/** `log(1 + e^x)`, stable. @example `softplus(tensor([0])) // [0.6931…]` */
export const softplus = unaryOp("softplus");
/** -1, 0 or 1 (NaN stays NaN); its gradient is zero. @example `sign(tensor([-2, 0, 3])) // [-1, 0, 1]` */
export const sign = unaryOp("sign");

/** `a + b`, broadcast. @example `add(tensor([1, 2]), 1) // [2, 3]` */
export const add = binaryOp("add");
/** `a - b`, broadcast. @example `sub(tensor([1, 2]), 1) // [0, 1]` */
export const sub = binaryOp("sub");
/** `a * b`, broadcast. @example `mul(tensor([1, 2]), 3) // [3, 6]` */
export const mul = binaryOp("mul");
/** `a / b`, broadcast. @example `div(tensor([1, 2]), 2) // [0.5, 1]` */
export const div = binaryOp("div");
/** `a ** b`, broadcast. @example `pow(tensor([2, 3]), 2) // [4, 9]` */
export const pow = binaryOp("pow");
/** Elementwise maximum; NOTE: at ties the gradient is shared equally. @example `maximum(tensor([1, 5]), 3) // [3, 5]` */
export const maximum = binaryOp("maximum");
/** Elementwise minimum; NOTE: at ties the gradient is shared equally. @example `minimum(tensor([1, 5]), 3) // [1, 3]` */
export const minimum = binaryOp("minimum");

/** A 0/1 comparison (no gradient), in the promoted dtype of the operands. */
function compare(kernel: CompareKernel, a: TensorLike, b: TensorLike): Tensor {
  return apply("compare", operands(kernel, a, b), { kernel });
}
/** `a > b` as 0/1, no gradient. @example `gt(tensor([1, 3]), 2) // [0, 1]` */
export const gt = (a: TensorLike, b: TensorLike): Tensor => compare("gt", a, b);
/** `a >= b` as 0/1, no gradient. @example `ge(tensor([2]), 2) // [1]` */
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare("ge", a, b);
/** `a < b` as 0/1, no gradient. @example `lt(tensor([1, 3]), 2) // [1, 0]` */
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare("lt", a, b);
/** `a <= b` as 0/1, no gradient. @example `le(tensor([2]), 2) // [1]` */
export const le = (a: TensorLike, b: TensorLike): Tensor => compare("le", a, b);
/** `a == b` as 0/1, no gradient. @example `eq(tensor([2]), 2) // [1]` */
export const eq = (a: TensorLike, b: TensorLike): Tensor => compare("eq", a, b);
/** `a != b` as 0/1, no gradient. @example `ne(tensor([2]), 2) // [0]` */
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare("ne", a, b);

/**
 * Elementwise `cond ? a : b`, where `cond` is non-zero; the three broadcast together.
 * Numbers take the dtype of the tensor operand.
 *
 * @example
 * ```ts
 * where(tensor([1, 0]), tensor([1, 2]), tensor([3, 4])); // [1, 4]
 * ```
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor("where", cond, "condition");
  const [ta, tb] = operands("where", a, b);
  return apply("where", [cond, ta, tb], null);
}

/**
 * Binary cross-entropy of probabilities `p` against targets `t`, elementwise, with logs clamped at -100 as
 * PyTorch; fused so that its gradient stays finite at p = 0 and p = 1. Targets get no gradient.
 *
 * @example
 * ```ts
 * binaryCrossEntropy(tensor([0.5]), tensor([1])); // [0.6931…]
 * ```
 */
export function binaryCrossEntropy(p: Tensor, t: Tensor): Tensor {
  return apply(
    "bce",
    [checkTensor("binaryCrossEntropy", p), checkTensor("binaryCrossEntropy", t, "target")],
    null,
  );
}

/** Converts `x` to `dtype`; gradients are converted back. Returns `x` itself when it has that dtype. */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor("to", x);
  if (!isDType(dtype))
    throw new TypeMismatchError("to", `dtype must be "float32" or "float64", got ${describeValue(dtype)}`);
  if (x.dtype === dtype) return x;
  return apply("cast", [x], { dtype });
}

/** A copy of `x` with its own storage; gradients flow through. */
export function clone(x: Tensor): Tensor {
  return apply("identity", [checkTensor("clone", x)], null);
}

/** Recorded identity: a distinct node that the engine can take a gradient with respect to. */
export function identity(x: Tensor): Tensor {
  return apply("identity", [x], null);
}
