// The native elementwise, broadcast, reduction, softmax and fused activation kernels (C++ API). Semantics
// equal the js reference backend (src/backend/js/): NaN/Inf propagation, float32 results computed in float64
// and rounded once, sums accumulated in float64. Op codes are the indices of the names in
// src/backend/native/codes.ts (UNARY, BINARY, REDUCE), so the bindings pass them through unchanged.
#pragma once

#include <cstdint>

namespace chainrule {
namespace kernels {

enum Unary : int {
  U_NEG, U_EXP, U_LOG, U_LOG1P, U_EXPM1, U_SQRT, U_SIN, U_COS, U_TANH, U_SIGMOID, U_RELU, U_ABS, U_SIGN,
  U_ERF, U_ERFC, U_SOFTPLUS, U_COPY, U_COUNT
};
enum Binary : int {
  B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAX, B_MIN, B_GT, B_GE, B_LT, B_LE, B_EQ, B_NE, B_BCE, B_COUNT
};
enum Reduce : int { R_SUM, R_MAX, R_MIN, R_COUNT };
/** Activations of the fused kernels: 0 none (identity), 1 relu, 2 tanh, 3 sigmoid. */
enum Act : int { A_NONE, A_RELU, A_TANH, A_SIGMOID, A_COUNT };

/** out[i] = f(x[i]) for i < n. */
void unary(int op, const float* x, float* out, int64_t n);
void unary(int op, const double* x, double* out, int64_t n);

/** out[i] = a[i] op b[i] for i < n; na, nb are n or 1 (broadcast). */
void binary(int op, const float* a, int64_t na, const float* b, int64_t nb, float* out, int64_t n);
void binary(int op, const double* a, int64_t na, const double* b, int64_t nb, double* out, int64_t n);

/**
 * out (contiguous, of `shape`) = a op b, reading a and b through element strides (0 along broadcast dims).
 * The caller has checked that every offset read lies inside a and b; nd <= 64.
 */
void binary_strided(int op, const float* a, const int64_t* aStrides, const float* b, const int64_t* bStrides,
                    float* out, const int64_t* shape, int nd);
void binary_strided(int op, const double* a, const int64_t* aStrides, const double* b, const int64_t* bStrides,
                    double* out, const int64_t* shape, int nd);

/** Reduces the dims of x (contiguous, of `shape`) where reduced[d] is true, into contiguous out. */
void reduce(int op, const float* x, const int64_t* shape, const bool* reduced, int nd, float* out);
void reduce(int op, const double* x, const int64_t* shape, const bool* reduced, int nd, double* out);

/** Softmax (or log-softmax) over the middle axis of x viewed as [outer, n, inner]. */
void softmax(const float* x, int64_t outer, int64_t n, int64_t inner, float* out, bool log);
void softmax(const double* x, int64_t outer, int64_t n, int64_t inner, double* out, bool log);

/**
 * Fused bias-add + activation over rows: z[r, j] = x[r, j] + bias[j] for r < rows, j < cols, and
 * y = act(z). `z` may be null (not written) when only y is needed; y may equal z (in place) when act is A_NONE.
 * Results equal `add` then the activation's `unary` bit for bit.
 */
void bias_act(int act, const float* x, const float* bias, int64_t rows, int64_t cols, float* z, float* y);
void bias_act(int act, const double* x, const double* bias, int64_t rows, int64_t cols, double* z, double* y);

/**
 * The activation's backward in one pass, as the rule table computes it op by op (same rounding):
 * relu: out = v > 0 ? g : 0 (v = the input x); tanh: out = g * (1 - v*v) (v = the output y);
 * sigmoid: out = g * (v * (1 - v)) (v = the output y). act A_NONE copies g.
 */
void act_backward(int act, const float* g, const float* v, float* out, int64_t n);
void act_backward(int act, const double* g, const double* v, double* out, int64_t n);

/** The instruction set the kernels dispatch to: "avx512", "avx2", "sse2"/"neon"/"generic". */
const char* kernels_isa();

}  // namespace kernels
}  // namespace chainrule
