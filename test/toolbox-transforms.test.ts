// vjp, jvp, jacobian (forward and reverse), hessian: the tutorial's chain-rule examples, closed forms,
// finite differences, the two modes against each other, nesting, and error messages.

import { describe, expect, it } from "vitest";
import {
  AutogradError,
  concat,
  eye,
  grad,
  hessian,
  jacfwd,
  jacobian,
  jacrev,
  jvp,
  noGrad,
  ones,
  ShapeError,
  stack,
  Tensor,
  TypeMismatchError,
  tensor,
  ValueError,
  vjp,
  zeros,
} from "../src/index.js";
import { closeViolation, rng } from "./op-table.js";

const f64 = (data: number | number[] | number[][]): Tensor => tensor(data, { dtype: "float64" });

function randomF64(shape: number[], seed: number): Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Float64Array.from({ length: n }, () => 2 * r() - 1),
    { shape, dtype: "float64" },
  );
}

function expectClose(
  got: Tensor | ArrayLike<number>,
  want: ArrayLike<number>,
  rtol = 1e-12,
  atol = 1e-13,
): void {
  expect(closeViolation(got instanceof Tensor ? got.data : got, want, rtol, atol)).toBeNull();
}

/** Row-major values of a nested array. */
const flat = (a: number[][]): number[] => a.flat();

describe("the tutorial's chain-rule examples", () => {
  // f(u) = u², u = 3x + 1  ⇒  df/dx = 2u · 3 = 6(3x + 1)
  const f = (x: Tensor) => x.mul(3).add(1).square();
  const xs = [-1, 0, 0.5, 2];

  it("f(u) = u², u = 3x + 1: jvp gives 6(3x + 1)", () => {
    for (const x of xs) {
      const { value, tangent } = jvp(f, [f64(x)], [f64(1)]);
      expect(value.item()).toBeCloseTo((3 * x + 1) ** 2, 12);
      expect(tangent.item()).toBeCloseTo(6 * (3 * x + 1), 12);
    }
  });

  it("f(u) = u², u = 3x + 1: vjp gives 6(3x + 1), elementwise over a vector of x", () => {
    const { value, vjp: pullback } = vjp(f, f64(xs));
    expectClose(
      value,
      xs.map((x) => (3 * x + 1) ** 2),
    );
    const [g] = pullback(ones([4], { dtype: "float64" }));
    expectClose(
      g,
      xs.map((x) => 6 * (3 * x + 1)),
    );
    // A diagonal Jacobian, the same by both modes.
    const diag = xs.map((x, i) => xs.map((_, j) => (i === j ? 6 * (3 * x + 1) : 0)));
    expectClose(jacfwd(f)(f64(xs)), flat(diag));
    expectClose(jacrev(f)(f64(xs)), flat(diag));
  });

  // f = x² + y², x = t², y = sin t  ⇒  df/dt = 2x · 2t + 2y · cos t = 4t³ + 2 sin t cos t
  const g = (t: Tensor) => t.square().square().add(t.sin().square());
  const closed = (t: number) => 4 * t ** 3 + 2 * Math.sin(t) * Math.cos(t);

  it("f = x² + y², x = t², y = sin t: jvp and vjp give 4t³ + 2 sin t cos t", () => {
    for (const t of [0.7, -1.3, 0, 2.5]) {
      expect(jvp(g, [f64(t)], [f64(1)]).tangent.item()).toBeCloseTo(closed(t), 12);
      expect(vjp(g, f64(t)).vjp()[0].item()).toBeCloseTo(closed(t), 12);
    }
  });

  it("the same through the multivariable chain rule: ∂f/∂x dx/dt + ∂f/∂y dy/dt, as one jvp in (x, y)", () => {
    const fxy = (x: Tensor, y: Tensor) => x.square().add(y.square());
    const t = 0.7;
    // Push the tangent (dx/dt, dy/dt) = (2t, cos t) through f at (x, y) = (t², sin t).
    const { tangent } = jvp(fxy, [f64(t * t), f64(Math.sin(t))], [f64(2 * t), f64(Math.cos(t))]);
    expect(tangent.item()).toBeCloseTo(closed(t), 12);
    // And the reverse: the cotangent 1 pulled back gives (∂f/∂x, ∂f/∂y) = (2x, 2y).
    const [gx, gy] = vjp(fxy, f64(t * t), f64(Math.sin(t))).vjp();
    expect(gx.item()).toBeCloseTo(2 * t * t, 12);
    expect(gy.item()).toBeCloseTo(2 * Math.sin(t), 12);
  });

  it("the second derivative d²f/dt² = 12t² + 2 cos 2t, by forward over forward, forward over reverse and hessian", () => {
    const t = 0.7;
    const want = 12 * t * t + 2 * Math.cos(2 * t);
    const dg = (u: Tensor) => jvp(g, [u], [ones([], { dtype: "float64" })]).tangent;
    expect(jvp(dg, [f64(t)], [f64(1)]).tangent.item()).toBeCloseTo(want, 11);
    expect(jvp(grad(g), [f64(t)], [f64(1)]).tangent.item()).toBeCloseTo(want, 11);
    expect(hessian(g)(f64(t)).item()).toBeCloseTo(want, 11);
    expect(grad(grad(g))(f64(t)).item()).toBeCloseTo(want, 11);
  });
});

describe("vjp", () => {
  const W = randomF64([3, 4], 1);
  const b = randomF64([3], 2);
  const layer = (x: Tensor, w: Tensor, c: Tensor) => w.matmul(x).add(c).tanh();

  it("pulls a cotangent back to every primal: cᵀJ, checked against grad of Σ c ⊙ f", () => {
    const x = randomF64([4], 3);
    const ct = randomF64([3], 4);
    const { value, vjp: pullback } = vjp(layer, x, W, b);
    expectClose(value, layer(x, W, b).data);
    const got = pullback(ct);
    const want = grad((...a: Tensor[]) => layer(a[0], a[1], a[2]).mul(ct).sum(), { argnums: [0, 1, 2] })(
      x,
      W,
      b,
    );
    expect(got.map((t) => t.shape)).toEqual([[4], [3, 4], [3]]);
    got.forEach((t, i) => {
      expectClose(t, want[i].data);
    });
    // The pullback can be called again, with another cotangent: it is linear in it.
    const twice = pullback(ct.mul(2));
    twice.forEach((t, i) => {
      expectClose(t, want[i].mul(2).data);
    });
  });

  it("with a list of outputs: one cotangent per output, null for zero", () => {
    const x = f64([0.5, -1]);
    const { value, vjp: pullback } = vjp((u: Tensor) => [u.sin(), u.square().sum()], x);
    expect(value.map((v) => v.shape)).toEqual([[2], []]);
    expectClose(pullback([f64([1, 1]), null])[0], [Math.cos(0.5), Math.cos(-1)]);
    expectClose(pullback([null, f64(1)])[0], [1, -2]);
    expectClose(pullback([f64([1, 0]), f64(2)])[0], [Math.cos(0.5) + 2, -4]);
  });

  it("takes numbers as float64 scalars, needs no requiresGrad and writes no .grad", () => {
    const x = f64([1, 2]);
    const { vjp: pullback } = vjp((u: Tensor, s: Tensor) => u.mul(s).sum(), x, 3);
    const [gx, gs] = pullback();
    expectClose(gx, [3, 3]);
    expect(gs.dtype).toBe("float64");
    expect(gs.item()).toBe(3);
    expect(x.grad).toBeNull();
  });

  it("gives zeros for a primal the output does not depend on", () => {
    const [, gy] = vjp((x: Tensor, _y: Tensor) => x.square().sum(), f64([1]), f64([5, 6])).vjp();
    expectClose(gy, [0, 0]);
  });

  it("rejects a missing or misshapen cotangent with a clear message", () => {
    const { vjp: pullback } = vjp((x: Tensor) => x.sin(), f64([1, 2]));
    expect(() => pullback()).toThrow(ValueError);
    expect(() => pullback()).toThrow(
      /^vjp: cotangent must be a Tensor of the output's shape \[2\], got undefined/,
    );
    expect(() => pullback(f64([1, 2, 3]))).toThrow("vjp: gradient must have the output's shape [2], got [3]");
    expect(() => vjp((x: Tensor) => x.sum().item() as unknown as Tensor, f64([1]))).toThrow(
      "vjp: the function must return a Tensor or a non-empty array of Tensors, got 1",
    );
    const multi = vjp((x: Tensor) => [x, x], f64([1]));
    expect(() => multi.vjp([f64([1])])).toThrow(/^vjp: expected an array of 2 cotangents/);
  });
});

describe("jvp", () => {
  const f = (x: Tensor, y: Tensor) => x.matmul(y).sigmoid().mul(x.sum());

  it("equals J · v, the Jacobian from reverse mode times the tangents", () => {
    const x = randomF64([2, 3], 5);
    const y = randomF64([3, 2], 6);
    const vx = randomF64([2, 3], 7);
    const vy = randomF64([3, 2], 8);
    const { value, tangent } = jvp(f, [x, y], [vx, vy]);
    expectClose(value, f(x, y).data);
    const [jx, jy] = jacrev(f, { argnums: [0, 1] })(x, y);
    const want = jx
      .reshape([4, 6])
      .matmul(vx.reshape([6]))
      .add(jy.reshape([4, 6]).matmul(vy.reshape([6])));
    expectClose(tangent, want.data);
  });

  it("is linear in the tangent", () => {
    const x = randomF64([3], 9);
    const v = randomF64([3], 10);
    const w = randomF64([3], 11);
    const h = (u: Tensor) => u.exp().mul(u.cos()).logSoftmax(0);
    const combo = jvp(h, [x], [v.mul(2).sub(w.mul(3))]).tangent;
    const parts = jvp(h, [x], [v])
      .tangent.mul(2)
      .sub(jvp(h, [x], [w]).tangent.mul(3));
    expectClose(combo, parts.data, 1e-12, 1e-14);
  });

  it("works with a list of outputs, numbers, and the same tensor passed twice", () => {
    const x = f64([1, 2]);
    const { value, tangent } = jvp(
      (a: Tensor, b: Tensor) => [a.mul(b), a.sub(b)],
      [x, x],
      [f64([1, 0]), f64([0, 1])],
    );
    expectClose(value[0], [1, 4]);
    expectClose(tangent[0], [1, 2]); // d(ab) = b da + a db = [1·1 + 1·0, 2·0 + 2·1]
    expectClose(tangent[1], [1, -1]);
    expect(jvp((s: Tensor) => s.square(), [3], [1]).tangent.item()).toBe(6);
  });

  it("gives zeros for an output that does not depend on the primals, and the tangent for the identity", () => {
    const c = f64([4, 5]);
    expectClose(jvp((_x: Tensor) => c.mul(2), [f64([1, 1])], [f64([1, 1])]).tangent, [0, 0]);
    expectClose(jvp((x: Tensor) => x, [f64([1, 1])], [f64([3, -2])]).tangent, [3, -2]);
  });

  it("carries tangents under noGrad; detach() stops them", () => {
    const x = f64([0.3]);
    expect(jvp((u: Tensor) => noGrad(() => u.sin()), [x], [f64([1])]).tangent.item()).toBeCloseTo(
      Math.cos(0.3),
      14,
    );
    expect(jvp((u: Tensor) => u.detach().sin().add(u), [x], [f64([1])]).tangent.item()).toBe(1);
  });

  it("keeps nested perturbations apart: d/dx [x · d/dy (x + y)] = 1 (Siskind and Pearlmutter)", () => {
    const inner = (x: Tensor) => jvp((y: Tensor) => x.add(y), [f64(1)], [f64(1)]).tangent;
    const outer = jvp((x: Tensor) => x.mul(inner(x)), [f64(1)], [f64(1)]);
    expect(outer.value.item()).toBe(1);
    expect(outer.tangent.item()).toBe(1); // perturbation confusion would give 2
  });

  it("third derivative by forward over forward over forward: d³/dx³ x⁴ = 24x", () => {
    const d = (h: (u: Tensor) => Tensor) => (u: Tensor) =>
      jvp(h, [u], [ones([], { dtype: "float64" })]).tangent;
    const quartic = (u: Tensor) => u.pow(4);
    expect(d(d(d(quartic)))(f64(1.5)).item()).toBeCloseTo(36, 12);
  });

  it("reverse over forward: grad of a jvp is a Hessian-vector product (for a symmetric Hessian)", () => {
    const product = (u: Tensor) =>
      u
        .slice(0, 0, 1)
        .mul(u.slice(0, 1, 2))
        .mul(u.slice(0, 2, 3))
        .sum();
    const h = (u: Tensor) => u.sin().mul(u.square()).sum().add(product(u));
    const x = randomF64([3], 12);
    const v = randomF64([3], 13);
    const hv = grad((u: Tensor) => jvp(h, [u], [v]).tangent)(x);
    const H = hessian(h)(x);
    expectClose(hv, H.matmul(v).data, 1e-12, 1e-13);
    // and forward over reverse: jvp of grad
    expectClose(jvp(grad(h), [x], [v]).tangent, H.matmul(v).data, 1e-12, 1e-13);
  });

  it("rejects bad arguments with clear messages", () => {
    const sin = (u: Tensor) => u.sin();
    expect(() => jvp(sin, [f64([1, 2])], [f64([1, 2, 3])])).toThrow(ShapeError);
    expect(() => jvp(sin, [f64([1, 2])], [f64([1, 2, 3])])).toThrow(
      "jvp: tangent 0 must have the shape of primal 0, [2], got [3]",
    );
    expect(() => jvp(sin, [f64([1, 2])], [])).toThrow(
      "jvp: expected one tangent per primal (1), got 0 tangents",
    );
    expect(() => jvp(sin, [f64([1, 2])], [1])).toThrow(
      "jvp: tangent 0 must be a Tensor of the primal's shape [2], got the number 1",
    );
    expect(() => jvp(sin, ["x" as unknown as Tensor], [1])).toThrow(TypeMismatchError);
    expect(() => jvp(sin, ["x" as unknown as Tensor], [1])).toThrow(
      'jvp: primal 0 must be a Tensor or a number, got "x"',
    );
    expect(() => jvp(42 as unknown as typeof sin, [1], [1])).toThrow("jvp: f must be a function, got 42");
    expect(() => jvp(sin, f64([1]) as unknown as Tensor[], [1])).toThrow(/^jvp: primals must be an array/);
  });
});

// Test functions for jacfwd = jacrev: (name, f, input shapes).
const W = randomF64([3, 4], 20);
const JAC_CASES: [string, (...xs: Tensor[]) => Tensor, number[][]][] = [
  ["tanh(Wx + b)", (x, w, c) => w.matmul(x).add(c).tanh(), [[4], [3, 4], [3]]],
  ["softmax over rows", (x) => x.softmax(1), [[2, 3]]],
  ["logSumExp", (x) => x.logSumExp(0), [[4, 2]]],
  ["x / |x|", (x) => x.div(x.square().sum().sqrt()), [[3]]],
  [
    "cross-entropy of logits",
    (x) =>
      x
        .logSoftmax(1)
        .mul(
          tensor(
            [
              [1, 0, 0],
              [0, 0, 1],
            ],
            { dtype: "float64" },
          ),
        )
        .sum()
        .neg(),
    [[2, 3]],
  ],
  [
    "batched matmul",
    (a, b) => a.matmul(b),
    [
      [2, 2, 3],
      [3, 2],
    ],
  ],
  ["gelu, silu, softplus", (x) => x.gelu().add(x.silu()).mul(x.softplus()), [[5]]],
  [
    "concat, stack, gather, slice",
    (x, y) => stack([concat([x, y], 0).slice(0, 1, 4), y.gather(0, [2, 0, 1]).mul(x.slice(0, 0, 3))]),
    [[3], [3]],
  ],
  ["variance and mean", (x) => x.var(1).add(x.mean(0).sum()), [[3, 4]]],
  ["pow with both tensor arguments", (a, b) => a.abs().add(0.5).pow(b), [[2, 2], [2]]],
  ["where, maximum, clamp", (x, y) => x.gt(0).where(x.maximum(y), x.clamp(-0.3, 0.3)), [[4], [4]]],
  ["a module-like MLP", (x) => W.matmul(x).relu().sum(0).sigmoid(), [[4, 2]]],
  ["sum to a scalar of a transposed product", (x) => x.T.matmul(x).sum(), [[3, 2]]],
];

describe("jacobian: forward mode equals reverse mode", () => {
  for (const [name, f, shapes] of JAC_CASES) {
    it(name, () => {
      const xs = shapes.map((s, i) => randomF64(s, 30 + i));
      const out = f(...xs);
      const argnums = xs.map((_, i) => i);
      const fwd = jacfwd(f, { argnums })(...xs);
      const rev = jacrev(f, { argnums })(...xs);
      const dflt = jacobian(f, { argnums })(...xs);
      const viaMode = jacobian(f, { argnums, mode: "forward" })(...xs);
      xs.forEach((x, i) => {
        expect(fwd[i].shape).toEqual([...out.shape, ...x.shape]);
        expect(rev[i].shape).toEqual(fwd[i].shape);
        expectClose(fwd[i], rev[i].data, 1e-12, 1e-14);
        expectClose(dflt[i], rev[i].data, 0, 0);
        expectClose(viaMode[i], fwd[i].data, 0, 0);
      });
      // and against central differences, column by column
      xs.forEach((x, i) => {
        const cols: number[][] = [];
        for (let j = 0; j < x.size; j++) {
          const shifted = (s: number) => {
            const d = Float64Array.from(x.data);
            d[j] += s * 1e-6;
            const args = [...xs];
            args[i] = tensor(d, { shape: [...x.shape], dtype: "float64" });
            return f(...args).data;
          };
          const p = shifted(1);
          const m = shifted(-1);
          cols.push(Array.from(p, (v, k) => (v - m[k]) / 2e-6));
        }
        const numeric = Array.from(
          { length: out.size * x.size },
          (_, k) => cols[k % x.size][Math.floor(k / x.size)],
        );
        expectClose(fwd[i], numeric, 1e-6, 1e-7);
      });
    });
  }
});

describe("jacobian: shapes and closed forms", () => {
  it("has shape [...f(x).shape, ...x.shape] (JAX's convention)", () => {
    const x = randomF64([2, 3], 40);
    expect(jacobian((u: Tensor) => u.sum(1).square())(x).shape).toEqual([2, 2, 3]);
    expect(jacobian((u: Tensor) => u.sum())(x).shape).toEqual([2, 3]);
    expect(jacfwd((s: Tensor) => x.mul(s))(f64(2)).shape).toEqual([2, 3]);
    expect(jacrev((s: Tensor) => s.sin())(f64(2)).shape).toEqual([]);
    expect(jacfwd((s: Tensor) => s.sin())(f64(2)).shape).toEqual([]);
    expect(jacfwd((u: Tensor) => u.sum())(zeros([0], { dtype: "float64" })).shape).toEqual([0]);
    expect(jacrev((u: Tensor) => u.mul(2))(zeros([0], { dtype: "float64" })).shape).toEqual([0, 0]);
  });

  it("of A x is A; of softmax is diag(p) - p pᵀ", () => {
    const A = randomF64([3, 4], 41);
    const x = randomF64([4], 42);
    expectClose(jacrev((u: Tensor) => A.matmul(u))(x), A.data);
    expectClose(jacfwd((u: Tensor) => A.matmul(u))(x), A.data);
    const z = f64([0.1, -0.4, 1.2]);
    const p = Array.from(z.softmax(0).data);
    const want = p.flatMap((pi, i) => p.map((pj, j) => (i === j ? pi : 0) - pi * pj));
    expectClose(jacfwd((u: Tensor) => u.softmax(0))(z), want, 1e-14, 1e-15);
    expectClose(jacrev((u: Tensor) => u.softmax(0))(z), want, 1e-14, 1e-15);
  });

  it("shares the gradient among tied maxima in both modes", () => {
    const x = f64([1, 3, 3, 2]);
    expectClose(jacfwd((u: Tensor) => u.max())(x), [0, 0.5, 0.5, 0]);
    expectClose(jacrev((u: Tensor) => u.max())(x), [0, 0.5, 0.5, 0]);
  });

  it("gives one Jacobian per output for a function returning an array", () => {
    const x = f64([0.2, 0.9]);
    const [js, jq] = jacfwd((u: Tensor) => [u.sin(), u.square().sum()])(x);
    const [rs, rq] = jacrev((u: Tensor) => [u.sin(), u.square().sum()])(x);
    expectClose(js, [Math.cos(0.2), 0, 0, Math.cos(0.9)]);
    expectClose(jq, [0.4, 1.8]);
    expectClose(rs, js.data);
    expectClose(rq, jq.data);
  });

  it("has the output's dtype", () => {
    const x = tensor([1, 2], { dtype: "float64" });
    expect(jacrev((u: Tensor) => u.float().square())(x).dtype).toBe("float32");
    expect(jacfwd((u: Tensor) => u.float().square())(x).dtype).toBe("float32");
    expect(jacrev((u: Tensor) => u.square())(tensor([1, 2])).dtype).toBe("float32");
  });

  it("rejects bad argnums, a bad mode and a non-tensor result", () => {
    expect(() => jacobian((u: Tensor) => u, { argnums: 2 })(f64(1))).toThrow(
      "jacobian: argnums must index the 1 arguments, got 2",
    );
    expect(() => jacobian((u: Tensor) => u, { mode: "sideways" as "forward" })(f64(1))).toThrow(
      'jacobian: mode must be "reverse" or "forward", got "sideways"',
    );
    expect(() => jacfwd((u: Tensor) => u.item() as unknown as Tensor)(f64(1))).toThrow(
      "jacfwd: the function must return a Tensor or a non-empty array of Tensors, got 1",
    );
    expect(() => jacrev("f" as unknown as (u: Tensor) => Tensor)).toThrow(
      'jacrev: f must be a function, got "f"',
    );
  });
});

describe("hessian", () => {
  it("of xᵀAx is A + Aᵀ", () => {
    const A = randomF64([4, 4], 50);
    const x = randomF64([4], 51);
    const H = hessian((u: Tensor) => u.matmul(A.matmul(u)))(x);
    expect(H.shape).toEqual([4, 4]);
    expectClose(H, A.add(A.T).data, 1e-14, 1e-15);
  });

  it("of the tutorial's f(x, y) = x² + y²: 2 on the diagonal blocks, 0 across", () => {
    const f = (x: Tensor, y: Tensor) => x.square().add(y.square());
    const [[hxx, hxy], [hyx, hyy]] = hessian(f, { argnums: [0, 1] })(f64(0.7), f64(-1.2));
    expect([hxx.item(), hxy.item(), hyx.item(), hyy.item()]).toEqual([2, 0, 0, 2]);
    // In vector form, f(v) = Σ v² has H = 2I.
    expectClose(hessian((v: Tensor) => v.square().sum())(f64([0.7, -1.2, 3])), eye(3).mul(2).data);
  });

  it("of logSumExp is diag(p) - p pᵀ", () => {
    const z = f64([0.3, -1, 2, 0.5]);
    const p = Array.from(z.softmax(0).data);
    const want = p.flatMap((pi, i) => p.map((pj, j) => (i === j ? pi : 0) - pi * pj));
    expectClose(hessian((u: Tensor) => u.logSumExp(0))(z), want, 1e-13, 1e-15);
  });

  it("of Rosenbrock's function matches its closed form", () => {
    // f(x, y) = (1 - x)² + 100 (y - x²)²
    const rosen = (v: Tensor) => {
      const x = v.slice(0, 0, 1);
      const y = v.slice(0, 1, 2);
      return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)).sum();
    };
    const [x, y] = [-1.2, 1];
    const want = [2 - 400 * (y - x * x) + 800 * x * x, -400 * x, -400 * x, 200];
    expectClose(hessian(rosen)(f64([x, y])), want, 1e-13, 1e-12);
  });

  it("of a matrix argument has shape [...x.shape, ...x.shape], is symmetric, and matches differences of the gradient", () => {
    const f = (m: Tensor) => m.matmul(m.T).sin().sum().add(m.exp().mul(m).sum());
    const m = randomF64([2, 3], 52);
    const H = hessian(f)(m);
    expect(H.shape).toEqual([2, 3, 2, 3]);
    const H2 = H.reshape([6, 6]);
    expectClose(H2, H2.T.data, 1e-13, 1e-14);
    const g = grad(f);
    const numeric: number[] = [];
    for (let j = 0; j < 6; j++) {
      const shifted = (s: number) => {
        const d = Float64Array.from(m.data);
        d[j] += s * 1e-6;
        return g(tensor(d, { shape: [2, 3], dtype: "float64" })).data;
      };
      const p = shifted(1);
      const q = shifted(-1);
      numeric.push(...Array.from(p, (v, k) => (v - q[k]) / 2e-6));
    }
    // numeric holds columns; the Hessian is symmetric, so they are its rows too.
    expectClose(H2, numeric, 1e-6, 1e-7);
    expectClose(jacrev(jacrev(f))(m), H.data, 1e-12, 1e-13);
    expectClose(jacfwd(jacfwd(f))(m), H.data, 1e-12, 1e-13);
  });

  it("with argnums as an array gives the blocks H[i][j] of shape [...x_i, ...x_j], with H[j][i] the transpose of H[i][j]", () => {
    const f = (x: Tensor, w: Tensor) => w.matmul(x).tanh().sum();
    const x = randomF64([3], 53);
    const w = randomF64([2, 3], 54);
    const H = hessian(f, { argnums: [0, 1] })(x, w);
    expect(H.map((row) => row.map((b) => b.shape))).toEqual([
      [
        [3, 3],
        [3, 2, 3],
      ],
      [
        [2, 3, 3],
        [2, 3, 2, 3],
      ],
    ]);
    expectClose(H[0][1].reshape([3, 6]).T, H[1][0].reshape([6, 3]).data, 1e-13, 1e-14);
    // against the Hessian of the function of the concatenated arguments
    const flatF = (v: Tensor) => f(v.slice(0, 0, 3), v.slice(0, 3, 9).reshape([2, 3]));
    const full = hessian(flatF)(concat([x, w.reshape([6])], 0));
    expectClose(H[1][1].reshape([6, 6]), full.slice(0, 3, 9).slice(1, 3, 9).data, 1e-13, 1e-14);
    expectClose(H[0][1].reshape([3, 6]), full.slice(0, 0, 3).slice(1, 3, 9).data, 1e-13, 1e-14);
  });

  it("of a non-scalar function has shape [...f(x).shape, ...x.shape, ...x.shape]", () => {
    const H = hessian((u: Tensor) =>
      u
        .square()
        .mul(f64([1, 2, 3]))
        .sum(0, true),
    )(f64([1, 1, 1]));
    expect(H.shape).toEqual([1, 3, 3]);
    expectClose(H, [2, 0, 0, 0, 4, 0, 0, 0, 6]);
  });

  it("rejects a function that returns an array", () => {
    expect(() => hessian((u: Tensor) => [u, u] as unknown as Tensor)(f64(1))).toThrow(TypeMismatchError);
    expect(() => hessian((u: Tensor) => [u, u] as unknown as Tensor)(f64(1))).toThrow(
      "hessian: the function must return a Tensor, got an array of 2",
    );
  });
});

describe("errors inside transformed functions surface unchanged", () => {
  it("an op error keeps its message", () => {
    expect(() => jvp((u: Tensor) => u.matmul(f64([1, 2, 3])), [f64([1, 2])], [f64([1, 1])])).toThrow(
      "matmul: inner dimensions must match, got [2] @ [3]",
    );
  });
  it("an AutogradError from the engine keeps its type", () => {
    const { vjp: pullback } = vjp((u: Tensor) => u.square(), f64([1, 2]));
    expect(() => pullback(f64([[1, 2]]))).toThrow(AutogradError);
  });
});
