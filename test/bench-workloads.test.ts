// The benchmark's workloads agree between implementations at tiny sizes (same data, same math), and the report's arithmetic.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { chainruleCases } from "../bench/impl/chainrule.js";
import { Value } from "../bench/impl/micrograd.js";
import { matmulNN, matmulNT, matmulTN, microgradCases, plainCases } from "../bench/impl/plain.js";
import { matmulChecksum, matmulData, mlpData } from "../bench/lib/data.js";
import {
  checksumAgrees,
  evaluateTargets,
  relativeDifference,
  renderMarkdown,
  speedup,
} from "../bench/lib/report.js";
import {
  type Cases,
  formatLine,
  median,
  parseLine,
  pythonConfig,
  QUICK_MEASURE,
  type ResultLine,
  TIMED_WORKLOADS,
  TINY_SIZES,
  type TimedWorkload,
} from "../bench/lib/spec.js";

/** Runs each case twice (as the timing loop would) and returns its checksum. */
function checksums(cases: Cases): Partial<Record<TimedWorkload, number>> {
  const out: Partial<Record<TimedWorkload, number>> = {};
  for (const w of TIMED_WORKLOADS) {
    const factory = cases[w];
    if (factory === undefined) continue;
    const c = factory(TINY_SIZES);
    c.run();
    out[w] = c.checksum(c.run());
  }
  return out;
}

const reference = checksums(chainruleCases);
/** Peers and the report do not depend on chainrule's backend: check them once, in the js run of the suite. */
const onceOnly = (process.env.CHAINRULE_BACKEND ?? "js") !== "js";

describe("bench workloads at tiny sizes", () => {
  it("chainrule's checksums are finite and deterministic", () => {
    for (const w of TIMED_WORKLOADS) expect(Number.isFinite(reference[w])).toBe(true);
    expect(checksums(chainruleCases)).toEqual(reference);
  });

  it("the plain-JS baselines and the micrograd engine agree with chainrule", () => {
    const plain = { ...checksums(plainCases), ...checksums(microgradCases) };
    // float32 workloads to float32 rounding, float64 ones to float64 rounding.
    expect(relativeDifference(plain.matmul!, reference.matmul!)).toBeLessThan(1e-6);
    expect(relativeDifference(plain.mlp!, reference.mlp!)).toBeLessThan(1e-5);
    expect(relativeDifference(plain.tutorial!, reference.tutorial!)).toBeLessThan(1e-12);
    expect(relativeDifference(plain.scalar!, reference.scalar!)).toBeLessThan(1e-12);
  });

  it("the transposed plain-JS kernels compute A^T B and A B^T", () => {
    const { a, b } = matmulData(5);
    const [n, k, m] = [3, 5, 4];
    const c = new Float32Array(n * m);
    const at = new Float32Array(k * n); // A[n, k] transposed to [k, n]
    for (let i = 0; i < n; i++) for (let p = 0; p < k; p++) at[p * n + i] = a[i * k + p];
    const bt = new Float32Array(m * k); // B[k, m] transposed to [m, k]
    for (let p = 0; p < k; p++) for (let j = 0; j < m; j++) bt[j * k + p] = b[p * m + j];
    matmulNN(a, b, c, n, k, m);
    const viaTN = new Float32Array(n * m);
    matmulTN(at, b, viaTN, n, k, m);
    const viaNT = new Float32Array(n * m);
    matmulNT(a, bt, viaNT, n, k, m);
    for (let i = 0; i < n * m; i++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[Math.floor(i / m) * k + p] * b[p * m + (i % m)];
      expect(c[i]).toBeCloseTo(s, 5);
      expect(viaTN[i]).toBeCloseTo(s, 5);
      expect(viaNT[i]).toBeCloseTo(s, 5);
    }
  });

  it("the micrograd engine accumulates over fan-out (d/dx of x*x + x is 2x + 1)", () => {
    const x = new Value(3);
    const y = x.mul(x).add(x).tanh();
    y.backward();
    const t = Math.tanh(12);
    expect(x.grad).toBeCloseTo((1 - t * t) * 7, 12);
  });

  it("the matmul checksum tells a transposed product from the right one", () => {
    const n = 6;
    const c = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i) * 3);
    const ct = Float32Array.from({ length: n * n }, (_, i) => c[(i % n) * n + Math.floor(i / n)]);
    expect(relativeDifference(matmulChecksum(c, n), matmulChecksum(ct, n))).toBeGreaterThan(1e-3);
  });

  it("the MLP data are the documented draws (labels in range, He-uniform bounds, zero biases)", () => {
    const d = mlpData(TINY_SIZES);
    const dims = TINY_SIZES.mlpSizes;
    expect(d.x.length).toBe(TINY_SIZES.mlpBatch * dims[0]);
    for (const label of d.labels) expect(label >= 0 && label < dims[dims.length - 1]).toBe(true);
    d.weights.forEach((w, l) => {
      const bound = Math.sqrt(6 / dims[l]);
      expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    });
    for (const b of d.biases) expect(b.every((v) => v === 0)).toBe(true);
  });

  it.skipIf(onceOnly)("TensorFlow.js (cpu) agrees with chainrule", async () => {
    const { setupTfjs } = await import("../bench/peers/tfjs-setup.js");
    const setup = await setupTfjs("cpu", 1);
    const tfjs = checksums(setup.cases);
    expect(relativeDifference(tfjs.matmul!, reference.matmul!)).toBeLessThan(1e-5);
    expect(relativeDifference(tfjs.mlp!, reference.mlp!)).toBeLessThan(1e-4);
    // tfjs runs in float32, chainrule's tutorial and scalar graph in float64.
    expect(relativeDifference(tfjs.tutorial!, reference.tutorial!)).toBeLessThan(1e-4);
    expect(relativeDifference(tfjs.scalar!, reference.scalar!)).toBeLessThan(1e-4);
  });

  const peer = fileURLToPath(new URL("../bench/peers/python_peer.py", import.meta.url));
  const pythonWith = (module: string): string | undefined =>
    ["python3", "/usr/bin/python3"].find(
      (py) => spawnSync(py, ["-c", `import ${module}`], { stdio: "ignore", timeout: 60_000 }).status === 0,
    );
  const numpyPython = onceOnly ? undefined : pythonWith("numpy");
  const torchPython = onceOnly ? undefined : pythonWith("torch");

  for (const [lib, python] of [
    ["numpy", numpyPython],
    ["torch", torchPython],
  ] as const) {
    it.skipIf(onceOnly || python === undefined)(
      `the ${lib} peer draws the same data and agrees with chainrule`,
      () => {
        const config = pythonConfig(TINY_SIZES, { ...QUICK_MEASURE, warmup: 0, runs: 1 }, TIMED_WORKLOADS);
        const r = spawnSync(python!, [peer, "--lib", lib, "--threads", "1", "--config", config], {
          encoding: "utf8",
          timeout: 120_000,
        });
        expect(r.status).toBe(0);
        const lines = r.stdout
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .map(parseLine);
        for (const line of lines) {
          if (line.skipped) {
            expect(lib === "numpy" && line.workload === "scalar").toBe(true);
            continue;
          }
          const ref = reference[line.workload as TimedWorkload]!;
          // Identical float64 draws: the tutorial and scalar graph agree to rounding, float32 ones to float32.
          const tol = line.dtype === "float64" ? 1e-12 : 1e-5;
          expect(relativeDifference(line.checksum, ref), `${lib} ${line.workload}`).toBeLessThan(tol);
        }
        expect(lines.length).toBe(4);
      },
    );
  }
});

/** A result line with defaults, for the report tests. */
function line(fields: Partial<ResultLine> & Pick<ResultLine, "workload" | "impl" | "median">): ResultLine {
  return {
    backend: "",
    threads: 1,
    unit: fields.workload === "matmul" ? "GFLOP/s" : "ms",
    min: fields.median,
    runs: 5,
    medianMs: fields.median,
    minMs: fields.median,
    checksum: 1,
    dtype: "float32",
    notes: "",
    ...fields,
  };
}

describe.skipIf(onceOnly)("bench report", () => {
  it("speed-ups read above 1 when chainrule is faster, for times and for throughputs", () => {
    expect(
      speedup(
        line({ workload: "mlp", impl: "a", median: 2 }),
        line({ workload: "mlp", impl: "b", median: 6 }),
      ),
    ).toBe(3);
    expect(
      speedup(
        line({ workload: "matmul", impl: "a", median: 60 }),
        line({ workload: "matmul", impl: "b", median: 20 }),
      ),
    ).toBe(3);
  });

  it("flags a checksum outside the tolerance, and not one inside it", () => {
    const ref = line({
      workload: "tutorial",
      impl: "chainrule-js",
      median: 1,
      checksum: 1,
      dtype: "float64",
    });
    const close = line({
      workload: "tutorial",
      impl: "numpy",
      median: 1,
      checksum: 1 + 1e-9,
      dtype: "float64",
    });
    const off = line({
      workload: "tutorial",
      impl: "pytorch",
      median: 1,
      checksum: 1 + 1e-4,
      dtype: "float64",
    });
    const f32 = line({ workload: "tutorial", impl: "tfjs-cpu", median: 1, checksum: 1 + 1e-4 });
    const lines = [ref, close, off, f32];
    expect(checksumAgrees(lines, close)).toBe(true);
    expect(checksumAgrees(lines, off)).toBe(false);
    expect(checksumAgrees(lines, f32)).toBe(true);
    expect(renderMarkdown(lines, meta)).toContain("✗");
  });

  it("evaluates the issue's targets at their boundaries", () => {
    const lines = [
      line({ workload: "matmul", impl: "chainrule-wasm", median: 13 }),
      line({ workload: "matmul", impl: "tfjs-wasm", median: 10 }),
      line({ workload: "mlp", impl: "chainrule-wasm", median: 4 }),
      line({ workload: "mlp", impl: "tfjs-wasm", median: 36 }),
      line({ workload: "mlp", impl: "pytorch", median: 2 }),
      line({ workload: "tutorial", impl: "chainrule-wasm", median: 10 }),
      line({ workload: "tutorial", impl: "numpy", median: 19 }),
      line({ workload: "memory", impl: "chainrule-wasm", median: 1.1, unit: "ratio" }),
    ];
    const targets = evaluateTargets(lines);
    const pass = (prefix: string) => targets.find((t) => t.target.startsWith(prefix))?.pass;
    expect(pass("matmul >= 1.3x")).toBe(true); // 13 / 10 = 1.3
    expect(pass("MLP step >= 10x")).toBe(false); // 36 / 4 = 9
    expect(pass("MLP step <= 2x")).toBe(true); // 4 / 2 = 2
    expect(pass("tutorial")).toBe(false); // 19 / 10 = 1.9
    expect(pass("RSS")).toBe(true); // 1.1
    expect(pass("scalar")).toBeUndefined(); // no chainrule result, no target row
  });

  it("keeps JSON lines valid when a figure is missing", () => {
    const l = line({ workload: "scalar", impl: "x", median: Number.NaN });
    const text = formatLine(l);
    expect(text).toContain('"median":null');
    expect(Number.isNaN(parseLine(text).median)).toBe(true);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

const meta = {
  date: "2025-01-01T00:00:00Z",
  mode: "quick" as const,
  cpu: "test CPU",
  cores: 2,
  node: "v20",
  loadBefore: "0",
  loadAfter: "0",
  seconds: 1,
  command: "test",
};
