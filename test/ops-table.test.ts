// Table-driven op tests (OpInfo style): forward values, dtypes, float64 gradient checks, second order.

import { describe, expect, it } from "vitest";
import { type DType, grad, noGrad, type Tensor, tensor, zeros } from "../src/index.js";
import { formatGradcheckReport, gradcheck, gradgradcheck } from "../src/tools/gradcheck.js";
import {
  type Arr,
  alongDim,
  argmaxOf,
  closeViolation,
  fround,
  generate,
  logSoftmaxLane,
  maxOf,
  minOf,
  OP_TABLE,
  type OpRow,
  reduce,
  matmul as refMatmul,
  permute as refPermute,
  softmaxLane,
  sumOf,
} from "./op-table.js";

function toTensor(a: Arr, dtype: DType, requiresGrad = false): Tensor {
  const data = dtype === "float64" ? Float64Array.from(a.data) : Float32Array.from(a.data);
  return tensor(data, { shape: a.shape, dtype, requiresGrad });
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const fmtShapes = (xs: Arr[]): string => xs.map((x) => `[${x.shape.join(", ")}]`).join(" & ");

function samplesOf(row: OpRow): Arr[][] {
  const generated = row.shapes.map((shapes, i) =>
    generate(shapes, row.domain ?? ["real"], hash(row.name) + i),
  );
  return [...generated, ...(row.samples ?? [])];
}

const GRAD_TOL = { atol: 1e-6, rtol: 1e-5 };
const GRADGRAD_TOL = { atol: 1e-5, rtol: 1e-4 };

for (const row of OP_TABLE) {
  describe(`op ${row.name}`, () => {
    const differentiable = row.differentiable ?? true;
    const checkDtype = row.checkDtype ?? true;
    const f32 = row.f32 ?? { rtol: 2e-6, atol: 1e-6 };
    samplesOf(row).forEach((inputs, k) => {
      const label = `${fmtShapes(inputs)} #${k}`;

      it(`forward float64 ${label}`, () => {
        const want = row.ref(...inputs);
        const y = row.op(...inputs.map((a) => toTensor(a, "float64")));
        expect(y.shape).toEqual(want.shape);
        if (checkDtype) expect(y.dtype).toBe("float64");
        expect(closeViolation(y.data, want.data, 1e-10, 1e-12)).toBeNull();
      });

      it(`forward float32 stays float32 ${label}`, () => {
        const rounded = inputs.map(fround);
        const want = row.ref(...rounded);
        const y = row.op(...rounded.map((a) => toTensor(a, "float32")));
        expect(y.shape).toEqual(want.shape);
        if (checkDtype) expect(y.dtype).toBe("float32");
        expect(closeViolation(y.data, want.data, f32.rtol, f32.atol)).toBeNull();
      });

      if (inputs.length >= 2 && checkDtype)
        it(`mixed float32/float64 promotes to float64 ${label}`, () => {
          for (const first of ["float32", "float64"] as const) {
            const dts: DType[] = inputs.map((_, i) =>
              i === 0 ? first : first === "float32" ? "float64" : "float32",
            );
            const used = inputs.map((a, i) => (dts[i] === "float32" ? fround(a) : a));
            const y = row.op(...used.map((a, i) => toTensor(a, dts[i])));
            expect(y.dtype).toBe("float64");
            expect(closeViolation(y.data, row.ref(...used).data, 1e-10, 1e-12)).toBeNull();
          }
        });

      if (differentiable) {
        it(`gradcheck float64 ${label}`, () => {
          const r = gradcheck(
            row.op,
            inputs.map((a) => toTensor(a, "float64")),
            GRAD_TOL,
          );
          expect(r.ok, formatGradcheckReport(r)).toBe(true);
        });
        if (row.secondOrder ?? true)
          it(`gradgradcheck float64 ${label}`, () => {
            const r = gradgradcheck(
              row.op,
              inputs.map((a) => toTensor(a, "float64")),
              GRADGRAD_TOL,
            );
            expect(r.ok, formatGradcheckReport(r)).toBe(true);
          });
        if (row.checkRequiresGrad ?? true)
          it(`output requires grad when an input does ${label}`, () => {
            const y = row.op(...inputs.map((a) => toTensor(a, "float64", true)));
            expect(y.requiresGrad).toBe(true);
          });
      } else
        it(`output has no gradient ${label}`, () => {
          const y = row.op(...inputs.map((a) => toTensor(a, "float64", true)));
          expect(y.requiresGrad).toBe(false);
        });
    });
  });
}

const f64 = (data: number | number[] | number[][], requiresGrad = false): Tensor =>
  tensor(data, { dtype: "float64", requiresGrad });

const zerosF64 = (shape: number[]): Tensor => zeros(shape, { dtype: "float64" });

function gradOf(f: (x: Tensor) => Tensor, x: Tensor): number[] {
  const g = grad(f)(x) as Tensor;
  return Array.from(g.data);
}

describe("softmax / logSoftmax / logSumExp stability", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const tol = dtype === "float64" ? 1e-15 : 1e-6;
    it(`softmax of [1000, 1001, 1002] equals softmax of [0, 1, 2] (${dtype})`, () => {
      const want = softmaxLane([0, 1, 2]);
      for (const shift of [1000, -1000, 0]) {
        const y = tensor([shift, shift + 1, shift + 2], { dtype }).softmax();
        expect(closeViolation(y.data, want, tol, tol)).toBeNull();
      }
    });
    it(`logSoftmax of large logits is finite and exact (${dtype})`, () => {
      const want = [0, 1, 2].map((v) => v - 2 - Math.log(1 + Math.exp(-1) + Math.exp(-2)));
      for (const shift of [1000, -1000]) {
        const y = tensor([shift, shift + 1, shift + 2], { dtype }).logSoftmax();
        expect(closeViolation(y.data, want, tol, tol)).toBeNull();
      }
    });
    it(`logSumExp of [1000, 1000] is 1000 + log 2 (${dtype})`, () => {
      const y = tensor([1000, 1000], { dtype }).logSumExp(0);
      expect(y.item()).toBeCloseTo(1000 + Math.LN2, dtype === "float64" ? 10 : 3);
      const z = tensor([-1000, -1000], { dtype }).logSumExp(0);
      expect(z.item()).toBeCloseTo(-1000 + Math.LN2, dtype === "float64" ? 10 : 3);
    });
  }
  it("softmax gradients at large logits are finite and correct", () => {
    const x = f64([1000, 1001, 1002], true);
    const w = [0.3, -1.2, 0.7];
    x.softmax().mul(f64(w)).sum().backward();
    const s = softmaxLane([0, 1, 2]);
    const dot = s.reduce((acc, si, i) => acc + si * w[i], 0);
    const want = s.map((si, i) => si * (w[i] - dot));
    expect(closeViolation(x.grad!.data, want, 1e-12, 1e-15)).toBeNull();
  });
  it("logSoftmax gradient at -1000 logits is finite and correct", () => {
    const x = f64([-1000, -1001, -1002], true);
    x.logSoftmax().sum().backward();
    const s = softmaxLane([0, -1, -2]);
    const want = s.map((si) => 1 - 3 * si);
    expect(closeViolation(x.grad!.data, want, 1e-12, 1e-15)).toBeNull();
  });
  it("sigmoid, softplus and tanh of extreme inputs are finite", () => {
    const x = f64([-1000, -50, 50, 1000]);
    expect(
      closeViolation(x.sigmoid().data, [0, 1 / (1 + Math.exp(50)), 1 / (1 + Math.exp(-50)), 1], 1e-15, 0),
    ).toBeNull();
    expect(closeViolation(x.softplus().data, [0, Math.log1p(Math.exp(-50)), 50, 1000], 1e-15, 0)).toBeNull();
    expect(Array.from(x.tanh().data)).toEqual([-1, -1, 1, 1]);
    const g = f64([-1000, 1000], true);
    g.sigmoid().sum().backward();
    expect(Array.from(g.grad!.data)).toEqual([0, 0]);
  });
});

describe("subgradient conventions (as PyTorch)", () => {
  it("relu'(0) = 0", () => {
    expect(gradOf((x) => x.relu().sum(), f64([-1, 0, 2]))).toEqual([0, 0, 1]);
  });
  it("abs'(0) = 0", () => {
    expect(gradOf((x) => x.abs().sum(), f64([-1, 0, 2]))).toEqual([-1, 0, 1]);
  });
  it("leakyRelu'(0) is the negative slope (PyTorch's x > 0 test)", () => {
    expect(gradOf((x) => x.leakyRelu(0.2).sum(), f64([-1, 0, 2]))).toEqual([0.2, 0.2, 1]);
  });
  it("sign has zero gradient", () => {
    expect(gradOf((x) => x.sign().sum(), f64([-1, 0, 2]))).toEqual([0, 0, 0]);
  });
  it("clamp passes the gradient at its bounds (PyTorch) and blocks it outside", () => {
    expect(gradOf((x) => x.clamp(-1, 1).sum(), f64([-2, -1, 0, 1, 2]))).toEqual([0, 1, 1, 1, 0]);
  });
  it("max of [1, 3, 3] shares the gradient: [0, 0.5, 0.5]", () => {
    expect(gradOf((x) => x.max(), f64([1, 3, 3]))).toEqual([0, 0.5, 0.5]);
  });
  it("min of [2, 1, 1, 1] shares the gradient in thirds", () => {
    const g = gradOf((x) => x.min(), f64([2, 1, 1, 1]));
    expect(closeViolation(g, [0, 1 / 3, 1 / 3, 1 / 3], 1e-15, 0)).toBeNull();
  });
  it("max over a dim shares the gradient at ties within each row", () => {
    const g = gradOf(
      (x) =>
        x
          .max(1)
          .mul(f64([1, 2]))
          .sum(),
      f64([
        [1, 3, 3],
        [5, 5, 5],
      ]),
    );
    expect(closeViolation(g, [0, 0.5, 0.5, 2 / 3, 2 / 3, 2 / 3], 1e-15, 0)).toBeNull();
  });
  it("maximum/minimum share the gradient equally at ties", () => {
    const a = f64([1, 2, 3], true);
    const b = f64([1, 5, 0], true);
    a.maximum(b).sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([0.5, 0, 1]);
    expect(Array.from(b.grad!.data)).toEqual([0.5, 1, 0]);
    const c = f64([1, 2, 3], true);
    c.minimum(f64([1, 5, 0]))
      .sum()
      .backward();
    expect(Array.from(c.grad!.data)).toEqual([0.5, 1, 0]);
  });
  it("argmax and argmin pick the first index at ties", () => {
    expect(f64([1, 3, 3]).argmax().item()).toBe(1);
    expect(f64([2, 1, 1]).argmin().item()).toBe(1);
    expect(
      Array.from(
        f64([
          [1, 3, 3],
          [4, 4, 0],
        ]).argmax(1).data,
      ),
    ).toEqual([1, 0]);
  });
  it("x.pow(2) at 0 has gradient 0 and x.pow(3) works for negative x", () => {
    expect(gradOf((x) => x.pow(2).sum(), f64([0, -1]))).toEqual([0, -2]);
    expect(gradOf((x) => x.pow(3).sum(), f64([-2]))).toEqual([12]);
  });
  it("pow's exponent gradient is 0 where the base is 0 (PyTorch masks x^y log x there)", () => {
    const g = grad((e: Tensor) => f64([0, 2]).pow(e).sum())(f64([2, 3])) as Tensor;
    expect(closeViolation(g.data, [0, 8 * Math.log(2)], 1e-14, 0)).toBeNull();
  });
});

describe("dtypes", () => {
  it("plain numbers never change the dtype", () => {
    const x = tensor([1, 2, 3]);
    expect(x.dtype).toBe("float32");
    for (const y of [x.add(1.1), x.mul(1e-40), x.sub(2), x.div(3), x.pow(2), x.maximum(0.5), x.gt(2)])
      expect(y.dtype).toBe("float32");
    const d = f64([1, 2, 3]);
    for (const y of [d.add(1.1), d.mul(3), d.pow(0.5), d.gt(2)]) expect(y.dtype).toBe("float64");
  });
  it("a number operand is rounded into float32 the way a float32 tensor stores it", () => {
    const y = tensor([1], { dtype: "float32" }).mul(0.1);
    expect(y.item()).toBe(Math.fround(Math.fround(1) * Math.fround(0.1)));
  });
  it("comparisons return 0/1 in the input dtype", () => {
    const y = f64([1, 2, 3]).ge(2);
    expect(y.dtype).toBe("float64");
    expect(Array.from(y.data)).toEqual([0, 1, 1]);
  });
  it("to/double/float convert and pass gradients back converted", () => {
    const x = tensor([1.5, 2.5], { requiresGrad: true });
    const y = x.double();
    expect(y.dtype).toBe("float64");
    expect(x.float().dtype).toBe("float32");
    expect(x.to("float32")).toBe(x);
    y.mul(f64([1, 2]))
      .sum()
      .backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(Array.from(x.grad!.data)).toEqual([1, 2]);
  });
  it("gradients have the leaf's dtype after mixed-dtype ops", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = f64([3, 4], true);
    a.mul(b).sum().backward();
    expect(a.grad!.dtype).toBe("float32");
    expect(b.grad!.dtype).toBe("float64");
    expect(Array.from(a.grad!.data)).toEqual([3, 4]);
  });
  it("transpose of a 1-D tensor returns it as is", () => {
    const x = f64([1, 2, 3]);
    const y = x.transpose();
    expect(y.shape).toEqual([3]);
    expect(Array.from(y.data)).toEqual([1, 2, 3]);
  });
  it("broadcast gradients sum back to the input shape", () => {
    const a = f64([[1], [2], [3]], true); // [3, 1]
    const b = f64([[10, 20, 30, 40]], true); // [1, 4]
    a.mul(b).sum().backward();
    expect(a.grad!.shape).toEqual([3, 1]);
    expect(Array.from(a.grad!.data)).toEqual([100, 100, 100]);
    expect(b.grad!.shape).toEqual([1, 4]);
    expect(Array.from(b.grad!.data)).toEqual([6, 6, 6, 6]);
  });
});

describe("edge cases: NaN, infinities, empty and 0-d tensors (as PyTorch)", () => {
  const N = Number.NaN;
  const show = (t: Tensor): string[] => Array.from(t.data, String);
  it("NaN propagates through relu, abs, clamp, max, min, maximum, minimum", () => {
    expect(show(f64([N, -1, 1]).relu())).toEqual(["NaN", "0", "1"]);
    expect(show(f64([N]).abs())).toEqual(["NaN"]);
    expect(show(f64([N]).clamp(0, 1))).toEqual(["NaN"]);
    expect(show(f64([1, N, 3]).max())).toEqual(["NaN"]);
    expect(show(f64([N, 1, 3]).min())).toEqual(["NaN"]);
    expect(show(f64([[1, N, 3]]).max(1))).toEqual(["NaN"]);
    expect(show(f64([N, 1]).maximum(f64([1, N])))).toEqual(["NaN", "NaN"]);
    expect(show(f64([N, 1]).minimum(f64([1, N])))).toEqual(["NaN", "NaN"]);
  });
  it("argmax/argmin treat NaN as the extreme (the first NaN wins)", () => {
    expect(f64([1, N, 3]).argmax().item()).toBe(1);
    expect(f64([1, 3, N]).argmax().item()).toBe(2);
    expect(f64([1, N, 0]).argmin().item()).toBe(1);
  });
  it("max gives the whole gradient to the NaN element (PyTorch's evenly_distribute_backward)", () => {
    expect(show(grad((x: Tensor) => x.max())(f64([1, N, 3])) as Tensor)).toEqual(["0", "1", "0"]);
  });
  it("comparisons with NaN are false, ne is true", () => {
    expect(show(f64([N]).eq(f64([N])))).toEqual(["0"]);
    expect(show(f64([N]).ne(f64([N])))).toEqual(["1"]);
    expect(show(f64([N]).gt(0))).toEqual(["0"]);
  });
  it("logSumExp and logSoftmax handle infinite logits", () => {
    expect(f64([-Infinity, -Infinity]).logSumExp(0).item()).toBe(-Infinity);
    expect(f64([Infinity, 0]).logSumExp(0).item()).toBe(Infinity);
    expect(f64([-Infinity, 0]).logSumExp(0).item()).toBe(0);
    expect(show(f64([-Infinity, 0]).logSoftmax())).toEqual(["-Infinity", "0"]);
    expect(show(f64([-Infinity, 0]).softmax())).toEqual(["0", "1"]);
    const g = grad((x: Tensor) =>
      x
        .softmax()
        .mul(f64([1, 2]))
        .sum(),
    )(f64([-Infinity, 0])) as Tensor;
    expect(show(g)).toEqual(["0", "0"]);
  });
  it("derivatives at domain edges: sqrt'(0) = log'(0) = Infinity, x^0 has gradient 0 at 0", () => {
    expect(show(grad((x: Tensor) => x.sqrt().sum())(f64([0])) as Tensor)).toEqual(["Infinity"]);
    expect(show(grad((x: Tensor) => x.log().sum())(f64([0])) as Tensor)).toEqual(["Infinity"]);
    expect(show(grad((x: Tensor) => x.pow(0).sum())(f64([0, 2])) as Tensor)).toEqual(["0", "0"]);
  });
  it("pow with a tensor exponent and a negative base differentiates the base", () => {
    expect(show(grad((x: Tensor) => x.pow(f64([3])).sum())(f64([-2])) as Tensor)).toEqual(["12"]);
  });
  it("division by zero gives infinities and NaN", () => {
    expect(show(f64([1, -1, 0]).div(0))).toEqual(["Infinity", "-Infinity", "NaN"]);
  });
  it("log1p, expm1 and erf keep full relative precision near 0", () => {
    expect(f64(1e-12).log1p().item()).toBeCloseTo(Math.log1p(1e-12), 25);
    expect(f64(1e-12).expm1().item() / Math.expm1(1e-12)).toBeCloseTo(1, 14);
    expect(f64(1e-10).erf().item() / (1e-10 * 1.1283791670955126)).toBeCloseTo(1, 14);
    expect(f64(4).erf().item()).toBeCloseTo(0.9999999845827421, 15);
    expect(f64(-5).erf().item()).toBeCloseTo(-0.9999999999984626, 15);
  });
  it("reductions of empty tensors: sum 0, mean NaN, max throws", () => {
    expect(zerosF64([0]).sum().item()).toBe(0);
    expect(zerosF64([0]).mean().item()).toBeNaN();
    expect(Array.from(zerosF64([2, 0]).sum(1).data)).toEqual([0, 0]);
    expect(() => zerosF64([0]).max()).toThrow(/^max: /);
  });
  it("matmul with an empty inner dim gives zeros", () => {
    const y = zerosF64([2, 0]).matmul(zerosF64([0, 3]));
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(y.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });
  it("0-d tensors accept dim 0 and -1 in reductions and softmax", () => {
    expect(f64(3).sum(0).item()).toBe(3);
    expect(f64(3).sum(-1, true).shape).toEqual([]);
    expect(f64(3).max(0).item()).toBe(3);
    expect(f64(3).softmax().item()).toBe(1);
    expect(f64(3).argmax().item()).toBe(0);
    expect(f64(3).flatten().shape).toEqual([1]);
  });
  it("slice clamps its range as Python slicing and supports a step", () => {
    expect(Array.from(f64([0, 1, 2]).slice(0, 1, 10).data)).toEqual([1, 2]);
    expect(f64([0, 1, 2]).slice(0, 2, 1).shape).toEqual([0]);
    expect(Array.from(f64([0, 1, 2, 3, 4]).slice(0, 0, 5, 2).data)).toEqual([0, 2, 4]);
    expect(
      Array.from((grad((x: Tensor) => x.slice(0, 1, 5, 2).sum())(f64([0, 1, 2, 3, 4])) as Tensor).data),
    ).toEqual([0, 1, 0, 1, 0]);
  });
  it("squeeze takes an array of dims", () => {
    expect(zerosF64([1, 3, 1]).squeeze([0, 2]).shape).toEqual([3]);
  });
  it("var takes a correction", () => {
    expect(f64([1, 2, 3, 4]).var(undefined, false, 0).item()).toBe(1.25);
    expect(f64([1, 2, 3, 4]).var().item()).toBeCloseTo(5 / 3, 15);
    expect(f64([1]).var().item()).toBeNaN();
  });
  it("grad works inside noGrad, and its result is then not differentiable", () => {
    const g = noGrad(() => grad((x: Tensor) => x.square().sum())(f64([3], true))) as Tensor;
    expect(g.item()).toBe(6);
    expect(g.requiresGrad).toBe(false);
  });
});

describe("larger shapes (kernel blocking and fast paths)", () => {
  const make = (shape: number[], seed: number): Arr => generate([shape], ["real"], seed)[0];
  it("matmul of odd sizes and broadcast batches matches the reference", () => {
    const cases: [number[], number[]][] = [
      [
        [65, 33],
        [33, 17],
      ],
      [
        [2, 1, 9, 13],
        [3, 13, 7],
      ],
      [[130], [130, 5]],
      [[257], [257]],
      [
        [1, 5],
        [5, 1],
      ],
    ];
    cases.forEach(([sa, sb], i) => {
      const a = make(sa, 100 + i);
      const b = make(sb, 200 + i);
      const want = refMatmul(a, b);
      const y = toTensor(a, "float64").matmul(toTensor(b, "float64"));
      expect(y.shape).toEqual(want.shape);
      expect(closeViolation(y.data, want.data, 1e-12, 1e-12)).toBeNull();
      const y32 = toTensor(fround(a), "float32").matmul(toTensor(fround(b), "float32"));
      expect(closeViolation(y32.data, refMatmul(fround(a), fround(b)).data, 1e-5, 1e-5)).toBeNull();
    });
  });
  it("matmul gradients are G Bᵀ and Aᵀ G at odd sizes", () => {
    const a = make([21, 10], 1);
    const b = make([10, 6], 2);
    const g = make([21, 6], 3);
    const A = toTensor(a, "float64", true);
    const B = toTensor(b, "float64", true);
    A.matmul(B).mul(toTensor(g, "float64")).sum().backward();
    const bT: Arr = refPermute(b, [1, 0]);
    const aT: Arr = refPermute(a, [1, 0]);
    expect(closeViolation(A.grad!.data, refMatmul(g, bT).data, 1e-12, 1e-12)).toBeNull();
    expect(closeViolation(B.grad!.data, refMatmul(aT, g).data, 1e-12, 1e-12)).toBeNull();
  });
  it("reductions over every dim combination of a [5, 6, 7] tensor", () => {
    const a = make([5, 6, 7], 9);
    const x = toTensor(a, "float64");
    const dimsList: (number | number[])[] = [0, 1, 2, [0, 1], [0, 2], [1, 2], [0, 1, 2]];
    for (const d of dimsList)
      for (const k of [false, true]) {
        expect(closeViolation(x.sum(d, k).data, reduce(a, d, k, sumOf).data, 1e-12, 1e-12)).toBeNull();
        expect(Array.from(x.max(d, k).data)).toEqual(reduce(a, d, k, maxOf).data);
        expect(Array.from(x.min(d, k).data)).toEqual(reduce(a, d, k, minOf).data);
        expect(x.sum(d, k).shape).toEqual(reduce(a, d, k, sumOf).shape);
      }
    for (const d of [0, 1, 2]) {
      expect(Array.from(x.argmax(d).data)).toEqual(reduce(a, d, false, argmaxOf).data);
      expect(closeViolation(x.softmax(d).data, alongDim(a, d, softmaxLane).data, 1e-12, 1e-15)).toBeNull();
      expect(
        closeViolation(x.logSoftmax(d).data, alongDim(a, d, logSoftmaxLane).data, 1e-12, 1e-12),
      ).toBeNull();
    }
  });
  it("broadcast gradients of a [5, 1, 7] ⊙ [6, 1] product sum back correctly", () => {
    const a = make([5, 1, 7], 4);
    const b = make([6, 1], 5);
    const A = toTensor(a, "float64", true);
    const B = toTensor(b, "float64", true);
    A.mul(B).sum().backward();
    const sumB = sumOf(b.data);
    expect(
      closeViolation(
        A.grad!.data,
        a.data.map(() => sumB),
        1e-12,
        1e-12,
      ),
    ).toBeNull();
    const sumA = sumOf(a.data);
    expect(
      closeViolation(
        B.grad!.data,
        b.data.map(() => sumA),
        1e-12,
        1e-12,
      ),
    ).toBeNull();
  });
});
