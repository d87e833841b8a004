// Helpers shared by the kernels (AssemblyScript): job-block reads and the multiply-add of the build.

/** Slot `i` of an i32 job block at `job`. */
export function loadI32(job: usize, i: i32): i32 {
  return load<i32>(job + ((<usize>i) << 2));
}

/** Slot `i` of an f64 job block at `job`. */
export function loadF64(job: usize, i: i32): f64 {
  return load<f64>(job + ((<usize>i) << 3));
}

/** `a * b + c` per lane: fused where the build has relaxed SIMD, else a multiply and an add. */
export function fma<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(c, v128.mul<T>(a, b));
}
