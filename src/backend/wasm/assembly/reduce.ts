// Reductions over the middle axis of x viewed as [outer, r, inner] (AssemblyScript, 128-bit SIMD): sum, max,
// min. Sums accumulate in f64 lanes for both dtypes, as the reference does. The JS driver maps any set of
// contiguous reduced dims onto this view (src/backend/wasm/reduce.ts).

import { loadI32 } from "./common";

const R_SUM = 0;
const R_MAX = 1;

// Job: [op, x, out, outer, r, inner, columns per chunk].
const J_OP = 0;
const J_X = 1;
const J_OUT = 2;
const J_OUTER = 3;
const J_R = 4;
const J_INNER = 5;
const J_COLS = 6;

/** Combines two vectors of T for max (op 1) or min (op 2); NaN propagates, as the reference's NaN wins. */
function extremum<T>(op: i32, a: v128, b: v128): v128 {
  return op === R_MAX ? v128.max<T>(a, b) : v128.min<T>(a, b);
}

function horizontal<T>(op: i32, v: v128): T {
  if (sizeof<T>() === 4) {
    const h = extremum<T>(op, v, v128.shuffle<f32>(v, v, 2, 3, 2, 3));
    return v128.extract_lane<T>(extremum<T>(op, h, v128.shuffle<f32>(h, h, 1, 1, 1, 1)), 0);
  }
  return v128.extract_lane<T>(extremum<T>(op, v, v128.shuffle<f64>(v, v, 1, 1)), 0);
}

/** Reduces the contiguous run x[0, count) (inner = 1). */
function reduceRun<T>(op: i32, x: usize, count: i32): T {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sz;
  let j = 0;
  if (op === R_SUM) {
    let s0 = f64x2.splat(0);
    let s1 = s0;
    if (sz === 4) {
      for (; j + 4 <= count; j += 4) {
        const v = v128.load(x);
        s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
        s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
        x += 16;
      }
    } else {
      for (; j + 4 <= count; j += 4) {
        s0 = f64x2.add(s0, v128.load(x));
        s1 = f64x2.add(s1, v128.load(x, 16));
        x += 32;
      }
    }
    const s = f64x2.add(s0, s1);
    let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    for (; j < count; j++) {
      total += <f64>load<T>(x);
      x += sz;
    }
    return <T>total;
  }
  let acc = v128.load_splat<T>(x);
  for (; j + lanes <= count; j += lanes) {
    acc = extremum<T>(op, acc, v128.load(x));
    x += 16;
  }
  for (; j < count; j++) {
    acc = extremum<T>(op, acc, v128.load_splat<T>(x));
    x += sz;
  }
  return horizontal<T>(op, acc);
}

/** out[i] = reduce over k < r of x[k * inner + i], for the 64-byte column block at x (full block). */
function reduceBlock<T>(op: i32, x: usize, out: usize, r: i32, inner: i32): void {
  const stride = <usize>inner * sizeof<T>();
  if (op === R_SUM) {
    // Eight f64x2 accumulators cover 16 f32 or 8 f64 columns: one cache line per step of k.
    let a0 = f64x2.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let a4 = a0;
    let a5 = a0;
    let a6 = a0;
    let a7 = a0;
    for (let k = 0; k < r; k++) {
      if (sizeof<T>() === 4) {
        const v0 = v128.load(x);
        const v1 = v128.load(x, 16);
        const v2 = v128.load(x, 32);
        const v3 = v128.load(x, 48);
        a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v0));
        a1 = f64x2.add(a1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v0, v0, 2, 3, 2, 3)));
        a2 = f64x2.add(a2, f64x2.promote_low_f32x4(v1));
        a3 = f64x2.add(a3, f64x2.promote_low_f32x4(v128.shuffle<f32>(v1, v1, 2, 3, 2, 3)));
        a4 = f64x2.add(a4, f64x2.promote_low_f32x4(v2));
        a5 = f64x2.add(a5, f64x2.promote_low_f32x4(v128.shuffle<f32>(v2, v2, 2, 3, 2, 3)));
        a6 = f64x2.add(a6, f64x2.promote_low_f32x4(v3));
        a7 = f64x2.add(a7, f64x2.promote_low_f32x4(v128.shuffle<f32>(v3, v3, 2, 3, 2, 3)));
      } else {
        a0 = f64x2.add(a0, v128.load(x));
        a1 = f64x2.add(a1, v128.load(x, 16));
        a2 = f64x2.add(a2, v128.load(x, 32));
        a3 = f64x2.add(a3, v128.load(x, 48));
      }
      x += stride;
    }
    if (sizeof<T>() === 4) {
      v128.store(
        out,
        v128.shuffle<f32>(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 1, 4, 5),
      );
      v128.store(
        out,
        v128.shuffle<f32>(f32x4.demote_f64x2_zero(a2), f32x4.demote_f64x2_zero(a3), 0, 1, 4, 5),
        16,
      );
      v128.store(
        out,
        v128.shuffle<f32>(f32x4.demote_f64x2_zero(a4), f32x4.demote_f64x2_zero(a5), 0, 1, 4, 5),
        32,
      );
      v128.store(
        out,
        v128.shuffle<f32>(f32x4.demote_f64x2_zero(a6), f32x4.demote_f64x2_zero(a7), 0, 1, 4, 5),
        48,
      );
    } else {
      v128.store(out, a0);
      v128.store(out, a1, 16);
      v128.store(out, a2, 32);
      v128.store(out, a3, 48);
    }
    return;
  }
  let m0 = v128.load(x);
  let m1 = v128.load(x, 16);
  let m2 = v128.load(x, 32);
  let m3 = v128.load(x, 48);
  for (let k = 1; k < r; k++) {
    x += stride;
    m0 = extremum<T>(op, m0, v128.load(x));
    m1 = extremum<T>(op, m1, v128.load(x, 16));
    m2 = extremum<T>(op, m2, v128.load(x, 32));
    m3 = extremum<T>(op, m3, v128.load(x, 48));
  }
  v128.store(out, m0);
  v128.store(out, m1, 16);
  v128.store(out, m2, 32);
  v128.store(out, m3, 48);
}

/** One column (inner > 1, past the last full block). */
function reduceColumn<T>(op: i32, x: usize, r: i32, inner: i32): T {
  const stride = <usize>inner * sizeof<T>();
  if (op === R_SUM) {
    let s: f64 = 0;
    for (let k = 0; k < r; k++) {
      s += <f64>load<T>(x);
      x += stride;
    }
    return <T>s;
  }
  let acc = v128.load_splat<T>(x);
  for (let k = 1; k < r; k++) {
    x += stride;
    acc = extremum<T>(op, acc, v128.load_splat<T>(x));
  }
  return v128.extract_lane<T>(acc, 0);
}

/** A chunk: for inner = 1, outputs [c cols, (c + 1) cols); else one outer index and a range of columns. */
function reduce<T>(job: usize, chunk: i32): void {
  const sz = <usize>sizeof<T>();
  const op = loadI32(job, J_OP);
  const x = <usize>loadI32(job, J_X);
  const out = <usize>loadI32(job, J_OUT);
  const outer = loadI32(job, J_OUTER);
  const r = loadI32(job, J_R);
  const inner = loadI32(job, J_INNER);
  const cols = loadI32(job, J_COLS);
  if (inner === 1) {
    const o1 = min(outer, (chunk + 1) * cols);
    for (let o = chunk * cols; o < o1; o++)
      store<T>(out + <usize>o * sz, reduceRun<T>(op, x + <usize>o * <usize>r * sz, r));
    return;
  }
  const per = (inner + cols - 1) / cols;
  const o = chunk / per;
  const i0 = (chunk % per) * cols;
  const i1 = min(inner, i0 + cols);
  const base = x + <usize>o * <usize>r * <usize>inner * sz;
  const ob = out + <usize>o * <usize>inner * sz;
  const block = 64 / <i32>sz;
  let i = i0;
  for (; i + block <= i1; i += block) reduceBlock<T>(op, base + <usize>i * sz, ob + <usize>i * sz, r, inner);
  for (; i < i1; i++) store<T>(ob + <usize>i * sz, reduceColumn<T>(op, base + <usize>i * sz, r, inner));
}

export function reduceF32(job: usize, chunk: i32, _tid: i32): void {
  reduce<f32>(job, chunk);
}
export function reduceF64(job: usize, chunk: i32, _tid: i32): void {
  reduce<f64>(job, chunk);
}
