// The tutorial's worked examples (docs seed: chain rule and backpropagation), checked against closed forms.

import { describe, expect, it } from "vitest";
import { grad, noGrad, type Tensor, tensor } from "../src/index.js";
import { formatGradcheckReport, gradcheck } from "../src/tools/gradcheck.js";
import { closeViolation, sigmoid } from "./op-table.js";

const f64 = (data: number | number[] | number[][], requiresGrad = false): Tensor =>
  tensor(data, { dtype: "float64", requiresGrad });

function expectClose(
  got: ArrayLike<number> | number,
  want: ArrayLike<number> | number,
  rtol = 1e-12,
  atol = 1e-14,
) {
  const g = typeof got === "number" ? [got] : got;
  const w = typeof want === "number" ? [want] : want;
  expect(closeViolation(g, w, rtol, atol)).toBeNull();
}

const XS = [-2, -0.5, 0, 1, 3.7];

describe("1. single-variable chain rule: d/dx (3x + 1)^2 = 6(3x + 1)", () => {
  for (const x0 of XS) {
    it(`via backward at x = ${x0}`, () => {
      const x = f64(x0, true);
      x.mul(3).add(1).pow(2).backward();
      expectClose(x.grad!.item(), 6 * (3 * x0 + 1));
    });
    it(`via grad at x = ${x0}`, () => {
      const dfdx = grad((x: Tensor) => x.mul(3).add(1).pow(2));
      expectClose((dfdx(f64(x0)) as Tensor).item(), 6 * (3 * x0 + 1));
    });
  }
  it("works in float32 too (default dtype)", () => {
    const x = tensor(1.5, { requiresGrad: true });
    x.mul(3).add(1).square().backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(x.grad!.item()).toBeCloseTo(6 * 5.5, 4);
  });
});

describe("2. multivariable chain rule: f = x^2 + y^2, x = t^2, y = sin t", () => {
  for (const t0 of [0.3, -1.1, 2, 0]) {
    it(`df/dt = 4t^3 + 2 sin t cos t at t = ${t0}`, () => {
      const f = (t: Tensor) => {
        const x = t.pow(2);
        const y = t.sin();
        return x.pow(2).add(y.pow(2));
      };
      const want = 4 * t0 ** 3 + 2 * Math.sin(t0) * Math.cos(t0);
      expectClose((grad(f)(f64(t0)) as Tensor).item(), want);
      const t = f64(t0, true);
      f(t).backward();
      expectClose(t.grad!.item(), want);
    });
  }
});

describe("3. matrix form: dL/dW through matmul and a broadcast bias", () => {
  const X = [
    [0.5, -1.2, 2.0],
    [1.5, 0.3, -0.7],
    [-0.4, 0.8, 1.1],
    [2.2, -0.1, 0.6],
  ];
  const W0 = [
    [0.1, -0.3],
    [0.7, 0.2],
    [-0.5, 0.4],
  ];
  const B0 = [0.05, -0.2];
  const T = [
    [1, 0],
    [0, 1],
    [0.5, 0.5],
    [-1, 2],
  ];
  // Hand formulas: Y = XW + b, L = ½ Σ (Y - T)², dL/dY = Y - T, dL/dW = Xᵀ (Y - T), dL/db = Σ_rows (Y - T).
  const Y = X.map((row) => B0.map((b, j) => b + row.reduce((s, x, k) => s + x * W0[k][j], 0)));
  const D = Y.map((row, i) => row.map((y, j) => y - T[i][j]));
  const dW = W0.map((_, k) => B0.map((_, j) => X.reduce((s, row, i) => s + row[k] * D[i][j], 0)));
  const db = B0.map((_, j) => D.reduce((s, row) => s + row[j], 0));
  const loss = 0.5 * D.flat().reduce((s, d) => s + d * d, 0);

  it("backward gives Xᵀ(Y - T) and the row sum of (Y - T)", () => {
    const W = f64(W0, true);
    const b = f64(B0, true);
    const L = f64(X).matmul(W).add(b).sub(f64(T)).pow(2).sum().mul(0.5);
    expectClose(L.item(), loss);
    L.backward();
    expect(W.grad!.shape).toEqual([3, 2]);
    expect(b.grad!.shape).toEqual([2]);
    expectClose(W.grad!.data, dW.flat());
    expectClose(b.grad!.data, db);
  });

  it("grad with argnums [0, 1] gives the same", () => {
    const f = (W: Tensor, b: Tensor) => f64(X).matmul(W).add(b).sub(f64(T)).square().sum().div(2);
    const [gW, gb] = grad(f, { argnums: [0, 1] })(f64(W0), f64(B0)) as Tensor[];
    expectClose(gW.data, dW.flat());
    expectClose(gb.data, db);
  });
});

describe("4. gradient descent step on L(w, b) = (wx + b - y)^2", () => {
  const [x0, y0, w0, b0, eta] = [1.5, 2.0, 0.4, -0.3, 0.1];
  const r = w0 * x0 + b0 - y0;
  it("partials are dL/dw = 2(wx + b - y)x and dL/db = 2(wx + b - y)", () => {
    const w = f64(w0, true);
    const b = f64(b0, true);
    w.mul(x0).add(b).sub(y0).pow(2).backward();
    expectClose(w.grad!.item(), 2 * r * x0);
    expectClose(b.grad!.item(), 2 * r);
  });
  it("one step w -= η dL/dw, b -= η dL/db lowers the loss as predicted", () => {
    const loss = (w: Tensor, b: Tensor) => w.mul(x0).add(b).sub(y0).pow(2);
    const [gw, gb] = grad(loss, { argnums: [0, 1] })(f64(w0), f64(b0)) as Tensor[];
    const w1 = noGrad(() => f64(w0).sub(gw.mul(eta)));
    const b1 = noGrad(() => f64(b0).sub(gb.mul(eta)));
    expectClose(w1.item(), w0 - eta * 2 * r * x0);
    expectClose(b1.item(), b0 - eta * 2 * r);
    const before = loss(f64(w0), f64(b0)).item();
    const after = loss(w1, b1).item();
    expect(after).toBeLessThan(before);
    // The new residual is r (1 - 2η(x² + 1)) exactly.
    expectClose(after, (r * (1 - 2 * eta * (x0 * x0 + 1))) ** 2);
  });
});

describe("5. two-layer sigmoid network a = σ(Wx + b), y = σ(Va + c), L = ½ Σ (y - t)^2", () => {
  const W0 = [
    [0.2, -0.4, 0.1],
    [0.5, 0.3, -0.6],
    [-0.3, 0.8, 0.25],
    [0.05, -0.1, 0.9],
  ]; // [4, 3]
  const b0 = [0.1, -0.2, 0.05, 0];
  const V0 = [
    [0.3, -0.7, 0.45, 0.2],
    [-0.5, 0.6, 0.1, -0.35],
  ]; // [2, 4]
  const c0 = [0.02, -0.1];
  const x0 = [1.2, -0.7, 0.4];
  const t0 = [1, 0];

  // Hand-derived backpropagation in plain float64:
  // δ2 = (y - t) ⊙ y(1 - y); dL/dV = δ2 aᵀ; dL/dc = δ2; δ1 = (Vᵀ δ2) ⊙ a(1 - a); dL/dW = δ1 xᵀ; dL/db = δ1; dL/dx = Wᵀ δ1.
  const a = W0.map((row, i) => sigmoid(row.reduce((s, w, k) => s + w * x0[k], 0) + b0[i]));
  const y = V0.map((row, i) => sigmoid(row.reduce((s, v, k) => s + v * a[k], 0) + c0[i]));
  const L = 0.5 * y.reduce((s, yi, i) => s + (yi - t0[i]) ** 2, 0);
  const d2 = y.map((yi, i) => (yi - t0[i]) * yi * (1 - yi));
  const dV = V0.map((row, i) => row.map((_, k) => d2[i] * a[k]));
  const d1 = a.map((ak, k) => V0.reduce((s, row, i) => s + row[k] * d2[i], 0) * ak * (1 - ak));
  const dW = W0.map((row, i) => row.map((_, k) => d1[i] * x0[k]));
  const dx = x0.map((_, k) => W0.reduce((s, row, i) => s + row[k] * d1[i], 0));

  const net = (W: Tensor, b: Tensor, V: Tensor, c: Tensor, x: Tensor) => {
    const h = W.matmul(x).add(b).sigmoid();
    const out = V.matmul(h).add(c).sigmoid();
    return out.sub(f64(t0)).pow(2).sum().mul(0.5);
  };

  it("loss and every gradient match the hand-derived formulas", () => {
    const W = f64(W0, true);
    const b = f64(b0, true);
    const V = f64(V0, true);
    const c = f64(c0, true);
    const x = f64(x0, true);
    const loss = net(W, b, V, c, x);
    expectClose(loss.item(), L);
    loss.backward();
    expectClose(V.grad!.data, dV.flat());
    expectClose(c.grad!.data, d2);
    expectClose(W.grad!.data, dW.flat());
    expectClose(b.grad!.data, d1);
    expectClose(x.grad!.data, dx);
  });

  it("the batched form (rows of X, as in the tutorial's code) matches per-example sums", () => {
    const X = [x0, [0.3, 0.9, -1.1]];
    const Tt = [t0, [0, 1]];
    // Per-example hand gradients of W, summed.
    const sumDW = W0.map((row) => row.map(() => 0));
    X.forEach((xe, e) => {
      const ae = W0.map((row, i) => sigmoid(row.reduce((s, w, k) => s + w * xe[k], 0) + b0[i]));
      const ye = V0.map((row, i) => sigmoid(row.reduce((s, v, k) => s + v * ae[k], 0) + c0[i]));
      const e2 = ye.map((yi, i) => (yi - Tt[e][i]) * yi * (1 - yi));
      const e1 = ae.map((ak, k) => V0.reduce((s, row, i) => s + row[k] * e2[i], 0) * ak * (1 - ak));
      W0.forEach((row, i) => {
        row.forEach((_, k) => {
          sumDW[i][k] += e1[i] * xe[k];
        });
      });
    });
    const W = f64(W0, true);
    // z1 = X Wᵀ + b (bias broadcast over rows), a1 = σ(z1), z2 = a1 Vᵀ + c.
    const a1 = f64(X).matmul(W.T).add(f64(b0)).sigmoid();
    const a2 = a1.matmul(f64(V0).T).add(f64(c0)).sigmoid();
    a2.sub(f64(Tt)).pow(2).sum().mul(0.5).backward();
    expectClose(W.grad!.data, sumDW.flat());
  });

  it("passes a numerical gradient check (gradcheck and hand-written central differences)", () => {
    const inputs = [f64(W0), f64(b0), f64(V0), f64(c0), f64(x0)];
    const r = gradcheck(net, inputs, { atol: 1e-8, rtol: 1e-6 });
    expect(r.ok, formatGradcheckReport(r)).toBe(true);
    // Independent of gradcheck: central differences on W[1][2] in plain JS.
    const lossAt = (w12: number) => {
      const W = W0.map((row) => [...row]);
      W[1][2] = w12;
      const ah = W.map((row, i) => sigmoid(row.reduce((s, w, k) => s + w * x0[k], 0) + b0[i]));
      const yh = V0.map((row, i) => sigmoid(row.reduce((s, v, k) => s + v * ah[k], 0) + c0[i]));
      return 0.5 * yh.reduce((s, yi, i) => s + (yi - t0[i]) ** 2, 0);
    };
    const h = 1e-6;
    const numerical = (lossAt(W0[1][2] + h) - lossAt(W0[1][2] - h)) / (2 * h);
    const [W, b, V, c, x] = inputs;
    const g = grad(net)(W, b, V, c, x).toArray() as number[][];
    expect(Math.abs(g[1][2] - numerical)).toBeLessThan(1e-8);
  });
});

describe("6. vanishing and exploding gradients", () => {
  it("each sigmoid layer shrinks the input gradient by σ'(h) ≤ 0.25", () => {
    const depth = 20;
    const x0 = 0.7;
    let prev = 1;
    let h = x0;
    for (let k = 1; k <= depth; k++) {
      const g = (
        grad((x: Tensor) => {
          let z = x;
          for (let i = 0; i < k; i++) z = z.sigmoid();
          return z;
        })(f64(x0)) as Tensor
      ).item();
      const s = sigmoid(h);
      const ratio = g / prev;
      expect(ratio).toBeLessThanOrEqual(0.25);
      expectClose(ratio, s * (1 - s), 1e-10);
      expect(Math.abs(g)).toBeLessThanOrEqual(0.25 ** k);
      prev = g;
      h = s;
    }
    expect(prev).toBeLessThan(1e-12);
    expect(prev).toBeGreaterThan(0);
  });

  it("repeated multiplication by a matrix of norm 4 grows the gradient by 4 per layer", () => {
    // M = [[3, 1], [1, 3]] has eigenvalues 4 and 2; [1, 1] is the eigenvector for 4, so
    // d/dx Σ (M^L x) = (Mᵀ)^L [1, 1] = 4^L [1, 1], exactly representable.
    const M = f64([
      [3, 1],
      [1, 3],
    ]);
    let prevNorm = Math.SQRT2;
    for (const L of [1, 5, 10, 30]) {
      const x = f64([0.1, -0.2], true);
      let h = x;
      for (let i = 0; i < L; i++) h = M.matmul(h);
      h.sum().backward();
      expect(Array.from(x.grad!.data)).toEqual([4 ** L, 4 ** L]);
      const norm = Math.hypot(...x.grad!.data);
      expect(norm).toBeGreaterThan(prevNorm);
      prevNorm = norm;
    }
    expect(prevNorm).toBeGreaterThan(1e18);
  });
});
