// Node-API bindings of kernels.h: validate every argument (types, lengths, op codes, strides inside their
// arrays) and throw a TypeError/RangeError naming the function, then run the kernel on the typed arrays'
// own memory (byteOffset respected, no copies).
#include "kernels/kernels_bindings.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "kernels/kernels.h"

namespace chainrule {

namespace {

namespace k = kernels;

/** A float typed array argument: its dtype, element count and data pointer (byteOffset applied). */
struct FloatArray {
  bool f64 = false;
  int64_t length = 0;
  void* data = nullptr;
  float* f() const { return static_cast<float*>(data); }
  double* d() const { return static_cast<double*>(data); }
};

/** A number as JavaScript prints it, nearly: integers without a fraction, others to 17 digits. */
std::string Num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

std::string Describe(const Napi::Value& v) {
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_float32_array: return "a Float32Array";
      case napi_float64_array: return "a Float64Array";
      default: return "another typed array";
    }
  }
  if (v.IsNull()) return "null";
  if (v.IsUndefined()) return "undefined";
  if (v.IsNumber()) return "the number " + Num(v.As<Napi::Number>().DoubleValue());
  if (v.IsBoolean()) return "a boolean";
  if (v.IsString()) return "a string";
  if (v.IsArray()) return "an array";
  return "an object";
}

[[noreturn]] void Type(const Napi::Env& env, const char* fn, const std::string& what, const Napi::Value& got) {
  throw Napi::TypeError::New(env, std::string(fn) + ": " + what + ", got " + Describe(got));
}

[[noreturn]] void Range(const Napi::Env& env, const char* fn, const std::string& msg) {
  throw Napi::RangeError::New(env, std::string(fn) + ": " + msg);
}

void CheckCount(const Napi::CallbackInfo& info, const char* fn, size_t n) {
  if (info.Length() != n)
    Range(info.Env(), fn,
          "expected " + std::to_string(n) + " arguments, got " + std::to_string(info.Length()));
}

/** The typed array `v` in one Node-API call (data already offset by byteOffset); false if not a typed array. */
bool TypedArrayInfo(napi_env env, napi_value v, napi_typedarray_type* type, size_t* length, void** data) {
  napi_value buffer;
  size_t offset;
  return napi_get_typedarray_info(env, v, type, length, data, &buffer, &offset) == napi_ok;
}

FloatArray Float(const Napi::CallbackInfo& info, const char* fn, size_t i, const char* name) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (!TypedArrayInfo(info.Env(), info[i], &type, &length, &data) ||
      (type != napi_float32_array && type != napi_float64_array))
    Type(info.Env(), fn, std::string(name) + " must be a Float32Array or Float64Array", info[i]);
  FloatArray a;
  a.f64 = type == napi_float64_array;
  a.length = static_cast<int64_t>(length);
  a.data = data;
  return a;
}

/** A number argument, or a TypeError. */
double Number(const Napi::CallbackInfo& info, const char* fn, size_t i, const std::string& what) {
  double x;
  if (napi_get_value_double(info.Env(), info[i], &x) != napi_ok) Type(info.Env(), fn, what, info[i]);
  return x;
}

void SameType(const Napi::CallbackInfo& info, const char* fn, const FloatArray& a, const FloatArray& b,
              const char* name) {
  if (a.f64 != b.f64)
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": " + name + " must have the dtype of the other arrays (" +
                                               (a.f64 ? "Float64Array" : "Float32Array") + "), got a " +
                                               (b.f64 ? "Float64Array" : "Float32Array"));
}

/** A non-negative integer argument (at most 2^53). */
int64_t Count(const Napi::CallbackInfo& info, const char* fn, size_t i, const char* name) {
  const double x = Number(info, fn, i, std::string(name) + " must be a non-negative integer");
  if (!(x >= 0 && x <= 9007199254740992.0) || x != std::floor(x))
    Range(info.Env(), fn, std::string(name) + " must be a non-negative integer, got " + Describe(info[i]));
  return static_cast<int64_t>(x);
}

int Code(const Napi::CallbackInfo& info, const char* fn, size_t i, int count, const char* name) {
  const double x = Number(info, fn, i, std::string(name) + " must be an integer code");
  if (!(x >= 0 && x < count) || x != std::floor(x))
    Range(info.Env(), fn,
          std::string(name) + " must be an integer in [0, " + std::to_string(count - 1) + "], got " +
              Describe(info[i]));
  return static_cast<int>(x);
}

/** At most this many dims (shapes, strides and dims arrays live on the stack: no allocation per call). */
constexpr size_t MAX_DIMS = 64;

/** A Float64Array of at most MAX_DIMS non-negative integers (shape, strides, dims). */
struct Ints {
  int64_t v[MAX_DIMS];
  size_t n = 0;
  size_t size() const { return n; }
  const int64_t* data() const { return v; }
  int64_t operator[](size_t i) const { return v[i]; }
  const int64_t* begin() const { return v; }
  const int64_t* end() const { return v + n; }
};

Ints ReadInts(const Napi::CallbackInfo& info, const char* fn, size_t i, const char* name) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (!TypedArrayInfo(info.Env(), info[i], &type, &length, &data) || type != napi_float64_array)
    Type(info.Env(), fn, std::string(name) + " must be a Float64Array", info[i]);
  Ints out;
  out.n = length;
  if (out.n > MAX_DIMS)
    Range(info.Env(), fn,
          std::string(name) + " must have at most " + std::to_string(MAX_DIMS) + " entries, got " +
              std::to_string(out.n));
  const double* d = static_cast<const double*>(data);
  for (size_t j = 0; j < out.n; j++) {
    const double x = d[j];
    if (!(x >= 0 && x <= 9007199254740992.0) || x != std::floor(x))
      Range(info.Env(), fn,
            std::string(name) + "[" + std::to_string(j) + "] must be a non-negative integer, got " + Num(x));
    out.v[j] = static_cast<int64_t>(x);
  }
  return out;
}

/** The product of `shape`, or a RangeError when it overflows 2^53. */
template <typename Shape>
int64_t Product(const Napi::Env& env, const char* fn, const Shape& shape) {
  double p = 1;
  int64_t n = 1;
  for (int64_t s : shape) {
    p *= static_cast<double>(s);
    n *= s;
    if (p > 9007199254740992.0) Range(env, fn, "shape has too many elements");
  }
  return n;
}

void Length(const Napi::Env& env, const char* fn, const char* name, int64_t got, int64_t want) {
  if (got != want)
    Range(env, fn,
          std::string(name) + " must have " + std::to_string(want) + " elements, got " + std::to_string(got));
}

Napi::Value Unary(const Napi::CallbackInfo& info) {
  const char* fn = "unary";
  CheckCount(info, fn, 3);
  const int op = Code(info, fn, 0, k::U_COUNT, "op");
  const FloatArray x = Float(info, fn, 1, "x");
  const FloatArray out = Float(info, fn, 2, "out");
  SameType(info, fn, x, out, "out");
  Length(info.Env(), fn, "x", x.length, out.length);
  if (out.f64)
    k::unary(op, x.d(), out.d(), out.length);
  else
    k::unary(op, x.f(), out.f(), out.length);
  return info.Env().Undefined();
}

Napi::Value Binary(const Napi::CallbackInfo& info) {
  const char* fn = "binary";
  CheckCount(info, fn, 4);
  const int op = Code(info, fn, 0, k::B_COUNT, "op");
  const FloatArray a = Float(info, fn, 1, "a");
  const FloatArray b = Float(info, fn, 2, "b");
  const FloatArray out = Float(info, fn, 3, "out");
  SameType(info, fn, out, a, "a");
  SameType(info, fn, out, b, "b");
  const int64_t n = out.length;
  if (n > 0) {
    if (a.length != n && a.length != 1)
      Range(info.Env(), fn, "a must have " + std::to_string(n) + " elements or 1, got " + std::to_string(a.length));
    if (b.length != n && b.length != 1)
      Range(info.Env(), fn, "b must have " + std::to_string(n) + " elements or 1, got " + std::to_string(b.length));
  }
  if (out.f64)
    k::binary(op, a.d(), a.length, b.d(), b.length, out.d(), n);
  else
    k::binary(op, a.f(), a.length, b.f(), b.length, out.f(), n);
  return info.Env().Undefined();
}

Napi::Value BinaryStrided(const Napi::CallbackInfo& info) {
  const char* fn = "binaryStrided";
  const Napi::Env env = info.Env();
  CheckCount(info, fn, 7);
  const int op = Code(info, fn, 0, k::B_COUNT, "op");
  const FloatArray a = Float(info, fn, 1, "a");
  const Ints as = ReadInts(info, fn, 2, "aStrides");
  const FloatArray b = Float(info, fn, 3, "b");
  const Ints bs = ReadInts(info, fn, 4, "bStrides");
  const FloatArray out = Float(info, fn, 5, "out");
  const Ints shape = ReadInts(info, fn, 6, "shape");
  SameType(info, fn, out, a, "a");
  SameType(info, fn, out, b, "b");
  const size_t nd = shape.size();
  if (as.size() != nd || bs.size() != nd)
    Range(env, fn, "aStrides and bStrides must have " + std::to_string(nd) + " entries (one per dim of shape), got " +
                       std::to_string(as.size()) + " and " + std::to_string(bs.size()));
  const int64_t n = Product(env, fn, shape);
  Length(env, fn, "out", out.length, n);
  if (n == 0) return env.Undefined();
  // The last element read must lie inside each operand.
  double lastA = 0, lastB = 0;
  for (size_t d = 0; d < nd; d++) {
    lastA += static_cast<double>(shape[d] - 1) * static_cast<double>(as[d]);
    lastB += static_cast<double>(shape[d] - 1) * static_cast<double>(bs[d]);
  }
  if (lastA >= static_cast<double>(a.length))
    Range(env, fn, "aStrides reach element " + std::to_string(static_cast<int64_t>(lastA)) + " of a, which has " +
                       std::to_string(a.length));
  if (lastB >= static_cast<double>(b.length))
    Range(env, fn, "bStrides reach element " + std::to_string(static_cast<int64_t>(lastB)) + " of b, which has " +
                       std::to_string(b.length));
  if (out.f64)
    k::binary_strided(op, a.d(), as.data(), b.d(), bs.data(), out.d(), shape.data(), static_cast<int>(nd));
  else
    k::binary_strided(op, a.f(), as.data(), b.f(), bs.data(), out.f(), shape.data(), static_cast<int>(nd));
  return env.Undefined();
}

Napi::Value Reduce(const Napi::CallbackInfo& info) {
  const char* fn = "reduce";
  const Napi::Env env = info.Env();
  CheckCount(info, fn, 5);
  const int op = Code(info, fn, 0, k::R_COUNT, "op");
  const FloatArray x = Float(info, fn, 1, "x");
  const Ints shape = ReadInts(info, fn, 2, "shape");
  const Ints dims = ReadInts(info, fn, 3, "dims");
  const FloatArray out = Float(info, fn, 4, "out");
  SameType(info, fn, out, x, "x");
  const size_t nd = shape.size();
  Length(env, fn, "x", x.length, Product(env, fn, shape));
  bool reduced[MAX_DIMS] = {};
  for (size_t j = 0; j < dims.size(); j++) {
    if (dims[j] >= static_cast<int64_t>(nd) || (j > 0 && dims[j] <= dims[j - 1]))
      Range(env, fn, "dims must be increasing dims of a " + std::to_string(nd) + "-d shape, got " +
                         std::to_string(dims[j]) + " at " + std::to_string(j));
    reduced[dims[j]] = true;
  }
  int64_t nOut = 1;
  for (size_t d = 0; d < nd; d++)
    if (!reduced[d]) nOut *= shape[d];
  Length(env, fn, "out", out.length, nOut);
  if (out.f64)
    k::reduce(op, x.d(), shape.data(), reduced, static_cast<int>(nd), out.d());
  else
    k::reduce(op, x.f(), shape.data(), reduced, static_cast<int>(nd), out.f());
  return env.Undefined();
}

Napi::Value Softmax(const Napi::CallbackInfo& info) {
  const char* fn = "softmax";
  const Napi::Env env = info.Env();
  CheckCount(info, fn, 6);
  const FloatArray x = Float(info, fn, 0, "x");
  const int64_t outer = Count(info, fn, 1, "outer");
  const int64_t n = Count(info, fn, 2, "n");
  const int64_t inner = Count(info, fn, 3, "inner");
  const FloatArray out = Float(info, fn, 4, "out");
  if (!info[5].IsBoolean()) Type(env, fn, "log must be a boolean", info[5]);
  const bool log = info[5].As<Napi::Boolean>().Value();
  SameType(info, fn, out, x, "x");
  const int64_t total = Product(env, fn, std::initializer_list<int64_t>{outer, n, inner});
  Length(env, fn, "x", x.length, total);
  Length(env, fn, "out", out.length, total);
  if (out.f64)
    k::softmax(x.d(), outer, n, inner, out.d(), log);
  else
    k::softmax(x.f(), outer, n, inner, out.f(), log);
  return env.Undefined();
}

Napi::Value BiasAct(const Napi::CallbackInfo& info) {
  const char* fn = "biasAct";
  const Napi::Env env = info.Env();
  CheckCount(info, fn, 5);
  const FloatArray x = Float(info, fn, 0, "x");
  const FloatArray bias = Float(info, fn, 1, "bias");
  const int act = Code(info, fn, 2, k::A_COUNT, "act");
  const bool hasZ = !info[3].IsNull();
  const FloatArray z = hasZ ? Float(info, fn, 3, "z") : FloatArray{x.f64, x.length, nullptr};
  const FloatArray y = Float(info, fn, 4, "y");
  SameType(info, fn, y, x, "x");
  SameType(info, fn, y, bias, "bias");
  SameType(info, fn, y, z, "z");
  const int64_t cols = bias.length;
  if (cols == 0 ? x.length != 0 : x.length % cols != 0)
    Range(env, fn, "x must hold whole rows of bias.length = " + std::to_string(cols) + " elements, got " +
                       std::to_string(x.length));
  Length(env, fn, "y", y.length, x.length);
  if (hasZ) Length(env, fn, "z", z.length, x.length);
  const int64_t rows = cols == 0 ? 0 : x.length / cols;
  if (y.f64)
    k::bias_act(act, x.d(), bias.d(), rows, cols, hasZ ? z.d() : nullptr, y.d());
  else
    k::bias_act(act, x.f(), bias.f(), rows, cols, hasZ ? z.f() : nullptr, y.f());
  return env.Undefined();
}

Napi::Value ActBackward(const Napi::CallbackInfo& info) {
  const char* fn = "actBackward";
  const Napi::Env env = info.Env();
  CheckCount(info, fn, 4);
  const int act = Code(info, fn, 0, k::A_COUNT, "act");
  const FloatArray g = Float(info, fn, 1, "g");
  const FloatArray v = Float(info, fn, 2, "v");
  const FloatArray out = Float(info, fn, 3, "out");
  SameType(info, fn, out, g, "g");
  SameType(info, fn, out, v, "v");
  Length(env, fn, "g", g.length, out.length);
  Length(env, fn, "v", v.length, out.length);
  if (out.f64)
    k::act_backward(act, g.d(), v.d(), out.d(), out.length);
  else
    k::act_backward(act, g.f(), v.f(), out.f(), out.length);
  return env.Undefined();
}

Napi::Value KernelsIsa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), k::kernels_isa()); }

/**
 * `f` with any C++ exception other than a JS one (std::bad_alloc from a scratch buffer, say) turned into a JS
 * Error naming the function: node-addon-api only converts Napi::Error, anything else would end the process.
 */
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("native kernel failed: ") + e.what());
  }
}

}  // namespace

void RegisterKernels(Napi::Env env, Napi::Object exports) {
  exports.Set("unary", Napi::Function::New(env, Guarded<Unary>, "unary"));
  exports.Set("binary", Napi::Function::New(env, Guarded<Binary>, "binary"));
  exports.Set("binaryStrided", Napi::Function::New(env, Guarded<BinaryStrided>, "binaryStrided"));
  exports.Set("reduce", Napi::Function::New(env, Guarded<Reduce>, "reduce"));
  exports.Set("softmax", Napi::Function::New(env, Guarded<Softmax>, "softmax"));
  exports.Set("biasAct", Napi::Function::New(env, Guarded<BiasAct>, "biasAct"));
  exports.Set("actBackward", Napi::Function::New(env, Guarded<ActBackward>, "actBackward"));
  exports.Set("kernelsIsa", Napi::Function::New(env, KernelsIsa, "kernelsIsa"));
}

}  // namespace chainrule
