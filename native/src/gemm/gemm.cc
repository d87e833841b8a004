// Matrix products: BLAS when linked and selected, else a packed, cache-blocked, register-tiled kernel
// (AVX-512 / AVX2+FMA / NEON / portable, picked at run time) run on the thread pool.
//
// Blocking (Goto/BLIS style, written for row-major C): for each block of nc columns of op(B) and kc steps
// of the inner dimension, op(B)[kc × nc] is packed once into slivers of NR columns (shared by all threads);
// then threads take blocks of rows of op(A), pack them into slivers of MR rows and run the MR×NR
// micro-kernel over the B block. Transposes are absorbed by the packing (both layouts read at full speed),
// so op(A) / op(B) are never materialised.
#include "gemm.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

#include "../parallel/thread_pool.h"
#include "gemm_internal.h"
#include "gemm_ukernel.h"

#ifndef CHAINRULE_BLAS_NAME
#define CHAINRULE_BLAS_NAME "none"
#endif

#if defined(CHAINRULE_HAVE_BLAS)
#if !defined(_WIN32)
#include <dlfcn.h>
#endif
// CBLAS enums are C ints: CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112. Prototypes are declared
// here because many systems ship the library without cblas.h.
typedef void (*SgemmFn)(int order, int transA, int transB, int m, int n, int k, float alpha, const float* a,
                        int lda, const float* b, int ldb, float beta, float* c, int ldc);
typedef void (*DgemmFn)(int order, int transA, int transB, int m, int n, int k, double alpha, const double* a,
                        int lda, const double* b, int ldb, double beta, double* c, int ldc);
#if !defined(CHAINRULE_BLAS_LIB)
// Linked at build time (Accelerate, or a build that links OpenBLAS/BLIS directly).
extern "C" {
void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float* a, int lda,
                 const float* b, int ldb, float beta, float* c, int ldc);
void cblas_dgemm(int order, int transA, int transB, int m, int n, int k, double alpha, const double* a,
                 int lda, const double* b, int ldb, double beta, double* c, int ldc);
}
#endif
#endif

namespace chainrule {
namespace gemm_detail {
namespace {

// ---------------------------------------------------------------------------------------------------
// The portable kernel: GCC/Clang vector extensions (SSE2 on generic x86-64, NEON elsewhere, scalar code
// where there is no SIMD), plain scalars for other compilers. No fused multiply-add: a*b + c rounds twice.
#if defined(__GNUC__) || defined(__clang__)
typedef float PortableF32 __attribute__((vector_size(16)));
typedef double PortableF64 __attribute__((vector_size(16)));
template <class TT, class VV>
struct PortableVec {
  using T = TT;
  using R = VV;
  static constexpr int W = static_cast<int>(sizeof(VV) / sizeof(TT));
  static R zero() { return R{}; }
  static R loadu(const T* p) {
    R v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static R bcast(const T* p) { return R{} + *p; }
  static R fma(R a, R b, R c) { return a * b + c; }
  static R add(R a, R b) { return a + b; }
  static void storeu(T* p, R v) { std::memcpy(p, &v, sizeof v); }
};
using PortableKernelF32 = MicroKernel<PortableVec<float, PortableF32>, 4, 2>;   // 4 × 8
using PortableKernelF64 = MicroKernel<PortableVec<double, PortableF64>, 4, 2>;  // 4 × 4
#else
template <class TT>
struct ScalarVec {
  using T = TT;
  using R = TT;
  static constexpr int W = 1;
  static R zero() { return 0; }
  static R loadu(const T* p) { return *p; }
  static R bcast(const T* p) { return *p; }
  static R fma(R a, R b, R c) { return a * b + c; }
  static R add(R a, R b) { return a + b; }
  static void storeu(T* p, R v) { *p = v; }
};
using PortableKernelF32 = MicroKernel<ScalarVec<float>, 4, 4>;
using PortableKernelF64 = MicroKernel<ScalarVec<double>, 4, 4>;
#endif

// ---------------------------------------------------------------------------------------------------
// Kernel table and dispatch.

enum KernelId { kPortable = 0, kAvx2 = 1, kAvx512 = 2, kNeon = 3 };
const char* const kKernelNames[] = {"scalar", "avx2", "avx512", "neon"};
const char* const kOwnNames[] = {"own-scalar", "own-avx2", "own-avx512", "own-neon"};

struct Kernels {
  UkrSpec<float> f32;
  UkrSpec<double> f64;
};

bool cpu_has(KernelId id) {
  switch (id) {
    case kPortable:
      return true;
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
    case kAvx2:
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case kAvx512:
      // gemm_avx512.cc is compiled with -mavx512f -mavx512dq -mavx512bw -mavx512vl: require all four.
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
    case kNeon:
      return true;
#endif
    default:
      return false;
  }
}

Kernels kernels_for(KernelId id) {
  switch (id) {
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
    case kAvx2:
      return {ukr_f32_avx2(), ukr_f64_avx2()};
    case kAvx512:
      return {ukr_f32_avx512(), ukr_f64_avx512()};
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
    case kNeon:
      return {ukr_f32_neon(), ukr_f64_neon()};
#endif
    default:
      return {PortableKernelF32::spec(), PortableKernelF64::spec()};
  }
}

KernelId best_kernel() {
  for (KernelId id : {kAvx512, kAvx2, kNeon})
    if (cpu_has(id)) return id;
  return kPortable;
}

enum Mode { kAuto = 0, kOwn = 1, kBlas = 2 };

// Every kernel set this build has, built once; the active one is switched by pointer (tests/benches).
const Kernels* kernel_table() {
  static const Kernels table[] = {kernels_for(kPortable), kernels_for(kAvx2), kernels_for(kAvx512),
                                  kernels_for(kNeon)};
  return table;
}

struct State {
  std::atomic<int> kernel{kPortable};
  std::atomic<int> mode{kAuto};
  std::atomic<const Kernels*> k{nullptr};
  State() {
    KernelId id = best_kernel();
    kernel.store(id);
    k.store(&kernel_table()[id]);
    if (const char* env = std::getenv("CHAINRULE_GEMM")) {
      if (!std::strcmp(env, "own")) mode.store(kOwn);
#if defined(CHAINRULE_HAVE_BLAS)
      if (!std::strcmp(env, "blas")) mode.store(kBlas);
#endif
    }
  }
};

State& state() {
  static State* s = new State();  // never destroyed: may be used by threads at exit
  return *s;
}

// ---------------------------------------------------------------------------------------------------
// Blocking parameters. kc steps of the inner dimension per pass (a packed A sliver, MR×kc, stays in L1),
// nc columns of B per block (the packed kc×nc block, about 1 MB, stays in L2), mc rows of A per pack.
// (Overridable at build time for tuning: -DCHAINRULE_GEMM_KC32=... etc.)
#ifndef CHAINRULE_GEMM_KC32
#define CHAINRULE_GEMM_KC32 256
#endif
#ifndef CHAINRULE_GEMM_KC64
#define CHAINRULE_GEMM_KC64 256
#endif
#ifndef CHAINRULE_GEMM_NC32
#define CHAINRULE_GEMM_NC32 1024
#endif
#ifndef CHAINRULE_GEMM_NC64
#define CHAINRULE_GEMM_NC64 512
#endif
#ifndef CHAINRULE_GEMM_MC32
#define CHAINRULE_GEMM_MC32 192
#endif
#ifndef CHAINRULE_GEMM_MC64
#define CHAINRULE_GEMM_MC64 96
#endif
template <class T>
constexpr int64_t kc_for() {
  return sizeof(T) == 4 ? CHAINRULE_GEMM_KC32 : CHAINRULE_GEMM_KC64;
}
template <class T>
constexpr int64_t nc_for() {
  return sizeof(T) == 4 ? CHAINRULE_GEMM_NC32 : CHAINRULE_GEMM_NC64;
}
template <class T>
constexpr int64_t mc_for() {
  return sizeof(T) == 4 ? CHAINRULE_GEMM_MC32 : CHAINRULE_GEMM_MC64;
}
// A chunk of parallel work should hold at least this many multiply-adds: waking a sleeping worker costs
// tens of microseconds, a spinning one under one.
constexpr int64_t kMinTaskFlops = int64_t(1) << 18;
// Below this many multiply-adds per product, packing costs more than it saves: plain dot products.
#ifndef CHAINRULE_GEMM_SMALL
#define CHAINRULE_GEMM_SMALL 256
#endif
constexpr int64_t kSmall = CHAINRULE_GEMM_SMALL;

// ---------------------------------------------------------------------------------------------------
// Scratch buffers: one per thread and purpose, 64-byte aligned, grown as needed, kept for reuse.
struct Scratch {
  void* raw = nullptr;  // what malloc returned
  void* p = nullptr;    // raw rounded up to 64 bytes
  size_t bytes = 0;
  ~Scratch() { std::free(raw); }
  void* get(size_t need) {
    if (need > bytes) {
      std::free(raw);
      raw = std::malloc(need + 64);  // aligned by hand: std::aligned_alloc is missing on some platforms
      if (!raw) {
        p = nullptr;
        bytes = 0;
        throw std::bad_alloc();
      }
      p = reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(raw) + 63) & ~uintptr_t(63));
      bytes = need;
    }
    return p;
  }
};
thread_local Scratch tl_pack_a;
thread_local Scratch tl_pack_b;

// dst[p*LD + r] = src[r*stride + p] for r < R, p < kc: R row streams interleaved into packed steps (the
// packing of op(A) from row-major A, and of op(B) from a transposed B). With SSE2 (every x86-64), 4×4 float /
// 2×2 double blocks are transposed in registers: a quarter of the loads and stores of the scalar loop.
template <class T, int R, int LD>
inline void interleave_rows(const T* __restrict src, int64_t stride, int64_t kc, T* __restrict dst) {
  int64_t p = 0;
#if defined(__SSE2__)
  if constexpr (sizeof(T) == 4 && R % 4 == 0) {
    for (; p + 4 <= kc; p += 4) {
      for (int r = 0; r < R; r += 4) {
        const float* s0 = reinterpret_cast<const float*>(src) + r * stride + p;
        __m128 r0 = _mm_loadu_ps(s0);
        __m128 r1 = _mm_loadu_ps(s0 + stride);
        __m128 r2 = _mm_loadu_ps(s0 + 2 * stride);
        __m128 r3 = _mm_loadu_ps(s0 + 3 * stride);
        _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
        float* d = reinterpret_cast<float*>(dst) + p * LD + r;
        _mm_storeu_ps(d, r0);
        _mm_storeu_ps(d + LD, r1);
        _mm_storeu_ps(d + 2 * LD, r2);
        _mm_storeu_ps(d + 3 * LD, r3);
      }
    }
  } else if constexpr (sizeof(T) == 8 && R % 2 == 0) {
    for (; p + 2 <= kc; p += 2) {
      for (int r = 0; r < R; r += 2) {
        const double* s0 = reinterpret_cast<const double*>(src) + r * stride + p;
        const __m128d r0 = _mm_loadu_pd(s0);
        const __m128d r1 = _mm_loadu_pd(s0 + stride);
        double* d = reinterpret_cast<double*>(dst) + p * LD + r;
        _mm_storeu_pd(d, _mm_unpacklo_pd(r0, r1));
        _mm_storeu_pd(d + LD, _mm_unpackhi_pd(r0, r1));
      }
    }
  }
#endif
  for (; p < kc; p++)
    for (int r = 0; r < R; r++) dst[p * LD + r] = src[r * stride + p];
}

// Packs rows [i0, i0+mc) × steps [p0, p0+kc) of op(A) into slivers of MR rows:
// dst[s*kc*MR + p*MR + r] = op(A)[i0 + s*MR + r, p0 + p], zero past row i0 + mc.
// MR is a template parameter so that the per-step copies compile to straight-line code.
template <class T, int MR>
void pack_a_fixed(const T* A, bool trans, int64_t m, int64_t k, int64_t i0, int64_t mc, int64_t p0, int64_t kc,
                  T* __restrict dst) {
  for (int64_t s = 0; s * MR < mc; s++) {
    T* __restrict d = dst + s * kc * MR;
    const int64_t r0 = i0 + s * MR;
    const int rows = static_cast<int>(std::min<int64_t>(MR, i0 + mc - r0));
    if (trans) {
      // op(A)[i, p] = A[p*m + i]: MR contiguous values per step.
      const T* src = A + p0 * m + r0;
      if (rows == MR) {
        for (int64_t p = 0; p < kc; p++, src += m, d += MR)
          for (int r = 0; r < MR; r++) d[r] = src[r];
      } else {
        for (int64_t p = 0; p < kc; p++, src += m, d += MR) {
          for (int r = 0; r < rows; r++) d[r] = src[r];
          for (int r = rows; r < MR; r++) d[r] = T(0);
        }
      }
    } else {
      // op(A)[i, p] = A[i*k + p]: MR row streams, one value of each per step.
      const T* src = A + r0 * k + p0;
      if (rows == MR) {
        interleave_rows<T, MR, MR>(src, k, kc, d);
      } else {
        for (int64_t p = 0; p < kc; p++, d += MR) {
          for (int r = 0; r < rows; r++) d[r] = src[r * k + p];
          for (int r = rows; r < MR; r++) d[r] = T(0);
        }
      }
    }
  }
}

template <class T>
void pack_a(const T* A, bool trans, int64_t m, int64_t k, int64_t i0, int64_t mc, int64_t p0, int64_t kc, int MR,
            T* dst) {
  switch (MR) {
    case 4:
      return pack_a_fixed<T, 4>(A, trans, m, k, i0, mc, p0, kc, dst);
    case 6:
      return pack_a_fixed<T, 6>(A, trans, m, k, i0, mc, p0, kc, dst);
    case 8:
      return pack_a_fixed<T, 8>(A, trans, m, k, i0, mc, p0, kc, dst);
    case 12:
      return pack_a_fixed<T, 12>(A, trans, m, k, i0, mc, p0, kc, dst);
    default:
      std::abort();  // every kernel's MR is listed above
  }
}

// Packs slivers [s0, s1) of NR columns of op(B) over steps [p0, p0+kc), columns from j0 (block of nc):
// dst[s*kc*NR + p*NR + c] = op(B)[p0 + p, j0 + s*NR + c], zero past column j0 + nc.
template <class T, int NR>
void pack_b_fixed(const T* B, bool trans, int64_t n, int64_t k, int64_t j0, int64_t nc, int64_t p0, int64_t kc,
                  int64_t s0, int64_t s1, T* __restrict dst) {
  for (int64_t s = s0; s < s1; s++) {
    T* __restrict d = dst + s * kc * NR;
    const int64_t c0 = j0 + s * NR;
    const int cols = static_cast<int>(std::min<int64_t>(NR, j0 + nc - c0));
    if (!trans) {
      // op(B)[p, j] = B[p*n + j]: NR contiguous values per step.
      const T* src = B + p0 * n + c0;
      if (cols == NR) {
        for (int64_t p = 0; p < kc; p++, src += n, d += NR)
          for (int c = 0; c < NR; c++) d[c] = src[c];
      } else {
        for (int64_t p = 0; p < kc; p++, src += n, d += NR) {
          for (int c = 0; c < cols; c++) d[c] = src[c];
          for (int c = cols; c < NR; c++) d[c] = T(0);
        }
      }
    } else {
      // op(B)[p, j] = B[j*k + p]: NR row streams of B, one value of each per step.
      const T* src = B + c0 * k + p0;
      if (cols == NR) {
        interleave_rows<T, NR, NR>(src, k, kc, d);
      } else {
        for (int64_t p = 0; p < kc; p++, d += NR) {
          for (int c = 0; c < cols; c++) d[c] = src[c * k + p];
          for (int c = cols; c < NR; c++) d[c] = T(0);
        }
      }
    }
  }
}

template <class T>
void pack_b(const T* B, bool trans, int64_t n, int64_t k, int64_t j0, int64_t nc, int64_t p0, int64_t kc, int NR,
            int64_t s0, int64_t s1, T* dst) {
  switch (NR) {
    case 4:
      return pack_b_fixed<T, 4>(B, trans, n, k, j0, nc, p0, kc, s0, s1, dst);
    case 6:
      return pack_b_fixed<T, 6>(B, trans, n, k, j0, nc, p0, kc, s0, s1, dst);
    case 8:
      return pack_b_fixed<T, 8>(B, trans, n, k, j0, nc, p0, kc, s0, s1, dst);
    case 12:
      return pack_b_fixed<T, 12>(B, trans, n, k, j0, nc, p0, kc, s0, s1, dst);
    case 16:
      return pack_b_fixed<T, 16>(B, trans, n, k, j0, nc, p0, kc, s0, s1, dst);
    case 32:
      return pack_b_fixed<T, 32>(B, trans, n, k, j0, nc, p0, kc, s0, s1, dst);
    default:
      std::abort();  // every kernel's NR is listed above
  }
}

// C = op(A) op(B) with plain dot products (accumulated in double): for tiny products.
template <class T>
void gemm_small(bool tA, bool tB, int64_t m, int64_t n, int64_t k, const T* A, const T* B, T* C) {
  const int64_t si = tA ? 1 : k, sap = tA ? m : 1;
  const int64_t sbp = tB ? 1 : n, sj = tB ? k : 1;
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      double sum = 0;
      const T* a = A + i * si;
      const T* b = B + j * sj;
      for (int64_t p = 0; p < k; p++) sum += double(a[p * sap]) * double(b[p * sbp]);
      C[i * n + j] = static_cast<T>(sum);
    }
}

template <class T>
void gemm_packed(const UkrSpec<T>& K, bool tA, bool tB, int64_t m, int64_t n, int64_t k, const T* A, const T* B,
                 T* C) {
  const int MR = K.mr, NR = K.nr;
  const int64_t KC = kc_for<T>();
  const int64_t NC = std::max<int64_t>(NR, nc_for<T>() / NR * NR);
  const int64_t MC = std::max<int64_t>(MR, mc_for<T>() / MR * MR);
  const int64_t m_slivers = (m + MR - 1) / MR;
  // Each packed B value is used once per sliver of A rows: with one or two of them, packing costs more
  // than reading op(B) in place (possible when it is stored k×n; the ragged last sliver is still packed,
  // as reading NR columns there would run past the matrix).
  const bool direct_b = !tB && m_slivers <= 2;
  // Likewise each A value is used once per B sliver: with few of them (n up to 256 columns), the micro-kernel
  // reads full slivers of op(A) in place (MR rows of A, or MR contiguous values per step of a transposed A)
  // and only a ragged last sliver is packed.
  const bool direct_a = (n + NR - 1) / NR * NR <= 256;

  for (int64_t jc = 0; jc < n; jc += NC) {
    const int64_t nc = std::min(NC, n - jc);
    const int64_t n_slivers = (nc + NR - 1) / NR;
    const int64_t full_slivers = nc / NR;
    // Equal kc blocks (784 = 4 × 196, not 3 × 256 + 16): a thin last block would cost a whole pass over C.
    const int64_t k_blocks = (k + KC - 1) / KC;
    const int64_t KCb = (k + k_blocks - 1) / k_blocks;
    for (int64_t pc = 0; pc < k; pc += KCb) {
      const int64_t kc = std::min(KCb, k - pc);
      const int accumulate = pc > 0;
      T* bp = static_cast<T*>(tl_pack_b.get(sizeof(T) * n_slivers * NR * kc));
      if (direct_b) {
        if (full_slivers < n_slivers)
          pack_b<T>(B, tB, n, k, jc, nc, pc, kc, NR, full_slivers, n_slivers, bp);
      } else {
        // Pack the B block (shared by every thread); in parallel only when the product is big enough for
        // waking the workers to pay (else a tiny product would wait on a wake-up to pack a few KB).
        const bool big = m * nc * kc >= 8 * kMinTaskFlops;
        const int64_t pack_grain = big ? std::max<int64_t>(1, (int64_t(1) << 13) / (kc * NR)) : n_slivers;
        parallel_for_inline(n_slivers, pack_grain, [&](int64_t s0, int64_t s1) {
          pack_b<T>(B, tB, n, k, jc, nc, pc, kc, NR, s0, s1, bp);
        });
      }
      // Tasks: chunks of A row slivers × (when there are few of those) groups of B slivers. Each task packs
      // its rows (mc at a time) and runs the micro-kernel over its B slivers.
      const int threads = in_parallel_region() ? 1 : num_threads();
      // Enough tasks for the dynamic claiming to even out (8 per thread): with few row slivers (m up to a
      // few hundred), also split the B slivers into groups (each group's task repacks its A rows: cheap).
      int64_t col_groups = 1;
      const bool parallel = threads > 1 && m_slivers * MR * n_slivers * NR * kc >= 2 * kMinTaskFlops;
      if (parallel && m_slivers < 8 * threads)
        col_groups = std::min<int64_t>(n_slivers, (8 * threads + m_slivers - 1) / m_slivers);
      const int64_t slivers_per_group = (n_slivers + col_groups - 1) / col_groups;
      col_groups = (n_slivers + slivers_per_group - 1) / slivers_per_group;
      const int64_t flops_per_task = int64_t(MR) * slivers_per_group * NR * kc;
      const int64_t grain = std::max<int64_t>(1, kMinTaskFlops / std::max<int64_t>(1, flops_per_task));
      parallel_for_inline(m_slivers * col_groups, grain, [&](int64_t t0, int64_t t1) {
        // Task t covers row slivers of one column group: t = group * m_slivers + sliver.
        while (t0 < t1) {
          const int64_t g = t0 / m_slivers;
          const int64_t s_begin = t0 % m_slivers;
          const int64_t s_end = std::min(m_slivers, s_begin + (t1 - t0));
          t0 += s_end - s_begin;
          const int64_t js0 = g * slivers_per_group;
          const int64_t js1 = std::min(n_slivers, js0 + slivers_per_group);
          const int64_t row_end = std::min(m, s_end * MR);
          for (int64_t ic = s_begin * MR; ic < row_end; ic += MC) {
            const int64_t mc = std::min(MC, row_end - ic);
            // Rows read in place (from a row-major A only with enough steps to pay for its longer set-up).
            const int64_t full_rows = direct_a && (tA || kc >= 64) ? mc / MR * MR : 0;
            T* ap = nullptr;
            if (full_rows < mc) {
              ap = static_cast<T*>(tl_pack_a.get(sizeof(T) * ((mc - full_rows + MR - 1) / MR) * MR * kc));
              pack_a<T>(A, tA, m, k, ic + full_rows, mc - full_rows, pc, kc, MR, ap);
            }
            for (int64_t ir = 0; ir < mc; ir += MR) {
              const int mr = static_cast<int>(std::min<int64_t>(MR, mc - ir));
              T* crow = C + (ic + ir) * n + jc;
              for (int64_t s = js0; s < js1; s++) {
                const int nr = static_cast<int>(std::min<int64_t>(NR, nc - s * NR));
                const bool b_in_place = direct_b && s < full_slivers;
                const T* b = b_in_place ? B + pc * n + jc + s * NR : bp + s * kc * NR;
                const int64_t ldb = b_in_place ? n : NR;
                if (ir < full_rows) {
                  if (tA)  // op(A)[i, p] = A[p*m + i]
                    K.fn(kc, A + pc * m + ic + ir, m, b, ldb, crow + s * NR, n, accumulate, mr, nr);
                  else  // op(A)[i, p] = A[i*k + p]
                    K.fn_rows(kc, A + (ic + ir) * k + pc, k, b, ldb, crow + s * NR, n, accumulate, mr, nr);
                } else {
                  K.fn(kc, ap + ((ir - full_rows) / MR) * kc * MR, MR, b, ldb, crow + s * NR, n, accumulate, mr,
                       nr);
                }
              }
            }
          }
        }
      });
    }
  }
}

// Fraction of the micro-kernel's lanes doing useful work for an m×n product.
double tile_use(int64_t m, int64_t n, int MR, int NR) {
  return (double(m) / double((m + MR - 1) / MR * MR)) * (double(n) / double((n + NR - 1) / NR * NR));
}

thread_local Scratch tl_transposed;

// Runs the product in whichever orientation wastes fewer lanes: C, or Cᵀ = op(B)ᵀ op(A)ᵀ (computed into a
// scratch buffer, then transposed into C) when n is narrow, e.g. the 10 logits of a classifier against
// a 32-wide AVX-512 tile.
template <class T>
void gemm_oriented(const UkrSpec<T>& K, bool tA, bool tB, int64_t m, int64_t n, int64_t k, const T* A,
                   const T* B, T* C) {
  if (n < K.nr && tile_use(n, m, K.mr, K.nr) > 1.25 * tile_use(m, n, K.mr, K.nr)) {
    T* ct = static_cast<T*>(tl_transposed.get(sizeof(T) * m * n));
    // op(B)ᵀ is B read with the opposite transpose flag, likewise op(A)ᵀ.
    gemm_packed<T>(K, !tB, !tA, n, m, k, B, A, ct);
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) C[i * n + j] = ct[j * m + i];
    return;
  }
  gemm_packed<T>(K, tA, tB, m, n, k, A, B, C);
}

#if defined(CHAINRULE_HAVE_BLAS)
// The BLAS, loaded on first use. With CHAINRULE_BLAS_LIB (OpenBLAS/BLIS) the library is dlopen'ed rather
// than linked, for two reasons: OpenBLAS picks its kernels in a load-time constructor and falls back to old
// SSE3 ones on CPUs it does not know (0.3.21 on recent Xeons: 10x slower than our AVX-512 kernel), which only
// OPENBLAS_CORETYPE set before loading fixes; and a library removed after the build must not stop the addon
// from loading (we then use our own kernel).
struct Blas {
  SgemmFn sgemm = nullptr;
  DgemmFn dgemm = nullptr;
  void (*set_threads_int)(int) = nullptr;        // openblas_set_num_threads
  void (*set_threads_i64)(int64_t) = nullptr;    // bli_thread_set_num_threads
  const char* core = "";                         // OpenBLAS's kernel family, e.g. "SkylakeX"
  bool ok = false;                               // loaded and usable
  bool strong = true;                            // at least as fast as our own kernel on this CPU
  std::mutex mu;                                 // one call at a time (several JS threads may call in)
  int threads = 0;                               // thread count last given to the library
};

bool cpu_flag_avx512_all() {
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512cd");
#else
  return false;
#endif
}

// Level of an OpenBLAS kernel family on x86-64: 2 = AVX-512, 1 = AVX2, 0 = older.
int openblas_core_level(const char* core) {
  std::string c(core ? core : "");
  for (auto& ch : c) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (c == "skylakex" || c == "cooperlake" || c == "sapphirerapids") return 2;
  if (c == "haswell" || c == "zen" || c == "excavator") return 1;
  return 0;
}

Blas* load_blas() {
  Blas* b = new Blas();
  void* h = nullptr;
  auto sym = [&](const char* name) -> void* {
#if defined(_WIN32)
    (void)name;
    return nullptr;
#else
    return h ? dlsym(h, name) : dlsym(RTLD_DEFAULT, name);
#endif
  };
  (void)sym;  // unused with Accelerate
#if defined(CHAINRULE_BLAS_LIB)
  bool set_env = false;
#if defined(CHAINRULE_BLAS_OPENBLAS) && (defined(__x86_64__) || defined(_M_X64))
  if (!std::getenv("OPENBLAS_CORETYPE")) {
    const char* core = cpu_flag_avx512_all() ? "SkylakeX" : (cpu_has(kAvx2) ? "Haswell" : nullptr);
    if (core) set_env = setenv("OPENBLAS_CORETYPE", core, 0) == 0;
  }
#endif
  h = dlopen(CHAINRULE_BLAS_LIB, RTLD_NOW | RTLD_LOCAL);
  if (set_env) unsetenv("OPENBLAS_CORETYPE");  // only for our load, not for child processes
  if (!h) return b;
  b->sgemm = reinterpret_cast<SgemmFn>(sym("cblas_sgemm"));
  b->dgemm = reinterpret_cast<DgemmFn>(sym("cblas_dgemm"));
#else
  b->sgemm = &cblas_sgemm;
  b->dgemm = &cblas_dgemm;
#endif
#if defined(CHAINRULE_BLAS_OPENBLAS)
  b->set_threads_int = reinterpret_cast<void (*)(int)>(sym("openblas_set_num_threads"));
  if (auto corename = reinterpret_cast<char* (*)()>(sym("openblas_get_corename"))) b->core = corename();
#if defined(__x86_64__) || defined(_M_X64)
  const int own_level = state().kernel.load() == kAvx512 ? 2 : state().kernel.load() == kAvx2 ? 1 : 0;
  b->strong = openblas_core_level(b->core) >= own_level;
#endif
#elif defined(CHAINRULE_BLAS_BLIS)
  b->set_threads_i64 = reinterpret_cast<void (*)(int64_t)>(sym("bli_thread_set_num_threads"));
#endif
  b->ok = b->sgemm && b->dgemm;
  return b;
}

Blas& blas() {
  static Blas* b = load_blas();  // thread-safe one-time initialisation
  return *b;
}

// Gives the library the pool's thread count when it changed. Called with b.mu held.
void blas_sync_threads(Blas& b) {
  const int want = num_threads();
  if (want == b.threads) return;
  b.threads = want;
  if (b.set_threads_int) b.set_threads_int(want);
  if (b.set_threads_i64) b.set_threads_i64(want);
}

bool blas_fits(int64_t m, int64_t n, int64_t k) {
  const int64_t lim = 0x7fffffff;
  return m < lim && n < lim && k < lim && m * n < lim && m * k < lim && n * k < lim;
}

void blas_gemm(Blas& b, bool tA, bool tB, int64_t m, int64_t n, int64_t k, const float* A, const float* B,
               float* C) {
  std::lock_guard<std::mutex> lk(b.mu);
  blas_sync_threads(b);
  b.sgemm(101, tA ? 112 : 111, tB ? 112 : 111, int(m), int(n), int(k), 1.0f, A, int(tA ? m : k), B,
          int(tB ? k : n), 0.0f, C, int(n));
}
void blas_gemm(Blas& b, bool tA, bool tB, int64_t m, int64_t n, int64_t k, const double* A, const double* B,
               double* C) {
  std::lock_guard<std::mutex> lk(b.mu);
  blas_sync_threads(b);
  b.dgemm(101, tA ? 112 : 111, tB ? 112 : 111, int(m), int(n), int(k), 1.0, A, int(tA ? m : k), B,
          int(tB ? k : n), 0.0, C, int(n));
}
#endif

// Products with at least this many multiply-adds go to the BLAS in "auto" mode; smaller ones run the own
// kernel (no library call overhead, and OpenBLAS's threads stay asleep). Measured on a 2-core AVX-512 Xeon against OpenBLAS 0.3.21
// with its SkylakeX kernels (native/bench/gemm-bench.mjs): one thread, both are within ~10% of each other
// from 64³ up (OpenBLAS ahead at 64³ and k = 10, the own kernel ahead on 128×784×256 and 128×256×128); two
// threads on a lightly loaded machine, OpenBLAS is 1.0–1.5x the own kernel on the MLP-sized products
// (128×256×128 … 128×784×256). On a heavily loaded machine OpenBLAS's threads wait for each other (0.1–0.5x)
// where the pool's dynamically claimed chunks do not: CHAINRULE_GEMM=own or a higher
// CHAINRULE_GEMM_BLAS_THRESHOLD=n keeps products on the own kernel.
int64_t blas_threshold_init() {
  if (const char* env = std::getenv("CHAINRULE_GEMM_BLAS_THRESHOLD")) {
    char* end = nullptr;
    const long long v = std::strtoll(env, &end, 10);
    if (end != env && *end == '\0' && v >= 0) return v;
  }
  return int64_t(1) << 16;
}
const int64_t g_blas_threshold = blas_threshold_init();

template <class T>
UkrSpec<T> pick(const Kernels& ks);
template <>
UkrSpec<float> pick<float>(const Kernels& ks) {
  return ks.f32;
}
template <>
UkrSpec<double> pick<double>(const Kernels& ks) {
  return ks.f64;
}

template <class T>
void gemm_any(bool tA, bool tB, int64_t m, int64_t n, int64_t k, const T* A, const T* B, T* C) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    std::memset(C, 0, sizeof(T) * m * n);
    return;
  }
  const int64_t flops = m * n * k;
#if defined(CHAINRULE_HAVE_BLAS)
  const int mode = state().mode.load(std::memory_order_relaxed);
  if (mode != kOwn && blas_fits(m, n, k) && !in_parallel_region()) {
    Blas& b = blas();
    if (b.ok && (mode == kBlas || (b.strong && flops >= g_blas_threshold))) {
      blas_gemm(b, tA, tB, m, n, k, A, B, C);
      return;
    }
  }
#endif
  if (flops <= kSmall) {
    gemm_small(tA, tB, m, n, k, A, B, C);
    return;
  }
  const UkrSpec<T> K = pick<T>(*state().k.load(std::memory_order_acquire));
  gemm_oriented<T>(K, tA, tB, m, n, k, A, B, C);
}

}  // namespace
}  // namespace gemm_detail

using namespace gemm_detail;

void gemm_f32(bool transA, bool transB, int64_t m, int64_t n, int64_t k, const float* A, const float* B, float* C) {
  gemm_any<float>(transA, transB, m, n, k, A, B, C);
}

void gemm_f64(bool transA, bool transB, int64_t m, int64_t n, int64_t k, const double* A, const double* B,
              double* C) {
  gemm_any<double>(transA, transB, m, n, k, A, B, C);
}

const char* gemm_kernel_name() { return kKernelNames[state().kernel.load()]; }

const char* gemm_backend_name() {
#if defined(CHAINRULE_HAVE_BLAS)
  const int mode = state().mode.load();
  if (mode == kBlas || (mode == kAuto && blas().ok && blas().strong)) return CHAINRULE_BLAS_NAME;
#endif
  return kOwnNames[state().kernel.load()];
}

void gemm_set_num_threads(int n) {
#if defined(CHAINRULE_HAVE_BLAS)
  (void)n;
  Blas& b = blas();
  std::lock_guard<std::mutex> lk(b.mu);
  blas_sync_threads(b);  // follows the pool's count, which the caller has just set
#else
  (void)n;
#endif
}

bool gemm_select_kernel(const char* name) {
  KernelId id;
  if (!std::strcmp(name, "auto"))
    id = best_kernel();
  else if (!std::strcmp(name, "avx512"))
    id = kAvx512;
  else if (!std::strcmp(name, "avx2"))
    id = kAvx2;
  else if (!std::strcmp(name, "neon"))
    id = kNeon;
  else if (!std::strcmp(name, "scalar"))
    id = kPortable;
  else
    return false;
  if (!cpu_has(id)) return false;
  State& st = state();
  st.k.store(&kernel_table()[id]);
  st.kernel.store(id);
  return true;
}

bool gemm_select_mode(const char* mode) {
  int m;
  if (!std::strcmp(mode, "auto"))
    m = kAuto;
  else if (!std::strcmp(mode, "own"))
    m = kOwn;
  else if (!std::strcmp(mode, "blas"))
    m = kBlas;
  else
    return false;
#if defined(CHAINRULE_HAVE_BLAS)
  if (m == kBlas && !blas().ok) return false;
#else
  if (m == kBlas) return false;
#endif
  state().mode.store(m);
  return true;
}

const char* gemm_mode() {
  static const char* const names[] = {"auto", "own", "blas"};
  return names[state().mode.load()];
}

const char* gemm_blas_name() {
#if defined(CHAINRULE_HAVE_BLAS)
  if (blas().ok) return CHAINRULE_BLAS_NAME;
#endif
  return "none";
}

const char* gemm_blas_core() {
#if defined(CHAINRULE_HAVE_BLAS)
  return blas().core;
#else
  return "";
#endif
}

bool gemm_blas_preferred() {
#if defined(CHAINRULE_HAVE_BLAS)
  return blas().ok && blas().strong;
#else
  return false;
#endif
}

int64_t gemm_blas_threshold() { return g_blas_threshold; }

GemmKernelInfo gemm_kernel_info() {
  const Kernels& k = *state().k.load();
  return GemmKernelInfo{kKernelNames[state().kernel.load()], k.f32.mr, k.f32.nr, k.f64.mr, k.f64.nr,
                        kc_for<float>(), mc_for<float>(), nc_for<float>()};
}

}  // namespace chainrule
