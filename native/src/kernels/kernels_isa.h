// The table of single-threaded inner kernels that each instruction-set build (generic, AVX2, AVX-512)
// provides; kernels.cc picks one at run time and splits the work across the thread pool.
#pragma once

#include <cstdint>

namespace chainrule {
namespace kernels {

template <typename T>
struct IsaOps {
  /** out[i] = f(x[i]), i < n. */
  void (*unary)(int op, const T* x, T* out, int64_t n);
  /** out[i] = a[i * sa] op b[i * sb], i < n, with sa and sb each 0 or 1. */
  void (*binary)(int op, const T* a, int sa, const T* b, int sb, T* out, int64_t n);
  /** out[i] = a[i * sa] op b[i * sb] for any strides (scalar loop). */
  void (*binary_any)(int op, const T* a, int64_t sa, const T* b, int64_t sb, T* out, int64_t n);
  /** The float64 sum of x[0, n). */
  double (*sum)(const T* x, int64_t n);
  /** max (op R_MAX) or min (R_MIN) of x[0, n) folded into acc (NaN wins, as the reference). */
  T (*extremum)(int op, const T* x, int64_t n, T acc);
  /** acc[c] += x[k * stride + c] for k < r, c < cols (columns of a [r, stride] block). */
  void (*colsum)(const T* x, int64_t r, int64_t stride, int64_t cols, double* acc);
  /** acc[c] = max/min(acc[c], x[k * stride + c]) for k < r, c < cols. */
  void (*colext)(int op, const T* x, int64_t r, int64_t stride, int64_t cols, T* acc);
  /** Softmax (log) of `rows` contiguous rows of n. */
  void (*softmax_rows)(const T* x, T* out, int64_t rows, int64_t n, bool log);
  /** Softmax (log) over j < n of x[j * inner + c] for columns c in [c0, c1) of one [n, inner] slice. */
  void (*softmax_cols)(const T* x, T* out, int64_t n, int64_t inner, int64_t c0, int64_t c1, bool log);
  /** One row of the fused bias-add + activation: z = x + bias, y = act(z) (z may be null). */
  void (*bias_act)(int act, const T* x, const T* bias, int64_t cols, T* z, T* y);
  /** The activation's backward in one pass (see kernels.h). */
  void (*act_backward)(int act, const T* g, const T* v, T* out, int64_t n);
};

struct IsaKernels {
  const char* name;
  IsaOps<float> f32;
  IsaOps<double> f64;
};

const IsaKernels* isa_generic();
#if defined(__x86_64__) || defined(_M_X64)
const IsaKernels* isa_avx2();
const IsaKernels* isa_avx512();
#endif

}  // namespace kernels
}  // namespace chainrule
