// Packed, cache-blocked, register-tiled matrix product (AssemblyScript, 128-bit SIMD), for f32 and f64.
//
// C[t] = op(A[t]) op(B[t]) where op transposes when asked. Phase 1 packs op(A) into panels of MR rows and
// op(B) into panels of NR = 2 vectors of columns (8 f32 or 4 f64), both contiguous along k, so transposes cost
// nothing beyond packing. Phase 2 runs an MR x NR register tile over blocks of C. V8 gives wasm 16 vector
// registers (one kept as scratch): with fused multiply-add (relaxed SIMD) a 6-row tile fits (12 accumulators,
// 2 B vectors, 1 broadcast A), without it the product needs a temporary and 6 rows spill, so 4 rows (8
// accumulators). Both phases are split into chunks that threads claim.

import { fma, loadI32 } from "./common";

const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 4;
/** Panels per packing chunk. */
const PACK_GROUP: i32 = 16;

// Job block (i32 slots), written by the JS driver (src/backend/wasm/matmul.ts keeps the same order).
const J_A: i32 = 0; // byte address of A's storage
const J_B: i32 = 1;
const J_C: i32 = 2;
const J_M: i32 = 3;
const J_N: i32 = 4;
const J_K: i32 = 5;
const J_TRANS_A: i32 = 6;
const J_TRANS_B: i32 = 7;
// slot 8: batch count (used by the JS driver only)
const J_A_UNIQUE: i32 = 9; // count of distinct A matrices
const J_A_OFFS: i32 = 10; // address of i32[aUnique]: element offset of each distinct A
const J_A_SLOT: i32 = 11; // address of i32[batch]: which distinct A batch t uses
// slot 12: count of distinct B matrices (the JS driver counts the chunks)
const J_B_OFFS: i32 = 13;
const J_B_SLOT: i32 = 14;
const J_AP: i32 = 15; // address of packed A
const J_BP: i32 = 16; // address of packed B
const J_MC: i32 = 17; // rows per C block (multiple of MR)
const J_NC: i32 = 18; // columns per C block (multiple of NR)
const J_SCRATCH: i32 = 19; // per-thread scratch for ragged tiles (256 bytes each)
const J_KC: i32 = 20; // depth of one k slice: k is run in passes over C of at most this many

function nr<T>(): i32 {
  return 32 / <i32>sizeof<T>();
}

/** 4 x NR tile: C (+)= Ap[kc x 4]^T Bp[kc x NR]; `ldc` in bytes. */
function micro4<T>(pa: usize, pb: usize, pc: usize, kc: i32, ldc: usize, accumulate: bool): void {
  const sz = sizeof<T>();
  let c00 = v128.splat<T>(<T>0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load_splat<T>(pa);
    c00 = fma<T>(a, b0, c00);
    c01 = fma<T>(a, b1, c01);
    a = v128.load_splat<T>(pa + sz);
    c10 = fma<T>(a, b0, c10);
    c11 = fma<T>(a, b1, c11);
    a = v128.load_splat<T>(pa + 2 * sz);
    c20 = fma<T>(a, b0, c20);
    c21 = fma<T>(a, b1, c21);
    a = v128.load_splat<T>(pa + 3 * sz);
    c30 = fma<T>(a, b0, c30);
    c31 = fma<T>(a, b1, c31);
    pa += 4 * sz;
    pb += 32;
  }
  if (accumulate) {
    c00 = v128.add<T>(c00, v128.load(pc));
    c01 = v128.add<T>(c01, v128.load(pc, 16));
    c10 = v128.add<T>(c10, v128.load(pc + ldc));
    c11 = v128.add<T>(c11, v128.load(pc + ldc, 16));
    c20 = v128.add<T>(c20, v128.load(pc + 2 * ldc));
    c21 = v128.add<T>(c21, v128.load(pc + 2 * ldc, 16));
    c30 = v128.add<T>(c30, v128.load(pc + 3 * ldc));
    c31 = v128.add<T>(c31, v128.load(pc + 3 * ldc, 16));
  }
  v128.store(pc, c00);
  v128.store(pc, c01, 16);
  pc += ldc;
  v128.store(pc, c10);
  v128.store(pc, c11, 16);
  pc += ldc;
  v128.store(pc, c20);
  v128.store(pc, c21, 16);
  pc += ldc;
  v128.store(pc, c30);
  v128.store(pc, c31, 16);
}

/** 6 x NR tile (fused multiply-add builds): C (+)= Ap[kc x 6]^T Bp[kc x NR]; `ldc` in bytes. */
function micro6<T>(pa: usize, pb: usize, pc: usize, kc: i32, ldc: usize, accumulate: bool): void {
  const sz = sizeof<T>();
  let c00 = v128.splat<T>(<T>0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  let c40 = c00;
  let c41 = c00;
  let c50 = c00;
  let c51 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load_splat<T>(pa);
    c00 = fma<T>(a, b0, c00);
    c01 = fma<T>(a, b1, c01);
    a = v128.load_splat<T>(pa + sz);
    c10 = fma<T>(a, b0, c10);
    c11 = fma<T>(a, b1, c11);
    a = v128.load_splat<T>(pa + 2 * sz);
    c20 = fma<T>(a, b0, c20);
    c21 = fma<T>(a, b1, c21);
    a = v128.load_splat<T>(pa + 3 * sz);
    c30 = fma<T>(a, b0, c30);
    c31 = fma<T>(a, b1, c31);
    a = v128.load_splat<T>(pa + 4 * sz);
    c40 = fma<T>(a, b0, c40);
    c41 = fma<T>(a, b1, c41);
    a = v128.load_splat<T>(pa + 5 * sz);
    c50 = fma<T>(a, b0, c50);
    c51 = fma<T>(a, b1, c51);
    pa += 6 * sz;
    pb += 32;
  }
  if (accumulate) {
    c00 = v128.add<T>(c00, v128.load(pc));
    c01 = v128.add<T>(c01, v128.load(pc, 16));
    c10 = v128.add<T>(c10, v128.load(pc + ldc));
    c11 = v128.add<T>(c11, v128.load(pc + ldc, 16));
    c20 = v128.add<T>(c20, v128.load(pc + 2 * ldc));
    c21 = v128.add<T>(c21, v128.load(pc + 2 * ldc, 16));
    c30 = v128.add<T>(c30, v128.load(pc + 3 * ldc));
    c31 = v128.add<T>(c31, v128.load(pc + 3 * ldc, 16));
    c40 = v128.add<T>(c40, v128.load(pc + 4 * ldc));
    c41 = v128.add<T>(c41, v128.load(pc + 4 * ldc, 16));
    c50 = v128.add<T>(c50, v128.load(pc + 5 * ldc));
    c51 = v128.add<T>(c51, v128.load(pc + 5 * ldc, 16));
  }
  v128.store(pc, c00);
  v128.store(pc, c01, 16);
  pc += ldc;
  v128.store(pc, c10);
  v128.store(pc, c11, 16);
  pc += ldc;
  v128.store(pc, c20);
  v128.store(pc, c21, 16);
  pc += ldc;
  v128.store(pc, c30);
  v128.store(pc, c31, 16);
  pc += ldc;
  v128.store(pc, c40);
  v128.store(pc, c41, 16);
  pc += ldc;
  v128.store(pc, c50);
  v128.store(pc, c51, 16);
}

/** The MR x NR tile of this build. */
function micro<T>(pa: usize, pb: usize, pc: usize, kc: i32, ldc: usize, accumulate: bool): void {
  if (MR === 6) micro6<T>(pa, pb, pc, kc, ldc, accumulate);
  else micro4<T>(pa, pb, pc, kc, ldc, accumulate);
}

/** Packs `panels` panels of MR rows of op(A) starting at row `i0` (zero rows past `m`). */
function packA<T>(a: usize, m: i32, k: i32, trans: bool, i0: i32, panels: i32, dst: usize): void {
  const sz = <usize>sizeof<T>();
  const step = <usize>MR * sz; // bytes of one p in a panel: 16, 24 (f32) or 32, 48 (f64), all multiples of 8
  for (let q = 0; q < panels; q++) {
    const r0 = i0 + q * MR;
    let out = dst + <usize>(r0 / MR) * <usize>k * step;
    if (r0 + MR > m) {
      // The last, ragged panel: element by element, zero rows past m.
      for (let p = 0; p < k; p++) {
        for (let r = 0; r < MR; r++) {
          const i = r0 + r;
          const at = trans ? <usize>p * <usize>m + <usize>i : <usize>i * <usize>k + <usize>p;
          store<T>(out + <usize>r * sz, i < m ? load<T>(a + at * sz) : <T>0);
        }
        out += step;
      }
      continue;
    }
    if (trans) {
      // op(A)[i, p] = A[p, i]: the MR values of one p are adjacent in A.
      let src = a + <usize>r0 * sz;
      const ld = <usize>m * sz;
      for (let p = 0; p < k; p++) {
        let o: usize = 0;
        for (; o + 16 <= step; o += 16) v128.store(out + o, v128.load(src + o));
        if (o < step) v128.store64_lane(out + o, v128.load64_zero(src + o), 0);
        src += ld;
        out += step;
      }
    } else {
      // Rows read along k in pairs, interleaved in registers: each 64-bit lane is one p of two rows (f32),
      // each f64 vector one p of two rows.
      const ld = <usize>k * sz;
      const lanes = 16 / <i32>sz;
      for (let r = 0; r < MR; r += 2) {
        const s0 = a + <usize>(r0 + r) * ld;
        const s1 = s0 + ld;
        let o = out + <usize>r * sz;
        let p = 0;
        for (; p + lanes <= k; p += lanes) {
          const off = <usize>p * sz;
          const v0 = v128.load(s0 + off);
          const v1 = v128.load(s1 + off);
          if (sz === 4) {
            const lo = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
            const hi = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
            v128.store64_lane(o, lo, 0);
            v128.store64_lane(o + step, lo, 1);
            v128.store64_lane(o + 2 * step, hi, 0);
            v128.store64_lane(o + 3 * step, hi, 1);
            o += 4 * step;
          } else {
            v128.store(o, v128.shuffle<f64>(v0, v1, 0, 2));
            v128.store(o + step, v128.shuffle<f64>(v0, v1, 1, 3));
            o += 2 * step;
          }
        }
        for (; p < k; p++) {
          const off = <usize>p * sz;
          store<T>(o, load<T>(s0 + off));
          store<T>(o + sz, load<T>(s1 + off));
          o += step;
        }
      }
    }
  }
}

/** Packs `panels` panels of NR columns of op(B) starting at column `j0` (zero columns past `n`). */
function packB<T>(b: usize, k: i32, n: i32, trans: bool, j0: i32, panels: i32, dst: usize): void {
  const sz = <usize>sizeof<T>();
  const w = nr<T>();
  for (let q = 0; q < panels; q++) {
    const c0 = j0 + q * w;
    let out = dst + <usize>(c0 / w) * <usize>k * 32;
    if (!trans) {
      // op(B)[p, j] = B[p, j]: the NR values of one p are adjacent in B.
      const ld = <usize>n * sz;
      let src = b + <usize>c0 * sz;
      if (c0 + w <= n) {
        for (let p = 0; p < k; p++) {
          v128.store(out, v128.load(src));
          v128.store(out, v128.load(src, 16), 16);
          src += ld;
          out += 32;
        }
      } else {
        for (let p = 0; p < k; p++) {
          for (let c = 0; c < w; c++)
            store<T>(out + <usize>c * sz, c0 + c < n ? load<T>(src + <usize>c * sz) : <T>0);
          src += ld;
          out += 32;
        }
      }
    } else {
      // op(B)[p, j] = B[j, p]: NR rows of B read along k and transposed in registers.
      const ld = <usize>k * sz;
      const s0 = b + <usize>c0 * ld;
      if (c0 + w <= n) {
        let p = 0;
        if (sz === 4) {
          for (; p + 4 <= k; p += 4) {
            const o = <usize>p * 4;
            for (let h = 0; h < 2; h++) {
              const base = s0 + <usize>(4 * h) * ld + o;
              const v0 = v128.load(base);
              const v1 = v128.load(base + ld);
              const v2 = v128.load(base + 2 * ld);
              const v3 = v128.load(base + 3 * ld);
              const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
              const t1 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
              const t2 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
              const t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
              const d = out + <usize>(16 * h);
              v128.store(d, v128.shuffle<f64>(t0, t2, 0, 2));
              v128.store(d, v128.shuffle<f64>(t0, t2, 1, 3), 32);
              v128.store(d, v128.shuffle<f64>(t1, t3, 0, 2), 64);
              v128.store(d, v128.shuffle<f64>(t1, t3, 1, 3), 96);
            }
            out += 128;
          }
        } else {
          for (; p + 2 <= k; p += 2) {
            const o = <usize>p * 8;
            const v0 = v128.load(s0 + o);
            const v1 = v128.load(s0 + ld + o);
            const v2 = v128.load(s0 + 2 * ld + o);
            const v3 = v128.load(s0 + 3 * ld + o);
            v128.store(out, v128.shuffle<f64>(v0, v1, 0, 2));
            v128.store(out, v128.shuffle<f64>(v2, v3, 0, 2), 16);
            v128.store(out, v128.shuffle<f64>(v0, v1, 1, 3), 32);
            v128.store(out, v128.shuffle<f64>(v2, v3, 1, 3), 48);
            out += 64;
          }
        }
        for (; p < k; p++) {
          const o = <usize>p * sz;
          for (let c = 0; c < w; c++) store<T>(out + <usize>c * sz, load<T>(s0 + <usize>c * ld + o));
          out += 32;
        }
      } else {
        for (let p = 0; p < k; p++) {
          const o = <usize>p * sz;
          for (let c = 0; c < w; c++)
            store<T>(out + <usize>c * sz, c0 + c < n ? load<T>(s0 + <usize>c * ld + o) : <T>0);
          out += 32;
        }
      }
    }
  }
}

/** Phase 1, one chunk: a group of panels of one distinct A, or (after all A chunks) of one distinct B. */
function pack<T>(job: usize, chunk: i32): void {
  const sz = <usize>sizeof<T>();
  const m = loadI32(job, J_M);
  const n = loadI32(job, J_N);
  const k = loadI32(job, J_K);
  const w = nr<T>();
  const mPanels = (m + MR - 1) / MR;
  const nPanels = (n + w - 1) / w;
  const aGroups = (mPanels + PACK_GROUP - 1) / PACK_GROUP;
  const aChunks = aGroups * loadI32(job, J_A_UNIQUE);
  if (chunk < aChunks) {
    const u = chunk / aGroups;
    const g = chunk % aGroups;
    const src = <usize>loadI32(job, J_A) + <usize>loadI32(<usize>loadI32(job, J_A_OFFS), u) * sz;
    const dst = <usize>loadI32(job, J_AP) + <usize>u * <usize>mPanels * <usize>MR * <usize>k * sz;
    const panels = min(PACK_GROUP, mPanels - g * PACK_GROUP);
    packA<T>(src, m, k, loadI32(job, J_TRANS_A) !== 0, g * PACK_GROUP * MR, panels, dst);
  } else {
    chunk -= aChunks;
    const bGroups = (nPanels + PACK_GROUP - 1) / PACK_GROUP;
    const u = chunk / bGroups;
    const g = chunk % bGroups;
    const src = <usize>loadI32(job, J_B) + <usize>loadI32(<usize>loadI32(job, J_B_OFFS), u) * sz;
    const dst = <usize>loadI32(job, J_BP) + <usize>u * <usize>nPanels * <usize>k * 32;
    const panels = min(PACK_GROUP, nPanels - g * PACK_GROUP);
    packB<T>(src, k, n, loadI32(job, J_TRANS_B) !== 0, g * PACK_GROUP * w, panels, dst);
  }
}

/** Phase 2, one chunk: an MC x NC block of C of one batch, over all of k in slices of J_KC. */
function compute<T>(job: usize, chunk: i32, tid: i32): void {
  const sz = <usize>sizeof<T>();
  const m = loadI32(job, J_M);
  const n = loadI32(job, J_N);
  const k = loadI32(job, J_K);
  const mc = loadI32(job, J_MC);
  const nc = loadI32(job, J_NC);
  const w = nr<T>();
  const mPanels = (m + MR - 1) / MR;
  const nPanels = (n + w - 1) / w;
  const tilesM = (m + mc - 1) / mc;
  const tilesN = (n + nc - 1) / nc;
  const perBatch = tilesM * tilesN;
  const t = chunk / perBatch;
  const r = chunk % perBatch;
  const i0 = (r / tilesN) * mc;
  const j0 = (r % tilesN) * nc;
  const i1 = min(m, i0 + mc);
  const j1 = min(n, j0 + nc);
  const aSlot = loadI32(<usize>loadI32(job, J_A_SLOT), t);
  const bSlot = loadI32(<usize>loadI32(job, J_B_SLOT), t);
  const ap = <usize>loadI32(job, J_AP) + <usize>aSlot * <usize>mPanels * <usize>MR * <usize>k * sz;
  const bp = <usize>loadI32(job, J_BP) + <usize>bSlot * <usize>nPanels * <usize>k * 32;
  const c = <usize>loadI32(job, J_C) + <usize>t * <usize>m * <usize>n * sz;
  const ldc = <usize>n * sz;
  const scratch = <usize>loadI32(job, J_SCRATCH) + <usize>tid * 256;
  const kcMax = max(1, loadI32(job, J_KC));
  for (let k0 = 0; k0 < k; k0 += kcMax) {
    const kc = min(kcMax, k - k0);
    const accumulate = k0 > 0;
    for (let j = j0; j < j1; j += w) {
      const pb = bp + (<usize>(j / w) * <usize>k + <usize>k0) * 32;
      const fullN = j + w <= n;
      for (let i = i0; i < i1; i += MR) {
        const pa = ap + (<usize>(i / MR) * <usize>k + <usize>k0) * <usize>MR * sz;
        const pc = c + <usize>i * ldc + <usize>j * sz;
        if (fullN && i + MR <= m) micro<T>(pa, pb, pc, kc, ldc, accumulate);
        else {
          // A ragged tile: run the full tile on scratch and copy the part inside C.
          const rows = min(MR, m - i);
          const cols = min(w, n - j);
          if (accumulate)
            for (let y = 0; y < rows; y++)
              for (let x = 0; x < cols; x++)
                store<T>(
                  scratch + <usize>y * 32 + <usize>x * sz,
                  load<T>(pc + <usize>y * ldc + <usize>x * sz),
                );
          micro<T>(pa, pb, scratch, kc, 32, accumulate);
          for (let y = 0; y < rows; y++)
            for (let x = 0; x < cols; x++)
              store<T>(pc + <usize>y * ldc + <usize>x * sz, load<T>(scratch + <usize>y * 32 + <usize>x * sz));
        }
      }
    }
  }
}

export function matmulPackF32(job: usize, chunk: i32, _tid: i32): void {
  pack<f32>(job, chunk);
}
export function matmulComputeF32(job: usize, chunk: i32, tid: i32): void {
  compute<f32>(job, chunk, tid);
}
export function matmulPackF64(job: usize, chunk: i32, _tid: i32): void {
  pack<f64>(job, chunk);
}
export function matmulComputeF64(job: usize, chunk: i32, tid: i32): void {
  compute<f64>(job, chunk, tid);
}

/** Rows of the register tile (and of A's panels) in this build. */
export function matmulMR(): i32 {
  return MR;
}
