// AVX-512 micro-kernels (this file is compiled with -mavx512f ...; called only where the CPU has it).
#if defined(__x86_64__) || defined(_M_X64)

#include <immintrin.h>

#include "gemm_internal.h"
#include "gemm_ukernel.h"

namespace chainrule {
namespace gemm_detail {
namespace {

struct F32x16 {
  using T = float;
  using R = __m512;
  static constexpr int W = 16;
  static R zero() { return _mm512_setzero_ps(); }
  static R loadu(const T* p) { return _mm512_loadu_ps(p); }
  static R bcast(const T* p) { return _mm512_set1_ps(*p); }
  static R fma(R a, R b, R c) { return _mm512_fmadd_ps(a, b, c); }
  static R add(R a, R b) { return _mm512_add_ps(a, b); }
  static void storeu(T* p, R v) { _mm512_storeu_ps(p, v); }
};

struct F64x8 {
  using T = double;
  using R = __m512d;
  static constexpr int W = 8;
  static R zero() { return _mm512_setzero_pd(); }
  static R loadu(const T* p) { return _mm512_loadu_pd(p); }
  static R bcast(const T* p) { return _mm512_set1_pd(*p); }
  static R fma(R a, R b, R c) { return _mm512_fmadd_pd(a, b, c); }
  static R add(R a, R b) { return _mm512_add_pd(a, b); }
  static void storeu(T* p, R v) { _mm512_storeu_pd(p, v); }
};

}  // namespace

// 12 rows × 2 registers: 24 accumulators + 2 for B + 1 broadcast of the 32 zmm registers.
UkrSpec<float> ukr_f32_avx512() { return MicroKernel<F32x16, 12, 2>::spec(); }
UkrSpec<double> ukr_f64_avx512() { return MicroKernel<F64x8, 12, 2>::spec(); }

}  // namespace gemm_detail
}  // namespace chainrule

#endif
