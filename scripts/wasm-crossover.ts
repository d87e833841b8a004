// Where the wasm kernels start to beat the js ones (not part of bench/): for each kernel class, the time of
// the js kernel and of the wasm one (copies in and out included, one thread) over growing sizes. Each figure
// is the best of several batches of calls, which a busy shared machine disturbs least. The thresholds in
// src/backend/wasm/backend.ts (WASM_LIMITS) come from this table.
// Run: npx tsx scripts/wasm-crossover.ts

import { jsBackend } from "../src/backend/js/index.js";
import { wasmBinary, wasmUnary, wasmWhere } from "../src/backend/wasm/elementwise.js";
import { loadWasmBackendSync, wasmRuntime } from "../src/backend/wasm/index.js";
import { wasmMatmul } from "../src/backend/wasm/matmul.js";
import { wasmReduce, wasmSoftmax } from "../src/backend/wasm/reduce.js";
import { bestMicroseconds } from "./lib/best-time.js";

loadWasmBackendSync(1);
const rt = wasmRuntime();
if (!rt) throw new Error("the wasm backend cannot run here");
rt.setThreads(1);

const time = (fn: () => void) => bestMicroseconds(fn, 20);

function row(label: string, size: number, js: number, wasm: number): void {
  console.log(
    `${label.padEnd(22)} ${String(size).padStart(8)}  js ${js.toFixed(2).padStart(9)} µs  wasm ${wasm.toFixed(2).padStart(9)} µs  js/wasm ${(js / wasm).toFixed(2)}`,
  );
}

const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 4 - 2);

for (const n of [16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576]) {
  const x = rand(n);
  const y = rand(n);
  const out = new Float32Array(n);
  for (const op of ["exp", "tanh", "relu"] as const)
    row(
      `unary ${op}`,
      n,
      time(() => jsBackend.unary(op, x, out)),
      time(() => wasmUnary(rt, op, x, out)),
    );
  row(
    "binary add",
    n,
    time(() => jsBackend.binary("add", x, y, out)),
    time(() => wasmBinary(rt, "add", x, [1], y, [1], out, [n])),
  );
  // A bias row broadcast over rows of 64: js materialises it first, wasm reads it with stride 0.
  const cols = Math.min(64, n);
  const bias = rand(cols);
  const shape = [n / cols, cols];
  row(
    "binary add, bias row",
    n,
    time(() => {
      const full = new Float32Array(n);
      jsBackend.strided(bias, 0, [0, 1], full, shape);
      jsBackend.binary("add", x, full, out);
    }),
    time(() => wasmBinary(rt, "add", x, [cols, 1], bias, [0, 1], out, shape)),
  );
  row(
    "where",
    n,
    time(() => jsBackend.where(y, x, y, out)),
    time(() => wasmWhere(rt, y, x, y, out)),
  );
  const rows = n / cols;
  const sums = new Float32Array(rows);
  row(
    "sum over rows of 64",
    n,
    time(() => jsBackend.reduce("sum", x, shape, [1], sums)),
    time(() => wasmReduce(rt, "sum", x, [rows, cols, 1], sums)),
  );
  const cls = new Float32Array(cols);
  row(
    "sum over the batch",
    n,
    time(() => jsBackend.reduce("sum", x, shape, [0], cls)),
    time(() => wasmReduce(rt, "sum", x, [1, rows, cols], cls)),
  );
  const n10 = Math.max(1, Math.floor(n / 10));
  const x10 = x.subarray(0, n10 * 10);
  const o10 = out.subarray(0, n10 * 10);
  row(
    "logSoftmax rows of 10",
    n10 * 10,
    time(() => jsBackend.softmax(x10, n10, 10, 1, o10, true)),
    time(() => wasmSoftmax(rt, x10, n10, 10, o10, true)),
  );
}
for (const s of [4, 8, 12, 16, 24, 32, 48, 64]) {
  const a = rand(s * s);
  const b = rand(s * s);
  const out = new Float32Array(s * s);
  row(
    `matmul ${s}x${s}x${s}`,
    s * s * s,
    time(() => jsBackend.matmul(a, [0], b, [0], out, s, s, s)),
    time(() => wasmMatmul(rt, a, [0], b, [0], out, s, s, s, false, false)),
  );
}
process.exit(0);
