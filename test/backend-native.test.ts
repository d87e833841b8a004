// The native backend: with the addon built, its kernels against the js reference (ragged sizes, every transpose,
// batches, broadcasting, NaN/Inf, 1 vs 2 threads, zero-copy views with a byteOffset, bad input); always, the
// plumbing that must work without it: the loader's reasons, the notice, the backend choice, the op codes
// against the C++ header, and the build/install scripts' forced failure.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { evaluateTargets } from "../bench/lib/report.js";
import type { ResultLine } from "../bench/lib/spec.js";
import type { Backend, BinaryKernel, ReduceKernel } from "../src/backend/backend.js";
import { jsBackend } from "../src/backend/js/index.js";
import { createNativeBackend } from "../src/backend/native/backend.js";
import { BINARY, REDUCE, UNARY } from "../src/backend/native/codes.js";
import {
  ADDON_RELATIVE_PATH,
  loadNativeAddonFrom,
  NATIVE_NOTICE,
  type NativeAddon,
  nativeFailure,
} from "../src/backend/native/loader.js";
import {
  type ArrayType,
  expectUlps as expectUlpsOf,
  random as randomOf,
  type Storage,
  TYPES,
  withSpecials as withSpecialsOf,
} from "./support/kernels.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ADDON_PATH = join(ROOT, ADDON_RELATIVE_PATH);

const addon: NativeAddon | null = loadNativeAddonFrom(ADDON_PATH);
const whyMissing = nativeFailure();
if (!addon) console.info(`native addon tests skipped: ${whyMissing} (build it with "npm run build:native")`);
const initialThreads = addon?.numThreads() ?? 1;
const native: Backend | null = addon ? createNativeBackend(addon, jsBackend, true) : null;

afterAll(() => addon?.setNumThreads(initialThreads));

/** The special values these agreement tests put first (a short list: they run on many sizes). */
const FIRST = [0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 1e-30, -1e-8, 20, -20, 88, -104, 710, -746];
const random = (T: ArrayType, n: number, seed: number) => randomOf(T, n, seed, 1, 3);
const withSpecials = (T: ArrayType, n: number, seed: number) => withSpecialsOf(T, n, seed, FIRST);
const expectUlps = (a: Storage, e: Storage, max: number, label: string) =>
  expectUlpsOf(a, e, max, label, "native");

const RAGGED = [1, 3, 7, 8, 15, 16, 17, 31, 33, 100, 1027];

describe.skipIf(!addon)("native addon: kernels against the js reference", () => {
  const nb = native as Backend;
  const a = addon as NativeAddon;

  it("reports its features", () => {
    const f = a.features();
    console.info(`native addon ${a.version}: ${JSON.stringify(f)}`);
    expect(typeof a.version).toBe("string");
    expect(["avx512", "avx2", "sse2", "neon", "scalar"]).toContain(f.simd);
    expect(typeof f.gemm).toBe("string");
    expect(f.threads).toBeGreaterThanOrEqual(1);
  });

  for (const T of TYPES) {
    const f32 = T === Float32Array;
    it(`${T.name}: every unary kernel on special values and ragged sizes`, () => {
      for (const n of RAGGED) {
        const x = withSpecials(T, n, n);
        for (const op of UNARY) {
          const out = new T(n);
          const ref = new T(n);
          nb.unary(op, x, out);
          jsBackend.unary(op, x, ref);
          // float32: computed in float64, rounded once (as js); float64 transcendentals within a few ulps
          // (erf/erfc: both are approximations ~10 ulps from libm's in places, e.g. erfc(1.0048)).
          expectUlps(out, ref, f32 ? 1 : op === "erf" || op === "erfc" ? 32 : 4, `${op} n=${n}`);
        }
      }
    });

    it(`${T.name}: every binary kernel, same length and length-1 operands`, () => {
      for (const n of RAGGED) {
        const x = withSpecials(T, n, 2 * n);
        const y = withSpecials(T, n, 2 * n + 1).reverse();
        for (const op of BINARY) {
          const [p, q] =
            op === "bce" ? [x.map((v) => 1 / (1 + Math.exp(-v))), y.map((v) => (v > 0 ? 1 : 0))] : [x, y];
          for (const [l, r] of [
            [p, q],
            [p, q.subarray(0, 1)],
            [p.subarray(0, 1), q],
          ] as [Storage, Storage][]) {
            const out = new T(n);
            const ref = new T(n);
            nb.binary(op, l, r, out);
            jsBackend.binary(op, l, r, ref);
            expectUlps(
              out,
              ref,
              op === "pow" || op === "bce" ? 4 : 0,
              `${op} n=${n} (${l.length}, ${r.length})`,
            );
          }
        }
      }
    });

    it(`${T.name}: broadcasting through strides`, () => {
      const cases: [number[], number[], number[]][] = [
        [
          [3, 1, 5],
          [1, 4, 1],
          [3, 4, 5],
        ],
        [
          [1, 17],
          [9, 1],
          [9, 17],
        ],
        [
          [2, 3, 1, 7],
          [3, 6, 1],
          [2, 3, 6, 7],
        ],
        [[64, 33], [33], [64, 33]],
      ];
      for (const [sa, sb, shape] of cases) {
        const strides = (s: number[]): number[] => {
          const full = [...Array(shape.length - s.length).fill(1), ...s];
          let acc = 1;
          const st = full.map(() => 0);
          for (let d = full.length - 1; d >= 0; d--) {
            st[d] = full[d] === 1 ? 0 : acc;
            acc *= full[d];
          }
          return st;
        };
        const size = shape.reduce((p, v) => p * v, 1);
        const x = withSpecials(
          T,
          sa.reduce((p, v) => p * v, 1),
          5,
        );
        const y = withSpecials(
          T,
          sb.reduce((p, v) => p * v, 1),
          6,
        );
        for (const op of ["add", "mul", "sub", "div", "maximum", "gt"] as BinaryKernel[]) {
          const out = new T(size);
          const ref = new T(size);
          nb.binaryStrided?.(op, x, strides(sa), y, strides(sb), out, shape);
          const full = (v: Storage, st: number[]): Storage => {
            const c = new T(size);
            jsBackend.strided(v, 0, st, c, shape);
            return c;
          };
          jsBackend.binary(op, full(x, strides(sa)), full(y, strides(sb)), ref);
          expectUlps(out, ref, 0, `${op} ${JSON.stringify([sa, sb])}`);
        }
      }
    });

    it(`${T.name}: reductions over every set of dims, NaN and infinities included`, () => {
      const shapes = [[7], [3, 5], [4, 1, 9], [2, 3, 4, 5], [1000]];
      for (const shape of shapes) {
        const size = shape.reduce((p, v) => p * v, 1);
        const x = random(T, size, size);
        x[size >> 1] = Infinity;
        if (size > 10) x[3] = NaN;
        const nd = shape.length;
        for (let mask = 1; mask < 1 << nd; mask++) {
          const dims = [...Array(nd).keys()].filter((d) => mask & (1 << d));
          const outSize = shape.reduce((p, v, d) => (dims.includes(d) ? p : p * v), 1);
          for (const op of REDUCE as readonly ReduceKernel[]) {
            const out = new T(outSize);
            const ref = new T(outSize);
            nb.reduce(op, x, shape, dims, out);
            jsBackend.reduce(op, x, shape, dims, ref);
            expectUlps(
              out,
              ref,
              op === "sum" ? (f32 ? 1 : 64) : 0,
              `${op} ${JSON.stringify(shape)} dims ${dims}`,
            );
          }
        }
      }
    });

    it(`${T.name}: softmax and log-softmax over any axis, with extreme logits`, () => {
      for (const [outer, n, inner] of [
        [1, 1, 1],
        [3, 7, 1],
        [2, 33, 1],
        [4, 5, 3],
        [128, 10, 1],
        [1, 1000, 2],
      ]) {
        const x = random(T, outer * n * inner, n);
        x[0] = 1e4;
        if (x.length > 2) x[2] = -Infinity;
        for (const log of [false, true]) {
          const out = new T(x.length);
          const ref = new T(x.length);
          nb.softmax(x, outer, n, inner, out, log);
          jsBackend.softmax(x, outer, n, inner, ref, log);
          // Log-softmax near 0 (the row's maximum) cancels: compare on the scale of the row's terms.
          const eps = f32 ? 2 ** -23 : 2 ** -52;
          for (let i = 0; i < out.length; i++) {
            const same = Object.is(out[i], ref[i]) || (Number.isNaN(out[i]) && Number.isNaN(ref[i]));
            if (!same && !(Math.abs(out[i] - ref[i]) <= 8 * eps * (1 + Math.abs(ref[i]))))
              expect.fail(
                `softmax ${outer}x${n}x${inner} log=${log}: [${i}] native ${out[i]} vs js ${ref[i]}`,
              );
          }
        }
      }
    });

    it(`${T.name}: matmul over ragged sizes, every transpose, batches and shared offsets`, () => {
      const sizes: [number, number, number][] = [
        [1, 1, 1],
        [3, 5, 2],
        [17, 1, 9],
        [5, 33, 13],
        [33, 65, 17],
        [64, 257, 65],
        [130, 70, 129],
      ];
      for (const [m, k, n] of sizes)
        for (const tA of [false, true])
          for (const tB of [false, true]) {
            const batch = 2;
            const x = random(T, batch * m * k, m + k);
            const y = random(T, k * n, n + 1); // one B shared by both batches
            const out = new T(batch * m * n);
            const ref = new Float64Array(batch * m * n);
            nb.matmul(x, [0, m * k], y, [0, 0], out, m, k, n, tA, tB);
            jsBackend.matmul(
              Float64Array.from(x),
              [0, m * k],
              Float64Array.from(y),
              [0, 0],
              ref,
              m,
              k,
              n,
              tA,
              tB,
            );
            const eps = f32 ? 2 ** -23 : 2 ** -52;
            for (let i = 0; i < out.length; i++) {
              // |error| <= k·eps·Σ|a||b| bounded with the magnitudes (|x|, |y| < e^3·4).
              const bound = 4 * k * eps * 1600 * k + 1e-300;
              if (!(Math.abs(out[i] - ref[i]) <= bound))
                expect.fail(`matmul ${m}x${k}x${n} tA=${tA} tB=${tB}: [${i}] ${out[i]} vs ${ref[i]}`);
            }
          }
    });

    it(`${T.name}: matmul propagates NaN and infinities as js does`, () => {
      const [m, k, n] = [9, 40, 11];
      const x = random(T, m * k, 1);
      const y = random(T, k * n, 2);
      x[2 * k + 5] = NaN; // row 2 all NaN
      y[7 * n + 3] = Infinity; // column 3 infinite (or NaN where 0·inf or inf - inf)
      const out = new T(m * n);
      const ref = new T(m * n);
      nb.matmul(x, [0], y, [0], out, m, k, n);
      jsBackend.matmul(x, [0], y, [0], ref, m, k, n);
      for (let i = 0; i < out.length; i++) {
        if (Number.isFinite(ref[i])) expect(Number.isFinite(out[i])).toBe(true);
        else expect(String(out[i])).toBe(String(ref[i]));
      }
    });

    it(`${T.name}: 1 and 2 threads give the same results`, () => {
      const [m, k, n] = [200, 300, 150];
      const x = random(T, m * k, 3);
      const y = random(T, k * n, 4);
      const big = random(T, 300_000, 5);
      const run = (threads: number) => {
        a.setNumThreads(threads);
        expect(a.numThreads()).toBe(threads);
        const prod = new T(m * n);
        nb.matmul(x, [0], y, [0], prod, m, k, n);
        const e = new T(big.length);
        nb.unary("tanh", big, e);
        const s = new T(1);
        nb.reduce("sum", big, [big.length], [0], s);
        return { prod, e, s };
      };
      const one = run(1);
      const two = run(2);
      a.setNumThreads(initialThreads);
      expectUlps(two.e, one.e, 0, "tanh");
      // Sums and products may associate differently per thread count: within rounding.
      expectUlps(two.s, one.s, f32 ? 1 : 1e4, "sum");
      for (let i = 0; i < one.prod.length; i++)
        expect(Math.abs(two.prod[i] - one.prod[i])).toBeLessThanOrEqual(
          k * (f32 ? 2 ** -23 : 2 ** -52) * 2000,
        );
    });

    it(`${T.name}: reads and writes views in place (subarrays with a byteOffset), nothing outside them`, () => {
      const bytes = T.BYTES_PER_ELEMENT;
      const n = 37;
      const buffer = new ArrayBuffer((3 * n + 8) * bytes);
      const whole = new T(buffer);
      whole.fill(-7);
      const x = new T(buffer, 3 * bytes, n);
      const out = new T(buffer, (n + 5) * bytes, n);
      x.set(random(T, n, 9));
      const ref = new T(n);
      jsBackend.unary("exp", x, ref);
      nb.unary("exp", x, out);
      expectUlps(out, ref, f32 ? 1 : 4, "exp on a view");
      expect(whole[0]).toBe(-7);
      expect(whole[n + 4]).toBe(-7);
      expect(whole[2 * n + 5]).toBe(-7);
      // matmul on views: a 4x3 A at offset 1 inside x, a 3x2 B at offset 2 of a subarray.
      const left = x.subarray(1, 13);
      const rightBase = random(T, 20, 10);
      const right = rightBase.subarray(2, 8);
      const prod = new T(buffer, (2 * n + 6) * bytes, 8);
      const expected = new T(8);
      nb.matmul(left, [0], right, [0], prod, 4, 3, 2);
      jsBackend.matmul(left, [0], right, [0], expected, 4, 3, 2);
      expectUlps(prod, expected, f32 ? 2 : 4, "matmul on views");
      expect(whole[3 * n + 7]).toBe(-7);
    });
  }

  it("fused activation backward equals the rule's ops, rounding included", () => {
    for (const T of TYPES)
      for (const n of [1, 7, 33, 1000]) {
        const g = withSpecials(T, n, 11);
        for (const act of ["relu", "tanh", "sigmoid"] as const) {
          const v = act === "relu" ? withSpecials(T, n, 12) : random(T, n, 13).map((x) => Math.tanh(x));
          const out = new T(n);
          nb.activationBackward?.(act, g, v, out);
          const ref = new T(n);
          const tmp = new T(n);
          if (act === "relu") for (let i = 0; i < n; i++) ref[i] = v[i] > 0 ? g[i] : 0;
          else {
            jsBackend.binary("mul", v, v, tmp); // tanh: 1 - v², sigmoid: v (1 - v)
            if (act === "tanh") jsBackend.binary("sub", new T([1]), tmp, tmp);
            else {
              jsBackend.binary("sub", new T([1]), v, tmp);
              jsBackend.binary("mul", v, tmp, tmp);
            }
            jsBackend.binary("mul", g, tmp, ref);
          }
          expectUlps(out, ref, 0, `${act} backward ${T.name} n=${n}`);
        }
      }
  });

  it("mixed dtypes: a float32 operand into a float64 product converts exactly", () => {
    const [m, k, n] = [6, 40, 5];
    const x = random(Float32Array, m * k, 1);
    const y = random(Float64Array, k * n, 2);
    const out = new Float64Array(m * n);
    const ref = new Float64Array(m * n);
    nb.matmul(x, [0], y, [0], out, m, k, n);
    jsBackend.matmul(x, [0], y, [0], ref, m, k, n);
    expectUlps(out, ref, 1e3, "mixed matmul");
    const out32 = new Float32Array(m * n);
    const ref32 = new Float32Array(m * n);
    nb.matmul(y.subarray(0, m * k), [0], x.subarray(0, k * n), [0], out32, m, k, n);
    jsBackend.matmul(y.subarray(0, m * k), [0], x.subarray(0, k * n), [0], ref32, m, k, n);
    expectUlps(out32, ref32, 0, "float64 into float32 goes to the fallback");
  });

  it("bad input throws a JS error naming the function instead of crashing", () => {
    const x = new Float32Array(4);
    expect(() => a.unary(0, [1, 2] as unknown as Float32Array, x)).toThrow(/unary/);
    expect(() => a.binary(0, x, new Float64Array(4), x)).toThrow(/binary/);
    expect(() =>
      a.matmul(x, new Float64Array([0]), x, new Float64Array([0]), x, 4, 4, 4, false, false),
    ).toThrow(/matmul/);
    expect(() => a.setNumThreads(0)).toThrow(/setNumThreads/);
  });
});

describe("native backend plumbing (always runs)", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("the loader returns null and says why for a missing file and for a file that is not an addon", () => {
    const missing = join(tmpdir(), "no-such-dir-chainrule", "chainrule_native.node");
    expect(loadNativeAddonFrom(missing)).toBeNull();
    expect(nativeFailure()).toBe(`not built: ${missing} does not exist`);
    const dir = mkdtempSync(join(tmpdir(), "chainrule-native-"));
    try {
      const bogus = join(dir, "chainrule_native.node");
      writeFileSync(bogus, "not a shared library");
      expect(loadNativeAddonFrom(bogus)).toBeNull();
      expect(nativeFailure()).toMatch(/does not load: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the notice reads as documented", () => {
    expect(NATIVE_NOTICE).toBe(
      'chainrule: native backend not built; using wasm (run "npx chainrule build-native" to enable it)',
    );
  });

  /** A fresh registry (module state reset) with the addon path pointed at nothing; returns it and stderr. */
  async function freshRegistry(env: Record<string, string | undefined>) {
    vi.stubEnv("CHAINRULE_NATIVE_PATH", join(tmpdir(), "no-such-dir-chainrule", "chainrule_native.node"));
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v as string);
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => {
      written.push(String(s));
      return true;
    });
    const registry = await import("../src/backend/registry.js");
    return { registry, written };
  }

  it("the automatic choice prints the notice once, on stderr, and uses wasm", async () => {
    const { registry, written } = await freshRegistry({
      CHAINRULE_BACKEND: undefined,
      CHAINRULE_QUIET: undefined,
    });
    expect(registry.getBackend().name).toBe("wasm");
    registry.getBackend();
    await registry.ready();
    expect(written.filter((s) => s.includes("native backend not built"))).toEqual([`${NATIVE_NOTICE}\n`]);
  });

  it("no notice when CHAINRULE_QUIET=1 or when a backend is pinned", async () => {
    const quiet = await freshRegistry({ CHAINRULE_BACKEND: undefined, CHAINRULE_QUIET: "1" });
    quiet.registry.getBackend();
    expect(quiet.written.join("")).not.toContain("native backend");
    vi.resetModules();
    vi.restoreAllMocks();
    const pinned = await freshRegistry({ CHAINRULE_BACKEND: "wasm", CHAINRULE_QUIET: undefined });
    expect(pinned.registry.getBackend().name).toBe("wasm");
    expect(pinned.written.join("")).not.toContain("native backend");
  });

  it('setBackend("native") and CHAINRULE_BACKEND=native without the addon throw, saying why', async () => {
    const { registry } = await freshRegistry({ CHAINRULE_BACKEND: "native" });
    expect(() => registry.getBackend()).toThrow(
      /CHAINRULE_BACKEND: the native backend cannot run here, got: not built/,
    );
    expect(() => registry.setBackend("native")).toThrow(/build-native/);
  });

  it("the op codes match the C++ kernels' enums (native/src/kernels/kernels.h)", () => {
    const header = readFileSync(join(ROOT, "native", "src", "kernels", "kernels.h"), "utf8");
    const enumOf = (name: string): string[] => {
      const m = new RegExp(`enum ${name} : int \\{([^}]*)\\}`).exec(header);
      if (!m) throw new Error(`kernels.h has no enum ${name}`);
      return m[1]
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "" && !s.endsWith("_COUNT"));
    };
    const alias: Record<string, string> = { max: "maximum", min: "minimum" };
    const lower = (ids: string[]) => ids.map((s) => s.replace(/^[A-Z]_/, "").toLowerCase());
    expect(lower(enumOf("Unary"))).toEqual([...UNARY]);
    expect(lower(enumOf("Binary")).map((s) => alias[s] ?? s)).toEqual([...BINARY]);
    expect(lower(enumOf("Reduce"))).toEqual([...REDUCE]);
  });

  const script = (name: string) => join(ROOT, "scripts", "native", name);
  const forced = { ...process.env, CHAINRULE_NATIVE_FORCE_FAIL: "1" };

  it("CHAINRULE_NATIVE_FORCE_FAIL=1: build.mjs exits 1 with the reason", () => {
    const r = spawnSync(process.execPath, [script("build.mjs")], { env: forced, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("chainrule build-native: failed: CHAINRULE_NATIVE_FORCE_FAIL=1");
  });

  it("CHAINRULE_NATIVE_FORCE_FAIL=1: install.mjs still exits 0 and prints one line saying how to retry", () => {
    const r = spawnSync(process.execPath, [script("install.mjs")], { env: forced, encoding: "utf8" });
    expect(r.status).toBe(0);
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^chainrule: native backend not built \(CHAINRULE_NATIVE_FORCE_FAIL=1.*\); using wasm/,
    );
    expect(lines[0]).toContain("npx chainrule build-native");
  });

  it("the bench report evaluates issue 7's targets for chainrule-native, by which gemm ran", () => {
    const line = (
      workload: ResultLine["workload"],
      impl: string,
      median: number,
      backend = "",
    ): ResultLine => ({
      workload,
      impl,
      backend,
      threads: 2,
      unit: workload === "matmul" ? "GFLOP/s" : "ms",
      median,
      min: median,
      runs: 3,
      medianMs: median,
      minMs: median,
      checksum: 1,
      dtype: "float32",
      notes: "",
    });
    const lines = (gemm: string) => [
      line("matmul", "chainrule-native", 72, `native (gemm ${gemm}, avx512)`),
      line("matmul", "numpy", 100),
      line("mlp", "chainrule-native", 4),
      line("mlp", "pytorch", 4.4),
      line("tutorial", "chainrule-native", 10.4),
      line("tutorial", "chainrule-wasm", 10),
      line("scalar", "chainrule-native", 11),
      line("scalar", "chainrule-wasm", 10),
    ];
    const pass = (targets: ReturnType<typeof evaluateTargets>, prefix: string) =>
      targets.find((t) => t.chainrule === "chainrule-native" && t.target.startsWith(prefix))?.pass;
    const own = evaluateTargets(lines("own-avx512"));
    expect(pass(own, "matmul >= 0.7x numpy (own kernel)")).toBe(true); // 72 / 100
    expect(pass(own, "MLP step faster than PyTorch")).toBe(true); // 4.4 / 4
    expect(pass(own, "tutorial network not slower")).toBe(true); // 10 / 10.4 = 0.96 >= 0.95
    expect(pass(own, "scalar graph not slower")).toBe(false); // 10 / 11 = 0.91
    expect(pass(evaluateTargets(lines("openblas")), "matmul >= 0.9x numpy (system BLAS)")).toBe(false);
  });
});
