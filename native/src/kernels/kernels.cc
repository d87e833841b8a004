// Drives the inner kernels (kernels_impl.h): picks the widest instruction set the CPU has, coalesces
// broadcast and reduction shapes into few dims, and splits large jobs across the thread pool in chunks whose
// results do not depend on the thread count (every output element is computed by one fixed order of steps).
#include "kernels/kernels.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels/kernels_isa.h"
#include "parallel/thread_pool.h"

namespace chainrule {
namespace kernels {

namespace {

/**
 * The widest build the CPU runs. CHAINRULE_KERNELS_ISA=avx2|generic asks for a narrower one (tests run every
 * build on one machine); a wider one than the CPU has is never taken.
 */
const IsaKernels* pick() {
  const char* want = std::getenv("CHAINRULE_KERNELS_ISA");
  const bool generic = want != nullptr && std::strcmp(want, "generic") == 0;
  const bool avx2 = want != nullptr && std::strcmp(want, "avx2") == 0;
  (void)avx2;
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  const bool has2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (!generic && !avx2 && has2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))
    return isa_avx512();
  if (!generic && has2) return isa_avx2();
#endif
  return isa_generic();
}

const IsaKernels* isa() {
  static const IsaKernels* table = pick();
  return table;
}

template <typename T>
const IsaOps<T>& ops();
template <>
const IsaOps<float>& ops<float>() {
  return isa()->f32;
}
template <>
const IsaOps<double>& ops<double>() {
  return isa()->f64;
}

// Elements per chunk of a threaded job: at least ~20-50 µs of single-thread work (timed on AVX-512), so waking
// a worker (a few µs) pays off. Memory-bound ops (+, *, relu...) need large chunks; vector transcendentals
// (exp, tanh...) pay off earlier; the C library's scalar sin/cos/erf/pow earlier still. (On the shared
// 2-vCPU development machine two threads halve exp/relu/sigmoid over 1M floats when the other vCPU is idle.)
constexpr int64_t GRAIN_CHEAP = 1 << 16;
constexpr int64_t GRAIN_VMATH = 1 << 13;
constexpr int64_t GRAIN_SCALAR = 1 << 11;
// Fixed block of a reduction: sums longer than this are summed per block and the block sums added in
// order, so the result is the same on any number of threads.
constexpr int64_t REDUCE_BLOCK = 1 << 15;
// Columns per task of a column reduction or a column softmax.
constexpr int64_t COL_BLOCK = 512;
// Dims of a broadcast (the bindings reject more).
constexpr int MAX_DIMS = 64;

int64_t unary_grain(int op) {
  switch (op) {
    case U_NEG: case U_SQRT: case U_RELU: case U_ABS: case U_SIGN: case U_COPY: return GRAIN_CHEAP;
    case U_SIN: case U_COS: case U_ERF: case U_ERFC: return GRAIN_SCALAR;
    default: return GRAIN_VMATH;
  }
}

int64_t binary_grain(int op) {
  if (op == B_POW) return GRAIN_SCALAR;
  if (op == B_BCE) return GRAIN_VMATH;
  return GRAIN_CHEAP;
}

template <typename T>
void unary_t(int op, const T* x, T* out, int64_t n) {
  const IsaOps<T>& k = ops<T>();
  parallel_for_inline(n, unary_grain(op), [&](int64_t b, int64_t e) { k.unary(op, x + b, out + b, e - b); });
}

template <typename T>
void binary_t(int op, const T* a, int64_t na, const T* b, int64_t nb, T* out, int64_t n) {
  const IsaOps<T>& k = ops<T>();
  const int sa = na == 1 && n != 1 ? 0 : 1;
  const int sb = nb == 1 && n != 1 ? 0 : 1;
  parallel_for_inline(n, binary_grain(op), [&](int64_t s, int64_t e) {
    k.binary(op, a + s * sa, sa, b + s * sb, sb, out + s, e - s);
  });
}

struct Dim {
  int64_t size, sa, sb;
};

template <typename T>
void binary_strided_t(int op, const T* a, const int64_t* as, const T* b, const int64_t* bs, T* out,
                      const int64_t* shape, int nd) {
  int64_t n = 1;
  for (int d = 0; d < nd; d++) n *= shape[d];
  if (n == 0) return;
  // Drop size-1 dims and merge neighbours that both operands walk contiguously (on the stack: nd <= 64).
  Dim dims[MAX_DIMS];
  int od = 0;
  for (int d = 0; d < nd; d++) {
    if (shape[d] == 1) continue;
    if (od > 0 && dims[od - 1].sa == as[d] * shape[d] && dims[od - 1].sb == bs[d] * shape[d]) {
      dims[od - 1].size *= shape[d];
      dims[od - 1].sa = as[d];
      dims[od - 1].sb = bs[d];
    } else
      dims[od++] = {shape[d], as[d], bs[d]};
  }
  if (od == 0) dims[od++] = {1, 0, 0};
  const Dim inner = dims[--od];
  const int64_t rows = n / inner.size;
  const IsaOps<T>& k = ops<T>();
  const int64_t grain = std::max<int64_t>(1, binary_grain(op) / inner.size);
  parallel_for_inline(rows, grain, [&](int64_t r0, int64_t r1) {
    int64_t idx[MAX_DIMS];
    int64_t oa = 0, ob = 0, rest = r0;
    for (int d = od - 1; d >= 0; d--) {
      idx[d] = rest % dims[d].size;
      rest /= dims[d].size;
      oa += idx[d] * dims[d].sa;
      ob += idx[d] * dims[d].sb;
    }
    for (int64_t r = r0; r < r1; r++) {
      k.binary_any(op, a + oa, inner.sa, b + ob, inner.sb, out + r * inner.size, inner.size);
      // Next row: the odometer over the outer dims, innermost first.
      for (int d = od - 1; d >= 0; d--) {
        oa += dims[d].sa;
        ob += dims[d].sb;
        if (++idx[d] < dims[d].size) break;
        oa -= dims[d].sa * dims[d].size;
        ob -= dims[d].sb * dims[d].size;
        idx[d] = 0;
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// Reductions

template <typename T>
T identity(int op) {
  if (op == R_MAX) return (T)-__builtin_inf();
  if (op == R_MIN) return (T)__builtin_inf();
  return 0;
}

/** [outer, r, inner] with r reduced: the rows case (inner = 1), in fixed blocks of r. */
template <typename T>
void reduce_rows(int op, const T* x, int64_t outer, int64_t r, T* out) {
  const IsaOps<T>& k = ops<T>();
  const int64_t nb = (r + REDUCE_BLOCK - 1) / REDUCE_BLOCK;
  const int64_t blk = std::min(r, REDUCE_BLOCK);
  const int64_t grain = std::max<int64_t>(1, GRAIN_CHEAP / std::max<int64_t>(blk, 1));
  if (nb <= 1) {
    parallel_for_inline(outer, grain, [&](int64_t o0, int64_t o1) {
      for (int64_t o = o0; o < o1; o++)
        out[o] = op == R_SUM ? (T)k.sum(x + o * r, r) : k.extremum(op, x + o * r, r, identity<T>(op));
    });
    return;
  }
  std::vector<double> sums(op == R_SUM ? outer * nb : 0);
  std::vector<T> exts(op == R_SUM ? 0 : outer * nb);
  parallel_for_inline(outer * nb, grain, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      const int64_t o = t / nb, bi = t % nb;
      const int64_t s = bi * REDUCE_BLOCK, e = std::min(r, s + REDUCE_BLOCK);
      const T* p = x + o * r + s;
      if (op == R_SUM)
        sums[t] = k.sum(p, e - s);
      else
        exts[t] = k.extremum(op, p, e - s, identity<T>(op));
    }
  });
  for (int64_t o = 0; o < outer; o++) {
    if (op == R_SUM) {
      double s = 0;
      for (int64_t bi = 0; bi < nb; bi++) s += sums[o * nb + bi];
      out[o] = (T)s;
    } else
      out[o] = k.extremum(op, exts.data() + o * nb, nb, identity<T>(op));
  }
}

/** [outer, r, inner] with r reduced and inner > 1: column blocks, and fixed blocks of r rows. */
template <typename T>
void reduce_cols(int op, const T* x, int64_t outer, int64_t r, int64_t inner, T* out) {
  const IsaOps<T>& k = ops<T>();
  const int64_t cb = std::min(inner, COL_BLOCK);
  const int64_t ncb = (inner + cb - 1) / cb;
  // Rows per block: about REDUCE_BLOCK elements of a column block.
  const int64_t rb = std::max<int64_t>(1, REDUCE_BLOCK / cb);
  const int64_t nrb = (r + rb - 1) / rb;
  const int64_t tasks = outer * ncb * nrb;
  const int64_t grain = std::max<int64_t>(1, GRAIN_CHEAP / (std::min(r, rb) * cb));
  // Per (outer, row block) partial results over all inner columns, combined in order afterwards.
  std::vector<double> sums(op == R_SUM && nrb > 1 ? outer * nrb * inner : 0);
  std::vector<T> exts(op != R_SUM && nrb > 1 ? outer * nrb * inner : 0);
  parallel_for_inline(tasks, grain, [&](int64_t t0, int64_t t1) {
    double acc[COL_BLOCK];
    T ext[COL_BLOCK];
    for (int64_t t = t0; t < t1; t++) {
      const int64_t o = t / (ncb * nrb);
      const int64_t rem = t % (ncb * nrb);
      const int64_t ci = rem / nrb, ri = rem % nrb;
      const int64_t c0 = ci * cb, cols = std::min(inner - c0, cb);
      const int64_t k0 = ri * rb, kn = std::min(r - k0, rb);
      const T* p = x + (o * r + k0) * inner + c0;
      if (op == R_SUM) {
        std::fill(acc, acc + cols, 0.0);
        k.colsum(p, kn, inner, cols, acc);
        if (nrb > 1)
          std::memcpy(sums.data() + (o * nrb + ri) * inner + c0, acc, cols * sizeof(double));
        else
          for (int64_t c = 0; c < cols; c++) out[o * inner + c0 + c] = (T)acc[c];
      } else {
        std::fill(ext, ext + cols, identity<T>(op));
        k.colext(op, p, kn, inner, cols, ext);
        std::memcpy(nrb > 1 ? exts.data() + (o * nrb + ri) * inner + c0 : out + o * inner + c0, ext,
                    cols * sizeof(T));
      }
    }
  });
  if (nrb <= 1) return;
  for (int64_t o = 0; o < outer; o++) {
    if (op == R_SUM) {
      std::vector<double> s(inner, 0.0);
      for (int64_t ri = 0; ri < nrb; ri++) {
        const double* p = sums.data() + (o * nrb + ri) * inner;
        for (int64_t c = 0; c < inner; c++) s[c] += p[c];
      }
      for (int64_t c = 0; c < inner; c++) out[o * inner + c] = (T)s[c];
    } else {
      T* dst = out + o * inner;
      std::fill(dst, dst + inner, identity<T>(op));
      k.colext(op, exts.data() + o * nrb * inner, nrb, inner, inner, dst);
    }
  }
}

struct Group {
  int64_t size;
  bool reduced;
};

/** Any other pattern of reduced dims: the reference's walk over x, with vectorised runs. Single-threaded. */
template <typename T>
void reduce_general(int op, const T* x, const std::vector<Group>& g, T* out, int64_t nOut) {
  const IsaOps<T>& k = ops<T>();
  const int nd = (int)g.size();
  std::vector<int64_t> outStrides(nd, 0);
  int64_t s = 1;
  for (int d = nd - 1; d >= 0; d--)
    if (!g[d].reduced) {
      outStrides[d] = s;
      s *= g[d].size;
    }
  std::vector<double> acc(op == R_SUM ? nOut : 0, 0.0);
  if (op != R_SUM) std::fill(out, out + nOut, identity<T>(op));
  int64_t total = 1;
  for (const Group& d : g) total *= d.size;
  const int64_t last = g[nd - 1].size;
  const bool lastReduced = g[nd - 1].reduced;
  std::vector<int64_t> idx(nd, 0);
  int64_t o = 0;
  for (int64_t i = 0; i < total; i += last) {
    if (op == R_SUM) {
      if (lastReduced)
        acc[o] += k.sum(x + i, last);
      else
        k.colsum(x + i, 1, last, last, acc.data() + o);
    } else {
      if (lastReduced)
        out[o] = k.extremum(op, x + i, last, out[o]);
      else
        k.colext(op, x + i, 1, last, last, out + o);
    }
    for (int d = nd - 2; d >= 0; d--) {
      o += outStrides[d];
      if (++idx[d] < g[d].size) break;
      o -= outStrides[d] * g[d].size;
      idx[d] = 0;
    }
  }
  if (op == R_SUM)
    for (int64_t j = 0; j < nOut; j++) out[j] = (T)acc[j];
}

template <typename T>
void reduce_t(int op, const T* x, const int64_t* shape, const bool* reduced, int nd, T* out) {
  int64_t total = 1, nOut = 1;
  for (int d = 0; d < nd; d++) {
    total *= shape[d];
    if (!reduced[d]) nOut *= shape[d];
  }
  if (total == 0) {
    // Reducing empty dims gives the identity: 0 for sum, -inf for max, +inf for min (as the reference).
    std::fill(out, out + nOut, identity<T>(op));
    return;
  }
  // Coalesce: drop size-1 dims, merge neighbours that are both reduced or both kept.
  std::vector<Group> g;
  g.reserve(nd);
  for (int d = 0; d < nd; d++) {
    if (shape[d] == 1) continue;
    if (!g.empty() && g.back().reduced == reduced[d])
      g.back().size *= shape[d];
    else
      g.push_back({shape[d], reduced[d]});
  }
  int nRed = 0;
  for (const Group& d : g) nRed += d.reduced ? 1 : 0;
  if (nRed == 0) {
    // Nothing to reduce: sum adds each element to 0 (so -0 becomes 0, as the reference); max/min copy.
    const IsaOps<T>& k = ops<T>();
    if (op == R_SUM) {
      const T zero = 0;
      parallel_for_inline(total, GRAIN_CHEAP, [&](int64_t b, int64_t e) { k.binary(B_ADD, x + b, 1, &zero, 0, out + b, e - b); });
    } else
      std::memmove(out, x, total * sizeof(T));
    return;
  }
  if (nRed == 1 && g.size() <= 3) {
    int64_t outer = 1, r = 1, inner = 1;
    bool seen = false;
    for (const Group& d : g) {
      if (d.reduced) {
        r = d.size;
        seen = true;
      } else if (!seen)
        outer = d.size;
      else
        inner = d.size;
    }
    if (inner == 1)
      reduce_rows(op, x, outer, r, out);
    else
      reduce_cols(op, x, outer, r, inner, out);
    return;
  }
  reduce_general(op, x, g, out, nOut);
}

// ---------------------------------------------------------------------------------------------------------

template <typename T>
void softmax_t(const T* x, int64_t outer, int64_t n, int64_t inner, T* out, bool log) {
  if (outer * n * inner == 0) return;
  const IsaOps<T>& k = ops<T>();
  if (inner == 1) {
    const int64_t grain = std::max<int64_t>(1, GRAIN_VMATH / n);
    parallel_for_inline(outer, grain, [&](int64_t r0, int64_t r1) {
      k.softmax_rows(x + r0 * n, out + r0 * n, r1 - r0, n, log);
    });
    return;
  }
  const int64_t cb = std::min(inner, COL_BLOCK);
  const int64_t ncb = (inner + cb - 1) / cb;
  const int64_t grain = std::max<int64_t>(1, GRAIN_VMATH / (n * cb));
  parallel_for_inline(outer * ncb, grain, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      const int64_t o = t / ncb, c0 = (t % ncb) * cb;
      const int64_t off = o * n * inner;
      k.softmax_cols(x + off, out + off, n, inner, c0, std::min(inner, c0 + cb), log);
    }
  });
}

template <typename T>
void bias_act_t(int act, const T* x, const T* bias, int64_t rows, int64_t cols, T* z, T* y) {
  if (rows * cols == 0) return;
  const IsaOps<T>& k = ops<T>();
  const int64_t g = act == A_RELU || act == A_NONE ? GRAIN_CHEAP : GRAIN_VMATH;
  parallel_for_inline(rows, std::max<int64_t>(1, g / cols), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++)
      k.bias_act(act, x + r * cols, bias, cols, z != nullptr ? z + r * cols : nullptr, y + r * cols);
  });
}

template <typename T>
void act_backward_t(int act, const T* g, const T* v, T* out, int64_t n) {
  const IsaOps<T>& k = ops<T>();
  parallel_for_inline(n, GRAIN_CHEAP, [&](int64_t b, int64_t e) { k.act_backward(act, g + b, v + b, out + b, e - b); });
}

}  // namespace

void unary(int op, const float* x, float* out, int64_t n) { unary_t(op, x, out, n); }
void unary(int op, const double* x, double* out, int64_t n) { unary_t(op, x, out, n); }
void binary(int op, const float* a, int64_t na, const float* b, int64_t nb, float* out, int64_t n) {
  binary_t(op, a, na, b, nb, out, n);
}
void binary(int op, const double* a, int64_t na, const double* b, int64_t nb, double* out, int64_t n) {
  binary_t(op, a, na, b, nb, out, n);
}
void binary_strided(int op, const float* a, const int64_t* as, const float* b, const int64_t* bs, float* out,
                    const int64_t* shape, int nd) {
  binary_strided_t(op, a, as, b, bs, out, shape, nd);
}
void binary_strided(int op, const double* a, const int64_t* as, const double* b, const int64_t* bs,
                    double* out, const int64_t* shape, int nd) {
  binary_strided_t(op, a, as, b, bs, out, shape, nd);
}
void reduce(int op, const float* x, const int64_t* shape, const bool* reduced, int nd, float* out) {
  reduce_t(op, x, shape, reduced, nd, out);
}
void reduce(int op, const double* x, const int64_t* shape, const bool* reduced, int nd, double* out) {
  reduce_t(op, x, shape, reduced, nd, out);
}
void softmax(const float* x, int64_t outer, int64_t n, int64_t inner, float* out, bool log) {
  softmax_t(x, outer, n, inner, out, log);
}
void softmax(const double* x, int64_t outer, int64_t n, int64_t inner, double* out, bool log) {
  softmax_t(x, outer, n, inner, out, log);
}
void bias_act(int act, const float* x, const float* bias, int64_t rows, int64_t cols, float* z, float* y) {
  bias_act_t(act, x, bias, rows, cols, z, y);
}
void bias_act(int act, const double* x, const double* bias, int64_t rows, int64_t cols, double* z, double* y) {
  bias_act_t(act, x, bias, rows, cols, z, y);
}
void act_backward(int act, const float* g, const float* v, float* out, int64_t n) {
  act_backward_t(act, g, v, out, n);
}
void act_backward(int act, const double* g, const double* v, double* out, int64_t n) {
  act_backward_t(act, g, v, out, n);
}
const char* kernels_isa() { return isa()->name; }

}  // namespace kernels
}  // namespace chainrule
