// Internal to the gemm sources: the micro-kernel signature and the per-instruction-set kernel getters.
#pragma once

#include <cstdint>

namespace chainrule {
namespace gemm_detail {

// Computes one mr×nr tile of C from a sliver of op(A) (kc steps of MR values, `as` apart: MR when packed,
// m when read in place from a transposed A) and a sliver of op(B) (kc steps of NR values, `ldb` apart: NR
// when packed, n when read in place): C[i, j] (+)= sum_p a[p*as + i] * b[p*ldb + j] for i < mr, j < nr,
// where `accumulate` adds to C instead of overwriting it. Tiles of C smaller than MR×NR (edges) pass mr < MR
// or nr < NR; the slivers are always full (zero-padded when packed).
template <class T>
using Ukr = void (*)(int64_t kc, const T* a, int64_t as, const T* b, int64_t ldb, T* c, int64_t ldc,
                     int accumulate, int mr, int nr);
// The same with op(A) read in place from a row-major A: value (i, p) at a[i*rs + p].
template <class T>
using UkrRows = void (*)(int64_t kc, const T* a, int64_t rs, const T* b, int64_t ldb, T* c, int64_t ldc,
                         int accumulate, int mr, int nr);

template <class T>
struct UkrSpec {
  int mr;
  int nr;
  Ukr<T> fn;
  UkrRows<T> fn_rows;
};

#if defined(__x86_64__) || defined(_M_X64)
// gemm_avx512.cc (compiled with -mavx512f ...) and gemm_avx2.cc (-mavx2 -mfma).
UkrSpec<float> ukr_f32_avx512();
UkrSpec<double> ukr_f64_avx512();
UkrSpec<float> ukr_f32_avx2();
UkrSpec<double> ukr_f64_avx2();
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
// gemm_neon.cc.
UkrSpec<float> ukr_f32_neon();
UkrSpec<double> ukr_f64_neon();
#endif

}  // namespace gemm_detail
}  // namespace chainrule
