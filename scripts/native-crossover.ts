// Where the native kernels start to beat the fallback (not part of bench/): for each kernel class, the time of
// the js kernel (what the wasm backend also runs below its own crossovers), of the wasm backend, and of the
// native addon called through the native backend object, over growing sizes. Each figure is the best of several
// batches of calls. The thresholds in src/backend/native/backend.ts (NATIVE_LIMITS) come from this table.
// Run: npx tsx scripts/native-crossover.ts   (after npm run build:native)

import type { Backend } from "../src/backend/backend.js";
import { jsBackend } from "../src/backend/js/index.js";
import { createNativeBackend } from "../src/backend/native/backend.js";
import { loadNativeAddon, nativeFailure } from "../src/backend/native/loader.js";
import { loadWasmBackendSync } from "../src/backend/wasm/index.js";
import { bestMicroseconds } from "./lib/best-time.js";

const addon = loadNativeAddon();
if (!addon) throw new Error(`the native addon does not load: ${nativeFailure()}`);
const threads = Number(process.env.CHAINRULE_NUM_THREADS ?? 1);
addon.setNumThreads(threads);
const native = createNativeBackend(addon, jsBackend, true);
const wasm = loadWasmBackendSync(threads) as Backend;
console.log(
  `native ${JSON.stringify(addon.features())}; wasm ${wasm ? "loaded" : "missing"}; ${threads} thread(s)`,
);

const time = (fn: () => void) => bestMicroseconds(fn, 10);

function row(label: string, size: number, run: (b: Backend) => void): void {
  const [j, w, n] = [jsBackend, wasm, native].map((b) => time(() => run(b)));
  console.log(
    `${label.padEnd(16)} ${String(size).padStart(8)}  js ${j.toFixed(2).padStart(8)} µs  wasm ${w.toFixed(2).padStart(8)} µs  native ${n.toFixed(2).padStart(8)} µs  js/native ${(j / n).toFixed(2).padStart(6)}  wasm/native ${(w / n).toFixed(2)}`,
  );
}

const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 4 - 2);
const only = process.argv[2];

for (const n of [4, 8, 16, 32, 64, 128, 256, 1024, 16384, 262144]) {
  const x = rand(n);
  const y = rand(n);
  const out = new Float32Array(n);
  if (!only || only === "unary")
    for (const op of ["exp", "tanh", "relu"] as const) row(`unary ${op}`, n, (b) => b.unary(op, x, out));
  if (!only || only === "binary") {
    row("binary add", n, (b) => b.binary("add", x, y, out));
    row("binary mul s", n, (b) => b.binary("mul", x, y.subarray(0, 1), out));
  }
  if ((!only || only === "broadcast") && n >= 8) {
    const rows = n >> 3;
    row("bcast add", n, (b) => b.binaryStrided?.("add", x, [8, 1], y.subarray(0, 8), [0, 1], out, [rows, 8]));
  }
  if (!only || only === "reduce") {
    const o = new Float32Array(1);
    row("reduce sum", n, (b) => b.reduce("sum", x, [n], [0], o));
    const cols = new Float32Array(8);
    if (n >= 8) row("reduce sum0", n, (b) => b.reduce("sum", x, [n >> 3, 8], [0], cols));
  }
  if (!only || only === "softmax") {
    const c = Math.min(n, 10);
    const rows = Math.floor(n / c);
    const xs = x.subarray(0, rows * c);
    const os = out.subarray(0, rows * c);
    row("softmax", n, (b) => b.softmax(xs, rows, c, 1, os, false));
  }
}
if (!only || only === "matmul")
  for (const s of [2, 4, 6, 8, 10, 13, 16, 24, 32, 64, 128]) {
    const a = rand(s * s);
    const bm = rand(s * s);
    const out = new Float32Array(s * s);
    row(`matmul ${s}^3`, s * s * s, (b) => b.matmul(a, [0], bm, [0], out, s, s, s));
    row(`matmul ${s}^3 tB`, s * s * s, (b) => b.matmul(a, [0], bm, [0], out, s, s, s, false, true));
  }
// The tutorial network's shapes: float64, 100x2 @ 2x4 and 100x4 @ 4x1.
const t1 = Float64Array.from(rand(200));
const t2 = Float64Array.from(rand(8));
const to = new Float64Array(400);
if (!only || only === "matmul") row("matmul 100x2x4", 800, (b) => b.matmul(t1, [0], t2, [0], to, 100, 2, 4));
process.exit(0);
