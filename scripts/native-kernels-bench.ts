// Times the native addon's elementwise, broadcast, reduction, softmax and fused kernels against the wasm and js
// backends on large arrays (default 1M elements), on 1 and on all threads. Prints one line per kernel: the
// fastest time per call (the machine is shared: the minimum is the least disturbed) and the speed-up over wasm. Run after `npm run build:native`:
//   npx tsx scripts/native-kernels-bench.ts [elements] [--dtype float64]

import type { Backend } from "../src/backend/backend.js";
import { jsBackend } from "../src/backend/js/index.js";
import { createNativeBackend } from "../src/backend/native/backend.js";
import { ACT_CODE } from "../src/backend/native/codes.js";
import { loadNativeAddon, nativeFailure } from "../src/backend/native/loader.js";
import { loadWasmBackendSync, wasmRuntime } from "../src/backend/wasm/index.js";

type Storage = Float32Array | Float64Array;

const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1 << 20);
const f64 = process.argv.includes("float64");
const T = f64 ? Float64Array : Float32Array;
const addon = loadNativeAddon();
if (addon === null) throw new Error(`native addon not loaded: ${nativeFailure()}`);
const fused = addon as unknown as {
  biasAct(x: Storage, bias: Storage, act: number, z: Storage | null, y: Storage): void;
  actBackward(act: number, g: Storage, v: Storage, out: Storage): void;
};
const threads = addon.numThreads();
const wasm = loadWasmBackendSync(threads) as Backend;
const native = createNativeBackend(addon, wasm, true);

function rand(len: number, lo = -3, hi = 3): Storage {
  const x = new T(len);
  for (let i = 0; i < len; i++) x[i] = lo + (hi - lo) * Math.random();
  return x;
}

/** The fastest of enough repetitions for ~200 ms, in milliseconds per call. */
function time(fn: () => void): number {
  fn();
  const t0 = performance.now();
  fn();
  const once = Math.max(performance.now() - t0, 0.01);
  const reps = Math.max(3, Math.min(200, Math.round(200 / once)));
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const s = performance.now();
    fn();
    samples.push(performance.now() - s);
  }
  return Math.min(...samples);
}

const x = rand(n);
const y = rand(n);
const p = rand(n, 0.01, 0.99);
const out = new T(n);
const rows = 1024;
const cols = n / rows;
const bias = rand(cols);
const small = new T(cols);
const z = new T(n);

const cases: [string, (b: Backend) => void][] = [
  ["add", (b) => b.binary("add", x, y, out)],
  ["mul scalar", (b) => b.binary("mul", x, y.subarray(0, 1), out)],
  ["maximum", (b) => b.binary("maximum", x, y, out)],
  ["gt", (b) => b.binary("gt", x, y, out)],
  [
    "add bias [1024, n/1024] + [n/1024]",
    (b) => b.binaryStrided?.("add", x, [cols, 1], bias, [0, 1], out, [rows, cols]),
  ],
  ["relu", (b) => b.unary("relu", x, out)],
  ["sqrt", (b) => b.unary("sqrt", p, out)],
  ["exp", (b) => b.unary("exp", x, out)],
  ["log", (b) => b.unary("log", p, out)],
  ["tanh", (b) => b.unary("tanh", x, out)],
  ["sigmoid", (b) => b.unary("sigmoid", x, out)],
  ["softplus", (b) => b.unary("softplus", x, out)],
  ["sin", (b) => b.unary("sin", x, out)],
  ["erf", (b) => b.unary("erf", x, out)],
  ["bce", (b) => b.binary("bce", p, p, out)],
  ["sum all", (b) => b.reduce("sum", x, [n], [0], out.subarray(0, 1))],
  ["max all", (b) => b.reduce("max", x, [n], [0], out.subarray(0, 1))],
  ["sum rows [1024, n/1024] dim 1", (b) => b.reduce("sum", x, [rows, cols], [1], out.subarray(0, rows))],
  ["sum cols [1024, n/1024] dim 0", (b) => b.reduce("sum", x, [rows, cols], [0], small)],
  ["softmax rows [1024, n/1024]", (b) => b.softmax(x, rows, cols, 1, out, false)],
  ["logSoftmax rows [n/10, 10]", (b) => b.softmax(x, n / 16, 16, 1, out, true)],
  ["softmax dim 0 [1024, n/1024]", (b) => b.softmax(x, 1, rows, cols, out, false)],
];

console.log(
  `native kernels vs wasm/js: ${n} ${f64 ? "float64" : "float32"} elements, ${threads} threads, ` +
    `isa ${(addon as unknown as { kernelsIsa(): string }).kernelsIsa()}, wasm ${wasmRuntime()?.relaxed ? "relaxed" : "simd"}`,
);
console.log("kernel | js ms | wasm ms | native 1T ms | native ms | x wasm");
for (const [name, fn] of cases) {
  const tj = time(() => fn(jsBackend));
  const tw = time(() => fn(wasm));
  addon.setNumThreads(1);
  const t1 = time(() => fn(native));
  addon.setNumThreads(threads);
  const tn = time(() => fn(native));
  console.log(
    `${name} | ${tj.toFixed(3)} | ${tw.toFixed(3)} | ${t1.toFixed(3)} | ${tn.toFixed(3)} | ${(tw / tn).toFixed(1)}`,
  );
}

// The fused kernels against the ops they replace (both native).
const tOps = time(() => {
  native.binaryStrided?.("add", x, [cols, 1], bias, [0, 1], z, [rows, cols]);
  native.unary("relu", z, out);
});
const tFused = time(() => fused.biasAct(x, bias, ACT_CODE.relu, z, out));
console.log(`bias + relu: ops ${tOps.toFixed(3)} ms, fused biasAct ${tFused.toFixed(3)} ms`);
const tBackOps = time(() => {
  const c = new T(n);
  native.binary("gt", z, new T([0]), c);
  native.where(c, y, new T(n), out);
});
const tBack = time(() => fused.actBackward(ACT_CODE.relu, y, z, out));
console.log(
  `relu backward: ops (gt, zeros, where) ${tBackOps.toFixed(3)} ms, fused actBackward ${tBack.toFixed(3)} ms`,
);
const tTanhOps = time(() => {
  const t = new T(n);
  native.binary("mul", out, out, t);
  native.binary("sub", new T([1]), t, t);
  native.binary("mul", y, t, t);
});
const tTanh = time(() => fused.actBackward(ACT_CODE.tanh, y, out, z));
console.log(
  `tanh backward: ops (mul, sub, mul) ${tTanhOps.toFixed(3)} ms, fused actBackward ${tTanh.toFixed(3)} ms`,
);
