// The native addon's elementwise, broadcast, reduction, softmax and fused kernels (native/src/kernels/)
// against the js reference backend: special values (NaN, ±0, ±inf, subnormals, overflow edges), both dtypes,
// every op code, broadcasting by strides, every pattern of reduced dims, sizes past the thread-split and
// block thresholds, results independent of the thread count and of the SIMD build, and argument validation
// (skipped when the addon is not built); then the ops layer's fused activation backward (always: with a js
// implementation of the optional Backend method, and with the addon's when it is built).

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  type Backend,
  type FusedActivation,
  getBackend,
  grad,
  nn,
  randn,
  setBackend,
  type Tensor,
  tensor,
  toDot,
} from "chainrule";
import { afterEach, describe, expect, it } from "vitest";
import type { BinaryKernel, ReduceKernel, UnaryKernel } from "../src/backend/backend.js";
import { jsBackend } from "../src/backend/js/index.js";
import {
  ACT_CODE,
  BINARY,
  BINARY_CODE,
  REDUCE_CODE,
  UNARY,
  UNARY_CODE,
} from "../src/backend/native/codes.js";
import { loadNativeAddon, type NativeAddon } from "../src/backend/native/loader.js";
import { Generator } from "../src/random.js";
import {
  broadcast,
  expectUlps as expectUlpsOf,
  filled,
  random,
  type Storage,
  stridesIn,
  TYPES,
  ulps,
  withSpecials,
} from "./support/kernels.js";

/** The kernel functions of the addon (native/src/kernels/kernels_bindings.cc; the loader's interface lists the required ones). */
interface Kernels extends NativeAddon {
  biasAct(x: Storage, bias: Storage, act: number, z: Storage | null, y: Storage): void;
  actBackward(act: number, g: Storage, v: Storage, out: Storage): void;
  kernelsIsa(): string;
}

const expectUlps = (a: Storage, e: Storage, max: number, label: string) =>
  expectUlpsOf(a, e, max, label, "native");
const loaded = loadNativeAddon() as Kernels | null;
const hasFused = loaded !== null && typeof loaded.biasAct === "function";

/** Bitwise equality, telling -0 from 0 (NaNs of any payload are equal). */
function expectSame(actual: Storage, expected: Storage, label: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++)
    if (!Object.is(actual[i], expected[i]))
      expect.fail(`${label}: element ${i}: native ${actual[i]} vs js ${expected[i]}`);
}

/** Tolerance per unary op: exact ops 0; float32 rounds the float64 result once (1 ulp); float64 within 2 ulps
 *  (exp and sigmoid are fdlibm's, bit for bit; log, sin, cos, log1p, expm1, tanh differ from V8's by 1-2). */
function unaryUlps(op: UnaryKernel, f32: boolean): number {
  if (["neg", "sqrt", "relu", "abs", "sign", "copy"].includes(op)) return 0;
  return f32 ? 1 : 2;
}

const size = (shape: number[]) => shape.reduce((p, q) => p * q, 1);
const F64 = (xs: number[]) => Float64Array.from(xs);

describe.skipIf(loaded === null)("native kernels", () => {
  const addon = loaded as Kernels;

  it("op codes follow codes.ts and the kernels report their instruction set", () => {
    expect(UNARY.length).toBe(17);
    expect(BINARY.length).toBe(14);
    expect(["avx512", "avx2", "sse2", "neon", "generic"]).toContain(addon.kernelsIsa());
  });

  for (const T of TYPES) {
    const f32 = T === Float32Array;
    it(`${T.name}: every unary op agrees with js on special values, across magnitudes, at every tail length`, () => {
      const x = withSpecials(T, 517, 11);
      for (const op of UNARY) {
        for (const n of [517, 1, 3, 7, 13]) {
          const xs = x.subarray(0, n);
          const out = new T(n);
          const ref = new T(n);
          addon.unary(UNARY_CODE[op], xs, out);
          jsBackend.unary(op, xs, ref);
          expectUlps(out, ref, unaryUlps(op, f32), `${op} (n = ${n})`);
          if (unaryUlps(op, f32) === 0) expectSame(out, ref, op);
        }
      }
    });

    it(`${T.name}: every binary op agrees with js, operands full or of length 1, signed zeros kept`, () => {
      const a = withSpecials(T, 263, 12);
      const b = withSpecials(T, 263, 13).reverse();
      // Probabilities with 0, 1 and NaN, and 0/1 targets, for bce.
      const g = new Generator(21);
      const p = filled(T, 263, () => g.uniform());
      const t = filled(T, 263, () => (g.uniform() < 0.5 ? 0 : 1));
      [0, 1, 1e-30, 1 - 1e-7, NaN, 0.5].forEach((v, i) => {
        p[i] = v;
      });
      for (const op of BINARY) {
        const [x, y] = op === "bce" ? [p, t] : [a, b];
        for (const [sa, sb] of [
          [1, 1],
          [1, 0],
          [0, 1],
        ]) {
          for (const at of [3, 1, 6]) {
            const xa = sa === 0 ? x.subarray(at, at + 1) : x;
            const yb = sb === 0 ? y.subarray(at + 2, at + 3) : y;
            const out = new T(263);
            const ref = new T(263);
            addon.binary(BINARY_CODE[op], xa, yb, out);
            jsBackend.binary(op, xa, yb, ref);
            const tol = op === "bce" ? (f32 ? 1 : 4) : op === "pow" ? (f32 ? 1 : 2) : 0;
            expectUlps(out, ref, tol, `${op} strides ${sa},${sb}`);
            if (tol === 0) expectSame(out, ref, `${op} strides ${sa},${sb}`);
          }
        }
      }
    });

    it(`${T.name}: pow, maximum and minimum follow Math.pow/max/min on their special cases`, () => {
      const pairs: [number, number][] = [
        [1, NaN],
        [NaN, 0],
        [-1, Infinity],
        [1, -Infinity],
        [-8, 1 / 3],
        [-2, 3],
        [0, -1],
        [-0, -1],
        [-0, 0],
        [0, -0],
        [NaN, 1],
        [1, NaN],
        [Infinity, -Infinity],
      ];
      const a = filled(T, pairs.length, (i) => pairs[i][0]);
      const b = filled(T, pairs.length, (i) => pairs[i][1]);
      for (const op of ["pow", "maximum", "minimum"] as BinaryKernel[]) {
        const out = new T(pairs.length);
        const ref = new T(pairs.length);
        addon.binary(BINARY_CODE[op], a, b, out);
        jsBackend.binary(op, a, b, ref);
        expectSame(out, ref, op);
      }
    });

    it(`${T.name}: broadcasting by strides matches the reference on materialised operands`, () => {
      const cases: [number[], number[]][] = [
        [[128, 33], [33]],
        [
          [7, 33],
          [7, 1],
        ],
        [
          [3, 1, 5],
          [1, 4, 5],
        ],
        [
          [2, 3, 4, 5],
          [3, 1, 1],
        ],
        [[1], [6, 7]],
        [
          [300, 1],
          [1, 400],
        ], // rows split across threads
        [
          [5, 1, 1, 3],
          [1, 2, 7, 1],
        ], // an inner stride of 0 after coalescing
      ];
      for (const [as, bs] of cases) {
        const shape = broadcast(as, bs);
        const n = size(shape);
        const a = random(T, size(as), 14);
        const b = random(T, size(bs), 15);
        for (const op of BINARY) {
          // bce: probabilities and targets in [0, 1] (elsewhere it cancels and any two log1p differ).
          const [x, y] =
            op === "bce"
              ? [
                  a.map((v) => 1 / (1 + Math.exp(-v))) as Storage,
                  b.map((v) => 1 / (1 + Math.exp(v))) as Storage,
                ]
              : [a, b];
          const out = new T(n);
          addon.binaryStrided(
            BINARY_CODE[op],
            x,
            F64(stridesIn(as, shape)),
            y,
            F64(stridesIn(bs, shape)),
            out,
            F64(shape),
          );
          const fa = new T(n);
          const fb = new T(n);
          jsBackend.strided(x, 0, stridesIn(as, shape), fa, shape);
          jsBackend.strided(y, 0, stridesIn(bs, shape), fb, shape);
          const ref = new T(n);
          jsBackend.binary(op, fa, fb, ref);
          expectUlps(
            out,
            ref,
            op === "bce" ? (f32 ? 1 : 4) : op === "pow" ? 2 : 0,
            `${op} [${as}] with [${bs}]`,
          );
        }
      }
    });

    it(`${T.name}: sum, max and min over every pattern of dims agree with js (NaN wins, empty dims give identities)`, () => {
      const shapes: number[][] = [
        [7, 33, 5],
        [4, 1, 6, 3],
        [2, 3, 4, 5],
        [1000, 70], // rows longer than... and many rows
        [3, 70000], // rows of several reduction blocks
        [70000, 3], // a long column reduction of narrow rows
        [5, 600, 9], // columns in blocks
      ];
      for (const shape of shapes) {
        const x = random(T, size(shape), 22);
        x[40] = NaN;
        x[77] = Infinity;
        x[91] = -Infinity;
        const nd = shape.length;
        for (let mask = 0; mask < 1 << nd; mask++) {
          const dims = Array.from({ length: nd }, (_, d) => d).filter((d) => mask & (1 << d));
          const nOut = size(shape.filter((_, d) => !dims.includes(d)));
          for (const op of ["sum", "max", "min"] as ReduceKernel[]) {
            const out = new T(nOut);
            const ref = new T(nOut);
            addon.reduce(REDUCE_CODE[op], x, F64(shape), F64(dims), out);
            jsBackend.reduce(op, x, shape, dims, ref);
            // Sums accumulate in float64 in another order: float32 rounds to the same value or the next;
            // float64 differs by rounding only. max/min are exact.
            for (let i = 0; i < nOut; i++) {
              const [o, r] = [out[i], ref[i]];
              const ok =
                Object.is(o, r) ||
                o === r ||
                (Number.isNaN(o) && Number.isNaN(r)) ||
                (op === "sum" &&
                  (f32 ? ulps(o, r, true) <= 1 : Math.abs(o - r) <= 1e-12 * (1 + Math.abs(r))));
              if (!ok) expect.fail(`${op} [${shape}] dims [${dims}] at ${i}: native ${o} vs js ${r}`);
            }
          }
        }
      }
      // Empty dims: the identity of each reduction.
      for (const op of ["sum", "max", "min"] as ReduceKernel[]) {
        const out = new T(3);
        addon.reduce(REDUCE_CODE[op], new T(0), F64([3, 0]), F64([1]), out);
        expect(Array.from(out)).toEqual(
          { sum: [0, 0, 0], max: [-Infinity, -Infinity, -Infinity], min: [Infinity, Infinity, Infinity] }[op],
        );
      }
    });

    it(`${T.name}: softmax and log-softmax over rows and columns agree with js, with infinite and NaN rows`, () => {
      for (const [outer, n, inner] of [
        [9, 37, 1],
        [3, 37, 5],
        [2, 11, 21],
        [700, 100, 1],
        [2, 50, 600],
        [2, 70000, 1], // rows too long for the scratch copy
        [50, 10, 1], // short rows, several at once (and a remainder)
        [13, 3, 1],
      ]) {
        const x = random(T, outer * n * inner, 23);
        for (let j = 0; j < n; j++) x[j * inner] = -Infinity; // column 0 of slice 0: all -inf gives NaN
        x[inner + 1] = Infinity;
        x[2 * inner + 2] = NaN;
        for (let j = 0; j < n; j++) x[(n + j) * inner] = 1000 + j; // large logits stay finite
        for (const log of [false, true]) {
          const out = new T(x.length);
          const ref = new T(x.length);
          addon.softmax(x, outer, n, inner, out, log);
          jsBackend.softmax(x, outer, n, inner, ref, log);
          // log-softmax near 0 is (x - max) - log(sum) with cancellation: the sums (in another order) agree to
          // rounding, so compare absolutely there.
          const eps = f32 ? 2 ** -23 : 2 ** -52;
          for (let i = 0; i < out.length; i++) {
            const [o, r] = [out[i], ref[i]];
            const ok = log
              ? Object.is(o, r) ||
                (Number.isNaN(o) && Number.isNaN(r)) ||
                Math.abs(o - r) <= 8 * eps * (1 + Math.abs(r))
              : ulps(o, r, f32) <= (f32 ? 1 : 64);
            if (!ok)
              expect.fail(
                `${log ? "logSoftmax" : "softmax"} [${outer}, ${n}, ${inner}] at ${i}: native ${o} vs js ${r}`,
              );
          }
        }
      }
    });

    it.skipIf(!hasFused)(
      `${T.name}: biasAct equals add then the activation; actBackward equals the rule table's ops`,
      () => {
        const [rows, cols] = [37, 300];
        const x = withSpecials(T, rows * cols, 31);
        const bias = random(T, cols, 32);
        const g = random(T, rows * cols, 33);
        g[5] = Infinity;
        g[6] = NaN;
        for (const act of ["none", "relu", "tanh", "sigmoid"] as const) {
          const z = new T(rows * cols);
          const y = new T(rows * cols);
          addon.biasAct(x, bias, ACT_CODE[act], z, y);
          const zRef = new T(rows * cols);
          addon.binaryStrided(BINARY_CODE.add, x, F64([cols, 1]), bias, F64([0, 1]), zRef, F64([rows, cols]));
          expectSame(z, zRef, `biasAct ${act} z`);
          const yRef = new T(rows * cols);
          if (act === "none") yRef.set(zRef);
          else addon.unary(UNARY_CODE[act], zRef, yRef);
          expectSame(y, yRef, `biasAct ${act} y`);
          const yOnly = new T(rows * cols);
          addon.biasAct(x, bias, ACT_CODE[act], null, yOnly);
          expectSame(yOnly, yRef, `biasAct ${act} without z`);
          // Backward, as the rules compute it op by op: relu where(gt(x, 0), g, 0); tanh g (1 - y²); sigmoid g y (1 - y).
          const v = act === "relu" ? zRef : yRef;
          const out = new T(rows * cols);
          addon.actBackward(ACT_CODE[act], g, v, out);
          const ref = new T(rows * cols);
          const n = rows * cols;
          const one = new T([1]);
          if (act === "relu") {
            const c = new T(n);
            jsBackend.binary("gt", v, new T([0]), c);
            jsBackend.where(c, g, new T(n), ref);
          } else if (act === "tanh") {
            const yy = new T(n);
            jsBackend.binary("mul", v, v, yy);
            jsBackend.binary("sub", one, yy, yy);
            jsBackend.binary("mul", g, yy, ref);
          } else if (act === "sigmoid") {
            const s = new T(n);
            jsBackend.binary("sub", one, v, s);
            jsBackend.binary("mul", v, s, s);
            jsBackend.binary("mul", g, s, ref);
          } else ref.set(g);
          expectSame(out, ref, `actBackward ${act}`);
        }
      },
    );
  }

  it("results do not depend on the thread count (fixed blocks), and typed-array offsets are respected", () => {
    const x = random(Float32Array, 3 * 200000 + 5, 41);
    const view = x.subarray(5);
    const run = () => {
      const s = new Float32Array(3);
      addon.reduce(REDUCE_CODE.sum, view, F64([3, 200000]), F64([1]), s);
      const c = new Float32Array(200000);
      addon.reduce(REDUCE_CODE.sum, view, F64([3, 200000]), F64([0]), c);
      const e = new Float32Array(view.length);
      addon.unary(UNARY_CODE.tanh, view, e);
      return [s, c, e];
    };
    const before = addon.numThreads();
    try {
      addon.setNumThreads(1);
      const one = run();
      addon.setNumThreads(4);
      const four = run();
      for (const [i, r] of one.entries()) expectSame(four[i], r, `threads ${i}`);
      const ref = new Float32Array(3);
      jsBackend.reduce("sum", view, [3, 200000], [1], ref);
      expectUlps(one[0], ref, 1, "offset sum");
    } finally {
      addon.setNumThreads(before);
    }
  });

  it("the AVX-512, AVX2 and 128-bit builds of the elementwise kernels give bitwise the same results", () => {
    // Each build runs in a child process (CHAINRULE_KERNELS_ISA picks a narrower build than the CPU's best);
    // every elementwise op of both dtypes over special and random values, hashed (NaN payloads aside, which
    // JavaScript cannot tell apart).
    const path =
      process.env.CHAINRULE_NATIVE_PATH ||
      fileURLToPath(new URL("../native/build/Release/chainrule_native.node", import.meta.url));
    const script = `
      const a = require(${JSON.stringify(path)});
      let h = 2166136261;
      for (const T of [Float32Array, Float64Array]) {
        const n = 1000, x = new T(n), y = new T(n);
        const sp = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-310, 1e-40, 88, -104, 710, -746, 0.5];
        for (let i = 0; i < n; i++) { x[i] = sp[i] ?? Math.sin(i * 12.9898) * Math.exp(8 * Math.cos(i)); y[i] = sp[n - 1 - i] ?? Math.cos(i * 78.233) * 3; }
        const mix = (o) => { for (let i = 0; i < o.length; i++) if (o[i] !== o[i]) o[i] = NaN; const b = new Uint8Array(o.buffer); for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 16777619) >>> 0; };
        for (let op = 0; op < 17; op++) { const o = new T(n); a.unary(op, x, o); mix(o); }
        for (let op = 0; op < 14; op++) { const o = new T(n); a.binary(op, x, y, o); mix(o); a.binary(op, x, y.subarray(3, 4), o); mix(o); }
      }
      process.stdout.write(a.kernelsIsa() + " " + h);`;
    const run = (isa?: string) =>
      execFileSync(process.execPath, ["-e", script], {
        env: { ...process.env, ...(isa ? { CHAINRULE_KERNELS_ISA: isa } : {}) },
      })
        .toString()
        .split(" ");
    const [best, hash] = run();
    const others = ["avx2", "generic"].map((isa) => run(isa));
    for (const [isa, h] of others) {
      expect(["avx512", "avx2", "sse2", "neon", "generic"]).toContain(isa);
      if (isa !== best) expect(h, `${isa} vs ${best}`).toBe(hash);
    }
  });

  it("rejects bad arguments with a TypeError or RangeError naming the function", () => {
    const f = new Float32Array(4);
    const d = new Float64Array(4);
    const cases: [() => void, ErrorConstructor, RegExp][] = [
      [
        () => addon.unary(99, f, f),
        RangeError,
        /^unary: op must be an integer in \[0, 16\], got the number 99/,
      ],
      [() => addon.unary(0.5, f, f), RangeError, /^unary: op/],
      [() => addon.unary(0, f, d), TypeError, /^unary: out must have the dtype/],
      [
        () => addon.unary(0, [1, 2] as unknown as Float32Array, f),
        TypeError,
        /^unary: x must be a Float32Array or Float64Array, got an array/,
      ],
      [() => addon.unary(0, new Int32Array(4) as unknown as Float32Array, f), TypeError, /^unary: x/],
      [() => addon.unary(0, new Float32Array(3), f), RangeError, /^unary: x must have 4 elements, got 3/],
      [
        () => (addon.unary as (...a: unknown[]) => void)(0, f),
        RangeError,
        /^unary: expected 3 arguments, got 2/,
      ],
      [
        () => addon.binary(0, new Float32Array(2), f, f),
        RangeError,
        /^binary: a must have 4 elements or 1, got 2/,
      ],
      [
        () => addon.binaryStrided(0, f, F64([1]), f, F64([1]), f, F64([5])),
        RangeError,
        /^binaryStrided: out must have 5/,
      ],
      [
        () => addon.binaryStrided(0, f, F64([2]), f, F64([1]), f, F64([4])),
        RangeError,
        /^binaryStrided: aStrides reach element 6/,
      ],
      [
        () => addon.binaryStrided(0, f, F64([-1]), f, F64([1]), f, F64([4])),
        RangeError,
        /^binaryStrided: aStrides\[0\] must be a non-negative integer/,
      ],
      [
        () => addon.binaryStrided(0, f, F64([1, 0]), f, F64([1]), f, F64([4])),
        RangeError,
        /^binaryStrided: aStrides and bStrides/,
      ],
      [
        () => addon.binaryStrided(0, f, [1] as unknown as Float64Array, f, F64([1]), f, F64([4])),
        TypeError,
        /^binaryStrided: aStrides must be a Float64Array/,
      ],
      [
        () => addon.reduce(0, f, F64([2, 2]), F64([1, 0]), new Float32Array(1)),
        RangeError,
        /^reduce: dims must be increasing/,
      ],
      [() => addon.reduce(0, f, F64([2, 2]), F64([2]), new Float32Array(2)), RangeError, /^reduce: dims/],
      [
        () => addon.reduce(0, f, F64([2, 3]), F64([1]), new Float32Array(2)),
        RangeError,
        /^reduce: x must have 6/,
      ],
      [
        () => addon.reduce(0, f, F64([2, 2]), F64([1]), new Float32Array(3)),
        RangeError,
        /^reduce: out must have 2/,
      ],
      [() => addon.reduce(3, f, F64([4]), F64([0]), new Float32Array(1)), RangeError, /^reduce: op/],
      [() => addon.softmax(f, 2, 3, 1, f, false), RangeError, /^softmax: x must have 6/],
      [
        () => addon.softmax(f, 2, 2, 1, f, 1 as unknown as boolean),
        TypeError,
        /^softmax: log must be a boolean/,
      ],
      [
        () => addon.softmax(f, -1, 2, 1, f, false),
        RangeError,
        /^softmax: outer must be a non-negative integer/,
      ],
    ];
    if (hasFused)
      cases.push(
        [
          () => addon.biasAct(f, new Float32Array(3), 1, null, f),
          RangeError,
          /^biasAct: x must hold whole rows/,
        ],
        [() => addon.biasAct(f, new Float32Array(2), 4, null, f), RangeError, /^biasAct: act/],
        [() => addon.actBackward(1, f, d, f), TypeError, /^actBackward: v must have the dtype/],
      );
    for (const [call, type, message] of cases) {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    }
  });
});

/** The fused activation backward in plain js, rounding each step to the storage's dtype as the ops do. */
function jsActivationBackward(act: FusedActivation, g: Storage, v: Storage, out: Storage): void {
  const r = out instanceof Float32Array ? Math.fround : (x: number) => x;
  for (let i = 0; i < out.length; i++) {
    if (act === "relu") out[i] = v[i] > 0 ? g[i] : 0;
    else if (act === "tanh") out[i] = r(g[i] * r(1 - r(v[i] * v[i])));
    else out[i] = r(g[i] * r(v[i] * r(1 - v[i])));
  }
}

describe("fused activation backward in the ops layer (Backend.activationBackward)", () => {
  const before = getBackend();
  afterEach(() => setBackend(before));

  /** The current backend plus a fused activationBackward that counts its calls. */
  function withFused(impl: Backend["activationBackward"]): { backend: Backend; calls: string[] } {
    const calls: string[] = [];
    const base = getBackend();
    const backend: Backend = {
      ...base,
      name: `${base.name}+fused`,
      activationBackward: (act, g, v, out) => {
        calls.push(act);
        impl?.(act, g, v, out);
      },
    };
    return { backend, calls };
  }

  const impls: [string, NonNullable<Backend["activationBackward"]>][] = [["js", jsActivationBackward]];
  if (hasFused)
    impls.push(["native", (act, g, v, out) => (loaded as Kernels).actBackward(ACT_CODE[act], g, v, out)]);

  for (const [label, impl] of impls)
    for (const dtype of ["float32", "float64"] as const)
      it(`${label} ${dtype}: an MLP's gradients are bitwise those of the rule's ops, for relu, tanh and sigmoid`, () => {
        for (const act of ["relu", "tanh", "sigmoid"] as const) {
          const model = new nn.Sequential(
            new nn.Linear(5, 7, { dtype, seed: 1 }),
            act === "relu" ? new nn.ReLU() : act === "tanh" ? new nn.Tanh() : new nn.Sigmoid(),
            new nn.Linear(7, 3, { dtype, seed: 2 }),
          );
          const x = randn([6, 5], { dtype, seed: 3 });
          // Exact zeros and infinities reach relu's fused path too.
          x._storage[0] = 0;
          const run = () => {
            model.zeroGrad();
            model.forward(x).square().sum().backward();
            return model.parameters().map((p) => Array.from((p.grad as Tensor)._storage));
          };
          const plain = run();
          const { backend, calls } = withFused(impl);
          setBackend(backend);
          const fused = run();
          setBackend(before);
          expect(calls).toEqual([act]);
          for (const [i, g] of fused.entries())
            for (const [j, v] of g.entries())
              if (!Object.is(v, plain[i][j])) expect.fail(`${act} param ${i}[${j}]: ${v} vs ${plain[i][j]}`);
        }
      });

  it("is not used while a graph is recorded: second derivatives and the recorded graph are unchanged", () => {
    const { backend, calls } = withFused(jsActivationBackward);
    const f = (x: Tensor) => x.tanh().mul(x.relu()).sigmoid().sum();
    const x0 = tensor([-1.5, 0.25, 2], { dtype: "float64" });
    // d²/dx² by grad of grad (createGraph): the fused kernel must stay out of it.
    const second = (x: Tensor) => grad((y: Tensor) => grad(f)(y).sum())(x);
    const plain = second(x0).toArray();
    setBackend(backend);
    const withBackend = second(x0).toArray();
    expect(calls).toEqual([]);
    expect(withBackend).toEqual(plain);
    // A plain backward (no createGraph) does use it, with the same value.
    const firstOf = () => {
      const x = tensor([-1.5, 0.25, 2], { dtype: "float64", requiresGrad: true });
      f(x).backward();
      return (x.grad as Tensor).toArray();
    };
    const first = firstOf();
    expect(calls.sort()).toEqual(["relu", "sigmoid", "tanh"]);
    setBackend(before);
    expect(first).toEqual(firstOf());
    // The recorded forward graph is the same primitives either way.
    const xs = tensor([1, -2], { requiresGrad: true });
    const plainGraph = toDot(xs.relu().tanh().sum());
    setBackend(backend);
    expect(toDot(xs.relu().tanh().sum())).toEqual(plainGraph);
  });
});
