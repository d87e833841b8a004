// whyNoGradient: each cause of a null, zero or vanishing gradient is found and named, with its path.
import { nn, noGrad, tensor, where, whyNoGradient, zeros } from "chainrule";
import { describe, expect, it } from "vitest";

describe("whyNoGradient: no path", () => {
  it("x is not an ancestor of y", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const w = tensor([3, 4], { requiresGrad: true });
    const r = whyNoGradient(x, w.mul(2).sum());
    expect(r.gradient).toBe("null");
    expect(r.maxAbs).toBeNull();
    expect(r.reasons.map((q) => q.kind)).toEqual(["not-reachable"]);
    expect(r.message).toMatch(/^No gradient reaches x from y: x is not an ancestor of y/);
  });

  it("x does not require grad (inside a graph, and with no graph at all)", () => {
    const x = tensor([1, 2]);
    const w = tensor([3, 4], { requiresGrad: true });
    const r = whyNoGradient(x, x.mul(w).sum());
    expect(r.gradient).toBe("null");
    expect(r.reasons[0]).toMatchObject({ kind: "does-not-require-grad", path: ["x", "mul", "sum"] });
    const alone = whyNoGradient(x, x.mul(2).sum());
    expect(alone.reasons[0].kind).toBe("does-not-require-grad");
  });

  it("y was computed from a detached copy of x", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const w = tensor([3, 4], { requiresGrad: true });
    const r = whyNoGradient(x, x.detach().mul(w).sum());
    expect(r.gradient).toBe("null");
    expect(r.reasons[0]).toMatchObject({ kind: "detached", path: ["mul", "sum"] });
  });

  it("y was computed under noGrad", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const r = whyNoGradient(
      x,
      noGrad(() => x.mul(2).sum()),
    );
    expect(r.reasons[0].kind).toBe("no-graph");
    expect(r.reasons[0].message).toMatch(/noGrad\(\)/);
  });

  it("the path goes through a comparison or argmax", () => {
    const x = tensor([1, -2], { requiresGrad: true });
    const w = tensor([3, 4], { requiresGrad: true });
    const r = whyNoGradient(x, x.gt(0).mul(w).sum());
    expect(r.gradient).toBe("null");
    expect(r.reasons[0]).toMatchObject({
      kind: "non-differentiable",
      op: "gt",
      path: ["x", "gt", "mul", "sum"],
    });
    const a = whyNoGradient(x, x.argmax());
    expect(a.reasons[0]).toMatchObject({ kind: "non-differentiable", op: "argmax" });
  });
});

describe("whyNoGradient: a path whose gradient dies", () => {
  it("a dead ReLU: every input ≤ 0", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const r = whyNoGradient(w, w.mul(-5).sub(10).relu().sum());
    expect(r.gradient).toBe("zero");
    expect(r.maxAbs).toBe(0);
    expect(r.zeroShare).toBe(1);
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]).toMatchObject({
      kind: "dead-relu",
      op: "relu",
      path: ["x", "mul", "sub", "relu", "sum"],
    });
    // the largest input to relu is 1·(-5) - 10 = -15
    expect(r.reasons[0].message).toMatch(/all 2 of its inputs that receive one are ≤ 0 \(largest -15\)/);
  });

  it("a dead ReLU layer in a network: the first layer's weight gets nothing", () => {
    const net = new nn.Sequential(
      new nn.Linear(3, 4, { seed: 0 }),
      new nn.ReLU(),
      new nn.Linear(4, 1, { seed: 1 }),
    );
    (net[0] as nn.Linear).bias!._storage.fill(-100);
    const loss = net
      .forward(tensor([[0.5, -1, 2]]))
      .pow(2)
      .mean();
    const r = whyNoGradient((net[0] as nn.Linear).weight, loss);
    expect(r.gradient).toBe("zero");
    expect(r.reasons.map((q) => q.kind)).toEqual(["dead-relu"]);
    // The layer after the ReLU still learns: its bias gets a gradient.
    expect(whyNoGradient((net[2] as nn.Linear).bias!, loss).gradient).toBe("nonzero");
  });

  it("a saturated sigmoid: exactly zero in float32, tiny in float64", () => {
    const x32 = tensor([30, 40], { requiresGrad: true });
    const r32 = whyNoGradient(x32, x32.mul(1).sigmoid().sum());
    expect(r32.gradient).toBe("zero");
    expect(r32.reasons[0]).toMatchObject({
      kind: "saturated",
      op: "sigmoid",
      path: ["x", "mul", "sigmoid", "sum"],
    });
    const x64 = tensor([30, 40], { requiresGrad: true, dtype: "float64" });
    const r64 = whyNoGradient(x64, x64.sigmoid().sum());
    // σ'(30) = σ(30)(1 - σ(30)) ≈ e^-30 ≈ 9.4e-14
    expect(r64.gradient).toBe("tiny");
    expect(r64.maxAbs).toBeCloseTo(Math.exp(-30), 15);
    expect(r64.reasons[0].kind).toBe("saturated");
  });

  it("a saturated tanh", () => {
    const x = tensor([-25, 30], { requiresGrad: true });
    const r = whyNoGradient(x, x.tanh().sum());
    expect(r.gradient).toBe("zero");
    expect(r.reasons[0]).toMatchObject({ kind: "saturated", op: "tanh" });
    expect(r.reasons[0].message).toMatch(/tanh'\(x\) = 1 - tanh²\(x\) is at most 0/);
  });

  it("sign has derivative zero", () => {
    const x = tensor([1.5, -2], { requiresGrad: true });
    const r = whyNoGradient(x, x.sign().mul(3).sum());
    expect(r.gradient).toBe("zero");
    expect(r.reasons[0]).toMatchObject({
      kind: "non-differentiable",
      op: "sign",
      path: ["x", "sign", "mul", "sum"],
    });
  });

  it("a zero multiplier (mul and matmul)", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const r = whyNoGradient(x, x.mul(zeros([2])).sum());
    expect(r.reasons[0]).toMatchObject({ kind: "zero-multiplier", op: "mul" });
    const m = whyNoGradient(x, x.matmul(zeros([2, 3])).sum());
    expect(m.reasons[0]).toMatchObject({ kind: "zero-multiplier", op: "matmul" });
  });

  it("other zero local derivatives: maximum's loser, where's unused branch", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const r = whyNoGradient(x, x.maximum(10).sum());
    expect(r.reasons[0]).toMatchObject({ kind: "zero-derivative", op: "maximum" });
    const w = whyNoGradient(x, where(tensor([0, 0]), x, 5).sum());
    expect(w.reasons[0]).toMatchObject({ kind: "zero-derivative", op: "where" });
  });

  it("paths that cancel", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const r = whyNoGradient(x, x.sub(x).sum());
    expect(r.gradient).toBe("zero");
    expect(r.reasons[0].kind).toBe("cancellation");
    expect(r.reasons[0].message).toMatch(/^2 paths/);
  });

  it("vanishing: thirty sigmoids multiply local derivatives ≤ 1/4", () => {
    const x = tensor(0.5, { requiresGrad: true, dtype: "float64" });
    let h = x;
    for (let i = 0; i < 30; i++) h = h.sigmoid();
    const r = whyNoGradient(x, h);
    // each σ' ≤ 1/4, so |dy/dx| ≤ 4^-30 ≈ 8.7e-19
    expect(r.gradient).toBe("tiny");
    expect(r.maxAbs!).toBeLessThan(0.25 ** 30);
    expect(r.maxAbs!).toBeGreaterThan(0);
    expect(r.reasons.map((q) => q.kind)).toEqual(["vanishing"]);
  });
});

describe("whyNoGradient: healthy gradients", () => {
  it("reports a non-zero gradient that matches backward, and never touches .grad", () => {
    const x = tensor([1, -1, 3], { requiresGrad: true, dtype: "float64" });
    const y = x.relu().mul(x).sum(); // x² where x > 0: gradient [2, 0, 6]
    const r = whyNoGradient(x, y);
    expect(x.grad).toBeNull();
    expect(r).toMatchObject({ gradient: "nonzero", maxAbs: 6, reasons: [] });
    expect(r.zeroShare).toBeCloseTo(1 / 3, 12);
    y.backward();
    expect(x.grad?.toArray()).toEqual([2, 0, 6]);
    expect(whyNoGradient(x, y).maxAbs).toBe(6); // after backward too
  });

  it("a non-leaf x: the gradient exists but .grad would not keep it", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const h = w.mul(2);
    const r = whyNoGradient(h, h.pow(2).sum());
    expect(r.gradient).toBe("nonzero");
    expect(r.reasons[0].kind).toBe("not-retained");
    expect(whyNoGradient(h.retainGrad(), h.pow(2).sum()).reasons).toEqual([]);
  });

  it("validates its arguments", () => {
    const x = tensor([1], { requiresGrad: true });
    // @ts-expect-error: not a tensor
    expect(() => whyNoGradient(1, x)).toThrow(/whyNoGradient: x must be a Tensor, got 1/);
    expect(() => whyNoGradient(x, x.mul(2), { gradient: tensor([1, 2]) })).toThrow(
      /gradient must have y's shape/,
    );
  });
});
