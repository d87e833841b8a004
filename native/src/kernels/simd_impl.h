// Vector types of the build (V<T>), loads/stores/selects, vector sqrt, and the drivers that map a vector
// function over arrays (tails through padded vectors: nothing past an array's end is read or written).
// Part of the inner kernels: included only by kernels_impl.h, which defines CR_NS (the build's namespace)
// and CR_W, and turns off multiply-add contraction first.
#pragma once

namespace CR_NS {

using chainrule::kernels::IsaKernels;
using chainrule::kernels::IsaOps;
namespace k = chainrule::kernels;

/** The native vector of T (CR_W * 8 bytes), its lane mask type and lane count. */
template <typename T>
struct V;
template <>
struct V<float> {
  typedef float v __attribute__((vector_size(CR_W * 8)));
  typedef int32_t m __attribute__((vector_size(CR_W * 8)));
  static constexpr int L = CR_W * 2;
};
template <>
struct V<double> {
  typedef double v __attribute__((vector_size(CR_W * 8)));
  typedef int64_t m __attribute__((vector_size(CR_W * 8)));
  static constexpr int L = CR_W;
};

template <typename T>
using vec = typename V<T>::v;
template <typename T>
using mask = typename V<T>::m;

template <typename T>
static inline vec<T> vload(const T* p) {
  vec<T> v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
static inline void vstore(T* p, vec<T> v) {
  std::memcpy(p, &v, sizeof v);
}
template <typename T>
static inline vec<T> vsplat(T x) {
  return x - vec<T>{};  // keeps -0 (0 + x would not)
}
template <typename T>
static inline vec<T> vsel(mask<T> m, vec<T> a, vec<T> b) {
  return (vec<T>)(((mask<T>)a & m) | ((mask<T>)b & ~m));
}

/** Lanewise square root (exact in either dtype): the instruction of the vector width compiled for. */
static inline vec<float> vsqrt(vec<float> x) {
#if CR_W == 8 && defined(__AVX512F__)
  return (vec<float>)_mm512_maskz_sqrt_ps((__mmask16)0xffff, (__m512)x);  // maskz: GCC 12 warns on the plain form
#elif CR_W == 4 && defined(__AVX__)
  return (vec<float>)_mm256_sqrt_ps((__m256)x);
#elif CR_W == 2 && defined(__SSE2__)
  return (vec<float>)_mm_sqrt_ps((__m128)x);
#elif CR_W == 2 && defined(__aarch64__)
  return (vec<float>)vsqrtq_f32((float32x4_t)x);
#else
  for (int i = 0; i < V<float>::L; i++) x[i] = std::sqrt(x[i]);
  return x;
#endif
}
static inline vec<double> vsqrt(vec<double> x) {
#if CR_W == 8 && defined(__AVX512F__)
  return (vec<double>)_mm512_maskz_sqrt_pd((__mmask8)0xff, (__m512d)x);
#elif CR_W == 4 && defined(__AVX__)
  return (vec<double>)_mm256_sqrt_pd((__m256d)x);
#elif CR_W == 2 && defined(__SSE2__)
  return (vec<double>)_mm_sqrt_pd((__m128d)x);
#elif CR_W == 2 && defined(__aarch64__)
  return (vec<double>)vsqrtq_f64((float64x2_t)x);
#else
  for (int i = 0; i < V<double>::L; i++) x[i] = std::sqrt(x[i]);
  return x;
#endif
}

// ---------------------------------------------------------------------------------------------------------
// Drivers: apply a vector function over contiguous arrays; the tail goes through a padded vector so no
// element past the end is read or written.

/** out[i] = f(x[i]) over native vectors of T. */
template <typename T, typename F>
static inline void map1(const T* x, T* out, int64_t n, F f) {
  constexpr int L = V<T>::L;
  int64_t i = 0;
  for (; i + L <= n; i += L) vstore(out + i, f(vload(x + i)));
  if (i < n) {
    T buf[L] = {};
    const int64_t r = n - i;
    std::memcpy(buf, x + i, r * sizeof(T));
    vec<T> y = f(vload(buf));
    vstore(buf, y);
    std::memcpy(out + i, buf, r * sizeof(T));
  }
}

/** out[i] = f(a[i * sa], b[i * sb]) over native vectors of T, sa and sb in {0, 1}. */
template <typename T, typename F>
static inline void map2(const T* a, int sa, const T* b, int sb, T* out, int64_t n, F f) {
  constexpr int L = V<T>::L;
  int64_t i = 0;
  if (sa && sb) {
    for (; i + L <= n; i += L) vstore(out + i, f(vload(a + i), vload(b + i)));
  } else if (sa) {
    const vec<T> vb = vsplat(b[0]);
    for (; i + L <= n; i += L) vstore(out + i, f(vload(a + i), vb));
  } else if (sb) {
    const vec<T> va = vsplat(a[0]);
    for (; i + L <= n; i += L) vstore(out + i, f(va, vload(b + i)));
  }
  if (i < n) {
    T ba[L] = {};
    T bb[L] = {};
    const int64_t r = n - i;
    for (int64_t j = 0; j < r; j++) {
      ba[j] = a[(i + j) * sa];
      bb[j] = b[(i + j) * sb];
    }
    vec<T> y = f(vload(ba), vload(bb));
    vstore(ba, y);
    std::memcpy(out + i, ba, r * sizeof(T));
  }
}

/** W elements of T widened to float64 lanes, and back (rounding once). */
static inline vd widen(const float* p) {
  vf v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, vd);
}
static inline vd widen(const double* p) {
  vd v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
static inline void narrow(float* p, vd v) {
  vf r = __builtin_convertvector(v, vf);
  std::memcpy(p, &r, sizeof r);
}
static inline void narrow(double* p, vd v) { std::memcpy(p, &v, sizeof v); }

/** out[i] = f(x[i]) computed in float64 lanes (CR_W at a time). */
template <typename T, typename F>
static inline void map1_wide(const T* x, T* out, int64_t n, F f) {
  int64_t i = 0;
  for (; i + CR_W <= n; i += CR_W) narrow(out + i, f(widen(x + i)));
  if (i < n) {
    T buf[CR_W] = {};
    const int64_t r = n - i;
    std::memcpy(buf, x + i, r * sizeof(T));
    narrow(buf, f(widen(buf)));
    std::memcpy(out + i, buf, r * sizeof(T));
  }
}

/** out[i] = f(a[i * sa], b[i * sb]) in float64 lanes, sa and sb in {0, 1}. */
template <typename T, typename F>
static inline void map2_wide(const T* a, int sa, const T* b, int sb, T* out, int64_t n, F f) {
  int64_t i = 0;
  if (sa && sb) {
    for (; i + CR_W <= n; i += CR_W) narrow(out + i, f(widen(a + i), widen(b + i)));
  } else if (sa) {
    const vd vb = splat((double)b[0]);
    for (; i + CR_W <= n; i += CR_W) narrow(out + i, f(widen(a + i), vb));
  } else if (sb) {
    const vd va = splat((double)a[0]);
    for (; i + CR_W <= n; i += CR_W) narrow(out + i, f(va, widen(b + i)));
  }
  if (i < n) {
    T ba[CR_W] = {};
    T bb[CR_W] = {};
    const int64_t r = n - i;
    for (int64_t j = 0; j < r; j++) {
      ba[j] = a[(i + j) * sa];
      bb[j] = b[(i + j) * sb];
    }
    narrow(ba, f(widen(ba), widen(bb)));
    std::memcpy(out + i, ba, r * sizeof(T));
  }
}

}  // namespace CR_NS
