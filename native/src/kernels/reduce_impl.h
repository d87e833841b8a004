// Reduction and softmax inner kernels: float64 sums, NaN-winning max/min over runs and column blocks,
// softmax/log-softmax over rows (short rows several at once) and over column blocks.
// Part of the inner kernels: included only by kernels_impl.h, which defines CR_NS (the build's namespace)
// and CR_W, and turns off multiply-add contraction first.
#pragma once

namespace CR_NS {

// ---------------------------------------------------------------------------------------------------------
// Reductions

template <typename T>
static double sum_k(const T* x, int64_t n) {
  vd s0 = splat(0), s1 = s0, s2 = s0, s3 = s0;
  int64_t i = 0;
  for (; i + 4 * CR_W <= n; i += 4 * CR_W) {
    s0 += widen(x + i);
    s1 += widen(x + i + CR_W);
    s2 += widen(x + i + 2 * CR_W);
    s3 += widen(x + i + 3 * CR_W);
  }
  const vd s = (s0 + s1) + (s2 + s3);
  double t = 0;
  for (int j = 0; j < CR_W; j++) t += s[j];
  for (; i < n; i++) t += (double)x[i];
  return t;
}

/** acc folded with v as the reference's max (min): a NaN accumulator stays, a NaN value wins. */
template <typename T>
static inline T fold(int op, T acc, T v) {
  if (acc != acc) return acc;
  if (op == k::R_MAX) return !(v <= acc) ? v : acc;
  return !(v >= acc) ? v : acc;
}

template <typename T>
static T extremum_k(int op, const T* x, int64_t n, T acc) {
  constexpr int L = V<T>::L;
  int64_t i = 0;
  if (n >= 2 * L) {
    vec<T> a0 = vsplat(acc), a1 = a0;
    const bool mx = op == k::R_MAX;
    for (; i + 2 * L <= n; i += 2 * L) {
      const vec<T> v0 = vload(x + i);
      const vec<T> v1 = vload(x + i + L);
      // Take v where it beats the accumulator or is NaN; a NaN accumulator lane never changes.
      a0 = vsel<T>((mx ? v0 > a0 : v0 < a0) | (v0 != v0), v0, a0);
      a1 = vsel<T>((mx ? v1 > a1 : v1 < a1) | (v1 != v1), v1, a1);
    }
    for (int j = 0; j < L; j++) acc = fold(op, fold(op, acc, a0[j]), a1[j]);
  }
  for (; i < n; i++) acc = fold(op, acc, x[i]);
  return acc;
}

template <typename T>
static void colsum_k(const T* x, int64_t r, int64_t stride, int64_t cols, double* acc) {
  for (int64_t kk = 0; kk < r; kk++) {
    const T* row = x + kk * stride;
    int64_t c = 0;
    for (; c + CR_W <= cols; c += CR_W) {
      vd a;
      std::memcpy(&a, acc + c, sizeof a);
      a += widen(row + c);
      std::memcpy(acc + c, &a, sizeof a);
    }
    for (; c < cols; c++) acc[c] += (double)row[c];
  }
}

template <typename T>
static void colext_k(int op, const T* x, int64_t r, int64_t stride, int64_t cols, T* acc) {
  constexpr int L = V<T>::L;
  const bool mx = op == k::R_MAX;
  for (int64_t kk = 0; kk < r; kk++) {
    const T* row = x + kk * stride;
    int64_t c = 0;
    for (; c + L <= cols; c += L) {
      const vec<T> a = vload(acc + c);
      const vec<T> v = vload(row + c);
      vstore(acc + c, vsel<T>((mx ? v > a : v < a) | (v != v), v, a));
    }
    for (; c < cols; c++) acc[c] = fold(op, acc[c], row[c]);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Softmax: subtract the maximum (0 when it is infinite), exponentiate and sum in float64, as the reference.

/** Folds the lanes of a max vector as the reference does (a NaN lane wins). */
static inline double fold_max(vd m) {
  double r = -__builtin_inf();
  for (int l = 0; l < CR_W; l++) r = fold<double>(k::R_MAX, r, m[l]);
  return r;
}

/** Per-thread float64 scratch (a row widened, or a column block's exponentials), grown as needed. */
static inline double* scratch(int64_t n) {
  static thread_local std::vector<double> buf;
  if ((int64_t)buf.size() < n) buf.resize(n);
  return buf.data();
}

/** Softmax (log) of one long row without scratch: max, sum of exponentials, then each output recomputed. */
template <typename T>
static void softmax_long_row(const T* xr, T* o, int64_t n, bool log) {
  double max = (double)extremum_k<T>(k::R_MAX, xr, n, (T)-__builtin_inf());
  if (max == __builtin_inf() || max == -__builtin_inf()) max = 0;
  const vd vmax = splat(max);
  vd s0 = splat(0), s1 = s0;
  int64_t j = 0;
  for (; j + 2 * CR_W <= n; j += 2 * CR_W) {
    s0 += vexp(widen(xr + j) - vmax);
    s1 += vexp(widen(xr + j + CR_W) - vmax);
  }
  const vd s = s0 + s1;
  double sum = 0;
  for (int l = 0; l < CR_W; l++) sum += s[l];
  for (; j < n; j++) sum += vexp(splat((double)xr[j] - max))[0];
  if (log) {
    const vd lse = splat(vlog(splat(sum))[0]);
    map1_wide(xr, o, n, [&](vd v) { return (v - vmax) - lse; });
  } else {
    const vd vs = splat(sum);
    map1_wide(xr, o, n, [&](vd v) { return vexp(v - vmax) / vs; });
  }
}

/**
 * Short rows (n <= 32, e.g. class logits): CR_W rows at once, one per lane, each walked in order as the
 * reference walks it (so the sums are its sums, bit for bit). Returns the number of rows done.
 */
template <typename T>
static int64_t softmax_short_rows(const T* x, T* out, int64_t rows, int64_t n, bool log) {
  int64_t r = 0;
  vd e[32];
  for (; r + CR_W <= rows; r += CR_W) {
    const T* xr = x + r * n;
    for (int64_t j = 0; j < n; j++)
      for (int l = 0; l < CR_W; l++) e[j][l] = (double)xr[l * n + j];
    vd max = splat(-__builtin_inf());
    for (int64_t j = 0; j < n; j++) max = sel((e[j] > max) | (e[j] != e[j]), e[j], max);
    max = sel((max == __builtin_inf()) | (max == -__builtin_inf()), splat(0), max);
    vd sum = splat(0);
    if (log) {
      for (int64_t j = 0; j < n; j++) sum += vexp(e[j] - max);
      const vd lse = vlog(sum);
      for (int64_t j = 0; j < n; j++) e[j] = (e[j] - max) - lse;
    } else {
      for (int64_t j = 0; j < n; j++) {
        e[j] = vexp(e[j] - max);
        sum += e[j];
      }
      for (int64_t j = 0; j < n; j++) e[j] = e[j] / sum;
    }
    T* o = out + r * n;
    for (int64_t j = 0; j < n; j++)
      for (int l = 0; l < CR_W; l++) o[l * n + j] = (T)e[j][l];
  }
  return r;
}

template <typename T>
static void softmax_rows_k(const T* x, T* out, int64_t rows, int64_t n, bool log) {
  if (n <= 32 && rows >= CR_W) {
    const int64_t done = softmax_short_rows(x, out, rows, n, log);
    x += done * n;
    out += done * n;
    rows -= done;
  }
  if (n > (1 << 16)) {
    // Long rows: no scratch copy (it would hold the whole row in float64).
    for (int64_t r = 0; r < rows; r++) softmax_long_row(x + r * n, out + r * n, n, log);
    return;
  }
  // Each row is widened once into a scratch row padded with -inf to whole vectors (exp(-inf) = 0 adds
  // nothing), so every pass is whole vectors; softmax keeps the exponentials there for the division.
  const int64_t m = (n + CR_W - 1) / CR_W * CR_W;
  double* buf = scratch(m);
  for (int64_t r = 0; r < rows; r++) {
    const T* xr = x + r * n;
    T* o = out + r * n;
    for (int64_t j = 0; j < n; j++) buf[j] = (double)xr[j];
    for (int64_t j = n; j < m; j++) buf[j] = -__builtin_inf();
    vd vm = splat(-__builtin_inf());
    for (int64_t j = 0; j < m; j += CR_W) {
      const vd v = widen(buf + j);
      vm = sel((v > vm) | (v != v), v, vm);
    }
    double max = fold_max(vm);
    if (max == __builtin_inf() || max == -__builtin_inf()) max = 0;
    const vd vmax = splat(max);
    vd vs = splat(0);
    for (int64_t j = 0; j < m; j += CR_W) {
      const vd e = vexp(widen(buf + j) - vmax);
      vs += e;
      if (!log) narrow(buf + j, e);
    }
    double sum = 0;
    for (int l = 0; l < CR_W; l++) sum += vs[l];
    if (log) {
      const vd lse = splat(vlog(splat(sum))[0]);
      for (int64_t j = 0; j < m; j += CR_W) narrow(buf + j, (widen(buf + j) - vmax) - lse);
    } else {
      const vd vsum = splat(sum);
      for (int64_t j = 0; j < m; j += CR_W) narrow(buf + j, widen(buf + j) / vsum);
    }
    for (int64_t j = 0; j < n; j++) o[j] = (T)buf[j];
  }
}

template <typename T>
static void softmax_cols_k(const T* x, T* out, int64_t n, int64_t inner, int64_t c0, int64_t c1, bool log) {
  // CR_W columns at a time; their exponentials are kept in scratch for the division when they fit.
  const bool keep = !log && n <= (1 << 14);
  double* ex = keep ? scratch(n * CR_W) : nullptr;
  int64_t c = c0;
  for (; c + CR_W <= c1; c += CR_W) {
    vd max = splat(-__builtin_inf());
    for (int64_t j = 0; j < n; j++) {
      const vd v = widen(x + j * inner + c);
      max = sel((v > max) | (v != v), v, max);
    }
    max = sel((max == __builtin_inf()) | (max == -__builtin_inf()), splat(0), max);
    vd sum = splat(0);
    for (int64_t j = 0; j < n; j++) {
      const vd e = vexp(widen(x + j * inner + c) - max);
      sum += e;
      if (keep) narrow(ex + j * CR_W, e);
    }
    if (log) {
      const vd lse = vlog(sum);
      for (int64_t j = 0; j < n; j++) narrow(out + j * inner + c, (widen(x + j * inner + c) - max) - lse);
    } else if (keep) {
      for (int64_t j = 0; j < n; j++) narrow(out + j * inner + c, widen(ex + j * CR_W) / sum);
    } else {
      for (int64_t j = 0; j < n; j++) narrow(out + j * inner + c, vexp(widen(x + j * inner + c) - max) / sum);
    }
  }
  for (; c < c1; c++) {
    double max = -__builtin_inf();
    for (int64_t j = 0; j < n; j++) {
      const double v = (double)x[j * inner + c];
      if (v > max || v != v) max = v;
    }
    if (max == __builtin_inf() || max == -__builtin_inf()) max = 0;
    double sum = 0;
    for (int64_t j = 0; j < n; j++) sum += vexp(splat((double)x[j * inner + c] - max))[0];
    const double lse = vlog(splat(sum))[0];
    for (int64_t j = 0; j < n; j++) {
      const double v = (double)x[j * inner + c] - max;
      out[j * inner + c] = (T)(log ? v - lse : vexp(splat(v))[0] / sum);
    }
  }
}

}  // namespace CR_NS
