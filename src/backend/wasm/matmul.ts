// The wasm matrix product's driver: copies operands into the arena, writes the job block that
// assembly/matmul.ts reads, runs the packing and the compute phase (threaded when large), copies C out.

import type { Storage } from "../../dtype.js";
import { MAX_CHUNKS } from "./pool.js";
import { KERNEL, type WasmRuntime } from "./runtime.js";

// Slots of the job block, in assembly/matmul.ts's order.
const J_A = 0;
const J_B = 1;
const J_C = 2;
const J_M = 3;
const J_N = 4;
const J_K = 5;
const J_TRANS_A = 6;
const J_TRANS_B = 7;
const J_BATCH = 8;
const J_A_UNIQUE = 9;
const J_A_OFFS = 10;
const J_A_SLOT = 11;
const J_B_UNIQUE = 12;
const J_B_OFFS = 13;
const J_B_SLOT = 14;
const J_AP = 15;
const J_BP = 16;
const J_MC = 17;
const J_NC = 18;
const J_SCRATCH = 19;
const J_KC = 20;
const JOB_SLOTS = 21;

const PACK_GROUP = 16;

/** Multiply-adds per product below which the threads are not woken (their wake-up costs more). */
export const MATMUL_PARALLEL_MIN = 1 << 18;

/** Distinct values of `offsets` and, per batch, the index of its value among them. */
function dedupe(offsets: readonly number[]): { unique: number[]; slot: number[] } {
  const unique: number[] = [];
  const slot = new Array<number>(offsets.length);
  for (let t = 0; t < offsets.length; t++) {
    // Batches are few or repeat one operand: a linear search beats a Map here.
    let u = unique.indexOf(offsets[t]);
    if (u < 0) {
      u = unique.length;
      unique.push(offsets[t]);
    }
    slot[t] = u;
  }
  return { unique, slot };
}

/**
 * Rows and columns of one C block (multiples of the tile's mr rows and nr columns): large for cache reuse
 * (an mc x 256 slice of packed A stays in L2), small enough to give every thread several blocks.
 */
function blocking(
  m: number,
  n: number,
  batch: number,
  threads: number,
  mr: number,
  nr: number,
): [number, number] {
  let mc = 16 * mr;
  let nc = 256;
  const chunks = () => batch * Math.ceil(m / mc) * Math.ceil(n / nc);
  while (threads > 1 && chunks() < 4 * threads) {
    if (nc > 64 && nc >= n / 2) nc /= 2;
    else if (mc > 4 * mr) mc /= 2;
    else break;
  }
  while (chunks() > MAX_CHUNKS) {
    mc *= 2;
    nc *= 2;
  }
  return [mc, Math.max(nr, nc)];
}

/**
 * Deepest k slice of one pass over C. A pass keeps a kc x NR slice of packed B in L1 (16 KiB at 512) and an
 * mc x kc slice of packed A in L2; each extra pass reloads and stores all of C again.
 */
const KC_MAX = 512;

/**
 * Depth of the k slices: equal slices of at most KC_MAX (784 runs as 2 x 392, not 256 + 256 + 256 + 16, whose
 * last pass reloads C for little work).
 */
function depth(k: number): number {
  return Math.ceil(k / Math.ceil(k / KC_MAX));
}

/**
 * `out[t] = op(a[t]) op(b[t])` for every batch `t` (see Backend.matmul), in `out`'s dtype; operands of the
 * other dtype are converted while they are copied in.
 */
export function wasmMatmul(
  rt: WasmRuntime,
  a: Storage,
  aOffsets: readonly number[],
  b: Storage,
  bOffsets: readonly number[],
  out: Storage,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  const is64 = out instanceof Float64Array;
  if (k === 0 || out.length === 0) {
    out.fill(0);
    return;
  }
  const sz = is64 ? 8 : 4;
  const nr = 32 / sz;
  const batch = aOffsets.length;
  const parallel = m * n * k * batch >= MATMUL_PARALLEL_MIN && rt.threads > 1;
  if (parallel) rt.pool?.wake();
  const A = dedupe(aOffsets);
  const B = dedupe(bOffsets);
  const MR = rt.mr;
  const mPanels = Math.ceil(m / MR);
  const nPanels = Math.ceil(n / nr);
  const arena = rt.arena;
  arena.reset();
  const job = arena.alloc(JOB_SLOTS * 4);
  const aAt = arena.alloc(a.length * sz);
  const bAt = arena.alloc(b.length * sz);
  const cAt = arena.alloc(batch * m * n * sz);
  const aOffs = arena.alloc(A.unique.length * 4);
  const aSlot = arena.alloc(batch * 4);
  const bOffs = arena.alloc(B.unique.length * 4);
  const bSlot = arena.alloc(batch * 4);
  const ap = arena.alloc(A.unique.length * mPanels * MR * k * sz);
  const bp = arena.alloc(B.unique.length * nPanels * k * 32);
  const scratch = arena.alloc(Math.max(rt.threads, 1) * 256);
  arena.write(aAt, a, is64);
  arena.write(bAt, b, is64);
  const i32 = arena.i32;
  i32.set(A.unique, aOffs >>> 2);
  i32.set(A.slot, aSlot >>> 2);
  i32.set(B.unique, bOffs >>> 2);
  i32.set(B.slot, bSlot >>> 2);
  const [mc, nc] = blocking(m, n, batch, parallel ? rt.threads : 1, MR, nr);
  const j = job >>> 2;
  i32[j + J_A] = aAt;
  i32[j + J_B] = bAt;
  i32[j + J_C] = cAt;
  i32[j + J_M] = m;
  i32[j + J_N] = n;
  i32[j + J_K] = k;
  i32[j + J_TRANS_A] = transA ? 1 : 0;
  i32[j + J_TRANS_B] = transB ? 1 : 0;
  i32[j + J_BATCH] = batch;
  i32[j + J_A_UNIQUE] = A.unique.length;
  i32[j + J_A_OFFS] = aOffs;
  i32[j + J_A_SLOT] = aSlot;
  i32[j + J_B_UNIQUE] = B.unique.length;
  i32[j + J_B_OFFS] = bOffs;
  i32[j + J_B_SLOT] = bSlot;
  i32[j + J_AP] = ap;
  i32[j + J_BP] = bp;
  i32[j + J_MC] = mc;
  i32[j + J_NC] = nc;
  i32[j + J_SCRATCH] = scratch;
  i32[j + J_KC] = depth(k);
  const packChunks =
    A.unique.length * Math.ceil(mPanels / PACK_GROUP) + B.unique.length * Math.ceil(nPanels / PACK_GROUP);
  const computeChunks = batch * Math.ceil(m / mc) * Math.ceil(n / nc);
  rt.run(is64 ? KERNEL.matmulPackF64 : KERNEL.matmulPackF32, job, packChunks, parallel);
  rt.run(is64 ? KERNEL.matmulComputeF64 : KERNEL.matmulComputeF32, job, computeChunks, parallel);
  arena.read(cAt, out, is64);
}
