// Creating and reading tensors: tensor(), the helpers, seeded random tensors, toArray/item/data.

import { describe, expect, it } from "vitest";
import {
  arange,
  eye,
  full,
  linspace,
  manualSeed,
  ones,
  onesLike,
  rand,
  randn,
  Tensor,
  tensor,
  zeros,
  zerosLike,
} from "../src/index.js";

describe("tensor()", () => {
  it("a number gives a 0-d tensor", () => {
    const t = tensor(3.5);
    expect(t).toBeInstanceOf(Tensor);
    expect(t.shape).toEqual([]);
    expect(t.size).toBe(1);
    expect(t.ndim).toBe(0);
    expect(t.item()).toBe(3.5);
    expect(t.toArray()).toBe(3.5);
  });
  it("nested arrays give their shape, and toArray round-trips", () => {
    expect(tensor([1, 2, 3]).shape).toEqual([3]);
    const m = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(m.shape).toEqual([2, 3]);
    expect(m.size).toBe(6);
    expect(m.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const c = [
      [[1], [2]],
      [[3], [4]],
      [[5], [6]],
    ];
    expect(tensor(c).shape).toEqual([3, 2, 1]);
    expect(tensor(c).toArray()).toEqual(c);
  });
  it("empty arrays give zero-size shapes", () => {
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([]).size).toBe(0);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor([[], []]).toArray()).toEqual([[], []]);
  });
  it("defaults to float32, storing float32-rounded values", () => {
    const t = tensor([0.1, 1 / 3]);
    expect(t.dtype).toBe("float32");
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data)).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    expect(tensor(0.1).item()).toBe(Math.fround(0.1));
  });
  it("float64 keeps full precision", () => {
    const t = tensor([0.1, 1 / 3], { dtype: "float64" });
    expect(t.dtype).toBe("float64");
    expect(t.data).toBeInstanceOf(Float64Array);
    expect(Array.from(t.data)).toEqual([0.1, 1 / 3]);
  });
  it("typed arrays with a shape, copied", () => {
    const src = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(src, { shape: [2, 3], dtype: "float64" });
    expect(t.shape).toEqual([2, 3]);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    src[0] = 100;
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const f = tensor(new Float32Array([1.5, 2.5]), { shape: [2, 1], dtype: "float32" });
    expect(f.toArray()).toEqual([[1.5], [2.5]]);
  });
  it("a typed array without a shape is 1-D; with shape [] and one element, 0-d", () => {
    expect(tensor(new Float32Array([1, 2, 3])).shape).toEqual([3]);
    expect(tensor(new Float64Array([7]), { shape: [] }).shape).toEqual([]);
  });
  it("a typed array converts to the requested dtype", () => {
    const t = tensor(new Float64Array([0.1]), { dtype: "float32" });
    expect(t.dtype).toBe("float32");
    expect(t.item()).toBe(Math.fround(0.1));
    const u = tensor(new Float32Array([0.5]), { dtype: "float64" });
    expect(u.dtype).toBe("float64");
  });
  it("a Float64Array keeps float64 unless a dtype is given (documented); other typed arrays give float32", () => {
    expect(tensor(new Float64Array([0.1])).dtype).toBe("float64");
    expect(tensor(new Float64Array([0.1])).item()).toBe(0.1);
    expect(tensor(new Int32Array([1, 2])).dtype).toBe("float32");
    expect(tensor(new Int32Array([1, 2])).toArray()).toEqual([1, 2]);
  });
  it("tensor(t) copies a tensor, detached", () => {
    const t = tensor([1, 2], { requiresGrad: true });
    const c = tensor(t);
    expect(c).not.toBe(t);
    expect(c.requiresGrad).toBe(false);
    expect(c.dtype).toBe("float32");
    expect(tensor(t, { dtype: "float64" }).dtype).toBe("float64");
    expect(c.toArray()).toEqual([1, 2]);
  });
  it("NaN and Infinity are allowed", () => {
    const t = tensor([Number.NaN, Infinity, -Infinity], { dtype: "float64" });
    const d = Array.from(t.data);
    expect(d[0]).toBeNaN();
    expect(d.slice(1)).toEqual([Infinity, -Infinity]);
    expect(tensor(Number.NaN).item()).toBeNaN();
  });
  it("requiresGrad option; new tensors are leaves with grad null", () => {
    const t = tensor([1, 2], { requiresGrad: true });
    expect(t.requiresGrad).toBe(true);
    expect(t.grad).toBeNull();
    expect(tensor([1]).requiresGrad).toBe(false);
  });
});

describe("reading", () => {
  it("data is a copy", () => {
    const t = tensor([1, 2, 3]);
    const d = t.data;
    d[0] = 99;
    expect(t.toArray()).toEqual([1, 2, 3]);
    expect(t.data).not.toBe(t.data);
  });
  it("toArray is a fresh nested array", () => {
    const t = tensor([[1, 2]]);
    const a = t.toArray() as number[][];
    a[0][0] = 5;
    expect(t.toArray()).toEqual([[1, 2]]);
  });
  it("item works on any one-element tensor", () => {
    expect(tensor([[4]]).item()).toBe(4);
    expect(tensor([4]).item()).toBe(4);
    expect(() => tensor([1, 2]).item()).toThrow(/item/);
  });
  it("shape is a plain array and size counts elements", () => {
    const t = zeros([2, 3, 4]);
    expect(Array.isArray(t.shape)).toBe(true);
    expect(t.size).toBe(24);
    expect(t.ndim).toBe(3);
  });
});

describe("creation helpers", () => {
  it("zeros, ones, full", () => {
    expect(zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(full([2], 3.5).toArray()).toEqual([3.5, 3.5]);
    expect(zeros([]).shape).toEqual([]);
    expect(ones([]).item()).toBe(1);
    expect(zeros([2, 0]).size).toBe(0);
    expect(zeros([2]).dtype).toBe("float32");
  });
  it("helpers take dtype and requiresGrad", () => {
    for (const t of [
      zeros([2], { dtype: "float64", requiresGrad: true }),
      ones([2], { dtype: "float64", requiresGrad: true }),
      full([2], 0.1, { dtype: "float64", requiresGrad: true }),
      arange(3, undefined, undefined, { dtype: "float64", requiresGrad: true }),
      linspace(0, 1, 3, { dtype: "float64", requiresGrad: true }),
      eye(2, undefined, { dtype: "float64", requiresGrad: true }),
      rand([2], { seed: 1, dtype: "float64", requiresGrad: true }),
      randn([2], { seed: 1, dtype: "float64", requiresGrad: true }),
    ]) {
      expect(t.dtype).toBe("float64");
      expect(t.requiresGrad).toBe(true);
    }
    expect(full([1], 0.1, { dtype: "float64" }).item()).toBe(0.1);
  });
  it("zerosLike and onesLike copy shape and dtype", () => {
    const x = tensor([[1, 2, 3]], { dtype: "float64" });
    expect(zerosLike(x).shape).toEqual([1, 3]);
    expect(zerosLike(x).dtype).toBe("float64");
    expect(onesLike(x).toArray()).toEqual([[1, 1, 1]]);
    expect(onesLike(x, { dtype: "float32" }).dtype).toBe("float32");
  });
  it("arange as NumPy/PyTorch", () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(1, 4).toArray()).toEqual([1, 2, 3]);
    expect(arange(0, 1, 0.25).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(5, 0, -1).toArray()).toEqual([5, 4, 3, 2, 1]);
    expect(arange(0, 0.3, 0.1, { dtype: "float64" }).size).toBe(3);
    expect(arange(3, 3).shape).toEqual([0]);
    expect(arange(5).dtype).toBe("float32");
  });
  it("linspace includes both ends exactly", () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const l = linspace(0, 0.3, 4, { dtype: "float64" }).data;
    expect(l[0]).toBe(0);
    expect(l[3]).toBe(0.3);
    expect(l[1]).toBeCloseTo(0.1, 15);
    expect(linspace(2, 3, 1).toArray()).toEqual([2]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
  });
  it("eye", () => {
    expect(eye(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(0).shape).toEqual([0, 0]);
  });
});

describe("seeded random tensors", () => {
  it("the same seed gives the same values; different seeds differ", () => {
    const a = rand([100], { seed: 7 });
    const b = rand([100], { seed: 7 });
    const c = rand([100], { seed: 8 });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
    const n1 = randn([3, 4], { seed: 123, dtype: "float64" });
    const n2 = randn([3, 4], { seed: 123, dtype: "float64" });
    expect(n1.shape).toEqual([3, 4]);
    expect(Array.from(n1.data)).toEqual(Array.from(n2.data));
    expect(Array.from(randn([12], { seed: 124, dtype: "float64" }).data)).not.toEqual(Array.from(n1.data));
  });
  it("seeded streams are pinned (xoshiro128** seeded by splitmix32, checked against an independent Python port)", () => {
    expect(Array.from(rand([4], { seed: 42, dtype: "float64" }).data)).toEqual([
      0.6606157208001621, 0.1117019639532224, 0.0791056456144914, 0.015209237180418,
    ]);
    expect(Array.from(randn([4], { seed: 42, dtype: "float64" }).data)).toEqual([
      0.31875784963858494, -0.7706160167419408, 0.15178267621950975, -0.12624145471928355,
    ]);
  });
  it("float32 draws are the float64 draws rounded", () => {
    const a = rand([50], { seed: 3, dtype: "float64" });
    const b = rand([50], { seed: 3, dtype: "float32" });
    expect(Array.from(b.data)).toEqual(Array.from(a.data, Math.fround));
  });
  it("manualSeed makes unseeded draws reproducible", () => {
    manualSeed(11);
    const a = Array.from(randn([20]).data);
    const a2 = Array.from(randn([20]).data);
    manualSeed(11);
    expect(Array.from(randn([20]).data)).toEqual(a);
    expect(a2).not.toEqual(a);
  });
  it("rand is uniform on [0, 1): range, mean and variance over 100k samples", () => {
    const d = rand([100_000], { seed: 1, dtype: "float64" }).data;
    let sum = 0;
    let sq = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of d) {
      sum += v;
      sq += v * v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const mean = sum / d.length;
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005); // std error ≈ 0.0009
    expect(Math.abs(sq / d.length - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });
  it("randn is standard normal: mean, std and tails over 100k samples", () => {
    const d = randn([100_000], { seed: 2, dtype: "float64" }).data;
    let sum = 0;
    let sq = 0;
    let beyond2 = 0;
    for (const v of d) {
      sum += v;
      sq += v * v;
      if (Math.abs(v) > 2) beyond2++;
    }
    const mean = sum / d.length;
    const std = Math.sqrt(sq / d.length - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.015); // std error ≈ 0.003
    expect(Math.abs(std - 1)).toBeLessThan(0.01);
    expect(Math.abs(beyond2 / d.length - 0.0455)).toBeLessThan(0.004);
  });
  it("seeded draws do not disturb the global stream", () => {
    manualSeed(5);
    const a = Array.from(rand([5]).data);
    manualSeed(5);
    rand([5], { seed: 99 });
    expect(Array.from(rand([5]).data)).toEqual(a);
  });
});
