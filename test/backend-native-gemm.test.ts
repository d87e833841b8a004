// The native addon's matrix products (native/src/gemm): every own kernel this CPU runs (AVX-512, AVX2, NEON,
// portable) and the BLAS path, against a float64 reference over ragged sizes, every transpose, k = 0, batches
// with offsets, several cache blocks, narrow outputs, views with a byteOffset, NaN/Inf, 1 vs 2 threads, and
// bad input. Skipped (with a note) when the addon is not built.

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ADDON_RELATIVE_PATH, loadNativeAddonFrom, type NativeAddon } from "../src/backend/native/loader.js";
import { Generator } from "../src/random.js";
import { type ArrayType, naiveMatmul, type Storage } from "./support/kernels.js";

/** The gemm part of the addon's API beyond what the backend uses (see native/src/gemm/gemm_bindings.cc). */
interface GemmInfo {
  backend: string;
  kernel: string;
  mode: string;
  blas: string | null;
  blasCore: string;
  blasPreferred: boolean;
  blasThreshold: number;
  mr: number;
  nr: number;
  mr64: number;
  nr64: number;
  kc: number;
  mc: number;
  nc: number;
}
type GemmAddon = NativeAddon & {
  gemmInfo(): GemmInfo;
  setGemm(mode: string, kernel?: string): boolean;
};

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const addon = loadNativeAddonFrom(join(ROOT, ADDON_RELATIVE_PATH)) as GemmAddon | null;
if (!addon) console.info('native gemm tests skipped: the addon is not built (run "npm run build:native")');
const initialThreads = addon?.numThreads() ?? 1;

afterAll(() => {
  addon?.setGemm("auto", "auto");
  addon?.setNumThreads(initialThreads);
});

function random(T: ArrayType, n: number, seed: number): Storage {
  const g = new Generator(seed);
  const x = new T(n);
  for (let i = 0; i < n; i++) x[i] = 2 * g.uniform() - 1;
  return x;
}

/** Runs a batch of 2 (the second A at an offset, B shared) and checks it against the reference. */
function check(T: ArrayType, m: number, k: number, n: number, tA: boolean, tB: boolean, label: string): void {
  if (!addon) return;
  const seed = m * 7919 + k * 131 + n;
  // Operands as views with a byteOffset inside larger arrays, to check offsets and bounds.
  const a = random(T, 2 * m * k + 3, seed).subarray(3);
  const b = random(T, k * n + 1, seed + 1).subarray(1);
  const outBase = new T(2 * m * n + 2).fill(Number.NaN);
  const out = outBase.subarray(1, 1 + 2 * m * n);
  addon.matmul(a, new Float64Array([0, m * k]), b, new Float64Array([0, 0]), out, m, k, n, tA, tB);
  const eps = T === Float32Array ? 2 ** -24 : 2 ** -53;
  for (let t = 0; t < 2; t++) {
    const { value, magnitude } = naiveMatmul(a, t * m * k, b, 0, m, k, n, tA, tB);
    for (let i = 0; i < m * n; i++) {
      const got = out[t * m * n + i];
      // Any summation order: |error| <= (k + 2)·eps·Σ|a||b| (plus the final rounding).
      const bound = (k + 2) * eps * magnitude[i] + eps * Math.abs(value[i]);
      if (!(Math.abs(got - value[i]) <= bound))
        expect.fail(
          `${label} ${T.name} ${m}x${k}x${n} tA=${tA} tB=${tB} batch ${t} [${i}]: ${got} vs ${value[i]}`,
        );
    }
  }
  expect(Number.isNaN(outBase[0]) && Number.isNaN(outBase[2 * m * n + 1])).toBe(true); // nothing outside `out`
}

const KERNELS = ["avx512", "avx2", "neon", "scalar"];
const SMALL: [number, number, number][] = [
  [1, 1, 1],
  [1, 5, 7],
  [7, 5, 1],
  [2, 3, 2],
  [3, 0, 4],
  [13, 17, 11],
  [31, 2, 33],
  [37, 41, 43],
  [67, 13, 5],
];
// Several kc blocks (k > 256), several row blocks and slivers, a narrow output (n = 10) and a ragged wide one.
const LARGE: [number, number, number][] = [
  [129, 300, 67],
  [128, 128, 10],
  [10, 128, 128],
  [5, 260, 1100],
];

// The addon does not depend on the backend under test: run these once, in the native project (or alone).
const backend = process.env.CHAINRULE_BACKEND;
describe.runIf(addon !== null && (backend === undefined || backend === "native"))(
  "native matmul kernels",
  () => {
    const a = addon as GemmAddon;

    it("reports what it runs on", () => {
      const info = a.gemmInfo();
      console.info(`native gemm: ${JSON.stringify(info)}`);
      expect(KERNELS).toContain(info.kernel);
      expect(info.mr * info.nr).toBeGreaterThan(0);
      expect(["auto", "own", "blas"]).toContain(info.mode);
      expect(() => a.setGemm("fastest")).toThrow(/setGemm/);
      expect(a.setGemm("own", "no-such-kernel")).toBe(false);
    });

    for (const kernel of KERNELS) {
      it(`own kernel ${kernel}: ragged sizes, every transpose, k = 0, batches, blocks, narrow outputs`, () => {
        if (!a.setGemm("own", kernel)) return; // not on this CPU / build
        try {
          expect(a.gemmInfo().kernel).toBe(kernel);
          for (const T of [Float32Array, Float64Array])
            for (const tA of [false, true])
              for (const tB of [false, true]) {
                for (const [m, k, n] of SMALL) check(T, m, k, n, tA, tB, kernel);
                for (const [m, k, n] of LARGE) check(T, m, k, n, tA, tB, kernel);
              }
        } finally {
          a.setGemm("auto", "auto");
        }
      });
    }

    it("the BLAS path (when linked) agrees too", () => {
      if (!a.setGemm("blas")) return; // no BLAS in this build
      try {
        for (const T of [Float32Array, Float64Array])
          for (const tA of [false, true])
            for (const tB of [false, true])
              for (const [m, k, n] of [...SMALL, [129, 300, 67]] as const) check(T, m, k, n, tA, tB, "blas");
      } finally {
        a.setGemm("auto");
      }
    });

    it("own kernel: 1 and 2 threads give bit-identical results (work is split, sums are not)", () => {
      a.setGemm("own");
      try {
        for (const T of [Float32Array, Float64Array]) {
          const [m, k, n] = [203, 300, 170];
          const x = random(T, m * k, 1);
          const y = random(T, n * k, 2);
          const run = (threads: number) => {
            a.setNumThreads(threads);
            const out = new T(m * n);
            a.matmul(x, new Float64Array([0]), y, new Float64Array([0]), out, m, k, n, false, true);
            return out;
          };
          const one = run(1);
          const two = run(2);
          expect(Array.from(two)).toEqual(Array.from(one));
        }
      } finally {
        a.setNumThreads(initialThreads);
        a.setGemm("auto");
      }
    });

    it("NaN and infinities reach exactly the outputs they touch", () => {
      for (const T of [Float32Array, Float64Array]) {
        const [m, k, n] = [30, 40, 35];
        const x = random(T, m * k, 3);
        const y = random(T, k * n, 4);
        x[2 * k + 5] = Number.NaN; // row 2 of the product: NaN
        y[7 * n + 3] = Number.POSITIVE_INFINITY; // column 3: ±Infinity (NaN in row 2)
        const out = new T(m * n);
        a.matmul(x, new Float64Array([0]), y, new Float64Array([0]), out, m, k, n, false, false);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            const v = out[i * n + j];
            if (i === 2) expect(v).toBeNaN();
            else if (j === 3) expect(Math.abs(v)).toBe(Number.POSITIVE_INFINITY);
            else expect(Number.isFinite(v)).toBe(true);
          }
      }
    });

    it("bad input throws a TypeError or RangeError naming matmul", () => {
      const f = new Float32Array(4);
      const o = new Float64Array([0]);
      const call =
        (...args: unknown[]) =>
        () =>
          (a.matmul as (...xs: unknown[]) => void)(...args);
      expect(call()).toThrow(TypeError);
      expect(call([1, 2, 3, 4], o, f, o, f, 2, 2, 2, false, false)).toThrow(/matmul: expected a to be/);
      expect(call(f, o, new Float64Array(4), o, f, 2, 2, 2, false, false)).toThrow(/same type/);
      expect(call(f, [0], f, o, f, 2, 2, 2, false, false)).toThrow(/aOffsets to be a Float64Array/);
      expect(call(f, new Float64Array([1]), f, o, f, 2, 2, 2, false, false)).toThrow(RangeError);
      expect(call(f, new Float64Array([0.5]), f, o, f, 2, 2, 2, false, false)).toThrow(/aOffsets\[0\]/);
      expect(call(f, o, f, new Float64Array([0, 0]), f, 2, 2, 2, false, false)).toThrow(/same length/);
      expect(call(f, o, f, o, new Float32Array(3), 2, 2, 2, false, false)).toThrow(/out to hold/);
      expect(call(f, o, f, o, f, -1, 2, 2, false, false)).toThrow(/m to be an integer/);
      expect(call(f, o, f, o, f, 2, 2.5, 2, false, false)).toThrow(/k to be an integer/);
      expect(call(f, o, f, o, f, 2, 2, 2, 1, false)).toThrow(/transA to be a boolean/);
      // An empty batch or product is fine and writes nothing.
      const out = new Float32Array([7]);
      a.matmul(f, new Float64Array(0), f, new Float64Array(0), out, 2, 2, 2, false, false);
      a.matmul(f, o, f, o, out, 0, 2, 2, false, false);
      expect(out[0]).toBe(7);
    });
  },
);
