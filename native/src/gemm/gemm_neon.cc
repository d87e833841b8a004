// NEON micro-kernels for arm64 (compiled only there). Untested on hardware in this repository's CI: the
// loop is the shared MicroKernel template (tested through the x86 kernels); only these traits are NEON.
#if defined(__aarch64__) || defined(_M_ARM64)

#include <arm_neon.h>

#include "gemm_internal.h"
#include "gemm_ukernel.h"

namespace chainrule {
namespace gemm_detail {
namespace {

struct F32x4 {
  using T = float;
  using R = float32x4_t;
  static constexpr int W = 4;
  static R zero() { return vdupq_n_f32(0.0f); }
  static R loadu(const T* p) { return vld1q_f32(p); }
  static R bcast(const T* p) { return vld1q_dup_f32(p); }
  static R fma(R a, R b, R c) { return vfmaq_f32(c, a, b); }
  static R add(R a, R b) { return vaddq_f32(a, b); }
  static void storeu(T* p, R v) { vst1q_f32(p, v); }
};

struct F64x2 {
  using T = double;
  using R = float64x2_t;
  static constexpr int W = 2;
  static R zero() { return vdupq_n_f64(0.0); }
  static R loadu(const T* p) { return vld1q_f64(p); }
  static R bcast(const T* p) { return vld1q_dup_f64(p); }
  static R fma(R a, R b, R c) { return vfmaq_f64(c, a, b); }
  static R add(R a, R b) { return vaddq_f64(a, b); }
  static void storeu(T* p, R v) { vst1q_f64(p, v); }
};

}  // namespace

// 8 rows × 3 registers: 24 accumulators + 3 for B + 1 broadcast of the 32 q registers.
UkrSpec<float> ukr_f32_neon() { return MicroKernel<F32x4, 8, 3>::spec(); }
// 6 rows × 4 registers (8 doubles): 24 accumulators + 4 + 1.
UkrSpec<double> ukr_f64_neon() { return MicroKernel<F64x2, 6, 4>::spec(); }

}  // namespace gemm_detail
}  // namespace chainrule

#endif
