// Matrix-product speed of the native addon (own kernel and BLAS path) next to numpy, in one run:
// `node native/bench/gemm-bench.mjs [--rounds 5] [--threads 1,2] [--quick]` after `npm run build:native`.
// Rounds alternate between the contenders so that a machine busy with other work slows all of them alike;
// the table shows each one's best GFLOP/s and the median over rounds of its speed relative to numpy.

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const addonPath =
  process.env.CHAINRULE_NATIVE_PATH ?? join(here, "..", "build", "Release", "chainrule_native.node");

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const rounds = Number(option("rounds", "5"));
const threadCounts = option("threads", "1,2").split(",").map(Number);
const quick = args.includes("--quick");

let addon;
try {
  addon = require(addonPath);
} catch (e) {
  console.error(
    `gemm-bench: cannot load the addon at ${addonPath} (${e.message}); run "npm run build:native"`,
  );
  process.exit(1);
}

// [label, dtype, m, k, n, transA, transB]: 1024³ and the products of one training step of the
// 784-256-128-10 MLP at batch 128 (forward x·Wᵀ, backward G·W and Gᵀ·X).
const SHAPES = [
  ["1024³", "f32", 1024, 1024, 1024, false, false],
  ["1024³ AᵀBᵀ", "f32", 1024, 1024, 1024, true, true],
  ["1024³", "f64", 1024, 1024, 1024, false, false],
  ...(quick
    ? []
    : [
        ["mlp fwd 128·784ᵀ→256", "f32", 128, 784, 256, false, true],
        ["mlp dW1 Gᵀ·X", "f32", 256, 128, 784, true, false],
        ["mlp fwd 128·256ᵀ→128", "f32", 128, 256, 128, false, true],
        ["mlp dX2 G·W", "f32", 128, 128, 256, false, false],
        ["mlp dW2 Gᵀ·X", "f32", 128, 128, 256, true, false],
        ["mlp fwd 128·128ᵀ→10", "f32", 128, 128, 10, false, true],
        ["mlp dX3 G·W", "f32", 128, 10, 128, false, false],
        ["mlp dW3 Gᵀ·X", "f32", 10, 128, 128, true, false],
        ["64³", "f32", 64, 64, 64, false, false],
      ]),
];

function fill(T, n, seed) {
  const x = new T(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32 - 0.5;
  }
  return x;
}

/** Best seconds per product over `reps` timed batches of calls (each batch at least ~50 ms of work). */
function timeNative([, dtype, m, k, n, tA, tB]) {
  const T = dtype === "f32" ? Float32Array : Float64Array;
  const a = fill(T, m * k, 1);
  const b = fill(T, k * n, 2);
  const out = new T(m * n);
  const off = new Float64Array([0]);
  const call = () => addon.matmul(a, off, b, off, out, m, k, n, tA, tB);
  call();
  const inner = Math.max(1, Math.round(1e8 / (2 * m * k * n)));
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < inner; i++) call();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9 / inner);
  }
  return best;
}

const NUMPY = `
import json, sys, time
import numpy as np
shapes = json.loads(sys.argv[1]); out = []
for _, dtype, m, k, n, ta, tb in shapes:
    dt = np.float32 if dtype == "f32" else np.float64
    rng = np.random.default_rng(0)
    a = rng.random((k, m) if ta else (m, k), dtype=dt) - 0.5
    b = rng.random((n, k) if tb else (k, n), dtype=dt) - 0.5
    A = a.T if ta else a
    B = b.T if tb else b
    np.matmul(A, B)
    inner = max(1, round(1e8 / (2 * m * k * n))); best = 1e9
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(inner): np.matmul(A, B)
        best = min(best, (time.perf_counter() - t) / inner)
    out.append(best)
print(json.dumps(out))
`;

function timeNumpy(threads) {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  const r = spawnSync("python3", ["-c", NUMPY, JSON.stringify(SHAPES)], { encoding: "utf8", env });
  if (r.status !== 0) return null;
  try {
    return JSON.parse(r.stdout.trim().split("\n").pop());
  } catch {
    return null;
  }
}

const info = addon.gemmInfo();
const contenders = ["own"];
if (info.blas !== null && addon.setGemm("blas")) contenders.push("blas");
addon.setGemm("auto");
const startLoad = loadavg()[0];
console.log(
  `gemm-bench: addon ${addon.version}, kernel ${info.kernel} (${info.mr}x${info.nr} f32, ${info.mr64}x${info.nr64} f64),` +
    ` BLAS ${info.blas ?? "none"}${info.blasCore ? ` (${info.blasCore})` : ""}, auto uses ${info.backend};` +
    ` ${rounds} rounds, load average ${startLoad.toFixed(2)}`,
);

const initialThreads = addon.numThreads();
for (const threads of threadCounts) {
  // best[contender][shape] seconds; ratios[contender][shape] = numpy time / contender time per round.
  const best = {};
  const ratios = {};
  for (const c of [...contenders, "numpy"]) {
    best[c] = SHAPES.map(() => Infinity);
    ratios[c] = SHAPES.map(() => []);
  }
  for (let r = 0; r < rounds; r++) {
    addon.setNumThreads(threads);
    const times = {};
    for (const c of contenders) {
      addon.setGemm(c);
      times[c] = SHAPES.map(timeNative);
    }
    addon.setGemm("auto");
    times.numpy = timeNumpy(threads);
    for (const c of Object.keys(times)) {
      if (!times[c]) continue;
      times[c].forEach((t, i) => {
        best[c][i] = Math.min(best[c][i], t);
        if (times.numpy) ratios[c][i].push(times.numpy[i] / t);
      });
    }
  }
  const median = (xs) => {
    if (xs.length === 0) return NaN;
    const s = [...xs].sort((x, y) => x - y);
    return s[Math.floor(s.length / 2)];
  };
  const cols = [...contenders, "numpy"];
  console.log(
    `\n${threads} thread${threads > 1 ? "s" : ""}: best GFLOP/s (median speed vs numpy over ${rounds} rounds)`,
  );
  console.log(["shape".padEnd(24), "dtype", ...cols.map((c) => c.padStart(18))].join(" "));
  SHAPES.forEach((s, i) => {
    const [label, dtype, m, k, n] = s;
    const gf = (t) => (Number.isFinite(t) ? ((2 * m * k * n) / t / 1e9).toFixed(1) : "-");
    const cells = cols.map((c) => {
      const ratio = c === "numpy" ? "" : ` (${median(ratios[c][i]).toFixed(2)}x)`;
      return `${gf(best[c][i])}${ratio}`.padStart(18);
    });
    console.log([label.padEnd(24), dtype.padEnd(5), ...cells].join(" "));
  });
}
addon.setNumThreads(initialThreads);
console.log(`\nload average ${startLoad.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`);
