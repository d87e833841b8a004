// Elementwise inner kernels: the reference's scalar semantics (Math.pow/max/min cases, its erf/erfc
// algorithms, also on vectors lane by lane), then unary and binary ops over vectors of the build.
// Part of the inner kernels: included only by kernels_impl.h, which defines CR_NS (the build's namespace)
// and CR_W, and turns off multiply-add contraction first.
#pragma once

namespace CR_NS {

// ---------------------------------------------------------------------------------------------------------
// Scalar semantics (the reference's, in float64) for the ops without a vector form and for odd strides.

/** Math.pow: as C's pow except that a NaN exponent, and ±1 to an infinite power, give NaN. */
static inline double js_pow(double a, double b) {
  if (b != b) return b;
  if (std::isinf(b) && (a == 1.0 || a == -1.0)) return __builtin_nan("");
  return std::pow(a, b);
}

static inline double js_max(double a, double b) {
  if (a != a) return a;
  if (b != b) return b;
  if (a == b) return a == 0 ? (std::signbit(a) ? b : a) : a;  // max(-0, 0) = 0
  return a > b ? a : b;
}

static inline double js_min(double a, double b) {
  if (a != a) return a;
  if (b != b) return b;
  if (a == b) return a == 0 ? (std::signbit(a) ? a : b) : a;  // min(-0, 0) = -0
  return a < b ? a : b;
}

// erf and erfc: the reference's own algorithms (src/backend/js/special.ts), step for step, with the fdlibm
// exp, so results agree with it to the last bit or so (the C library's differ from it by up to ~30 ulps in
// the far tail of erfc, where the reference's continued fraction is itself that far off).
static inline double exp1(double x) { return vexp(splat(x))[0]; }

static inline double erf_series(double x) {
  const double ax = std::fabs(x);
  const double x2 = ax * ax;
  double term = ax;
  double sum = ax;
  for (int n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const double r = 1.1283791670955126 * exp1(-x2) * sum;
  return x < 0 ? -r : r;
}

static inline double erfc_cf(double x) {
  const double tiny = 1e-300;
  double f = x, c = f, d = 0;
  for (int n = 1; n < 5000; n++) {
    const double a = n / 2.0;
    d = x + a * d;
    if (d == 0) d = tiny;
    d = 1 / d;
    c = x + a / c;
    if (c == 0) c = tiny;
    const double delta = c * d;
    f *= delta;
    if (std::fabs(delta - 1) < 1e-16) break;
  }
  return (0.5641895835477563 * exp1(-x * x)) / f;
}

static inline double js_erf(double x) {
  if (x != x) return x;
  const double ax = std::fabs(x);
  if (ax < 2.5) return erf_series(x);
  if (ax > 6) return x > 0 ? 1 : -1;
  const double r = 1 - erfc_cf(ax);
  return x > 0 ? r : -r;
}

static inline double js_erfc(double x) {
  if (x != x) return x;
  if (x < 0) return 2 - js_erfc(-x);
  if (x < 1) return 1 - erf_series(x);
  if (x > 27.3) return 0;
  return erfc_cf(x);
}

/** The C library's log1p of each lane. */
static inline vd lanewise_log1p(vd v) {
  for (int l = 0; l < CR_W; l++) v[l] = std::log1p(v[l]);
  return v;
}

/** float64 log1p, expm1, tanh and softplus from the C library (closest to V8's fdlibm; see unary_k). */
static inline double libm_scalar(int op, double x) {
  switch (op) {
    case k::U_LOG1P: return std::log1p(x);
    case k::U_EXPM1: return std::expm1(x);
    case k::U_TANH: return std::tanh(x);
    default: return x > 0 ? x + std::log1p(exp1(-x)) : std::log1p(exp1(x));  // softplus, the reference's formula
  }
}

// erf and erfc on vectors: the same series and continued fraction, lane by lane (each lane stops updating at
// the iteration where the scalar loop would break), so every lane's result is js_erf/js_erfc's bit for bit.

/** erf_series of the lanes in `on` (others: 0), with its sign. */
static inline vd verf_series(vd x, vi on) {
  const vd ax = from_bits(bits(x) & 0x7fffffffffffffffLL);
  const vd x2 = ax * ax;
  vd term = ax, sum = ax;
  vi active = on;
  for (int n = 1; n < 200; n++) {
    if (!any(active)) break;
    const vd t = term * ((2.0 * x2) / (double)(2 * n + 1));
    const vd s = sum + t;
    term = sel(active, t, term);
    sum = sel(active, s, sum);
    active &= ~(vi)(t < s * 1e-17);
  }
  const vd r = (1.1283791670955126 * vexp(-x2)) * sum;
  return sel(x < 0.0, -r, r);
}

/** erfc_cf of the lanes in `on` (others: meaningless). */
static inline vd verfc_cf(vd x, vi on) {
  const vd tiny = splat(1e-300);
  vd f = x, c = f, d = splat(0);
  vi active = on;
  for (int n = 1; n < 5000; n++) {
    if (!any(active)) break;
    const double a = n / 2.0;
    vd dn = x + a * d;
    dn = sel(dn == 0.0, tiny, dn);
    dn = 1.0 / dn;
    vd cn = x + a / c;
    cn = sel(cn == 0.0, tiny, cn);
    const vd delta = cn * dn;
    d = sel(active, dn, d);
    c = sel(active, cn, c);
    f = sel(active, f * delta, f);
    const vd dev = from_bits(bits(delta - 1.0) & 0x7fffffffffffffffLL);
    active &= ~(vi)(dev < 1e-16);
  }
  return (0.5641895835477563 * vexp(-x * x)) / f;
}

static inline vd verf(vd x) {
  const vd ax = from_bits(bits(x) & 0x7fffffffffffffffLL);
  const vi series = ax < 2.5;
  const vi cf = (ax >= 2.5) & (ax <= 6.0);
  const vd rs = verf_series(sel(series, x, splat(0)), series);
  const vd rc = 1.0 - verfc_cf(sel(cf, ax, splat(3.0)), cf);
  vd r = sel(x > 0.0, splat(1.0), splat(-1.0));  // |x| > 6
  r = sel(cf, sel(x > 0.0, rc, -rc), r);
  r = sel(series, rs, r);
  return sel(x != x, x, r);
}

static inline vd verfc(vd x) {
  const vd y = from_bits(bits(x) & 0x7fffffffffffffffLL);  // erfc(x) = 2 - erfc(-x) for x < 0
  const vi series = y < 1.0;
  const vi cf = (y >= 1.0) & (y <= 27.3);
  const vd rs = 1.0 - verf_series(sel(series, y, splat(0)), series);
  const vd rc = verfc_cf(sel(cf, y, splat(3.0)), cf);
  vd e = sel(cf, rc, splat(0));
  e = sel(series, rs, e);
  e = sel(x < 0.0, 2.0 - e, e);
  return sel(x != x, x, e);
}

/** sin, cos, erf and erfc of one element in float64 (the unary ops without a vector form). */
static inline double unary_scalar(int op, double x) {
  switch (op) {
    case k::U_SIN: return std::sin(x);
    case k::U_COS: return std::cos(x);
    case k::U_ERF: return js_erf(x);
    default: return js_erfc(x);
  }
}

static inline vd vbce(vd p, vd t) {
  // -(t max(log p, -100) + (1 - t) max(log1p(-p), -100)); NaN propagates through the max, as Math.max.
  vd a = vlog(p);
  a = sel(a < -100.0, splat(-100.0), a);
  vd b = vlog1p(-p);
  b = sel(b < -100.0, splat(-100.0), b);
  return -(t * a + (1.0 - t) * b);
}

/** float64 binary cross-entropy: -(t max(log p, -100) + (1 - t) max(log1p(-p), -100)), NaN propagating. */
static inline double bce_scalar(double p, double t) {
  double a = vlog(splat(p))[0];
  a = a < -100.0 ? -100.0 : a;
  double b = std::log1p(-p);
  b = b < -100.0 ? -100.0 : b;
  return -(t * a + (1.0 - t) * b);
}

/** One element of any binary op, computed as the reference does (float64, rounded by the caller). */
static inline double binary_scalar(int op, double a, double b) {
  switch (op) {
    case k::B_ADD: return a + b;
    case k::B_SUB: return a - b;
    case k::B_MUL: return a * b;
    case k::B_DIV: return a / b;
    case k::B_POW: return js_pow(a, b);
    case k::B_MAX: return js_max(a, b);
    case k::B_MIN: return js_min(a, b);
    case k::B_GT: return a > b ? 1.0 : 0.0;
    case k::B_GE: return a >= b ? 1.0 : 0.0;
    case k::B_LT: return a < b ? 1.0 : 0.0;
    case k::B_LE: return a <= b ? 1.0 : 0.0;
    case k::B_EQ: return a == b ? 1.0 : 0.0;
    case k::B_NE: return a != b ? 1.0 : 0.0;
    case k::B_BCE: return bce_scalar(a, b);
    default: return 0;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Elementwise

template <typename T>
static inline vec<T> vrelu(vec<T> x) {
  const vec<T> zero = vsplat<T>(0);
  // relu(NaN) = NaN and relu(-0) = 0, as the reference: keep x where x > 0 or x is NaN.
  return vsel<T>((x > zero) | (x != x), x, zero);
}

template <typename T>
static void unary_k(int op, const T* x, T* out, int64_t n) {
  const vec<T> zero = vsplat<T>(0);
  const vec<T> one = vsplat<T>(1);
  switch (op) {
    case k::U_NEG: map1(x, out, n, [](vec<T> v) { return -v; }); return;
    case k::U_RELU: map1(x, out, n, [](vec<T> v) { return vrelu<T>(v); }); return;
    case k::U_ABS:
      map1(x, out, n, [](vec<T> v) {
        const mask<T> sign = (mask<T>)vsplat<T>(-0.0);
        return (vec<T>)((mask<T>)v & ~sign);
      });
      return;
    case k::U_SIGN:
      map1(x, out, n, [&](vec<T> v) {
        // 1, -1, or 0 for either zero (1 - 1 and 0 - 0 are +0); NaN stays NaN, as the reference.
        const vec<T> r = vsel<T>(v > zero, one, zero) - vsel<T>(v < zero, one, zero);
        return vsel<T>(v != v, v, r);
      });
      return;
    case k::U_COPY: std::memmove(out, x, n * sizeof(T)); return;
    case k::U_SQRT: map1(x, out, n, [](vec<T> v) { return vsqrt(v); }); return;
    case k::U_SOFTPLUS:
      if (sizeof(T) == 8) {
        // float64: the reference's formula with the vector exp and the C library's log1p (see below).
        map1_wide(x, out, n, [](vd v) {
          const vi pos = v > 0.0;
          const vd l = lanewise_log1p(vexp(sel(pos, -v, v)));
          return sel(pos, v + l, l);
        });
        return;
      }
      break;
    case k::U_LOG1P:
    case k::U_EXPM1:
    case k::U_TANH:
      if (sizeof(T) == 8) {
        // float64: the C library's log1p/expm1/tanh are within 1-2 ulps of V8's fdlibm ones, where the
        // vector forms below (Kahan's, exact enough for float32's one rounding) differ by up to ~4.
        for (int64_t i = 0; i < n; i++) out[i] = (T)libm_scalar(op, (double)x[i]);
        return;
      }
      break;
    default:
      break;
  }
  switch (op) {
    case k::U_EXP: map1_wide(x, out, n, [](vd v) { return vexp(v); }); return;
    case k::U_LOG: map1_wide(x, out, n, [](vd v) { return vlog(v); }); return;
    case k::U_LOG1P: map1_wide(x, out, n, [](vd v) { return vlog1p(v); }); return;
    case k::U_EXPM1: map1_wide(x, out, n, [](vd v) { return vexpm1(v); }); return;
    case k::U_TANH: map1_wide(x, out, n, [](vd v) { return vtanh_f32(v); }); return;  // float32 only (above)
    case k::U_SIGMOID: map1_wide(x, out, n, [](vd v) { return vsigmoid(v); }); return;
    case k::U_SOFTPLUS: map1_wide(x, out, n, [](vd v) { return vsoftplus(v); }); return;
    case k::U_ERF:
    case k::U_ERFC:
      if (sizeof(T) == 4) {
        // float32: the C library's erf/erfc (within an ulp of the truth in float64, as the reference's series
        // is within ~30 at worst) round to the reference's float32 value, several times faster than its series.
        for (int64_t i = 0; i < n; i++) out[i] = (T)(op == k::U_ERF ? std::erf((double)x[i]) : std::erfc((double)x[i]));
      } else if (op == k::U_ERF) {
        map1_wide(x, out, n, [](vd v) { return verf(v); });
      } else {
        map1_wide(x, out, n, [](vd v) { return verfc(v); });
      }
      return;
    default:
      // sin, cos: the C library's, in float64.
      for (int64_t i = 0; i < n; i++) out[i] = (T)unary_scalar(op, (double)x[i]);
      return;
  }
}

/** max (or min) of two vectors of T as Math.max (Math.min): NaN wins, max(-0, 0) = 0, min(-0, 0) = -0. */
template <typename T, bool MAX>
static inline vec<T> vextremum(vec<T> a, vec<T> b) {
  vec<T> r = MAX ? vsel<T>(a > b, a, b) : vsel<T>(a < b, a, b);
  // Equal (zeros of either sign): and the bits for max (+0 wins), or them for min (-0 wins).
  const vec<T> tie = MAX ? (vec<T>)((mask<T>)a & (mask<T>)b) : (vec<T>)((mask<T>)a | (mask<T>)b);
  r = vsel<T>(a == b, tie, r);
  r = vsel<T>(b != b, b, r);
  return vsel<T>(a != a, a, r);
}

template <typename T>
static void binary_k(int op, const T* a, int sa, const T* b, int sb, T* out, int64_t n) {
  const vec<T> zero = vsplat<T>(0);
  const vec<T> one = vsplat<T>(1);
  switch (op) {
    case k::B_ADD: map2(a, sa, b, sb, out, n, [](vec<T> x, vec<T> y) { return x + y; }); return;
    case k::B_SUB: map2(a, sa, b, sb, out, n, [](vec<T> x, vec<T> y) { return x - y; }); return;
    case k::B_MUL: map2(a, sa, b, sb, out, n, [](vec<T> x, vec<T> y) { return x * y; }); return;
    case k::B_DIV: map2(a, sa, b, sb, out, n, [](vec<T> x, vec<T> y) { return x / y; }); return;
    case k::B_MAX:
      map2(a, sa, b, sb, out, n, [](vec<T> x, vec<T> y) { return vextremum<T, true>(x, y); });
      return;
    case k::B_MIN:
      map2(a, sa, b, sb, out, n, [](vec<T> x, vec<T> y) { return vextremum<T, false>(x, y); });
      return;
    case k::B_GT: map2(a, sa, b, sb, out, n, [&](vec<T> x, vec<T> y) { return vsel<T>(x > y, one, zero); }); return;
    case k::B_GE: map2(a, sa, b, sb, out, n, [&](vec<T> x, vec<T> y) { return vsel<T>(x >= y, one, zero); }); return;
    case k::B_LT: map2(a, sa, b, sb, out, n, [&](vec<T> x, vec<T> y) { return vsel<T>(x < y, one, zero); }); return;
    case k::B_LE: map2(a, sa, b, sb, out, n, [&](vec<T> x, vec<T> y) { return vsel<T>(x <= y, one, zero); }); return;
    case k::B_EQ: map2(a, sa, b, sb, out, n, [&](vec<T> x, vec<T> y) { return vsel<T>(x == y, one, zero); }); return;
    case k::B_NE: map2(a, sa, b, sb, out, n, [&](vec<T> x, vec<T> y) { return vsel<T>(x != y, one, zero); }); return;
    case k::B_BCE:
      if (sizeof(T) == 8) {
        // float64: the vector log and the C library's log1p (as for the unary ops), the reference's formula.
        map2_wide(a, sa, b, sb, out, n, [](vd p, vd t) {
          vd l = vlog(p);
          l = sel(l < -100.0, splat(-100.0), l);
          vd m = lanewise_log1p(-p);
          m = sel(m < -100.0, splat(-100.0), m);
          return -(t * l + (1.0 - t) * m);
        });
        return;
      }
      map2_wide(a, sa, b, sb, out, n, [](vd p, vd t) { return vbce(p, t); });
      return;
    default:
      // pow: the C library's with Math.pow's special cases, in float64.
      for (int64_t i = 0; i < n; i++) out[i] = (T)binary_scalar(op, (double)a[i * sa], (double)b[i * sb]);
      return;
  }
}

template <typename T>
static void binary_any_k(int op, const T* a, int64_t sa, const T* b, int64_t sb, T* out, int64_t n) {
  if ((sa == 0 || sa == 1) && (sb == 0 || sb == 1)) {
    binary_k<T>(op, a, (int)sa, b, (int)sb, out, n);
    return;
  }
  for (int64_t i = 0; i < n; i++) {
    const double x = (double)a[i * sa];
    const double y = (double)b[i * sb];
    // + - * / are exact in float32 too; the rest follow the reference's float64 formula, rounded once.
    out[i] = (T)binary_scalar(op, x, y);
  }
}

}  // namespace CR_NS
