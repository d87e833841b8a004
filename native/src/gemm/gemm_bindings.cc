// Node-API bindings of the matrix products. Typed arrays are used in place (zero copy, byteOffset respected);
// every argument is checked so that bad input throws a TypeError/RangeError naming the function, never crashes.
#include "gemm_bindings.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include "../parallel/thread_pool.h"
#include "gemm.h"

namespace chainrule {
namespace {

// Products below this many multiply-adds run one per thread when a call holds several of them (a batch),
// instead of one after the other with each split over the threads.
constexpr double kBatchParallelFlops = 65536;

// A number as JavaScript would print it (integers without ".000000").
std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// A non-negative integer argument that fits comfortably in int64 arithmetic (products of two stay exact).
int64_t Dim(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (!info[i].IsNumber())
    throw Napi::TypeError::New(info.Env(), std::string("matmul: expected ") + name + " to be a number");
  const double v = info[i].As<Napi::Number>().DoubleValue();
  if (!(v >= 0 && v <= 2147483647.0) || v != std::floor(v))
    throw Napi::RangeError::New(info.Env(), std::string("matmul: expected ") + name +
                                                " to be an integer in [0, 2^31), got " + Num(v));
  return static_cast<int64_t>(v);
}

bool Flag(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || info[i].IsUndefined()) return false;
  if (!info[i].IsBoolean())
    throw Napi::TypeError::New(info.Env(), std::string("matmul: expected ") + name + " to be a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

Napi::TypedArray Floats(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (!info[i].IsTypedArray())
    throw Napi::TypeError::New(info.Env(),
                               std::string("matmul: expected ") + name + " to be a Float32Array or Float64Array");
  Napi::TypedArray t = info[i].As<Napi::TypedArray>();
  const napi_typedarray_type ty = t.TypedArrayType();
  if (ty != napi_float32_array && ty != napi_float64_array)
    throw Napi::TypeError::New(info.Env(),
                               std::string("matmul: expected ") + name + " to be a Float32Array or Float64Array");
  return t;
}

Napi::Float64Array Offsets(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(info.Env(), std::string("matmul: expected ") + name + " to be a Float64Array");
  return info[i].As<Napi::Float64Array>();
}

// Checks every batch offset: an integer with offset + span <= length.
void CheckOffsets(Napi::Env env, const Napi::Float64Array& offs, size_t length, int64_t span, const char* name) {
  const double* o = offs.Data();
  for (size_t t = 0; t < offs.ElementLength(); t++) {
    const double v = o[t];
    if (!(v >= 0) || v != std::floor(v) || v + static_cast<double>(span) > static_cast<double>(length))
      throw Napi::RangeError::New(env, std::string("matmul: expected ") + name + "[" + std::to_string(t) +
                                           "] to be an integer offset with the matrix inside the array (" +
                                           std::to_string(span) + " elements from it, array length " +
                                           std::to_string(length) + "), got " + Num(v));
  }
}

template <class T>
void Run(const T* a, const double* ao, const T* b, const double* bo, T* out, int64_t batch, int64_t m, int64_t k,
         int64_t n, bool tA, bool tB) {
  auto one = [&](int64_t t) {
    const T* at = a + static_cast<int64_t>(ao[t]);
    const T* bt = b + static_cast<int64_t>(bo[t]);
    T* ot = out + t * m * n;
    if constexpr (sizeof(T) == 4)
      gemm_f32(tA, tB, m, n, k, at, bt, ot);
    else
      gemm_f64(tA, tB, m, n, k, at, bt, ot);
  };
  const double flops = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  if (batch > 1 && flops < kBatchParallelFlops) {
    // Many small products: one per chunk (nested gemm calls then run serially on their thread).
    const int64_t grain = std::max<int64_t>(1, static_cast<int64_t>(4 * kBatchParallelFlops / std::max(flops, 1.0)));
    parallel_for(batch, grain, [&](int64_t t0, int64_t t1) {
      for (int64_t t = t0; t < t1; t++) one(t);
    });
  } else {
    for (int64_t t = 0; t < batch; t++) one(t);
  }
}

// matmul(a, aOffsets, b, bOffsets, out, m, k, n, transA, transB): for t < batch (= aOffsets.length),
// out[t*m*n ...] = op(a[aOffsets[t] ...]) · op(b[bOffsets[t] ...]), op(a) m×k (a stored k×m when transA),
// op(b) k×n (b stored n×k when transB). All three float arrays must have the same type.
Napi::Value Matmul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 8)
    throw Napi::TypeError::New(env, "matmul: expected (a, aOffsets, b, bOffsets, out, m, k, n, transA, transB), got " +
                                        std::to_string(info.Length()) + " arguments");
  Napi::TypedArray a = Floats(info, 0, "a");
  Napi::Float64Array ao = Offsets(info, 1, "aOffsets");
  Napi::TypedArray b = Floats(info, 2, "b");
  Napi::Float64Array bo = Offsets(info, 3, "bOffsets");
  Napi::TypedArray out = Floats(info, 4, "out");
  const int64_t m = Dim(info, 5, "m"), k = Dim(info, 6, "k"), n = Dim(info, 7, "n");
  const bool tA = Flag(info, 8, "transA"), tB = Flag(info, 9, "transB");
  const napi_typedarray_type ty = out.TypedArrayType();
  if (a.TypedArrayType() != ty || b.TypedArrayType() != ty)
    throw Napi::TypeError::New(env, "matmul: expected a, b and out of the same type (all Float32Array or all "
                                    "Float64Array)");
  const int64_t batch = static_cast<int64_t>(ao.ElementLength());
  if (static_cast<int64_t>(bo.ElementLength()) != batch)
    throw Napi::RangeError::New(env, "matmul: expected aOffsets and bOffsets of the same length, got " +
                                         std::to_string(batch) + " and " + std::to_string(bo.ElementLength()));
  CheckOffsets(env, ao, a.ElementLength(), m * k, "aOffsets");
  CheckOffsets(env, bo, b.ElementLength(), k * n, "bOffsets");
  const double need = static_cast<double>(batch) * static_cast<double>(m) * static_cast<double>(n);
  if (need > static_cast<double>(out.ElementLength()))
    throw Napi::RangeError::New(env, "matmul: expected out to hold batch*m*n = " + Num(need) +
                                         " elements, got " + std::to_string(out.ElementLength()));
  if (batch == 0 || m == 0 || n == 0) return env.Undefined();
  try {
    if (ty == napi_float32_array)
      Run<float>(a.As<Napi::Float32Array>().Data(), ao.Data(), b.As<Napi::Float32Array>().Data(), bo.Data(),
                 out.As<Napi::Float32Array>().Data(), batch, m, k, n, tA, tB);
    else
      Run<double>(a.As<Napi::Float64Array>().Data(), ao.Data(), b.As<Napi::Float64Array>().Data(), bo.Data(),
                  out.As<Napi::Float64Array>().Data(), batch, m, k, n, tA, tB);
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "matmul: out of memory for packing buffers");
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("matmul: ") + e.what());
  }
  return env.Undefined();
}

// gemmInfo(): what matmul runs on. { backend, kernel, mode, blas, blasCore, blasPreferred, blasThreshold,
// mr, nr, mr64, nr64, kc, mc, nc }.
Napi::Value GemmInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  const GemmKernelInfo k = gemm_kernel_info();
  o.Set("backend", gemm_backend_name());
  o.Set("kernel", k.name);
  o.Set("mode", gemm_mode());
  const std::string blas = gemm_blas_name();
  if (blas == "none")
    o.Set("blas", env.Null());
  else
    o.Set("blas", blas);
  o.Set("blasCore", gemm_blas_core());
  o.Set("blasPreferred", gemm_blas_preferred());
  o.Set("blasThreshold", static_cast<double>(gemm_blas_threshold()));
  o.Set("mr", k.mr_f32);
  o.Set("nr", k.nr_f32);
  o.Set("mr64", k.mr_f64);
  o.Set("nr64", k.nr_f64);
  o.Set("kc", static_cast<double>(k.kc));
  o.Set("mc", static_cast<double>(k.mc));
  o.Set("nc", static_cast<double>(k.nc));
  return o;
}

// setGemm(mode, kernel?): mode "auto" | "own" | "blas", kernel "auto" | "avx512" | "avx2" | "neon" | "scalar".
// Returns false (changing nothing) when this build or CPU lacks what was asked. For tests and benchmarks.
Napi::Value SetGemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString())
    throw Napi::TypeError::New(env, "setGemm: expected a mode string (\"auto\", \"own\" or \"blas\")");
  const std::string mode = info[0].As<Napi::String>().Utf8Value();
  std::string kernel;
  if (info.Length() > 1 && !info[1].IsUndefined()) {
    if (!info[1].IsString())
      throw Napi::TypeError::New(env, "setGemm: expected the kernel to be a string (\"auto\", \"avx512\", "
                                      "\"avx2\", \"neon\" or \"scalar\")");
    kernel = info[1].As<Napi::String>().Utf8Value();
  }
  if (mode != "auto" && mode != "own" && mode != "blas")
    throw Napi::RangeError::New(env, "setGemm: expected mode \"auto\", \"own\" or \"blas\", got \"" + mode + "\"");
  if (!kernel.empty() && !gemm_select_kernel(kernel.c_str())) return Napi::Boolean::New(env, false);
  return Napi::Boolean::New(env, gemm_select_mode(mode.c_str()));
}

}  // namespace

void RegisterGemm(Napi::Env env, Napi::Object exports) {
  exports.Set("matmul", Napi::Function::New(env, Matmul, "matmul"));
  exports.Set("gemmInfo", Napi::Function::New(env, GemmInfo, "gemmInfo"));
  exports.Set("setGemm", Napi::Function::New(env, SetGemm, "setGemm"));
}

}  // namespace chainrule
