// The inner kernels of kernels_impl.h instantiated for the baseline build (SSE2 on x86-64, NEON on arm64: 128-bit vectors).

#define CR_NS cr_kernels_generic
#define CR_W 2
#if defined(__aarch64__) || defined(_M_ARM64)
#define CR_ISA_NAME "neon"
#elif defined(__x86_64__) || defined(_M_X64)
#define CR_ISA_NAME "sse2"
#else
#define CR_ISA_NAME "generic"
#endif
#define CR_FACTORY isa_generic
#include "kernels/kernels_impl.h"

