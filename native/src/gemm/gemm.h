// Dense matrix products for the native backend: own packed SIMD kernels with run-time dispatch, or a BLAS.
#pragma once

#include <cstdint>

namespace chainrule {

// C (m×n, row-major, contiguous, ldc = n) = op(A) · op(B); A stored m×k (or k×m if transA),
// B stored k×n (or n×k if transB). k == 0 gives zeros. Uses the thread pool (parallel_for) for large
// products; runs serially when called from inside a parallel_for chunk.
void gemm_f32(bool transA, bool transB, int64_t m, int64_t n, int64_t k, const float* A, const float* B, float* C);
void gemm_f64(bool transA, bool transB, int64_t m, int64_t n, int64_t k, const double* A, const double* B,
              double* C);

// What large products run on: "openblas" | "blis" | "accelerate" when a BLAS is linked and selected,
// else the own kernel in use: "own-avx512" | "own-avx2" | "own-neon" | "own-scalar".
const char* gemm_backend_name();

// The own kernel that run-time dispatch picked (or that gemm_select_kernel forced), e.g. "avx512".
const char* gemm_kernel_name();

// Thread count for the BLAS (openblas_set_num_threads / bli_thread_set_num_threads); a no-op without one.
// The own kernels follow set_num_threads() of the thread pool.
void gemm_set_num_threads(int n);

// Forces an own kernel: "auto" (best the CPU runs), "avx512", "avx2", "neon" or "scalar". Returns false
// (and changes nothing) when this build or CPU lacks it. For tests and benchmarks.
bool gemm_select_kernel(const char* name);

// Where products go: "auto" (BLAS for products of at least gemm_blas_threshold() multiply-adds when a BLAS is
// linked, own kernel otherwise), "own" (never the BLAS) or "blas" (always, when linked). Returns false for an
// unknown mode or "blas" without a BLAS. Also set by the CHAINRULE_GEMM environment variable at load.
bool gemm_select_mode(const char* mode);
const char* gemm_mode();

// The BLAS this build can use: its name ("openblas", "blis", "accelerate") or "none" when there is none or
// it failed to load; OpenBLAS's kernel family (e.g. "SkylakeX", "Prescott") or "" otherwise; and whether
// "auto" mode uses it for large products (false when it was judged slower than the own kernel on this CPU,
// e.g. an OpenBLAS that does not know the CPU and runs its SSE3 kernels).
const char* gemm_blas_name();
const char* gemm_blas_core();
bool gemm_blas_preferred();
// Products with fewer multiply-adds than this run the own kernel even in "auto" mode with a BLAS.
int64_t gemm_blas_threshold();

// Size parameters of the own kernel in use (register tile mr×nr, cache blocks kc, mc, nc).
struct GemmKernelInfo {
  const char* name;
  int mr_f32, nr_f32, mr_f64, nr_f64;
  int64_t kc, mc, nc;
};
GemmKernelInfo gemm_kernel_info();

}  // namespace chainrule
