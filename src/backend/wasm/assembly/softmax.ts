// Softmax and log-softmax along contiguous rows (AssemblyScript, 128-bit SIMD), as the reference computes
// them: subtract the row maximum (0 when it is infinite), exponentiate and sum in f64 lanes.

import { loadI32 } from "./common";
import { vexp, vlog } from "./vmath";

// Job: [x, out, rows, n, log, rows per chunk].

/** e^(x - max) of the f64 lanes of one vector of T (its f32 lanes widened: `half` picks lanes 0-1 or 2-3). */
function shifted<T>(v: v128, half: i32, max: v128): v128 {
  if (sizeof<T>() === 8) return f64x2.sub(v, max);
  const w = half === 0 ? v : v128.shuffle<f32>(v, v, 2, 3, 2, 3);
  return f64x2.sub(f64x2.promote_low_f32x4(w), max);
}

function rowMax<T>(x: usize, n: i32): f64 {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sz;
  let acc = v128.load_splat<T>(x);
  let j = 0;
  let p = x;
  for (; j + lanes <= n; j += lanes) {
    acc = v128.max<T>(acc, v128.load(p));
    p += 16;
  }
  for (; j < n; j++) {
    acc = v128.max<T>(acc, v128.load_splat<T>(p));
    p += sz;
  }
  let m: f64;
  if (sz === 4) {
    const h = f32x4.max(acc, v128.shuffle<f32>(acc, acc, 2, 3, 2, 3));
    m = <f64>f32x4.extract_lane(f32x4.max(h, v128.shuffle<f32>(h, h, 1, 1, 1, 1)), 0);
  } else m = f64x2.extract_lane(f64x2.max(acc, v128.shuffle<f64>(acc, acc, 1, 1)), 0);
  // NOTE: an infinite maximum is replaced by 0 so the arithmetic gives PyTorch's NaN/0 (as the reference).
  return m === Infinity || m === -Infinity ? 0 : m;
}

function row<T>(x: usize, out: usize, n: i32, log: bool): void {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sz;
  const max = f64x2.splat(rowMax<T>(x, n));
  let s0 = f64x2.splat(0);
  let s1 = s0;
  let j = 0;
  let p = x;
  for (; j + lanes <= n; j += lanes) {
    const v = v128.load(p);
    s0 = f64x2.add(s0, vexp(shifted<T>(v, 0, max)));
    if (sz === 4) s1 = f64x2.add(s1, vexp(shifted<T>(v, 1, max)));
    p += 16;
  }
  const s = f64x2.add(s0, s1);
  let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; j < n; j++) {
    sum += f64x2.extract_lane(vexp(shifted<T>(v128.load_splat<T>(p), 0, max)), 0);
    p += sz;
  }
  const scale = f64x2.splat(log ? f64x2.extract_lane(vlog(f64x2.splat(sum)), 0) : sum);
  j = 0;
  p = x;
  let o = out;
  for (; j + lanes <= n; j += lanes) {
    const v = v128.load(p);
    let lo = shifted<T>(v, 0, max);
    lo = log ? f64x2.sub(lo, scale) : f64x2.div(vexp(lo), scale);
    if (sz === 4) {
      let hi = shifted<T>(v, 1, max);
      hi = log ? f64x2.sub(hi, scale) : f64x2.div(vexp(hi), scale);
      v128.store(o, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
    } else v128.store(o, lo);
    p += 16;
    o += 16;
  }
  for (; j < n; j++) {
    let v = shifted<T>(v128.load_splat<T>(p), 0, max);
    v = log ? f64x2.sub(v, scale) : f64x2.div(vexp(v), scale);
    const r = f64x2.extract_lane(v, 0);
    store<T>(o, <T>r);
    p += sz;
    o += sz;
  }
}

function softmax<T>(job: usize, chunk: i32): void {
  const sz = <usize>sizeof<T>();
  const x = <usize>loadI32(job, 0);
  const out = <usize>loadI32(job, 1);
  const rows = loadI32(job, 2);
  const n = loadI32(job, 3);
  const log = loadI32(job, 4) !== 0;
  const per = loadI32(job, 5);
  const r1 = min(rows, (chunk + 1) * per);
  for (let r = chunk * per; r < r1; r++) {
    const at = <usize>r * <usize>n * sz;
    row<T>(x + at, out + at, n, log);
  }
}

export function softmaxF32(job: usize, chunk: i32, _tid: i32): void {
  softmax<f32>(job, chunk);
}
export function softmaxF64(job: usize, chunk: i32, _tid: i32): void {
  softmax<f64>(job, chunk);
}
