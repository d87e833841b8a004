// gradcheck / gradgradcheck / formatGradcheckReport: they pass right gradients and catch wrong ones.

import { describe, expect, it } from "vitest";
// The public entry point re-exports the tools.
import { formatGradcheckReport, gradcheck, gradgradcheck, type Tensor, tensor } from "../src/index.js";

const f64 = (data: number | number[] | number[][], requiresGrad = false): Tensor =>
  tensor(data, { dtype: "float64", requiresGrad });

/** x² with a wrong first derivative: the detached factor gets no gradient (x instead of 2x). */
const wrongSquare = (x: Tensor) => x.mul(x.detach());

/** x³ whose first derivative 3x² is right but not differentiable (built from detached values). */
const flatCube = (x: Tensor) => {
  const c = x.detach();
  return c.pow(3).add(x.sub(c).mul(c.square().mul(3)));
};

describe("gradcheck", () => {
  it("passes correct gradients and reports small errors", () => {
    const r = gradcheck((x: Tensor) => x.sin().mul(x).sum(), [f64([0.5, 1.5, -2.5])]);
    expect(r.ok).toBe(true);
    expect(r.failures).toEqual([]);
    expect(r.failureCount).toBe(0);
    expect(r.checked).toBe(3);
    expect(r.maxAbsError).toBeLessThan(1e-8);
    expect(r.maxRelError).toBeLessThan(1e-8);
    expect([r.eps, r.atol, r.rtol]).toEqual([1e-6, 1e-5, 1e-3]);
  });

  it("catches a wrong gradient and reports input, index, position and both values", () => {
    const r = gradcheck(wrongSquare, [
      f64([
        [1, 2],
        [3, 4],
      ]),
    ]);
    expect(r.ok).toBe(false);
    // Full Jacobian of a [2, 2] output: only the diagonal entries are non-zero, and all of them are wrong.
    expect(r.checked).toBe(16);
    expect(r.failureCount).toBe(4);
    const f = r.failures.find((e) => e.index === 3)!;
    expect(f.input).toBe(0);
    expect(f.position).toEqual([1, 1]);
    expect(f.outputIndex).toBe(3);
    expect(f.analytical).toBe(4);
    expect(f.numerical).toBeCloseTo(8, 6);
    expect(r.maxAbsError).toBeCloseTo(4, 6);
    expect(r.maxRelError).toBeCloseTo(0.5, 6);
  });

  it("reports non-finite values as failures, never as a pass", () => {
    const sqrt0 = gradcheck((x: Tensor) => x.sqrt().sum(), [f64([0, 1])]);
    expect(sqrt0.ok).toBe(false);
    expect(sqrt0.failures.map((f) => f.index)).toEqual([0]);
    expect(sqrt0.maxAbsError).toBe(Infinity);
    // log of a negative number: both sides NaN, still a failure.
    const logNeg = gradcheck((x: Tensor) => x.log().sum(), [f64([-1])]);
    expect(logNeg.ok).toBe(false);
    expect(Number.isNaN(logNeg.failures[0].numerical)).toBe(true);
  });

  it("checks float32 inputs in float64 without touching them", () => {
    const x = tensor([0.3, 0.7], { requiresGrad: true });
    const before = Array.from(x.data);
    let seen = "";
    const r = gradcheck(
      (t: Tensor) => {
        seen = t.dtype;
        return t.exp().sum();
      },
      [x],
      { atol: 1e-8, rtol: 1e-7 },
    );
    expect(r.ok).toBe(true);
    expect(seen).toBe("float64");
    expect(x.grad).toBeNull();
    expect(Array.from(x.data)).toEqual(before);
  });

  it("checks every tensor input by default, passes numbers through", () => {
    const f = (a: Tensor, k: number, b: Tensor) => a.mul(b.detach()).mul(k).sum();
    const r = gradcheck(f, [f64([1, 2]), 3, f64([3, 4])]);
    expect(r.ok).toBe(false);
    expect(new Set(r.failures.map((e) => e.input))).toEqual(new Set([2]));
    expect(gradcheck(f, [f64([1, 2]), 3, f64([3, 4])], { wrt: [0] }).ok).toBe(true);
  });

  it("checks only inputs with requiresGrad when some have it (as PyTorch)", () => {
    const f = (a: Tensor, b: Tensor) => a.mul(b.detach()).sum();
    expect(gradcheck(f, [f64([1, 2], true), f64([3, 4])]).ok).toBe(true);
    expect(gradcheck(f, [f64([1, 2]), f64([3, 4], true)]).ok).toBe(false);
  });

  it("uses a random projection for large outputs", () => {
    const x = f64(Array.from({ length: 300 }, (_, i) => Math.sin(i)));
    const ok = gradcheck((t: Tensor) => t.tanh(), [x]);
    expect(ok.ok).toBe(true);
    expect(ok.checked).toBe(300);
    const bad = gradcheck(wrongSquare, [x]);
    expect(bad.ok).toBe(false);
    expect(bad.failures[0].outputIndex).toBe(-1);
    // With a higher cap the full Jacobian is used.
    const full = gradcheck((t: Tensor) => t.tanh(), [f64([1, 2, 3])], { maxJacobianRows: 2 });
    expect(full.checked).toBe(3);
  });

  it("functions that ignore their input pass with zero gradients", () => {
    const r = gradcheck(() => f64([1, 2]).sum(), [f64([5])]);
    expect(r.ok).toBe(true);
    expect(r.maxAbsError).toBe(0);
  });

  it("respects tolerances and caps the recorded failures", () => {
    const x = f64(Array.from({ length: 20 }, (_, i) => i + 1));
    const r = gradcheck((t: Tensor) => wrongSquare(t).sum(), [x], { maxFailures: 5 });
    expect(r.failureCount).toBe(20);
    expect(r.failures).toHaveLength(5);
    // A gradient off by 1e-7 passes the defaults and fails a tight tolerance.
    const nudge = (t: Tensor) =>
      t
        .mul(1 + 1e-7)
        .sub(t.detach().mul(1e-7))
        .sum();
    expect(gradcheck(nudge, [f64([1])]).ok).toBe(true);
    expect(gradcheck(nudge, [f64([1])], { atol: 1e-9, rtol: 1e-9 }).ok).toBe(false);
  });

  it("works with multiple outputs and broadcasting", () => {
    const r = gradcheck(
      (a: Tensor, b: Tensor) => a.matmul(b).tanh(),
      [
        f64([
          [1, 2],
          [3, 4],
        ]).mul(0.1),
        f64([0.5, -1]),
      ],
    );
    expect(r.ok, formatGradcheckReport(r)).toBe(true);
    expect(r.checked).toBe(2 * 4 + 2 * 2);
  });
});

describe("gradgradcheck", () => {
  it("passes smooth ops", () => {
    for (const f of [(x: Tensor) => x.tanh(), (x: Tensor) => x.sin().mul(x), (x: Tensor) => x.softmax()]) {
      const r = gradgradcheck(f, [f64([0.3, -1.2, 0.8])]);
      expect(r.ok, formatGradcheckReport(r)).toBe(true);
    }
  });
  it("passes a two-input function", () => {
    const r = gradgradcheck(
      (a: Tensor, b: Tensor) => a.mul(b).exp().sum(),
      [f64([0.1, 0.2]), f64([-0.3, 0.4])],
    );
    expect(r.ok, formatGradcheckReport(r)).toBe(true);
  });
  it("catches a first derivative that is right but not differentiable", () => {
    expect(gradcheck(flatCube, [f64([1, -2])]).ok).toBe(true);
    const r = gradgradcheck(flatCube, [f64([1, -2])]);
    expect(r.ok).toBe(false);
    expect(r.failures.map((f) => f.analytical)).toEqual([0, 0]);
  });
});

describe("formatGradcheckReport", () => {
  it("summarises a pass", () => {
    const r = gradcheck((x: Tensor) => x.exp(), [f64([1])]);
    expect(formatGradcheckReport(r)).toMatch(/^gradcheck passed: 1 entries checked/);
  });
  it("names the input, the element, both values and the tolerances", () => {
    const r = gradcheck(
      (a: Tensor, b: Tensor) => a.add(wrongSquare(b)).sum(),
      [
        f64([1]),
        f64([
          [1, 2],
          [3, 4],
        ]),
      ],
    );
    const text = formatGradcheckReport(r);
    expect(text).toMatch(/gradcheck failed: 4 of 5 entries disagree/);
    expect(text).toMatch(/atol 0\.00001|atol 1e-5/);
    expect(text).toMatch(/rtol 0\.001/);
    expect(text).toMatch(/input 1, element \[1, 0\] \(flat 2\)/);
    expect(text).toMatch(/analytical 3, numerical 6;/);
  });
  it("marks non-finite values", () => {
    expect(formatGradcheckReport(gradcheck((x: Tensor) => x.sqrt(), [f64([0])]))).toMatch(/not finite/);
  });
});
