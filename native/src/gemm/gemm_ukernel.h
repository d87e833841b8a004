// The register-tiled micro-kernel, written once over a small SIMD "traits" type so that every
// instruction set (AVX-512, AVX2, NEON, plain C++) runs the same, tested loop. No intrinsics here: each
// kernel file defines its traits (in an anonymous namespace, so instantiations never mix across files
// compiled with different flags) and instantiates MicroKernel.
#pragma once

#include <cstdint>

#include "gemm_internal.h"

namespace chainrule {
namespace gemm_detail {

// V provides: type T (float/double), type R (a register of W lanes), zero(), loadu(const T*), bcast(const T*), fma(a, b, c) = a*b + c, add(a, b), storeu(T*, R).
// MR rows × NV registers per row: MR*NV accumulators must fit the register file with NV + 1 to spare.
template <class V, int MR, int NV>
struct MicroKernel {
  using T = typename V::T;
  using R = typename V::R;
  static constexpr int W = V::W;
  static constexpr int NR = NV * W;

  // kRows: op(A)[i, p] at a[i*as + p] (in place, row-major A); else at a[p*as + i] (packed, or transposed A).
  template <bool kRows>
  static void body(int64_t kc, const T* __restrict a, int64_t as, const T* __restrict b, int64_t ldb,
                   T* __restrict c, int64_t ldc, int accumulate, int mr, int nr) {
    R acc[MR][NV];
#pragma GCC unroll 32
    for (int i = 0; i < MR; i++)
#pragma GCC unroll 8
      for (int j = 0; j < NV; j++) acc[i][j] = V::zero();
    // C is written at the end: start fetching it now.
#if defined(__GNUC__) || defined(__clang__)
    for (int i = 0; i < mr; i++) __builtin_prefetch(c + i * ldc, 1, 3);
#endif

#pragma GCC unroll 4
    for (int64_t p = 0; p < kc; p++) {
      R bv[NV];
#pragma GCC unroll 8
      for (int j = 0; j < NV; j++) bv[j] = V::loadu(b + j * W);
#pragma GCC unroll 32
      for (int i = 0; i < MR; i++) {
        const R av = V::bcast(kRows ? a + i * as : a + i);
#pragma GCC unroll 8
        for (int j = 0; j < NV; j++) acc[i][j] = V::fma(av, bv[j], acc[i][j]);
      }
      a += kRows ? 1 : as;
      b += ldb;
    }

    if (mr == MR && nr == NR) {
#pragma GCC unroll 32
      for (int i = 0; i < MR; i++)
#pragma GCC unroll 8
        for (int j = 0; j < NV; j++) {
          T* cp = c + i * ldc + j * W;
          V::storeu(cp, accumulate ? V::add(V::loadu(cp), acc[i][j]) : acc[i][j]);
        }
      return;
    }
    // Edge tile: spill the registers, then write only the part inside C.
    alignas(64) T tmp[MR * NR];
#pragma GCC unroll 32
    for (int i = 0; i < MR; i++)
#pragma GCC unroll 8
      for (int j = 0; j < NV; j++) V::storeu(tmp + i * NR + j * W, acc[i][j]);
    for (int i = 0; i < mr; i++) {
      T* crow = c + i * ldc;
      const T* trow = tmp + i * NR;
      if (accumulate)
        for (int j = 0; j < nr; j++) crow[j] += trow[j];
      else
        for (int j = 0; j < nr; j++) crow[j] = trow[j];
    }
  }

  static void run(int64_t kc, const T* a, int64_t as, const T* b, int64_t ldb, T* c, int64_t ldc, int accumulate,
                  int mr, int nr) {
    body<false>(kc, a, as, b, ldb, c, ldc, accumulate, mr, nr);
  }
  static void run_rows(int64_t kc, const T* a, int64_t rs, const T* b, int64_t ldb, T* c, int64_t ldc,
                       int accumulate, int mr, int nr) {
    body<true>(kc, a, rs, b, ldb, c, ldc, accumulate, mr, nr);
  }

  static UkrSpec<T> spec() { return UkrSpec<T>{MR, NR, &run, &run_rows}; }
};

}  // namespace gemm_detail
}  // namespace chainrule
