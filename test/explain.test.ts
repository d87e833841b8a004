// explain / explainExpression: the tutorial's two chain-rule examples path by path with closed forms, exact
// path sums over astronomically many paths, k-best paths against brute force, tensor graphs grouped by node.

import {
  AutogradError,
  explain,
  explainExpression,
  formatExplanation,
  type Tensor,
  TypeMismatchError,
  tensor,
} from "chainrule";
import { describe, expect, it } from "vitest";
import { tutorialProblem } from "../src/data/tutorial.js";
import { analysePaths, type PathEdge } from "../src/tools/explain/paths.js";

const T = 0.7;

describe("explainExpression: the tutorial's multivariable example", () => {
  const e = explainExpression("f = x^2 + y^2; x = t^2; y = sin(t)", { wrt: "t", at: { t: T } });

  it("lists the two paths with the tutorial's local derivatives and their values", () => {
    expect(e.mode).toBe("scalar");
    expect(e.level).toBe("variables");
    expect(e.pathCount).toBe("2");
    expect(e.paths.map((p) => p.nodes)).toEqual([
      ["t", "x", "f"],
      ["t", "y", "f"],
    ]);
    const steps = e.paths.map((p) => p.steps.map((s) => [s.notation, s.derivative]));
    expect(steps).toEqual([
      [
        ["dx/dt", "2t"],
        ["∂f/∂x", "2x"],
      ],
      [
        ["dy/dt", "cos t"],
        ["∂f/∂y", "2y"],
      ],
    ]);
    const [p1, p2] = e.paths;
    expect(p1.steps[0].value).toBeCloseTo(2 * T, 15);
    expect(p1.steps[1].value).toBeCloseTo(2 * T * T, 15);
    expect(p2.steps[0].value).toBeCloseTo(Math.cos(T), 15);
    expect(p2.steps[1].value).toBeCloseTo(2 * Math.sin(T), 15);
  });

  it("writes each path's product as the tutorial does: 2x · 2t = 4t^3 and 2y · cos t = 2 sin t cos t", () => {
    const [p1, p2] = e.paths;
    expect(p1.chain).toBe("2x · 2t");
    expect(p1.expanded).toBe("4t^3");
    expect(p1.product).toBeCloseTo(4 * T ** 3, 14);
    expect(p2.chain).toBe("2y · cos t");
    expect(p2.expanded).toBe("2 sin t cos t");
    expect(p2.product).toBeCloseTo(2 * Math.sin(T) * Math.cos(T), 14);
    expect(e.sum.symbolic).toBe("4t^3 + 2 sin t cos t");
  });

  it("sums to the closed form, to autograd and to the finite difference", () => {
    const exact = 4 * T ** 3 + Math.sin(2 * T);
    expect(Math.abs(e.sum.value - exact)).toBeLessThan(1e-15);
    expect(Math.abs(e.autograd - exact)).toBeLessThan(1e-15);
    expect(e.numeric.method).toBe("central");
    expect(Math.abs(e.numeric.value! - exact)).toBeLessThan(1e-8);
    expect(e.omitted).toEqual({ count: "0", sum: 0 });
  });

  it("is plain data: JSON round-trips it unchanged", () => {
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });

  it("renders the terms, the sum and the checks as text", () => {
    const text = formatExplanation(e);
    expect(text).toContain("  ∂f/∂x = 2x    = 0.98\n  dx/dt = 2t    = 1.4\n");
    expect(text).toContain("1. t → x → f   ∂f/∂x · dx/dt = 2x · 2t = 4xt = 4t^3 = 1.372");
    expect(text).toContain(
      "2. t → y → f   ∂f/∂y · dy/dt = 2y · cos t = 2y cos t = 2 sin t cos t = 0.9854497",
    );
    expect(text).toMatch(/Sum over paths {6}df\/dt = 4t\^3 \+ 2 sin t cos t = 2\.357449729\d*/);
    expect(text).toMatch(/Autograd {12}2\.357449729/);
    expect(text).toMatch(/Finite difference {3}2\.35744973\d* {3}\(central, h = 1e-6, float64\)/);
  });
});

describe("explainExpression: the tutorial's single-variable example and more", () => {
  it("gives df/dx = 2u · 3 = 6u = 6(3x + 1) = 42 at x = 2", () => {
    const e = explainExpression("f = u^2; u = 3*x + 1", { wrt: "x", at: { x: 2 } });
    expect(e.paths).toHaveLength(1);
    const [p] = e.paths;
    expect(p.steps.map((s) => `${s.notation} = ${s.derivative} = ${s.value}`)).toEqual([
      "du/dx = 3 = 3",
      "df/du = 2u = 14",
    ]);
    expect([p.chain, p.simplified, p.expanded, p.product]).toEqual(["2u · 3", "6u", "6(3x + 1)", 42]);
    expect(e.sum).toEqual({ value: 42, symbolic: "6(3x + 1)" });
    expect(e.autograd).toBe(42);
    expect(Math.abs(e.numeric.value! - 42)).toBeLessThan(1e-7);
    expect(e.definitions).toEqual(["f = u^2", "u = 3*x + 1"]);
  });

  it("holds other inputs fixed and differentiates with respect to an intermediate name", () => {
    // L = (w x + b - y)^2: the tutorial's gradient-descent example, ∂L/∂w = 2(wx + b - y) x.
    const at = { w: 0.5, x: 2, b: 0.1, y: 1 };
    const e = explainExpression("L = r^2; r = w*x + b - y", { wrt: "w", at });
    const r = at.w * at.x + at.b - at.y;
    expect(e.sum.value).toBeCloseTo(2 * r * at.x, 15);
    expect(e.paths[0].expanded).toBe("2x(wx + b - y)");
    const viaR = explainExpression("L = r^2; r = w*x + b - y", { wrt: "r", at });
    expect(viaR.pathCount).toBe("1");
    expect(viaR.sum.value).toBeCloseTo(2 * r, 15);
  });

  it("counts a path once per route: f = x + y; y = x^2 gives 1 + 2x", () => {
    const e = explainExpression("f = x + y; y = x^2", { wrt: "x", at: { x: 3 } });
    expect(e.pathCount).toBe("2");
    expect(e.sum.symbolic).toBe("2x + 1");
    expect(e.sum.value).toBe(7);
    expect(e.paths.map((p) => p.nodes.join(" "))).toEqual(["x y f", "x f"]);
  });

  it("with ops, runs the paths through the recorded primitives", () => {
    const e = explainExpression("f = x^2 + y^2; x = t^2; y = sin(t)", { wrt: "t", at: { t: T }, ops: true });
    expect(e.level).toBe("ops");
    expect(e.paths.map((p) => p.nodes)).toEqual([
      ["t", "x", "x^2", "f"],
      ["t", "y", "y^2", "f"],
    ]);
    const steps = e.localDerivatives.map((s) => `${s.notation} = ${s.derivative} (${s.op}: ${s.rule})`);
    expect(steps).toContain("∂(x^2)/∂x = 2x (pow: ∂(a^b)/∂a = b·a^(b - 1))");
    expect(steps).toContain("∂y/∂t = cos t (sin: ∂(sin a)/∂a = cos a)");
    expect(steps).toContain("∂f/∂(x^2) = 1 (add: ∂(a + b)/∂a = 1)");
    expect(e.sum.value).toBeCloseTo(4 * T ** 3 + Math.sin(2 * T), 15);
  });

  it("rejects a wrt the output does not depend on, and bad options", () => {
    expect(() => explainExpression("f = x^2", { wrt: "z", at: { x: 1 } })).toThrow(
      /wrt must name a variable f depends on \(x, f\), got "z"/,
    );
    expect(() => explainExpression("f = x^2", { wrt: "x", at: { x: 1 }, limit: 0 })).toThrow(
      /limit must be an integer >= 1/,
    );
  });
});

describe("explain on recorded graphs", () => {
  it("splits x·x by operand: two paths, each worth x", () => {
    const x = tensor(3, { dtype: "float64", requiresGrad: true });
    const y = x.mul(x);
    const e = explain(y, x, { names: { x, y } });
    expect(e.pathCount).toBe("2");
    expect(e.paths.map((p) => p.product)).toEqual([3, 3]);
    expect(e.localDerivatives.map((s) => s.rule)).toEqual(["∂(a·b)/∂a = b", "∂(a·b)/∂b = a"]);
    expect(e.sum).toEqual({ value: 6, symbolic: "2x" });
  });

  it("labels unnamed tensors x, y and formulas, with a legend for long ones", () => {
    const x = tensor(0.5, { requiresGrad: true });
    const y = x.mul(2).add(1).tanh();
    const e = explain(y, x);
    expect(e.wrt).toBe("x");
    expect(e.output).toBe("y");
    expect(e.paths[0].nodes).toEqual(["x", "2x", "2x + 1", "y"]);
    expect(e.legend).toEqual([{ label: "y", definition: "tanh(2x + 1)" }]);
    expect(e.sum.value).toBeCloseTo(2 * (1 - Math.tanh(2) ** 2), 6);
  });

  it("sums 2^60 paths exactly by dynamic programming while listing only a few", () => {
    const x = tensor(0.3, { dtype: "float64", requiresGrad: true });
    let h: Tensor = x;
    // Each level has two routes (through sin and directly), so 60 levels give 2^60 paths.
    for (let i = 0; i < 60; i++) h = h.sin().add(h).mul(0.5);
    const e = explain(h, x, { limit: 5 });
    expect(e.pathCount).toBe((2n ** 60n).toString());
    expect(e.paths).toHaveLength(5);
    expect(e.omitted.count).toBe((2n ** 60n - 5n).toString());
    expect(Math.abs(e.sum.value - e.autograd)).toBeLessThan(1e-14 * Math.abs(e.autograd));
    expect(Math.abs(e.numeric.value! - e.autograd)).toBeLessThan(1e-8);
    expect(e.omitted.sum + e.paths.reduce((a, p) => a + p.product, 0)).toBeCloseTo(e.sum.value, 14);
    // Largest first: the direct route has local derivative 1 > cos h at every level.
    const products = e.paths.map((p) => Math.abs(p.product));
    expect([...products].sort((a, b) => b - a)).toEqual(products);
    expect(e.sum.symbolic).toBeNull();
    expect(formatExplanation(e)).toContain("... 1,152,921,504,606,846,971 more paths (smaller |product|)");
  });

  it("finds the k largest |products| that brute-force enumeration finds", () => {
    // A layered random DAG: 5 layers of 4 nodes, every node linked to every node of the next layer.
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    const layers = [[0], [1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16], [17]];
    const edges: PathEdge[] = [];
    for (let l = 0; l + 1 < layers.length; l++)
      for (const a of layers[l])
        for (const b of layers[l + 1]) edges.push({ from: a, to: b, value: 3 * random() });
    const all: number[] = [];
    const walk = (node: number, product: number) => {
      if (node === 17) all.push(product);
      for (const e of edges) if (e.from === node) walk(e.to, product * e.value);
    };
    walk(0, 1);
    const r = analysePaths(18, edges, 0, 17, [...Array(18).keys()], 7);
    expect(r.count).toBe(BigInt(all.length));
    expect(all.length).toBe(256);
    const expected = [...all].sort((a, b) => Math.abs(b) - Math.abs(a)).slice(0, 7);
    r.top.forEach((p, i) => {
      expect(p.product).toBeCloseTo(expected[i], 14);
    });
    expect(r.sums[0]).toBeCloseTo(
      all.reduce((a, b) => a + b, 0),
      13,
    );
  });

  it("groups a tensor graph by node: the tutorial network's loss with respect to W1", () => {
    const { x, y, W1, b1, W2, b2 } = tutorialProblem();
    const a1 = x.matmul(W1).add(b1).sigmoid();
    const a2 = a1.matmul(W2).add(b2).sigmoid();
    const loss = a2.sub(y).pow(2).mean();
    const e = explain(loss, W1, { names: { X: x, y, W1, b1, W2, b2, a1, a2, loss } });
    expect(e.mode).toBe("tensor");
    loss.backward();
    const g = Array.from(W1.grad!._storage);
    const norm = Math.sqrt(g.reduce((a, v) => a + v * v, 0));
    expect(e.tensor!.gradient.norm).toBeCloseTo(norm, 15);
    expect(e.autograd).toBeCloseTo(norm, 15);
    expect(e.sum.value).toBeCloseTo(norm, 15);
    expect(Math.abs(e.numeric.value! - norm)).toBeLessThan(1e-8 * (1 + norm));
    expect(e.numeric.method).toBe("directional");
    expect(e.tensor!.contributions).toEqual([
      { via: "v1", op: "matmul", slot: 1, norm: expect.closeTo(norm, 15) },
    ]);
    const flows = e.tensor!.nodes.map((n) => n.gradNorm);
    expect([...flows].sort((a, b) => b - a)).toEqual(flows);
    expect(e.tensor!.nodes[0]).toMatchObject({ label: "loss", gradNorm: 1, shape: [] });
    expect(formatExplanation(e)).toContain("How ∂loss/∂W1 arrives");
  });

  it("splits a tensor's gradient over the ops that read it; the parts sum to autograd", () => {
    const x = tensor([0.2, -0.4, 0.9], { dtype: "float64", requiresGrad: true });
    const y = x.mul(2).add(x.sin()).add(x.matmul(x)).sum();
    const e = explain(y, x);
    const parts = e.tensor!.contributions;
    // The 1-D dot product reads x through two reshapes (to a row and to a column).
    expect(parts.map((c) => c.op).sort()).toEqual(["mul", "reshape", "reshape", "sin"]);
    expect(e.tensor!.contributionError).toBeLessThan(1e-14);
    // The dot product x·x is broadcast over the three elements before the sum: 3 · 2x.
    const expected = [0.2, -0.4, 0.9].map((v) => 2 + Math.cos(v) + 6 * v);
    expect(e.tensor!.gradient.norm).toBeCloseTo(Math.hypot(...expected), 14);
  });

  it("reports no path for an unrelated tensor, and rejects bad arguments", () => {
    const x = tensor(1, { requiresGrad: true });
    const z = tensor(2, { requiresGrad: true });
    const e = explain(z.mul(3), x);
    expect(e.pathCount).toBe("0");
    expect(e.sum.value).toBe(0);
    expect(e.autograd).toBe(0);
    expect(e.numeric.value).toBe(0);
    expect(() => explain(tensor([1, 2], { requiresGrad: true }).mul(2), x)).toThrow(AutogradError);
    expect(() => explain(x.mul(2), 3 as unknown as Tensor)).toThrow(TypeMismatchError);
    expect(() => explain(x.mul(2), x, { limit: 1.5 })).toThrow(/limit must be an integer >= 1, got 1.5/);
  });
});
