# chainrule's native backend (docs/native.md). Sources are found by name (scripts/native/sources.mjs):
# *_avx2.cc and *_avx512.cc are compiled with their instruction-set flags into static libraries (x86-64
# only), *_neon.cc only on arm64, everything else with the generic flags into the addon. Run-time dispatch
# picks the widest kernel the CPU has, so one build runs on any CPU of its architecture.
# scripts/native/build.mjs runs it: node-gyp configure -- -Dblas=openblas -Dblas_lib=/path/libopenblas.so.0
# -Dsimd_avx2=1 -Dsimd_avx512=1.
{
  "variables": {
    "blas%": "none",
    "blas_lib%": "",
    # yes when native/src has *_avx2.cc / *_avx512.cc files (gyp leaves out empty libraries); build.mjs passes them.
    "simd_avx2%": "no",
    "simd_avx512%": "no",
    "package_version": "<!(node -p \"require('../package.json').version\")",
  },
  "target_defaults": {
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "src"],
    "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED",
                "CHAINRULE_NATIVE_VERSION=\"<(package_version)\""],
    "cflags": ["-O3", "-fvisibility=hidden", "-pthread"],
    "cflags_cc": ["-std=c++17", "-fexceptions"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++1y"],
    "ldflags": ["-pthread"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "GCC_OPTIMIZATION_LEVEL": "3",
      "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
      "MACOSX_DEPLOYMENT_TARGET": "11.0",
    },
    "msvs_settings": {
      "VCCLCompilerTool": { "ExceptionHandling": 1, "Optimization": 2, "AdditionalOptions": ["/std:c++17"] },
    },
    "conditions": [
      ["blas!='none'", { "defines": ["CHAINRULE_HAVE_BLAS=1"] }],
      ["blas=='openblas'", { "defines": ["CHAINRULE_BLAS_OPENBLAS=1", "CHAINRULE_BLAS_NAME=\"openblas\""] }],
      ["blas=='blis'", { "defines": ["CHAINRULE_BLAS_BLIS=1", "CHAINRULE_BLAS_NAME=\"blis\""] }],
      ["blas=='accelerate'", { "defines": ["CHAINRULE_BLAS_ACCELERATE=1", "CHAINRULE_BLAS_NAME=\"accelerate\"", "ACCELERATE_NEW_LAPACK"] }],
      ["blas=='none'", { "defines": ["CHAINRULE_BLAS_NAME=\"none\""] }],
    ],
  },
  "targets": [
    {
      "target_name": "chainrule_native",
      "sources": ["<!@(node ../scripts/native/sources.mjs generic)"],
      "conditions": [
        ["target_arch=='arm64'", { "sources": ["<!@(node ../scripts/native/sources.mjs neon)"] }],
        ["target_arch=='x64' and simd_avx2=='yes'", { "dependencies": ["chainrule_avx2"] }],
        ["target_arch=='x64' and simd_avx512=='yes'", { "dependencies": ["chainrule_avx512"] }],
        ["blas=='accelerate'", { "link_settings": { "libraries": ["-framework Accelerate"] } }],
        # OpenBLAS/BLIS are dlopen'ed by gemm.cc on first use rather than linked: it can set OPENBLAS_CORETYPE
        # for that load (OpenBLAS builds older than the CPU otherwise pick SSE3 kernels), and the addon still
        # loads, on its own kernel, if the library is removed after the build.
        [
          "blas!='none' and blas!='accelerate'",
          { "defines": ["CHAINRULE_BLAS_LIB=\"<(blas_lib)\""], "link_settings": { "libraries": ["-ldl"] } },
        ],
      ],
    },
    {
      # Kernels compiled for AVX2 + FMA; the generic code calls them only where the CPU has them.
      "target_name": "chainrule_avx2",
      "type": "none",
      "conditions": [
        [
          "target_arch=='x64' and simd_avx2=='yes'",
          {
            "type": "static_library",
            "sources": ["<!@(node ../scripts/native/sources.mjs avx2)"],
            "cflags": ["-fPIC", "-mavx2", "-mfma"],
            "xcode_settings": { "OTHER_CFLAGS": ["-mavx2", "-mfma"] },
            "msvs_settings": { "VCCLCompilerTool": { "EnableEnhancedInstructionSet": 5 } },
          },
        ],
      ],
    },
    {
      # Kernels compiled for AVX-512 (F, DQ, BW, VL); likewise dispatched at run time.
      "target_name": "chainrule_avx512",
      "type": "none",
      "conditions": [
        [
          "target_arch=='x64' and simd_avx512=='yes'",
          {
            "type": "static_library",
            "sources": ["<!@(node ../scripts/native/sources.mjs avx512)"],
            "cflags": ["-fPIC", "-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2", "-mfma"],
            "xcode_settings": {
              "OTHER_CFLAGS": ["-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2", "-mfma"],
            },
            "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/arch:AVX512"] } },
          },
        ],
      ],
    },
  ],
}
