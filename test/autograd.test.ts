// Autograd engine semantics: accumulation, graph reuse, errors, noGrad/detach, grad/valueAndGrad, depth.

import { describe, expect, it } from "vitest";
import { AutogradError } from "../src/errors.js";
import { enableGrad, grad, isGradEnabled, noGrad, type Tensor, tensor, valueAndGrad } from "../src/index.js";

const f64 = (data: number | number[] | number[][], requiresGrad = false): Tensor =>
  tensor(data, { dtype: "float64", requiresGrad });

const vals = (t: Tensor | null): number[] => Array.from(t!.data);

describe("accumulation", () => {
  it("fan-out: x used three times sums the three paths", () => {
    const x = f64(2, true);
    // y = x·x + sin x + 3x ⇒ dy/dx = 2x + cos x + 3
    x.mul(x).add(x.sin()).add(x.mul(3)).backward();
    expect(x.grad!.item()).toBeCloseTo(4 + Math.cos(2) + 3, 14);
  });
  it("a tensor reused through a shared intermediate gets every path", () => {
    const x = f64([1, 2], true);
    const h = x.exp();
    h.mul(h).add(h).sum().backward(); // d/dx (e^{2x} + e^x) = 2e^{2x} + e^x
    expect(vals(x.grad)[0]).toBeCloseTo(2 * Math.exp(2) + Math.exp(1), 12);
    expect(vals(x.grad)[1]).toBeCloseTo(2 * Math.exp(4) + Math.exp(2), 11);
  });
  it("gradients accumulate across backward calls until reset", () => {
    const x = f64([1, 2, 3], true);
    x.mul(2).sum().backward();
    x.square().sum().backward();
    expect(vals(x.grad)).toEqual([4, 6, 8]);
    x.grad = null;
    x.sum().backward();
    expect(vals(x.grad)).toEqual([1, 1, 1]);
  });
  it("a second backward on the same graph accumulates again", () => {
    const x = f64(3, true);
    const y = x.pow(3);
    y.backward();
    expect(x.grad!.item()).toBe(27);
    y.backward();
    expect(x.grad!.item()).toBe(54);
  });
  it("a leaf no path reaches keeps grad === null", () => {
    const x = f64(1, true);
    const unused = f64(2, true);
    const cut = f64(4, true);
    x.mul(2).add(cut.detach()).backward();
    expect(unused.grad).toBeNull();
    expect(cut.grad).toBeNull();
    expect(x.grad!.item()).toBe(2);
  });
  it("leaves that do not require grad get no grad", () => {
    const x = f64([1, 2], true);
    const c = f64([3, 4]);
    x.mul(c).sum().backward();
    expect(c.grad).toBeNull();
    expect(vals(x.grad)).toEqual([3, 4]);
  });
  it("a .grad of the wrong shape is rejected (as PyTorch), never silently turned into NaN", () => {
    const x = f64([1, 2, 3], true);
    expect(() => {
      x.grad = f64([1]);
      x.sum().backward();
    }).toThrow(/\[3\]/);
  });
  it("grad has the leaf's shape and dtype", () => {
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    x.sum().backward();
    expect(x.grad!.shape).toEqual([1, 3]);
    expect(x.grad!.dtype).toBe("float32");
    expect(x.grad!.requiresGrad).toBe(false);
  });
});

describe("backward arguments and misuse", () => {
  it("backward on a tensor that does not require grad throws", () => {
    expect(() => f64([1, 2]).sum().backward()).toThrow(AutogradError);
    expect(() => f64(1).backward()).toThrow(/backward/);
  });
  it("backward on a non-scalar without a gradient throws naming the shape", () => {
    const y = f64(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      true,
    ).mul(2);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/\[2, 3\]/);
  });
  it("backward(gradient) with the output's shape works as a vector-Jacobian product", () => {
    const x = f64([1, 2, 3], true);
    x.square().backward(f64([1, 0.5, -1]));
    expect(vals(x.grad)).toEqual([2, 2, -6]);
  });
  it("backward(gradient) with a wrong shape throws naming both shapes", () => {
    const y = f64([1, 2, 3], true).mul(2);
    expect(() => y.backward(f64([1, 2]))).toThrow(/\[3\]/);
    expect(() => y.backward(f64([1, 2]))).toThrow(/\[2\]/);
  });
  it("a one-element non-0-d output needs no gradient", () => {
    const x = f64([[2]], true);
    x.square().backward();
    expect(x.grad!.item()).toBe(4);
  });
  it("backward(number) seeds a scalar output", () => {
    const x = f64(2, true);
    x.square().backward(3);
    expect(x.grad!.item()).toBe(12);
  });
  it("backward on a leaf that requires grad gives it ones", () => {
    const x = f64(5, true);
    x.backward();
    expect(x.grad!.item()).toBe(1);
  });
});

describe("noGrad, enableGrad, detach", () => {
  it("noGrad returns fn's value and records nothing", () => {
    const x = f64([1, 2], true);
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(vals(y)).toEqual([2, 4]);
    expect(noGrad(() => 42)).toBe(42);
    expect(isGradEnabled()).toBe(true);
  });
  it("noGrad restores recording after a throw", () => {
    expect(() =>
      noGrad(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(isGradEnabled()).toBe(true);
  });
  it("enableGrad turns recording back on inside noGrad", () => {
    const x = f64(1, true);
    const y = noGrad(() => enableGrad(() => x.mul(2)));
    expect(y.requiresGrad).toBe(true);
  });
  it("detach cuts the graph and shares values", () => {
    const x = f64([1, 2], true);
    const d = x.mul(3).detach();
    expect(d.requiresGrad).toBe(false);
    expect(vals(d)).toEqual([3, 6]);
    const y = x.mul(d).sum(); // d is a constant: dy/dx = d
    y.backward();
    expect(vals(x.grad)).toEqual([3, 6]);
  });
  it("requiresGrad can be set on a leaf", () => {
    const x = f64([1, 2]);
    x.requiresGrad = true;
    x.sum().backward();
    expect(vals(x.grad)).toEqual([1, 1]);
  });
});

describe("grad and valueAndGrad", () => {
  it("grad with argnums as a number and as an array", () => {
    const f = (a: Tensor, b: Tensor) => a.mul(b).sum();
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    expect(vals(grad(f)(a, b) as Tensor)).toEqual([3, 4]);
    expect(vals(grad(f, { argnums: 1 })(a, b) as Tensor)).toEqual([1, 2]);
    const both = grad(f, { argnums: [0, 1] })(a, b) as Tensor[];
    expect(Array.isArray(both)).toBe(true);
    expect(both.map(vals)).toEqual([
      [3, 4],
      [1, 2],
    ]);
    const one = grad(f, { argnums: [1] })(a, b) as Tensor[];
    expect(Array.isArray(one)).toBe(true);
    expect(one.map(vals)).toEqual([[1, 2]]);
  });
  it("grad never writes .grad, even on inputs that require grad", () => {
    const a = f64([1, 2], true);
    const w = f64([3, 4], true);
    const g = grad((x: Tensor) => x.mul(w).sum())(a) as Tensor;
    expect(vals(g)).toEqual([3, 4]);
    expect(a.grad).toBeNull();
    expect(w.grad).toBeNull();
  });
  it("grad's result for an unused input is zeros of its shape", () => {
    const g = grad((_a: Tensor, b: Tensor) => b.sum(), { argnums: [0, 1] })(
      f64([[1, 2]]),
      f64([3]),
    ) as Tensor[];
    expect(g[0].shape).toEqual([1, 2]);
    expect(vals(g[0])).toEqual([0, 0]);
  });
  it("grad passes non-tensor arguments through", () => {
    const f = (x: Tensor, k: number) => x.mul(k).sum();
    expect(vals(grad(f)(f64([1, 2]), 5) as Tensor)).toEqual([5, 5]);
  });
  it("grad of a non-scalar function throws naming the shape", () => {
    expect(() => grad((x: Tensor) => x.mul(2))(f64([1, 2]))).toThrow(/\[2\]/);
  });
  it("nested grad: d²/dx² sin x = -sin x", () => {
    const d2 = grad(grad((x: Tensor) => x.sin()));
    for (const x0 of [-1.3, 0, 0.4, 2.5])
      expect((d2(f64(x0)) as Tensor).item()).toBeCloseTo(-Math.sin(x0), 14);
  });
  it("nested grad: d³/dx³ x⁴ = 24x and the fourth derivative is 24", () => {
    const d3 = grad(grad(grad((x: Tensor) => x.pow(4))));
    const d4 = grad(d3 as (x: Tensor) => Tensor);
    for (const x0 of [-2, 0.5, 3]) {
      expect((d3(f64(x0)) as Tensor).item()).toBeCloseTo(24 * x0, 12);
      expect((d4(f64(x0)) as Tensor).item()).toBeCloseTo(24, 12);
    }
  });
  it("nested grad through exp and tanh matches closed forms", () => {
    // d²/dx² tanh x = -2 tanh x (1 - tanh² x)
    const x0 = 0.7;
    const t = Math.tanh(x0);
    expect((grad(grad((x: Tensor) => x.tanh()))(f64(x0)) as Tensor).item()).toBeCloseTo(
      -2 * t * (1 - t * t),
      14,
    );
    // d²/dx² e^{x²} = (2 + 4x²) e^{x²}
    const g2 = grad(grad((x: Tensor) => x.square().exp()))(f64(x0)) as Tensor;
    expect(g2.item()).toBeCloseTo((2 + 4 * x0 * x0) * Math.exp(x0 * x0), 12);
  });
  it("mixed second partials: d/dy (d/dx x²y³) = 6xy²", () => {
    const dfdx = grad((x: Tensor, y: Tensor) => x.square().mul(y.pow(3)));
    const d2 = grad((x: Tensor, y: Tensor) => dfdx(x, y) as Tensor, { argnums: 1 });
    expect((d2(f64(1.5), f64(-2)) as Tensor).item()).toBeCloseTo(6 * 1.5 * 4, 12);
  });
  it("grad results inside another backward are differentiable (Hessian-vector product)", () => {
    // f = Σ x³ ⇒ ∇f = 3x², H v = 6 x ⊙ v
    const x = f64([1, -2, 0.5], true);
    const g = grad((z: Tensor) => z.pow(3).sum())(x) as Tensor;
    expect(g.requiresGrad).toBe(true);
    g.mul(f64([1, 2, 3]))
      .sum()
      .backward();
    expect(vals(x.grad)).toEqual([6, -24, 9]);
  });
  it("no perturbation confusion: d/dx [x · d/dy (x + y)] = 1", () => {
    // The inner derivative is 1 whatever x is; a tape that mixes up the two levels gives 2.
    const f = (x: Tensor) => x.mul(grad((y: Tensor) => x.add(y))(f64(1)));
    expect((grad(f)(f64(3)) as Tensor).item()).toBe(1);
  });
  it("no perturbation confusion when the inner grad is at the outer variable", () => {
    // g(x) = d/dz (z · x) at z = x, which is x; so dg/dx = 1 (not 2).
    const g = (x: Tensor) => grad((z: Tensor) => z.mul(x))(x);
    expect((grad(g)(f64(3)) as Tensor).item()).toBe(1);
  });
  it("backward with createGraph makes .grad differentiable", () => {
    const x = f64(2, true);
    x.pow(3).backward(undefined, { createGraph: true });
    const g = x.grad!; // 3x² = 12, recorded
    expect(g.item()).toBe(12);
    expect(g.requiresGrad).toBe(true);
    x.grad = null;
    g.backward(); // d/dx 3x² = 6x = 12
    expect(x.grad!.item()).toBe(12);
  });
  it("valueAndGrad returns the value and the gradient", () => {
    const r = valueAndGrad((x: Tensor) => x.square().sum())(f64([1, 2, 3]));
    expect((r.value as Tensor).item()).toBe(14);
    expect(vals(r.grad as Tensor)).toEqual([2, 4, 6]);
  });
  it("valueAndGrad with argnums array", () => {
    const r = valueAndGrad((a: Tensor, b: Tensor) => a.mul(b).sum(), { argnums: [0, 1] })(
      f64([1, 2]),
      f64([3, 4]),
    );
    expect((r.value as Tensor).item()).toBe(11);
    expect((r.grad as Tensor[]).map(vals)).toEqual([
      [3, 4],
      [1, 2],
    ]);
  });
});

describe("deep graphs", () => {
  it("a chain of 100,000 ops backpropagates without a stack overflow, in seconds", () => {
    const x = f64(1, true);
    let y = x;
    const n = 100_000;
    const start = performance.now();
    for (let i = 0; i < n; i++) y = y.mul(1.0000001);
    y.backward();
    const elapsed = performance.now() - start;
    expect(x.grad!.item()).toBeCloseTo(1.0000001 ** n, 8);
    expect(elapsed).toBeLessThan(10_000);
  });
  it("a chain of 100,000 adds backpropagates to exactly 1", () => {
    const x = f64([1, 2], true);
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.add(1);
    y.sum().backward();
    expect(vals(x.grad)).toEqual([1, 1]);
  });
  it("grad over a deep chain works too", () => {
    const g = grad((x: Tensor) => {
      let y = x;
      for (let i = 0; i < 50_000; i++) y = y.add(0.5);
      return y;
    })(f64(0)) as Tensor;
    expect(g.item()).toBe(1);
  });
});
