// The Node-API module: registers the matrix products (gemm/) and the kernels (kernels/), and exports version, features(),
// setNumThreads(n) and numThreads() (the contract is in docs/native.md and src/backend/native/loader.ts).

#include <napi.h>

#include <string>

#include "gemm/gemm.h"
#include "gemm/gemm_bindings.h"
#include "kernels/kernels_bindings.h"
#include "parallel/thread_pool.h"

#ifndef CHAINRULE_NATIVE_VERSION
#define CHAINRULE_NATIVE_VERSION "0.0.0"
#endif
#ifndef CHAINRULE_BLAS_NAME
#define CHAINRULE_BLAS_NAME "none"
#endif

namespace {

// The widest SIMD instruction set this CPU runs (what the kernels dispatch to), not what the compiler targets.
const char* BestSimd() {
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "avx512";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2";
  if (__builtin_cpu_supports("sse2")) return "sse2";
  return "scalar";
#elif defined(__aarch64__) || defined(_M_ARM64)
  return "neon";
#else
  return "scalar";
#endif
}

Napi::Value Features(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("simd", BestSimd());
  const char* blas = CHAINRULE_BLAS_NAME;
  if (std::string(blas) == "none")
    out.Set("blas", env.Null());
  else
    out.Set("blas", blas);
  out.Set("gemm", chainrule::gemm_backend_name());
  out.Set("threads", chainrule::num_threads());
  return out;
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsNumber())
    throw Napi::TypeError::New(env, "setNumThreads: expected a positive integer");
  const double n = info[0].As<Napi::Number>().DoubleValue();
  if (!(n >= 1 && n <= 4096) || n != static_cast<double>(static_cast<int>(n)))
    throw Napi::RangeError::New(env, "setNumThreads: expected an integer in [1, 4096]");
  chainrule::set_num_threads(static_cast<int>(n));
  chainrule::gemm_set_num_threads(static_cast<int>(n));
  return env.Undefined();
}

Napi::Value NumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), chainrule::num_threads());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("version", Napi::String::New(env, CHAINRULE_NATIVE_VERSION));
  exports.Set("features", Napi::Function::New(env, Features, "features"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("numThreads", Napi::Function::New(env, NumThreads, "numThreads"));
  chainrule::RegisterGemm(env, exports);
  chainrule::RegisterKernels(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(chainrule_native, Init)
