// The wasm backend's kernels against the js reference and against independent float64 references: matmul
// (ragged sizes, every transpose, batches with repeated operands, mixed dtypes, NaN/Inf, thread counts),
// elementwise ops with fused broadcasting, where, reductions and softmax, on special values and both
// dtypes; then backend selection, thread settings, flat memory, and workers that never keep Node alive.

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  getBackend,
  getNumThreads,
  matmul,
  ready,
  setBackend,
  setNumThreads,
  tensor,
  ValueError,
} from "chainrule";
import { afterAll, describe, expect, it } from "vitest";
import type { Backend, BinaryKernel, ReduceKernel, UnaryKernel } from "../src/backend/backend.js";
import { jsBackend } from "../src/backend/js/index.js";
import { Arena, ArenaFullError } from "../src/backend/wasm/arena.js";
import {
  BINARY_CODES,
  UNARY_CODES,
  wasmBinary,
  wasmUnary,
  wasmWhere,
} from "../src/backend/wasm/elementwise.js";
import { loadWasmBackendSync, wasmRuntime } from "../src/backend/wasm/index.js";
import { wasmMatmul } from "../src/backend/wasm/matmul.js";
import { kernelBytes, unsharedVariant } from "../src/backend/wasm/module.js";
import { reductionView, wasmReduce, wasmSoftmax } from "../src/backend/wasm/reduce.js";
import { WasmRuntime } from "../src/backend/wasm/runtime.js";
import { Generator } from "../src/random.js";
import {
  type ArrayType,
  broadcast,
  expectUlps as expectUlpsOf,
  filled,
  naiveMatmul,
  random,
  type Storage,
  stridesIn,
  TYPES,
  ulps,
  withSpecials,
} from "./support/kernels.js";

const expectUlps = (a: Storage, e: Storage, max: number, label: string) =>
  expectUlpsOf(a, e, max, label, "wasm");
const backend = loadWasmBackendSync(2);
const rt = wasmRuntime() as WasmRuntime;
const initialThreads = getNumThreads();

afterAll(() => {
  rt.setThreads(initialThreads);
});

describe("wasm backend: loading", () => {
  it("loads where the engine has WebAssembly SIMD and shared memory", () => {
    expect(backend?.name).toBe("wasm");
    expect(rt.threads).toBeGreaterThanOrEqual(1);
    // The fused multiply-add (relaxed SIMD) build has a 6-row matmul tile, the plain SIMD build 4 rows.
    expect(rt.mr).toBe(rt.relaxed ? 6 : 4);
    console.info(`wasm kernels: ${rt.relaxed ? "relaxed SIMD (fused multiply-add)" : "128-bit SIMD"} build`);
  });
});

describe("wasm matmul", () => {
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 2],
    [4, 8, 8], // exactly one 4 x 8 tile
    [5, 9, 13], // ragged in every direction
    [1, 300, 1],
    [33, 1, 17], // k = 1
    [17, 600, 9], // k in three 256-slices
    [64, 257, 65], // a one-element last k slice, ragged n
    [130, 70, 131], // several C blocks
  ];
  for (const T of TYPES) {
    const f32 = T === Float32Array;
    for (const [m, k, n] of sizes) {
      it(`${T.name} [${m}, ${k}] @ [${k}, ${n}] with every transpose matches float64 within the rounding bound`, () => {
        for (const tA of [false, true])
          for (const tB of [false, true]) {
            const a = random(T, m * k, m * 7 + k, 0.1);
            const b = random(T, k * n, k * 3 + n, 0.1);
            const out = new T(m * n);
            wasmMatmul(rt, a, [0], b, [0], out, m, k, n, tA, tB);
            const { value, magnitude } = naiveMatmul(a, 0, b, 0, m, k, n, tA, tB);
            // Each product and partial sum rounds once in the dtype: error <= (k + 1) u sum |a b|.
            const u = f32 ? 2 ** -24 : 2 ** -53;
            for (let i = 0; i < out.length; i++)
              expect(Math.abs(out[i] - value[i])).toBeLessThanOrEqual((k + 2) * u * magnitude[i] + 1e-300);
          }
      });
    }
  }

  it("k = 0 gives zeros", () => {
    const out = new Float32Array(6).fill(7);
    wasmMatmul(rt, new Float32Array(0), [0], new Float32Array(0), [0], out, 2, 0, 3, false, false);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("batches with repeated (broadcast) operands are each right, packed once per distinct operand", () => {
    const [m, k, n] = [37, 45, 29];
    for (const T of TYPES) {
      const a = random(T, 2 * m * k, 1, 0.1);
      const b = random(T, 3 * k * n, 2, 0.1);
      const aOffsets = [0, m * k, 0, m * k];
      const bOffsets = [0, 0, k * n, 2 * k * n];
      const out = new T(4 * m * n);
      wasmMatmul(rt, a, aOffsets, b, bOffsets, out, m, k, n, false, true);
      const u = T === Float32Array ? 2 ** -24 : 2 ** -53;
      aOffsets.forEach((aOff, t) => {
        const { value, magnitude } = naiveMatmul(a, aOff, b, bOffsets[t], m, k, n, false, true);
        for (let i = 0; i < m * n; i++)
          expect(Math.abs(out[t * m * n + i] - value[i])).toBeLessThanOrEqual((k + 2) * u * magnitude[i]);
      });
    }
  });

  it("converts an operand of the other dtype exactly (float32 into a float64 product)", () => {
    const [m, k, n] = [9, 31, 10];
    const a = random(Float32Array, m * k, 3);
    const b = random(Float64Array, k * n, 4);
    const out = new Float64Array(m * n);
    wasmMatmul(rt, a, [0], b, [0], out, m, k, n, false, false);
    const { value, magnitude } = naiveMatmul(a, 0, b, 0, m, k, n, false, false);
    for (let i = 0; i < out.length; i++)
      expect(Math.abs(out[i] - value[i])).toBeLessThanOrEqual((k + 2) * 2 ** -53 * magnitude[i]);
  });

  it("propagates NaN and infinities as the reference does", () => {
    const [m, k, n] = [6, 20, 10];
    for (const T of TYPES) {
      const a = random(T, m * k, 5, 0.1);
      const b = random(T, k * n, 6, 0.1);
      a[0] = NaN; // row 0 of C is NaN
      a[2 * k + 3] = Infinity; // row 2: ±inf
      b[5 * n + 7] = -Infinity; // column 7: ±inf, NaN at (2, 7) if signs clash... as the reference says
      const out = new T(m * n);
      const ref = new T(m * n);
      wasmMatmul(rt, a, [0], b, [0], out, m, k, n, false, false);
      jsBackend.matmul(a, [0], b, [0], ref, m, k, n);
      for (let i = 0; i < out.length; i++) {
        if (Number.isFinite(ref[i])) expect(Number.isFinite(out[i])).toBe(true);
        else expect(Object.is(out[i], ref[i]) || (Number.isNaN(out[i]) && Number.isNaN(ref[i]))).toBe(true);
      }
      expect(Number.isNaN(out[3])).toBe(true);
    }
  });

  it("gives bitwise the same result on 1 and 2 threads (each element is summed in one order)", () => {
    const [m, k, n] = [200, 300, 190];
    const a = random(Float32Array, m * k, 7, 0.1);
    const b = random(Float32Array, k * n, 8, 0.1);
    const one = new Float32Array(m * n);
    const two = new Float32Array(m * n);
    rt.setThreads(1);
    wasmMatmul(rt, a, [0], b, [0], one, m, k, n, true, false);
    rt.setThreads(2);
    wasmMatmul(rt, a, [0], b, [0], two, m, k, n, true, false);
    expect(rt.threads).toBe(rt.pool ? 2 : 1);
    expect(Array.from(two)).toEqual(Array.from(one));
  });
});

describe("js reference matmul with transposed operands", () => {
  // The reference must take the transposed forms too: small (unpacked) and packed paths, both dtypes.
  for (const [m, k, n] of [
    [3, 5, 2],
    [37, 45, 29],
  ] as [number, number, number][])
    for (const T of TYPES)
      it(`${T.name} [${m}, ${k}] @ [${k}, ${n}], every transpose`, () => {
        for (const tA of [false, true])
          for (const tB of [false, true]) {
            const a = random(T, m * k, 40, 0.1);
            const b = random(T, k * n, 41, 0.1);
            const out = new T(m * n);
            jsBackend.matmul(a, [0], b, [0], out, m, k, n, tA, tB);
            const { value, magnitude } = naiveMatmul(a, 0, b, 0, m, k, n, tA, tB);
            // float64 accumulation, one rounding to the dtype at the end.
            const u = T === Float32Array ? 2 ** -24 : 2 ** -53;
            for (let i = 0; i < out.length; i++)
              expect(Math.abs(out[i] - value[i])).toBeLessThanOrEqual(
                u * Math.abs(value[i]) + k * 2 ** -53 * magnitude[i],
              );
          }
      });

  it("backward computes G Bᵀ and Aᵀ G as transposed products, never copying a transpose", () => {
    const before = getBackend();
    const calls: string[] = [];
    const spy: Backend = {
      ...jsBackend,
      strided: (x, offset, strides, out, shape) => {
        calls.push(`strided [${shape}]`);
        jsBackend.strided(x, offset, strides, out, shape);
      },
      matmul: (a, ao, b, bo, out, m, k, n, tA, tB) => {
        calls.push(`matmul ${m}x${k}x${n}${tA ? " tA" : ""}${tB ? " tB" : ""}`);
        jsBackend.matmul(a, ao, b, bo, out, m, k, n, tA, tB);
      },
    };
    try {
      setBackend(spy);
      const a = tensor(
        Array.from({ length: 5 }, (_, i) => [i, 1, -i]),
        { requiresGrad: true },
      );
      const b = tensor(
        [
          [1, 2, 3, 4],
          [0, 1, 0, 1],
          [2, 0, 2, 0],
        ],
        { requiresGrad: true },
      );
      const y = matmul(a, b);
      calls.length = 0;
      y.backward(tensor(Array.from({ length: 5 }, () => [1, 1, 1, 1])));
      expect(calls).toContain("matmul 5x4x3 tB"); // ∂A = G Bᵀ
      expect(calls).toContain("matmul 3x5x4 tA"); // ∂B = Aᵀ G
      expect(calls.filter((c) => c === "strided [4,3]" || c === "strided [3,5]")).toEqual([]);
      // G is all ones: ∂A[i, p] = Σ_j B[p, j], ∂B[p, j] = Σ_i A[i, p].
      expect(a.grad?.toArray()).toEqual(Array.from({ length: 5 }, () => [10, 2, 4]));
      expect(b.grad?.toArray()).toEqual([
        [10, 10, 10, 10],
        [5, 5, 5, 5],
        [-10, -10, -10, -10],
      ]);
    } finally {
      setBackend(before);
    }
  });
});

describe("wasm elementwise", () => {
  for (const T of TYPES) {
    const f32 = T === Float32Array;
    it(`${T.name}: every unary kernel agrees with js on special values and across magnitudes`, () => {
      const x = withSpecials(T, 517, 11);
      for (const op of Object.keys(UNARY_CODES) as UnaryKernel[]) {
        const out = new T(x.length);
        const ref = new T(x.length);
        wasmUnary(rt, op, x, out);
        jsBackend.unary(op, x, ref);
        // float32 computes in float64 and rounds once, as the reference; float64 is within a few ulps.
        expectUlps(out, ref, f32 ? 1 : 4, op);
      }
    });

    it(`${T.name}: every binary kernel agrees with js, operands full or scalar`, () => {
      const a = withSpecials(T, 263, 12);
      const b = withSpecials(T, 263, 13).reverse();
      for (const op of Object.keys(BINARY_CODES) as BinaryKernel[]) {
        const [x, y] = op === "bce" ? probabilities(T, 263) : [a, b];
        for (const [sa, sb] of [
          [1, 1],
          [1, 0],
          [0, 1],
        ]) {
          const xa = sa === 0 ? x.subarray(3, 4) : x;
          const yb = sb === 0 ? y.subarray(5, 6) : y;
          const out = new T(263);
          const ref = new T(263);
          wasmBinary(rt, op, xa, [sa], yb, [sb], out, [263]);
          jsBackend.binary(op, xa, yb, ref);
          expectUlps(out, ref, op === "bce" ? (f32 ? 1 : 4) : 0, `${op} strides ${sa},${sb}`);
        }
      }
    });

    it(`${T.name}: broadcasting is fused (no materialised operand) and matches the reference`, () => {
      const cases: [number[], number[]][] = [
        [[128, 33], [33]], // a bias row
        [
          [7, 33],
          [7, 1],
        ], // a column
        [
          [3, 1, 5],
          [1, 4, 5],
        ], // both broadcast
        [
          [2, 3, 4, 5],
          [3, 1, 1],
        ],
        [[1], [6, 7]],
      ];
      for (const [as, bs] of cases) {
        const shape = broadcast(as, bs);
        const size = shape.reduce((p, q) => p * q, 1);
        const a = random(
          T,
          as.reduce((p, q) => p * q, 1),
          14,
        );
        const b = random(
          T,
          bs.reduce((p, q) => p * q, 1),
          15,
        );
        for (const op of ["add", "mul", "sub", "div", "maximum", "gt"] as const) {
          const out = new T(size);
          wasmBinary(rt, op, a, stridesIn(as, shape), b, stridesIn(bs, shape), out, shape);
          const fa = new T(size);
          const fb = new T(size);
          jsBackend.strided(a, 0, stridesIn(as, shape), fa, shape);
          jsBackend.strided(b, 0, stridesIn(bs, shape), fb, shape);
          const ref = new T(size);
          jsBackend.binary(op, fa, fb, ref);
          expectUlps(out, ref, 0, `${op} [${as}] with [${bs}]`);
        }
      }
    });

    it(`${T.name}: where picks a where the condition is nonzero (NaN counts as nonzero)`, () => {
      const n = 37;
      const cond = filled(T, n, (i) => [0, 1, -0, NaN, 2][i % 5]);
      const a = random(T, n, 16);
      const b = random(T, n, 17);
      const out = new T(n);
      const ref = new T(n);
      wasmWhere(rt, cond, a, b, out);
      jsBackend.where(cond, a, b, ref);
      expectUlps(out, ref, 0, "where");
    });
  }
});

/** Probabilities with the edge cases 0, 1 and NaN, and 0/1 targets (for bce). */
function probabilities(T: ArrayType, n: number): [Storage, Storage] {
  const g = new Generator(21);
  const p = filled(T, n, () => g.uniform());
  const t = filled(T, n, () => (g.uniform() < 0.5 ? 0 : 1));
  [0, 1, 1e-30, 1 - 1e-7, NaN, 0.5].forEach((v, i) => {
    p[i] = v;
  });
  return [p, t];
}

describe("wasm reductions and softmax", () => {
  const shape = [7, 33, 5];
  const views: number[][] = [[0], [1], [2], [0, 1], [1, 2], [0, 1, 2]];
  for (const T of TYPES) {
    const f32 = T === Float32Array;
    it(`${T.name}: sum, max and min over adjacent dims agree with js (NaN wins max/min)`, () => {
      const x = random(T, 7 * 33 * 5, 22);
      x[40] = NaN;
      x[77] = Infinity;
      for (const dims of views) {
        const view = reductionView(shape, dims);
        expect(view).not.toBeNull();
        const size = shape.filter((_, d) => !dims.includes(d)).reduce((p, q) => p * q, 1);
        for (const op of ["sum", "max", "min"] as ReduceKernel[]) {
          const out = new T(size);
          const ref = new T(size);
          wasmReduce(rt, op, x, view as [number, number, number], out);
          jsBackend.reduce(op, x, shape, dims, ref);
          // Sums accumulate in float64 for both dtypes, as the reference, in another order.
          for (let i = 0; i < size; i++) {
            if (Number.isNaN(ref[i])) expect(Number.isNaN(out[i])).toBe(true);
            else expect(ulps(out[i], ref[i], f32)).toBeLessThanOrEqual(op === "sum" ? (f32 ? 1 : 1e4) : 0);
          }
        }
      }
    });

    it(`${T.name}: softmax and log-softmax rows agree with js, with infinite and NaN rows`, () => {
      const [rows, n] = [9, 37];
      const x = random(T, rows * n, 23);
      for (let j = 0; j < n; j++) x[n + j] = -Infinity; // a row of -inf: NaN, as the reference
      x[2 * n + 4] = Infinity;
      x[3 * n + 5] = NaN;
      x[4 * n + 6] = -Infinity;
      for (let j = 0; j < n; j++) x[5 * n + j] = 1000 + j; // large logits stay finite
      for (const log of [false, true]) {
        const out = new T(rows * n);
        const ref = new T(rows * n);
        wasmSoftmax(rt, x, rows, n, out, log);
        jsBackend.softmax(x, rows, n, 1, ref, log);
        expectUlps(out, ref, f32 ? 1 : 64, log ? "logSoftmax" : "softmax");
      }
    });
  }

  it("non-adjacent reduced dims are left to the js kernel", () => {
    expect(reductionView([7, 33, 5], [0, 2])).toBeNull();
    expect(reductionView([7, 1, 5], [0, 2])).toEqual([1, 35, 1]);
  });
});

describe("backend selection and threads", () => {
  it("setBackend takes 'js', 'wasm' or a Backend; getBackend reports it", () => {
    const before = getBackend();
    try {
      setBackend("js");
      expect(getBackend().name).toBe("js");
      setBackend("wasm");
      expect(getBackend().name).toBe("wasm");
      const a = tensor([[1, 2, 3]]);
      expect(matmul(a, a.T).item()).toBe(14);
      setBackend(jsBackend);
      expect(getBackend()).toBe(jsBackend);
    } finally {
      setBackend(before);
    }
  });

  it("rejects unknown backends and bad thread counts with clear errors", () => {
    expect(() => setBackend("gpu" as "js")).toThrow(ValueError);
    expect(() => setBackend("gpu" as "js")).toThrow(
      /setBackend: expected "js", "wasm", "native" or a Backend object, got "gpu"/,
    );
    expect(() => setNumThreads(0)).toThrow(/setNumThreads: expected a positive integer, got 0/);
    expect(() => setNumThreads(1.5)).toThrow(ValueError);
  });

  it("setNumThreads changes the threads large kernels use", () => {
    const before = getNumThreads();
    try {
      setNumThreads(1);
      expect(getNumThreads()).toBe(1);
      setNumThreads(2);
      expect(getNumThreads()).toBe(rt.pool ? 2 : 1);
    } finally {
      setNumThreads(before);
    }
  });

  it("ready() resolves to the backend ops use", async () => {
    const b = await ready();
    expect(b).toBe(getBackend());
  });

  it("without SharedArrayBuffer the same module runs on an unshared memory, on one thread", () => {
    // What a browser page without cross-origin isolation gets: the memory import's shared flag cleared.
    const bytes = unsharedVariant(kernelBytes(false));
    const single = new WasmRuntime(
      { module: new WebAssembly.Module(bytes), relaxed: false, shared: false },
      4,
    );
    expect(single.memory.buffer).toBeInstanceOf(ArrayBuffer);
    expect(single.pool).toBeNull();
    expect(single.threads).toBe(1);
    const [m, k, n] = [70, 300, 90];
    const a = random(Float32Array, m * k, 50, 0.1);
    const b = random(Float32Array, k * n, 51, 0.1);
    const out = new Float32Array(m * n);
    // Large enough to grow the (unshared, so detaching) memory: the arena must remake its views.
    wasmMatmul(single, a, [0], b, [0], out, m, k, n, false, false);
    const { value, magnitude } = naiveMatmul(a, 0, b, 0, m, k, n, false, false);
    for (let i = 0; i < out.length; i++)
      expect(Math.abs(out[i] - value[i])).toBeLessThanOrEqual((k + 2) * 2 ** -24 * magnitude[i]);
  });

  it("an arena that cannot grow far enough says so (the backend then runs the js kernel)", () => {
    const arena = new Arena(new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }), 0);
    expect(arena.alloc(1000)).toBe(0);
    expect(() => arena.alloc(3 * 65536)).toThrow(ArenaFullError);
    arena.reset();
    expect(arena.alloc(65536)).toBe(0);
    expect(arena.size).toBe(2 * 65536);
  });

  it("memory stays flat: repeating the same work does not grow the wasm memory", () => {
    const a = random(Float32Array, 300 * 200, 30);
    const b = random(Float32Array, 200 * 100, 31);
    const out = new Float32Array(300 * 100);
    wasmMatmul(rt, a, [0], b, [0], out, 300, 200, 100, false, false);
    wasmUnary(rt, "exp", a, new Float32Array(a.length));
    const size = rt.arena.size;
    for (let i = 0; i < 50; i++) {
      wasmMatmul(rt, a, [0], b, [0], out, 300, 200, 100, i % 2 === 0, false);
      wasmUnary(rt, "exp", a, new Float32Array(a.length));
    }
    expect(rt.arena.size).toBe(size);
  });

  it("worker threads never keep a Node process alive", () => {
    // A child process runs threaded kernels and must exit by itself (unref'd workers); a hang fails the test.
    const script = fileURLToPath(new URL("./backend-wasm.exit-child.ts", import.meta.url));
    const tsx = fileURLToPath(new URL("../node_modules/tsx/dist/cli.mjs", import.meta.url));
    const output = execFileSync(process.execPath, [tsx, script], {
      encoding: "utf8",
      timeout: 50_000,
      env: { ...process.env, CHAINRULE_BACKEND: "wasm", CHAINRULE_NUM_THREADS: "2" },
    });
    expect(output.trim()).toBe("wasm 2 14");
  });
});
