// AVX2 + FMA micro-kernels (this file is compiled with -mavx2 -mfma; called only where the CPU has it).
#if defined(__x86_64__) || defined(_M_X64)

#include <immintrin.h>

#include "gemm_internal.h"
#include "gemm_ukernel.h"

namespace chainrule {
namespace gemm_detail {
namespace {

struct F32x8 {
  using T = float;
  using R = __m256;
  static constexpr int W = 8;
  static R zero() { return _mm256_setzero_ps(); }
  static R loadu(const T* p) { return _mm256_loadu_ps(p); }
  static R bcast(const T* p) { return _mm256_set1_ps(*p); }
  static R fma(R a, R b, R c) { return _mm256_fmadd_ps(a, b, c); }
  static R add(R a, R b) { return _mm256_add_ps(a, b); }
  static void storeu(T* p, R v) { _mm256_storeu_ps(p, v); }
};

struct F64x4 {
  using T = double;
  using R = __m256d;
  static constexpr int W = 4;
  static R zero() { return _mm256_setzero_pd(); }
  static R loadu(const T* p) { return _mm256_loadu_pd(p); }
  static R bcast(const T* p) { return _mm256_set1_pd(*p); }
  static R fma(R a, R b, R c) { return _mm256_fmadd_pd(a, b, c); }
  static R add(R a, R b) { return _mm256_add_pd(a, b); }
  static void storeu(T* p, R v) { _mm256_storeu_pd(p, v); }
};

}  // namespace

// 6 rows × 2 registers: 12 accumulators + 2 for B + 1 broadcast of the 16 ymm registers.
UkrSpec<float> ukr_f32_avx2() { return MicroKernel<F32x8, 6, 2>::spec(); }
UkrSpec<double> ukr_f64_avx2() { return MicroKernel<F64x4, 6, 2>::spec(); }

}  // namespace gemm_detail
}  // namespace chainrule

#endif
