// Printing tensors: PyTorch's layout, one number format per tensor, summaries for large tensors.

import { inspect } from "node:util";
import { arange, randn, tensor, zeros } from "chainrule";
import { describe, expect, it } from "vitest";

describe("tensor printing", () => {
  it("aligns a matrix with four decimals", () => {
    expect(
      String(
        tensor([
          [1, 2],
          [3, 4.5],
        ]),
      ),
    ).toBe("tensor([[1.0000, 2.0000],\n        [3.0000, 4.5000]])");
  });
  it("prints integers plainly, 0-d tensors bare, and the graph node", () => {
    expect(String(tensor(3))).toBe("tensor(3.)");
    expect(String(tensor([1, 2, 3], { requiresGrad: true }).mul(2))).toBe("tensor([2., 4., 6.], gradFn=mul)");
    expect(String(tensor([1], { requiresGrad: true }))).toBe("tensor([1.], requiresGrad=true)");
  });
  it("names float64 and keeps signs aligned", () => {
    expect(String(tensor([0.1, -0.25], { dtype: "float64" }))).toBe(
      "tensor([ 0.1000, -0.2500], dtype=float64)",
    );
  });
  it("switches to scientific notation for wide ranges, and prints nan and inf", () => {
    expect(String(tensor([1e-10, 1, 1e5]))).toBe("tensor([1.0000e-10, 1.0000e+00, 1.0000e+05])");
    expect(String(tensor([Number.NaN, Number.POSITIVE_INFINITY, -1.5]))).toBe(
      "tensor([    nan,     inf, -1.5000])",
    );
  });
  it("summarises large tensors with their shape", () => {
    expect(String(arange(2000))).toBe(
      "tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.], shape=[2000])",
    );
    const lines = String(randn([100, 100], { seed: 1 })).split("\n");
    expect(lines).toHaveLength(7);
    expect(lines[3].trim()).toBe("...,");
    expect(String(zeros([0, 3]))).toBe("tensor([], shape=[0, 3])");
  });
  it("is what console.log shows in Node", () => {
    const t = tensor([[1, 2]]);
    expect(inspect(t)).toBe(String(t));
  });
});
