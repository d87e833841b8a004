// Vector math on f64x2 lanes (AssemblyScript), to about 1 ulp like the js reference's Math functions:
// exp and log follow fdlibm (the algorithms behind V8's Math.exp/Math.log); log1p, expm1 and tanh are
// built on them with Kahan's cancellation-free forms. float32 kernels widen to f64 and round once at the
// end, so their results match the reference's (which computes in float64 too) to the last bit nearly always.

const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;
const INV_LN2: f64 = Math.LOG2E;
const P1: f64 = 0.16666666666666602;
const P2: f64 = -0.0027777777777015593;
const P3: f64 = 6.613756321437934e-5;
const P4: f64 = -1.6533902205465252e-6;
const P5: f64 = 4.1381367970572385e-8;

const LG1: f64 = 0.6666666666666735;
const LG2: f64 = 0.3999999999940942;
const LG3: f64 = 0.2857142874366239;
const LG4: f64 = 0.22222198432149784;
const LG5: f64 = 0.1818357216161805;
const LG6: f64 = 0.15313837699209373;
const LG7: f64 = 0.14798198605116586;

function splat(x: f64): v128 {
  return f64x2.splat(x);
}

/** 2^k for integral k in [-1022, 1023], built in the exponent bits. */
function pow2(k: v128): v128 {
  // k + 1023 + 2^52 holds k + 1023 in its low mantissa bits; shifting them up makes the exponent field.
  const t = f64x2.add(k, splat(4503599627371519.0));
  return i64x2.shl(t, 52);
}

/** e^x per lane. */
export function vexp(x: v128): v128 {
  // Outside [-746, 710] the result is 0 or +inf; clamping keeps k in range (NaN passes through min/max).
  const xc = f64x2.min(f64x2.max(x, splat(-746.0)), splat(710.0));
  const k = f64x2.nearest(f64x2.mul(xc, splat(INV_LN2)));
  const hi = f64x2.sub(xc, f64x2.mul(k, splat(LN2_HI)));
  const lo = f64x2.mul(k, splat(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  const poly = f64x2.add(
    splat(P1),
    f64x2.mul(
      t,
      f64x2.add(
        splat(P2),
        f64x2.mul(t, f64x2.add(splat(P3), f64x2.mul(t, f64x2.add(splat(P4), f64x2.mul(t, splat(P5)))))),
      ),
    ),
  );
  const c = f64x2.sub(r, f64x2.mul(t, poly));
  // y = 1 - ((lo - r c / (2 - c)) - hi) = e^r
  const y = f64x2.sub(
    splat(1.0),
    f64x2.sub(f64x2.sub(lo, f64x2.div(f64x2.mul(r, c), f64x2.sub(splat(2.0), c))), hi),
  );
  // 2^k in two factors, so subnormal results and k = 1024 (overflow to inf) scale correctly.
  const k1 = f64x2.trunc(f64x2.mul(k, splat(0.5)));
  const k2 = f64x2.sub(k, k1);
  return f64x2.mul(f64x2.mul(y, pow2(k1)), pow2(k2));
}

/** Natural log per lane: NaN below 0, -inf at 0, +inf at +inf. */
export function vlog(x: v128): v128 {
  // Subnormals: scale up by 2^54 so the exponent field is meaningful.
  const tiny = f64x2.lt(x, splat(2.2250738585072014e-308));
  const xs = v128.bitselect(f64x2.mul(x, splat(18014398509481984.0)), x, tiny);
  const bias = v128.bitselect(splat(54.0), splat(0.0), tiny);
  // x = 2^e m with m in [1, 2); then m in [sqrt(2)/2, sqrt(2)) by moving a factor 2 into e.
  const expBits = i64x2.shr_u(xs, 52);
  const e = f64x2.sub(v128.or(expBits, splat(4503599627370496.0)), splat(4503599627370496.0 + 1023.0));
  let m = v128.or(v128.and(xs, i64x2.splat(0x000fffffffffffff)), splat(1.0));
  const big = f64x2.gt(m, splat(Math.SQRT2));
  m = v128.bitselect(f64x2.mul(m, splat(0.5)), m, big);
  const k = f64x2.sub(f64x2.add(e, v128.and(big, splat(1.0))), bias);
  const f = f64x2.sub(m, splat(1.0));
  const s = f64x2.div(f, f64x2.add(splat(2.0), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(
    w,
    f64x2.add(splat(LG2), f64x2.mul(w, f64x2.add(splat(LG4), f64x2.mul(w, splat(LG6))))),
  );
  const t2 = f64x2.mul(
    z,
    f64x2.add(
      splat(LG1),
      f64x2.mul(w, f64x2.add(splat(LG3), f64x2.mul(w, f64x2.add(splat(LG5), f64x2.mul(w, splat(LG7)))))),
    ),
  );
  const R = f64x2.add(t2, t1);
  const hfsq = f64x2.mul(splat(0.5), f64x2.mul(f, f));
  // log x = k ln2_hi - ((hfsq - (s (hfsq + R) + k ln2_lo)) - f)
  const inner = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), f64x2.mul(k, splat(LN2_LO)));
  let y = f64x2.sub(f64x2.mul(k, splat(LN2_HI)), f64x2.sub(f64x2.sub(hfsq, inner), f));
  // Special values: 0 -> -inf, negative -> NaN, +inf -> +inf, NaN -> NaN.
  y = v128.bitselect(splat(-Infinity), y, f64x2.eq(x, splat(0.0)));
  y = v128.bitselect(splat(NaN), y, f64x2.lt(x, splat(0.0)));
  y = v128.bitselect(x, y, f64x2.ne(x, x));
  return v128.bitselect(x, y, f64x2.eq(x, splat(Infinity)));
}

/** log(1 + x) per lane, accurate near 0: log(u) x / (u - 1) with u = 1 + x (Kahan). */
export function vlog1p(x: v128): v128 {
  const u = f64x2.add(splat(1.0), x);
  const d = f64x2.sub(u, splat(1.0));
  const y = f64x2.mul(vlog(u), f64x2.div(x, d));
  // u === 1: log1p(x) = x to full precision; u === +inf: +inf (the ratio would be inf/inf).
  const r = v128.bitselect(x, y, f64x2.eq(d, splat(0.0)));
  return v128.bitselect(u, r, f64x2.eq(u, splat(Infinity)));
}

/** e^x - 1 per lane, accurate near 0: (u - 1) x / log(u) with u = e^x (Kahan). */
export function vexpm1(x: v128): v128 {
  const u = vexp(x);
  const d = f64x2.sub(u, splat(1.0));
  const y = f64x2.mul(d, f64x2.div(x, vlog(u)));
  // u === 1: x; u - 1 === -1 (x very negative): -1; u === +inf: +inf; NaN passes through the arithmetic.
  let r = v128.bitselect(x, y, f64x2.eq(d, splat(0.0)));
  r = v128.bitselect(splat(-1.0), r, f64x2.eq(d, splat(-1.0)));
  return v128.bitselect(u, r, f64x2.eq(u, splat(Infinity)));
}

/** tanh per lane: -t / (t + 2) with t = expm1(-2|x|), sign restored (exact ±1 beyond |x| = 22). */
export function vtanh(x: v128): v128 {
  const ax = f64x2.abs(x);
  const t = vexpm1(f64x2.mul(ax, splat(-2.0)));
  let y = f64x2.div(f64x2.neg(t), f64x2.add(t, splat(2.0)));
  y = v128.bitselect(splat(1.0), y, f64x2.gt(ax, splat(22.0)));
  // Copy x's sign bit onto y (NaN stays NaN).
  return v128.or(y, v128.and(x, i64x2.splat(0x8000000000000000)));
}

/** 1 / (1 + e^-x) per lane, the reference's formula (stable: e^-x overflows to inf and the result is 0). */
export function vsigmoid(x: v128): v128 {
  return f64x2.div(splat(1.0), f64x2.add(splat(1.0), vexp(f64x2.neg(x))));
}

/** log(1 + e^x) per lane, stably: max(x, 0) + log1p(e^-|x|), the reference's formula. */
export function vsoftplus(x: v128): v128 {
  const pos = f64x2.gt(x, splat(0.0));
  const e = vexp(v128.bitselect(f64x2.neg(x), x, pos));
  const l = vlog1p(e);
  return v128.bitselect(f64x2.add(x, l), l, pos);
}
