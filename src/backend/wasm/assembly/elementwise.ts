// Elementwise kernels (AssemblyScript, 128-bit SIMD): unary functions, binary functions with broadcasting
// fused in (an operand's stride along a dim may be 0, so broadcast operands are never materialised), and
// `where`. Transcendental functions run in f64 lanes (vmath.ts); float32 kernels widen, compute, round once.
// The op codes match UNARY_CODES and BINARY_CODES in src/backend/wasm/elementwise.ts.

import { loadI32 } from "./common";
import { vexp, vexpm1, vlog, vlog1p, vsigmoid, vsoftplus, vtanh } from "./vmath";

// Unary op codes.
const U_NEG = 0;
const U_EXP = 1;
const U_LOG = 2;
const U_LOG1P = 3;
const U_EXPM1 = 4;
const U_SQRT = 5;
const U_TANH = 6;
const U_SIGMOID = 7;
const U_RELU = 8;
const U_ABS = 9;
const U_SIGN = 10;
const U_SOFTPLUS = 11;
const U_COPY = 12;

// Binary op codes.
const B_ADD = 0;
const B_SUB = 1;
const B_MUL = 2;
const B_DIV = 3;
const B_MAX = 4;
const B_MIN = 5;
const B_GT = 6;
const B_GE = 7;
const B_LT = 8;
const B_LE = 9;
const B_EQ = 10;
const B_NE = 11;
const B_BCE = 12;

/** A transcendental function of f64 lanes. */
function transcendental(op: i32, x: v128): v128 {
  switch (op) {
    case U_EXP:
      return vexp(x);
    case U_LOG:
      return vlog(x);
    case U_LOG1P:
      return vlog1p(x);
    case U_EXPM1:
      return vexpm1(x);
    case U_TANH:
      return vtanh(x);
    case U_SIGMOID:
      return vsigmoid(x);
    case U_SOFTPLUS:
      return vsoftplus(x);
  }
  return x;
}

/** One vector of the unary op `op` over lanes of T. */
function unaryVec<T>(op: i32, x: v128): v128 {
  const zero = v128.splat<T>(<T>0);
  switch (op) {
    case U_NEG:
      return v128.neg<T>(x);
    case U_SQRT:
      return v128.sqrt<T>(x);
    case U_ABS:
      return v128.abs<T>(x);
    case U_COPY:
      return x;
    case U_RELU:
      // NOTE: relu(NaN) = NaN and relu(-0) = 0, as the reference: keep x where x > 0 or x is NaN.
      return v128.bitselect(x, zero, v128.or(v128.gt<T>(x, zero), v128.ne<T>(x, x)));
    case U_SIGN: {
      const one = v128.splat<T>(<T>1);
      const pos = v128.and(v128.gt<T>(x, zero), one);
      const neg = v128.and(v128.lt<T>(x, zero), one);
      // 0 and NaN keep x itself (sign(-0) = -0 and sign(NaN) = NaN, as the reference).
      const r = v128.sub<T>(pos, neg);
      return v128.bitselect(x, r, v128.or(v128.eq<T>(x, zero), v128.ne<T>(x, x)));
    }
  }
  if (sizeof<T>() === 8) return transcendental(op, x);
  const lo = transcendental(op, f64x2.promote_low_f32x4(x));
  const hi = transcendental(op, f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 2, 3)));
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** Binary cross-entropy of f64 lanes: -(t max(log p, -100) + (1 - t) max(log1p(-p), -100)). */
function bce64(p: v128, t: v128): v128 {
  const floor = f64x2.splat(-100.0);
  const a = f64x2.max(vlog(p), floor);
  const b = f64x2.max(vlog1p(f64x2.neg(p)), floor);
  return f64x2.neg(f64x2.add(f64x2.mul(t, a), f64x2.mul(f64x2.sub(f64x2.splat(1.0), t), b)));
}

/** One vector of the binary op `op` over lanes of T. */
function binaryVec<T>(op: i32, a: v128, b: v128): v128 {
  const one = v128.splat<T>(<T>1);
  switch (op) {
    case B_ADD:
      return v128.add<T>(a, b);
    case B_SUB:
      return v128.sub<T>(a, b);
    case B_MUL:
      return v128.mul<T>(a, b);
    case B_DIV:
      return v128.div<T>(a, b);
    case B_MAX:
      // NOTE: NaN propagates, as Math.max.
      return v128.max<T>(a, b);
    case B_MIN:
      return v128.min<T>(a, b);
    case B_GT:
      return v128.and(v128.gt<T>(a, b), one);
    case B_GE:
      return v128.and(v128.ge<T>(a, b), one);
    case B_LT:
      return v128.and(v128.lt<T>(a, b), one);
    case B_LE:
      return v128.and(v128.le<T>(a, b), one);
    case B_EQ:
      return v128.and(v128.eq<T>(a, b), one);
    case B_NE:
      return v128.and(v128.ne<T>(a, b), one);
  }
  // The one op left: binary cross-entropy (checked in debug builds only).
  assert(op === B_BCE);
  if (sizeof<T>() === 8) return bce64(a, b);
  const lo = bce64(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b));
  const hi = bce64(
    f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 2, 3)),
    f64x2.promote_low_f32x4(v128.shuffle<f32>(b, b, 2, 3, 2, 3)),
  );
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

// Unary job: [op, x, out, n, chunk elements].
function unary<T>(job: usize, chunk: i32): void {
  const sz = <usize>sizeof<T>();
  const op = loadI32(job, 0);
  const per = loadI32(job, 4);
  const start = chunk * per;
  const end = min(loadI32(job, 3), start + per);
  let x = <usize>loadI32(job, 1) + <usize>start * sz;
  let out = <usize>loadI32(job, 2) + <usize>start * sz;
  const lanes = 16 / <i32>sz;
  let i = start;
  for (; i + lanes <= end; i += lanes) {
    v128.store(out, unaryVec<T>(op, v128.load(x)));
    x += 16;
    out += 16;
  }
  for (; i < end; i++) {
    v128.store_lane<T>(out, unaryVec<T>(op, v128.load_splat<T>(x)), 0);
    x += sz;
    out += sz;
  }
}

// Binary job: [op, a, b, out, rows, inner, ndim (outer dims), aInner, bInner (strides 0 or 1), then per
// outer dim d < ndim: size, a stride, b stride]. Row r of the output (inner elements) reads a and b at
// offsets found by walking r through the outer dims; chunk c covers rows [c per, (c + 1) per).
const BJ_OP = 0;
const BJ_A = 1;
const BJ_B = 2;
const BJ_OUT = 3;
const BJ_ROWS = 4;
const BJ_INNER = 5;
const BJ_NDIM = 6;
const BJ_A_INNER = 7;
const BJ_B_INNER = 8;
const BJ_PER = 9;
const BJ_DIMS = 10;

/** One row: out[j] = a[j * sa] op b[j * sb] for j < inner, with sa, sb in {0, 1}. */
function binaryRow<T>(op: i32, a: usize, b: usize, out: usize, inner: i32, sa: i32, sb: i32): void {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sz;
  let j = 0;
  if (sa === 1 && sb === 1) {
    for (; j + lanes <= inner; j += lanes) {
      v128.store(out, binaryVec<T>(op, v128.load(a), v128.load(b)));
      a += 16;
      b += 16;
      out += 16;
    }
  } else if (sa === 1) {
    const vb = v128.load_splat<T>(b);
    for (; j + lanes <= inner; j += lanes) {
      v128.store(out, binaryVec<T>(op, v128.load(a), vb));
      a += 16;
      out += 16;
    }
  } else if (sb === 1) {
    const va = v128.load_splat<T>(a);
    for (; j + lanes <= inner; j += lanes) {
      v128.store(out, binaryVec<T>(op, va, v128.load(b)));
      b += 16;
      out += 16;
    }
  }
  const da = <usize>sa * sz;
  const db = <usize>sb * sz;
  for (; j < inner; j++) {
    v128.store_lane<T>(out, binaryVec<T>(op, v128.load_splat<T>(a), v128.load_splat<T>(b)), 0);
    a += da;
    b += db;
    out += sz;
  }
}

function binary<T>(job: usize, chunk: i32): void {
  const sz = <usize>sizeof<T>();
  const op = loadI32(job, BJ_OP);
  const inner = loadI32(job, BJ_INNER);
  const ndim = loadI32(job, BJ_NDIM);
  const sa = loadI32(job, BJ_A_INNER);
  const sb = loadI32(job, BJ_B_INNER);
  const per = loadI32(job, BJ_PER);
  const r0 = chunk * per;
  const r1 = min(loadI32(job, BJ_ROWS), r0 + per);
  // Offsets (in elements) of row r0 in a and b.
  let oa = 0;
  let ob = 0;
  let rest = r0;
  for (let d = ndim - 1; d >= 0; d--) {
    const size = loadI32(job, BJ_DIMS + 3 * d);
    const idx = rest % size;
    rest /= size;
    oa += idx * loadI32(job, BJ_DIMS + 3 * d + 1);
    ob += idx * loadI32(job, BJ_DIMS + 3 * d + 2);
  }
  const a = <usize>loadI32(job, BJ_A);
  const b = <usize>loadI32(job, BJ_B);
  let out = <usize>loadI32(job, BJ_OUT) + <usize>r0 * <usize>inner * sz;
  for (let r = r0; r < r1; r++) {
    binaryRow<T>(op, a + <usize>oa * sz, b + <usize>ob * sz, out, inner, sa, sb);
    out += <usize>inner * sz;
    // Next row: the odometer over the outer dims, innermost first.
    let next = r + 1;
    for (let d = ndim - 1; d >= 0; d--) {
      const size = loadI32(job, BJ_DIMS + 3 * d);
      oa += loadI32(job, BJ_DIMS + 3 * d + 1);
      ob += loadI32(job, BJ_DIMS + 3 * d + 2);
      if (next % size !== 0) break;
      oa -= size * loadI32(job, BJ_DIMS + 3 * d + 1);
      ob -= size * loadI32(job, BJ_DIMS + 3 * d + 2);
      next /= size;
    }
  }
}

// Where job: [cond, a, b, out, n] (all contiguous, the same length).
function where<T>(job: usize): void {
  const sz = <usize>sizeof<T>();
  let c = <usize>loadI32(job, 0);
  let a = <usize>loadI32(job, 1);
  let b = <usize>loadI32(job, 2);
  let out = <usize>loadI32(job, 3);
  const n = loadI32(job, 4);
  const lanes = 16 / <i32>sz;
  const zero = v128.splat<T>(<T>0);
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    // cond !== 0 picks a (a NaN condition is "not zero" too, as the reference's `!== 0`).
    v128.store(out, v128.bitselect(v128.load(a), v128.load(b), v128.ne<T>(v128.load(c), zero)));
    c += 16;
    a += 16;
    b += 16;
    out += 16;
  }
  for (; i < n; i++) {
    store<T>(out, load<T>(c) !== <T>0 ? load<T>(a) : load<T>(b));
    c += sz;
    a += sz;
    b += sz;
    out += sz;
  }
}

export function unaryF32(job: usize, chunk: i32, _tid: i32): void {
  unary<f32>(job, chunk);
}
export function unaryF64(job: usize, chunk: i32, _tid: i32): void {
  unary<f64>(job, chunk);
}
export function binaryF32(job: usize, chunk: i32, _tid: i32): void {
  binary<f32>(job, chunk);
}
export function binaryF64(job: usize, chunk: i32, _tid: i32): void {
  binary<f64>(job, chunk);
}
export function whereF32(job: usize): void {
  where<f32>(job);
}
export function whereF64(job: usize): void {
  where<f64>(job);
}
