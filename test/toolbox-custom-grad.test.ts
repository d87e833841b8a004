// customGrad: user-written derivative rules (a straight-through estimator, a stable log(1 + e^x)), checked
// by gradcheck, in the graph, with forward mode, and their error messages.

import { describe, expect, it } from "vitest";
import {
  AutogradError,
  customGrad,
  formatGradcheckReport,
  grad,
  gradcheck,
  gradgradcheck,
  hessian,
  jacfwd,
  jacrev,
  jvp,
  noGrad,
  ShapeError,
  type Tensor,
  TypeMismatchError,
  tensor,
  ValueError,
  vjp,
} from "../src/index.js";

const f64 = (data: number | number[]): Tensor => tensor(data, { dtype: "float64" });
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe("a straight-through estimator", () => {
  // Forward: sign (a zero derivative almost everywhere). Backward: the gradient passes where |x| <= 1.
  const ste = customGrad(
    (x: Tensor) => x.sign(),
    (g, { inputs: [x] }) => g.mul(x.abs().le(1)),
    { name: "ste" },
  );

  it("computes sign in the forward and passes the gradient through where |x| <= 1", () => {
    const x = f64([-2, -0.5, 0.25, 3]);
    expect(ste(x).toArray()).toEqual([-1, -1, 1, 1]);
    const w = f64([1, 2, 3, 4]);
    expect(grad((u: Tensor) => ste(u).mul(w).sum())(x).toArray()).toEqual([0, 2, 3, 0]);
    // without the custom rule, sign has no gradient at all
    expect(grad((u: Tensor) => u.sign().mul(w).sum())(x).toArray()).toEqual([0, 0, 0, 0]);
  });

  it("works with backward() and shows in the graph as one named node", () => {
    const x = tensor([-0.5, 2], { dtype: "float64", requiresGrad: true });
    const y = ste(x);
    expect(y.gradFn).toBe("customGrad(ste)");
    expect(y._node?.inputs).toEqual([x]);
    expect(y._node?.attrs).toEqual({ name: "ste" });
    y.mul(x).sum().backward();
    // d/dx [ste(x) x] = ste'(x) x + sign(x) = [1 · -0.5 - 1, 0 · 2 + 1]
    expect(x.grad?.toArray()).toEqual([-1.5, 1]);
  });

  it("trains a sign-quantised weight: the loss falls", () => {
    let w = f64([0.3, -0.2, 0.6]);
    const x = f64([1, 2, -1]);
    const loss = (u: Tensor) => ste(u).mul(x).sum().sub(4).square();
    const start = loss(w).item();
    for (let i = 0; i < 20; i++) w = w.sub(grad(loss)(w).mul(0.05)).detach();
    // sign(w)·x = 1 - 2 - 1 = -2, so the loss starts at (-2 - 4)² = 36; two steps reach sign(w) = [1, 1, -1].
    expect(start).toBe(36);
    expect(loss(w).item()).toBe(0);
    expect(ste(w).toArray()).toEqual([1, 1, -1]);
  });
});

describe("a numerically stable log(1 + e^x) with its own rule", () => {
  // The derivative σ(x), written with tensor ops on the input so it can be differentiated again.
  const log1pexp = customGrad(
    (x: Tensor) => x.softplus(),
    (g, { inputs: [x] }) => g.mul(x.sigmoid()),
    { name: "log1pexp", jvp: ([t], { inputs: [x] }) => (t === null ? null : t.mul(x.sigmoid())) },
  );
  // The same, with σ(x) computed once in the forward and saved.
  const saving = customGrad(
    (x: Tensor) => ({ output: x.softplus(), saved: x.sigmoid() }),
    (g, { saved }) => g.mul(saved),
  );

  it("stays finite where the naive formula's gradient is NaN (float32, x = 100)", () => {
    const x = tensor([100, 0, -100]);
    const naive = grad((u: Tensor) => u.exp().add(1).log().sum())(x);
    expect(Number.isNaN(naive.data[0])).toBe(true);
    for (const f of [log1pexp, saving]) {
      const [g100, g0, gMinus100] = grad((u: Tensor) => f(u).sum())(x).data;
      expect([g100, g0]).toEqual([1, 0.5]);
      expect(gMinus100).toBeGreaterThanOrEqual(0);
      expect(gMinus100).toBeLessThan(1e-40);
    }
    const [y100, y0] = log1pexp(x).data;
    expect([y100, y0]).toEqual([100, Math.fround(Math.LN2)]);
  });

  it("passes gradcheck and gradgradcheck in float64", () => {
    const x = f64([-3, -0.5, 0, 0.7, 4]);
    const r = gradcheck((u: Tensor) => log1pexp(u).mul(u), [x]);
    expect(r.ok, formatGradcheckReport(r)).toBe(true);
    const s = gradcheck((u: Tensor) => saving(u).mul(u), [x]);
    expect(s.ok, formatGradcheckReport(s)).toBe(true);
    const rr = gradgradcheck((u: Tensor) => log1pexp(u).mul(u), [x]);
    expect(rr.ok, formatGradcheckReport(rr)).toBe(true);
  });

  it("differentiates in forward mode with its jvp rule: jacfwd = jacrev, hessian = σ(x)(1 - σ(x))", () => {
    const x = f64([-1, 0.5, 2]);
    expect(jacfwd(log1pexp)(x).data).toEqual(jacrev(log1pexp)(x).data);
    const H = hessian((u: Tensor) => log1pexp(u).sum())(x);
    const want = [-1, 0.5, 2].map((v, i) =>
      [-1, 0.5, 2].map((_, j) => (i === j ? sigmoid(v) * (1 - sigmoid(v)) : 0)),
    );
    H.data.forEach((h, k) => {
      expect(h).toBeCloseTo(want.flat()[k], 14);
    });
  });

  it("without a jvp rule, forward mode is a clear error; reverse mode still works", () => {
    expect(() => jvp(saving, [f64([1])], [f64([1])])).toThrow(AutogradError);
    expect(() => jvp(saving, [f64([1])], [f64([1])])).toThrow(
      "customGrad: forward mode (jvp, jacfwd, hessian) needs a tangent rule, got none; pass { jvp: (tangents, ctx) => ... } in the options, or use reverse mode (grad, vjp, jacrev)",
    );
    expect(jacrev(saving)(f64([0])).toArray()).toEqual([[0.5]]);
  });
});

describe("customGrad with several inputs", () => {
  // a · b with the rule written by hand; `needs` says which gradients are wanted.
  const calls: boolean[][] = [];
  const product = customGrad(
    (a: Tensor, b: Tensor) => a.mul(b),
    (g, { inputs: [a, b] }, needs) => {
      calls.push([...needs]);
      return [needs[0] ? g.mul(b) : null, needs[1] ? g.mul(a) : null];
    },
    {
      name: "product",
      jvp: ([ta, tb], { inputs: [a, b] }) => {
        if (ta === null) return tb === null ? null : tb.mul(a);
        return tb === null ? ta.mul(b) : ta.mul(b).add(tb.mul(a));
      },
    },
  );

  it("returns one gradient per input and is told which are needed", () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const [ga, gb] = vjp(product, a, b).vjp(f64([1, 1]));
    expect(ga.toArray()).toEqual([3, 4]);
    expect(gb.toArray()).toEqual([1, 2]);
    calls.length = 0;
    expect(grad((u: Tensor) => product(u, b).sum())(a).toArray()).toEqual([3, 4]);
    expect(calls).toEqual([[true, false]]);
  });

  it("agrees with the built-in product in both modes", () => {
    const a = f64([0.5, -1.5]);
    const b = f64([2, 0.25]);
    const J = jacfwd(product, { argnums: [0, 1] })(a, b);
    const K = jacrev((u: Tensor, v: Tensor) => u.mul(v), { argnums: [0, 1] })(a, b);
    // (+ 0 turns -0 into 0: the two compute the zero off-diagonal entries with different signs)
    const values = (ts: Tensor[]) => ts.map((t) => Array.from(t.data, (v) => v + 0));
    expect(values(J)).toEqual(values(K));
  });
});

describe("customGrad and the rest of autograd", () => {
  it("records nothing under noGrad, and its forward is never recorded", () => {
    const f = customGrad(
      (x: Tensor) => x.exp().mul(2),
      (g) => g,
    );
    const x = tensor([1], { requiresGrad: true });
    expect(noGrad(() => f(x)).requiresGrad).toBe(false);
    const y = f(x);
    expect(y._node?.inputs).toEqual([x]); // the exp and mul of the forward are not in the graph
  });

  it("gives the output a tensor of its own when the forward returns an input", () => {
    const id = customGrad(
      (x: Tensor) => x,
      (g) => g.mul(3),
    );
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(1);
    const y = id(h);
    expect(y).not.toBe(h);
    expect(h.gradFn).toBe("mul");
    y.sum().backward();
    expect(x.grad?.toArray()).toEqual([3, 3]);
  });

  it("hides the forward from forward mode: the tangent follows the rule, not the forward's ops", () => {
    const ste = customGrad(
      (x: Tensor) => x.sign(),
      (g) => g,
      { jvp: ([t]) => t },
    );
    expect(jvp(ste, [f64([-2, 3])], [f64([5, 7])]).tangent.toArray()).toEqual([5, 7]);
  });
});

describe("customGrad errors", () => {
  const x = tensor([1, 2], { requiresGrad: true });

  it("names the input whose gradient has the wrong shape", () => {
    const bad = customGrad(
      (u: Tensor) => u.sum(),
      (g) => g.expand([3]),
    );
    expect(() => bad(x).backward()).toThrow(ShapeError);
    expect(() => bad(x).backward()).toThrow(
      "customGrad: backward returned shape [3] for input 0 of shape [2]",
    );
    const named = customGrad(
      (u: Tensor, v: Tensor) => u.add(v),
      (g) => [g, g.sum()],
      { name: "pair" },
    );
    expect(() => named(x, x).sum().backward()).toThrow(
      "customGrad(pair): backward returned shape [] for input 1 of shape [2]",
    );
  });

  it("rejects a backward result of the wrong length or kind", () => {
    const two = customGrad(
      (u: Tensor, v: Tensor) => u.mul(v),
      (g) => g,
    );
    expect(() => two(x, x).sum().backward()).toThrow(
      "customGrad: backward must return one gradient (a Tensor or null) per input (2), got a float32 tensor of shape [2]",
    );
    const text = customGrad(
      (u: Tensor) => u.mul(2),
      () => ["nope" as unknown as Tensor],
    );
    expect(() => text(x).sum().backward()).toThrow(TypeMismatchError);
    expect(() => text(x).sum().backward()).toThrow(
      'customGrad: backward must return a Tensor or null for input 0, got "nope"',
    );
  });

  it("rejects a bad forward, bad arguments and bad options", () => {
    const noTensor = customGrad(
      (u: Tensor) => u.sum().item() as unknown as Tensor,
      (g) => g,
    );
    expect(() => noTensor(x)).toThrow("customGrad: forward must return a Tensor or { output, saved }, got 3");
    expect(() => customGrad("f" as unknown as (u: Tensor) => Tensor, (g) => g)).toThrow(
      'customGrad: forward must be a function, got "f"',
    );
    expect(() => customGrad((u: Tensor) => u, 1 as unknown as (g: Tensor) => Tensor)).toThrow(
      "customGrad: backward must be a function, got 1",
    );
    expect(() =>
      customGrad(
        (u: Tensor) => u,
        (g) => g,
        { name: "" },
      ),
    ).toThrow(ValueError);
    const f = customGrad(
      (u: Tensor) => u,
      (g) => g,
    );
    expect(() => f([1, 2] as unknown as Tensor)).toThrow(
      "customGrad: input 0 must be a Tensor, got an array of length 2",
    );
  });

  it("checks the shape of the jvp rule's tangent", () => {
    const f = customGrad(
      (u: Tensor) => u.sum(),
      (g) => g,
      { jvp: ([t]) => t },
    );
    expect(() => jvp(f, [f64([1, 2])], [f64([1, 1])])).toThrow(
      "customGrad: jvp returned shape [2] for an output of shape []",
    );
  });
});
