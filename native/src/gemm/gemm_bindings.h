// Node-API bindings of the matrix products: matmul, gemmInfo, setGemm.
#pragma once

#include <napi.h>

namespace chainrule {
// Adds matmul(a, aOffsets, b, bOffsets, out, m, k, n, transA, transB), gemmInfo() and setGemm(mode, kernel?)
// to `exports` (see gemm_bindings.cc).
void RegisterGemm(Napi::Env env, Napi::Object exports);
}  // namespace chainrule
