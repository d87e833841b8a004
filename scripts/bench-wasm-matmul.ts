// Micro-measurement of the wasm matmul (not part of bench/): GFLOP/s of float32 1024^3 and of the MLP's
// products (forward and the transposed ones of backward), on 1 and 2 threads, with the time spent copying
// operands in and out shown apart. Medians (and best) of repeated runs; on a shared machine only
// comparisons within one run mean much.
//
// Run: npx tsx scripts/bench-wasm-matmul.ts            (128-bit SIMD, mul + add)
//      node --experimental-wasm-relaxed-simd --import tsx scripts/bench-wasm-matmul.ts   (relaxed FMA)

import { jsBackend } from "../src/backend/js/index.js";
import { loadWasmBackendSync, wasmRuntime } from "../src/backend/wasm/index.js";
import { wasmMatmul } from "../src/backend/wasm/matmul.js";

const backend = loadWasmBackendSync(2);
const rt = wasmRuntime();
if (!backend || !rt) throw new Error("the wasm backend cannot run here");

const shapes: [string, number, number, number, boolean, boolean][] = [
  ["1024 x 1024 @ 1024 x 1024", 1024, 1024, 1024, false, false],
  ["MLP fwd  128x784 @ 784x256", 128, 784, 256, false, false],
  ["MLP dW1  (128x784)^T @ 128x256", 784, 128, 256, true, false],
  ["MLP dh1  128x128 @ (256x128)^T", 128, 128, 256, false, true],
  ["MLP fwd  128x256 @ 256x128", 128, 256, 128, false, false],
  ["MLP dW2  (128x256)^T @ 128x128", 256, 128, 128, true, false],
];

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function measure(fn: () => void, minMs: number, minRuns: number): number[] {
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minMs) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times;
}

console.log(`relaxed SIMD: ${rt.relaxed}`);
for (const threads of [1, 2]) {
  rt.setThreads(threads);
  for (const [label, m, k, n, tA, tB] of shapes) {
    const a = Float32Array.from({ length: m * k }, () => Math.random() - 0.5);
    const b = Float32Array.from({ length: k * n }, () => Math.random() - 0.5);
    const out = new Float32Array(m * n);
    const run = () => wasmMatmul(rt, a, [0], b, [0], out, m, k, n, tA, tB);
    for (let i = 0; i < 3; i++) run();
    const times = measure(run, m * n * k > 1e8 ? 3000 : 1000, 15);
    // The copies alone: inputs into the arena, C out.
    const copy = measure(
      () => {
        rt.arena.reset();
        const at = rt.arena.alloc(a.length * 4);
        const bt = rt.arena.alloc(b.length * 4);
        const ct = rt.arena.alloc(out.length * 4);
        rt.arena.write(at, a, false);
        rt.arena.write(bt, b, false);
        rt.arena.read(ct, out, false);
      },
      300,
      15,
    );
    const flop = 2 * m * n * k;
    const med = median(times);
    console.log(
      `${threads} thread${threads > 1 ? "s" : " "} ${label.padEnd(32)} ${(flop / med / 1e6).toFixed(1).padStart(6)} GFLOP/s median` +
        ` (best ${(flop / Math.min(...times) / 1e6).toFixed(1)}), ${med.toFixed(3)} ms, copies ${median(copy).toFixed(3)} ms`,
    );
  }
}
// The js reference on the MLP's forward product, for scale.
{
  const [m, k, n] = [128, 784, 256];
  const a = Float32Array.from({ length: m * k }, () => Math.random() - 0.5);
  const b = Float32Array.from({ length: k * n }, () => Math.random() - 0.5);
  const out = new Float32Array(m * n);
  const times = measure(() => jsBackend.matmul(a, [0], b, [0], out, m, k, n), 1000, 5);
  console.log(
    `js reference 128x784 @ 784x256: ${((2 * m * n * k) / median(times) / 1e6).toFixed(1)} GFLOP/s median`,
  );
}
process.exit(0);
