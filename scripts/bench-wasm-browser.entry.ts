// Browser bundle entry of scripts/bench-wasm-browser.ts: times the wasm matmul inside the page.

import { loadWasmBackend, wasmRuntime } from "../src/backend/wasm/index.js";
import { wasmMatmul } from "../src/backend/wasm/matmul.js";

const SHAPES: [string, number, number, number, boolean, boolean][] = [
  ["1024 x 1024 @ 1024 x 1024", 1024, 1024, 1024, false, false],
  ["MLP fwd  128x784 @ 784x256", 128, 784, 256, false, false],
  ["MLP dW1  (128x784)^T @ 128x256", 784, 128, 256, true, false],
  ["MLP dh1  128x128 @ (256x128)^T", 128, 128, 256, false, true],
];

async function runBench(): Promise<string[]> {
  await loadWasmBackend(2);
  const rt = wasmRuntime();
  if (!rt) return ["wasm backend unavailable"];
  // Workers start asynchronously: wait for the first one.
  for (let i = 0; i < 200 && rt.pool && rt.pool.started < 1; i++) await new Promise((r) => setTimeout(r, 25));
  const lines = [`relaxed SIMD: ${rt.relaxed}, tile rows ${rt.mr}, workers started ${rt.pool?.started ?? 0}`];
  for (const threads of [1, 2]) {
    rt.setThreads(threads);
    for (const [label, m, k, n, tA, tB] of SHAPES) {
      const a = Float32Array.from({ length: m * k }, () => Math.random() - 0.5);
      const b = Float32Array.from({ length: k * n }, () => Math.random() - 0.5);
      const out = new Float32Array(m * n);
      const run = () => wasmMatmul(rt, a, [0], b, [0], out, m, k, n, tA, tB);
      for (let i = 0; i < 3; i++) run();
      const times: number[] = [];
      const start = performance.now();
      while (times.length < 15 || performance.now() - start < 1500) {
        const t0 = performance.now();
        run();
        times.push(performance.now() - t0);
      }
      times.sort((x, y) => x - y);
      const flop = 2 * m * n * k;
      lines.push(
        `${threads} thread${threads > 1 ? "s" : " "} ${label.padEnd(32)} ${(flop / times[times.length >> 1] / 1e6).toFixed(1).padStart(6)} GFLOP/s median (best ${(flop / times[0] / 1e6).toFixed(1)})`,
      );
    }
  }
  return lines;
}

Object.assign(globalThis, { runBench });
