// The inner kernels of kernels_impl.h instantiated for the AVX512 build (compiled with its flags by binding.gyp; chosen at run time when the CPU has it).
#if defined(__x86_64__) || defined(_M_X64)

#define CR_NS cr_kernels_avx512
#define CR_W 8
#define CR_ISA_NAME "avx512"
#define CR_FACTORY isa_avx512
#include "kernels/kernels_impl.h"
#endif

