// Node-API bindings of the elementwise, broadcast, reduction, softmax and fused kernels (kernels.h).
#pragma once

#include <napi.h>

namespace chainrule {

/**
 * Adds to `exports` (typed arrays are used in place, no copies; all float arrays of one call share a dtype):
 *   unary(op, x, out)                         out[i] = UNARY[op](x[i])
 *   binary(op, a, b, out)                     out[i] = BINARY[op](a[i], b[i]); a or b may have length 1
 *   binaryStrided(op, a, aStrides, b, bStrides, out, shape)   broadcast by element strides (Float64Array)
 *   reduce(op, x, shape, dims, out)           REDUCE[op] over the sorted dims (Float64Arrays)
 *   softmax(x, outer, n, inner, out, log)     (log-)softmax over the middle axis of [outer, n, inner]
 *   biasAct(x, bias, act, z, y)               z = x + bias (bias broadcast over rows of bias.length), y = act(z);
 *                                             z may be null; act: 0 none, 1 relu, 2 tanh, 3 sigmoid
 *   actBackward(act, g, v, out)               relu: v > 0 ? g : 0 (v = input); tanh: g (1 - v²), sigmoid:
 *                                             g v (1 - v) (v = output), rounded as the op-by-op rules
 *   kernelsIsa()                              "avx512" | "avx2" | "sse2" | "neon" | "generic"
 * Op codes index src/backend/native/codes.ts. Bad arguments throw a TypeError or RangeError naming the function.
 */
void RegisterKernels(Napi::Env env, Napi::Object exports);

}  // namespace chainrule
