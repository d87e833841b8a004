// The single-threaded inner kernels, written once with GCC/Clang vector extensions and compiled once per
// instruction set: the including file defines CR_NS (its namespace), CR_W (float64 lanes per vector: 2 for
// SSE2/NEON, 4 for AVX2, 8 for AVX-512), CR_ISA_NAME and CR_FACTORY (the function returning its table).
// Semantics follow src/backend/js/: float32 transcendentals are computed in float64 lanes and rounded once;
// +, -, *, /, comparisons, max/min, relu, abs and sign are exact in either dtype (README.md has the details).
#pragma once

// NOTE: no fused multiply-add contraction in these kernels (they are compiled with -mfma for AVX2/AVX-512,
// and GCC contracts a*b+c by default in C++): V8 never fuses, and the results must round as the reference's.
// The build may pass -ffp-contract=off globally too.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <cmath>
#include <cstring>
#include <vector>

#if defined(__AVX__) || defined(__SSE2__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

#include "kernels/kernels.h"
#include "kernels/kernels_isa.h"
#include "kernels/vmath_impl.h"

// The parts, in dependency order; each opens namespace CR_NS itself.
#include "kernels/simd_impl.h"
#include "kernels/elementwise_impl.h"
#include "kernels/reduce_impl.h"

namespace CR_NS {

// ---------------------------------------------------------------------------------------------------------
// Fused activation kernels, and the table of this build's kernels.

template <typename T>
static void act_inplace(int act, const T* z, T* y, int64_t n) {
  switch (act) {
    case k::A_RELU: unary_k<T>(k::U_RELU, z, y, n); return;
    case k::A_TANH: unary_k<T>(k::U_TANH, z, y, n); return;
    case k::A_SIGMOID: unary_k<T>(k::U_SIGMOID, z, y, n); return;
    default:
      if (y != z) std::memmove(y, z, n * sizeof(T));
      return;
  }
}

template <typename T>
static void bias_act_k(int act, const T* x, const T* bias, int64_t cols, T* z, T* y) {
  // Blocks of 256 columns: z stays in L1 between the add and the activation.
  constexpr int64_t B = 256;
  for (int64_t c = 0; c < cols; c += B) {
    const int64_t m = cols - c < B ? cols - c : B;
    T tmp[B];
    T* zz = z != nullptr ? z + c : tmp;
    binary_k<T>(k::B_ADD, x + c, 1, bias + c, 1, zz, m);
    act_inplace<T>(act, zz, y + c, m);
  }
}

template <typename T>
static void act_backward_k(int act, const T* g, const T* v, T* out, int64_t n) {
  const vec<T> zero = vsplat<T>(0);
  const vec<T> one = vsplat<T>(1);
  switch (act) {
    case k::A_RELU:
      // where(gt(x, 0), g, 0): g itself (even inf or NaN) where x > 0.
      map2(g, 1, v, 1, out, n, [&](vec<T> gg, vec<T> x) { return vsel<T>(x > zero, gg, zero); });
      return;
    case k::A_TANH:
      map2(g, 1, v, 1, out, n, [&](vec<T> gg, vec<T> y) { return gg * (one - y * y); });
      return;
    case k::A_SIGMOID:
      map2(g, 1, v, 1, out, n, [&](vec<T> gg, vec<T> y) { return gg * (y * (one - y)); });
      return;
    default:
      std::memmove(out, g, n * sizeof(T));
      return;
  }
}

template <typename T>
static IsaOps<T> ops() {
  IsaOps<T> o;
  o.unary = unary_k<T>;
  o.binary = binary_k<T>;
  o.binary_any = binary_any_k<T>;
  o.sum = sum_k<T>;
  o.extremum = extremum_k<T>;
  o.colsum = colsum_k<T>;
  o.colext = colext_k<T>;
  o.softmax_rows = softmax_rows_k<T>;
  o.softmax_cols = softmax_cols_k<T>;
  o.bias_act = bias_act_k<T>;
  o.act_backward = act_backward_k<T>;
  return o;
}

}  // namespace CR_NS

namespace chainrule {
namespace kernels {
const IsaKernels* CR_FACTORY() {
  static const IsaKernels table = {CR_ISA_NAME, CR_NS::ops<float>(), CR_NS::ops<double>()};
  return &table;
}
}  // namespace kernels
}  // namespace chainrule
