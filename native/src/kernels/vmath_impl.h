// Vector math on double lanes (GCC/Clang vector extensions), a port of src/backend/wasm/assembly/vmath.ts:
// exp and log follow fdlibm (the algorithms behind V8's Math.exp/Math.log), log1p/expm1 use Kahan's
// cancellation-free forms. Included by kernels_impl.h with CR_W (lanes) set; no intrinsics, so the same code
// is SSE2, AVX2 or AVX-512 depending on the flags of the file that includes it.
// NOTE: the including files are compiled with fp-contract off: a fused multiply-add would round differently
// from the reference (V8 never fuses), and these kernels are tested to agree with it within an ulp or so.

#pragma once

#include <cstdint>

namespace CR_NS {

typedef double vd __attribute__((vector_size(CR_W * 8)));
typedef int64_t vi __attribute__((vector_size(CR_W * 8)));
typedef float vf __attribute__((vector_size(CR_W * 4)));

// NOTE: x - 0 rather than 0 + x, which would turn -0 into +0.
static inline vd splat(double x) { return x - vd{}; }
static inline vi bits(vd x) { return (vi)x; }
static inline vd from_bits(vi x) { return (vd)x; }
/** True when any lane of the mask is set. */
static inline bool any(vi m) {
  int64_t r = 0;
  for (int l = 0; l < CR_W; l++) r |= m[l];
  return r != 0;
}
/** Lane select: m ? a : b (m from a comparison: all ones or zero per lane). */
static inline vd sel(vi m, vd a, vd b) { return from_bits((bits(a) & m) | (bits(b) & ~m)); }

static const double LN2_HI = 0.6931471803691238;
static const double LN2_LO = 1.9082149292705877e-10;
static const double INV_LN2 = 1.4426950408889634;
static const double P1 = 0.16666666666666602;
static const double P2 = -0.0027777777777015593;
static const double P3 = 6.613756321437934e-5;
static const double P4 = -1.6533902205465252e-6;
static const double P5 = 4.1381367970572385e-8;
static const double LG1 = 0.6666666666666735;
static const double LG2 = 0.3999999999940942;
static const double LG3 = 0.2857142874366239;
static const double LG4 = 0.22222198432149784;
static const double LG5 = 0.1818357216161805;
static const double LG6 = 0.15313837699209373;
static const double LG7 = 0.14798198605116586;
static const double ROUND_MAGIC = 6755399441055744.0;  // 1.5 * 2^52: x + M - M rounds x to an integer (ties even)

/** Rounds to the nearest integer, ties to even (|x| < 2^51); NaN stays NaN. */
static inline vd nearest(vd x) { return (x + ROUND_MAGIC) - ROUND_MAGIC; }

/** 2^k for integral k in [-1022, 1023], built in the exponent bits. */
static inline vd pow2(vd k) {
  const vd t = k + 4503599627371519.0;  // 2^52 + 1023: k + 1023 lands in the low mantissa bits
  return from_bits(bits(t) << 52);
}

/** e^x per lane. */
static inline vd vexp(vd x) {
  // Outside [-746, 710] the result is 0 or +inf; clamping keeps k in range (NaN passes through: compares false).
  vd xc = sel(x < -746.0, splat(-746.0), x);
  xc = sel(xc > 710.0, splat(710.0), xc);
  const vd k = nearest(xc * INV_LN2);
  const vd hi = xc - k * LN2_HI;
  const vd lo = k * LN2_LO;
  const vd r = hi - lo;
  const vd t = r * r;
  const vd poly = P1 + t * (P2 + t * (P3 + t * (P4 + t * P5)));
  const vd c = r - t * poly;
  const vd y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
  // 2^k in two factors, so subnormal results and k = 1024 (overflow to inf) scale correctly; the first
  // product is always exact, so any split gives the same result.
  const vd k1 = nearest(k * 0.5);
  const vd k2 = k - k1;
  return (y * pow2(k1)) * pow2(k2);
}

/** Natural log per lane: NaN below 0, -inf at 0, +inf at +inf. */
static inline vd vlog(vd x) {
  // Subnormals: scale up by 2^54 so the exponent field is meaningful.
  const vi tiny = x < 2.2250738585072014e-308;
  const vd xs = sel(tiny, x * 18014398509481984.0, x);
  const vd bias = sel(tiny, splat(54.0), splat(0.0));
  // x = 2^e m with m in [1, 2); then m in [sqrt(2)/2, sqrt(2)) by moving a factor 2 into e.
  const vi expBits = (vi)((uint64_t __attribute__((vector_size(CR_W * 8))))bits(xs) >> 52);
  const vd e = from_bits(expBits | bits(splat(4503599627370496.0))) - (4503599627370496.0 + 1023.0);
  vd m = from_bits((bits(xs) & 0x000fffffffffffffLL) | bits(splat(1.0)));
  const vi big = m > 1.4142135623730951;
  m = sel(big, m * 0.5, m);
  const vd k = (e + sel(big, splat(1.0), splat(0.0))) - bias;
  const vd f = m - 1.0;
  const vd s = f / (2.0 + f);
  const vd z = s * s;
  const vd w = z * z;
  const vd t1 = w * (LG2 + w * (LG4 + w * LG6));
  const vd t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const vd R = t2 + t1;
  const vd hfsq = 0.5 * (f * f);
  const vd inner = s * (hfsq + R) + k * LN2_LO;
  vd y = k * LN2_HI - ((hfsq - inner) - f);
  // Special values: 0 -> -inf, negative -> NaN, +inf -> +inf, NaN -> NaN.
  y = sel(x == 0.0, splat(-__builtin_inf()), y);
  y = sel(x < 0.0, splat(__builtin_nan("")), y);
  y = sel(x != x, x, y);
  return sel(x == __builtin_inf(), x, y);
}

/** log(1 + x) per lane, accurate near 0: log(u) x / (u - 1) with u = 1 + x (Kahan). */
static inline vd vlog1p(vd x) {
  const vd u = 1.0 + x;
  const vd d = u - 1.0;
  const vd y = vlog(u) * (x / d);
  // u === 1: log1p(x) = x to full precision; u === +inf: +inf (the ratio would be inf/inf).
  const vd r = sel(d == 0.0, x, y);
  return sel(u == __builtin_inf(), u, r);
}

/** e^x - 1 per lane, accurate near 0: (u - 1) x / log(u) with u = e^x (Kahan). */
static inline vd vexpm1(vd x) {
  const vd u = vexp(x);
  const vd d = u - 1.0;
  const vd y = d * (x / vlog(u));
  // u === 1: x; u - 1 === -1 (x very negative): -1; u === +inf: +inf; NaN passes through the arithmetic.
  vd r = sel(d == 0.0, x, y);
  r = sel(d == -1.0, splat(-1.0), r);
  return sel(u == __builtin_inf(), u, r);
}

/**
 * tanh per lane for float32 results: 1 - 2/(e^{2|x|} + 1), sign restored, and x itself below 2^-13 (where
 * tanh(x) rounds to x in float32). About 2^-38 relative error near 2^-13 (cancellation), far below float32's
 * half ulp: the rounded result is the reference's except, rarely, at a rounding tie (then 1 ulp away). 3x
 * faster than the expm1-based form (-t / (t + 2), t = expm1(-2|x|)).
 */
static inline vd vtanh_f32(vd x) {
  const vd ax = from_bits(bits(x) & 0x7fffffffffffffffLL);
  const vd e = vexp(ax * 2.0);
  vd y = 1.0 - 2.0 / (e + 1.0);
  y = sel(ax < 1.220703125e-4, ax, y);
  return from_bits(bits(y) | (bits(x) & (int64_t)0x8000000000000000ULL));
}

/** 1 / (1 + e^-x) per lane, the reference's formula (stable: e^-x overflows to inf and the result is 0). */
static inline vd vsigmoid(vd x) { return 1.0 / (1.0 + vexp(-x)); }

/** log(1 + e^x) per lane, stably: x + log1p(e^-x) for x > 0, else log1p(e^x) (the reference's formula). */
static inline vd vsoftplus(vd x) {
  const vi pos = x > 0.0;
  const vd e = vexp(sel(pos, -x, x));
  const vd l = vlog1p(e);
  return sel(pos, x + l, l);
}

}  // namespace CR_NS
