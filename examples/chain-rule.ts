// The tutorial's two chain-rule examples (sections 1 and 2), computed by autograd and checked against the formulas.
// Run: npx tsx examples/chain-rule.ts

import { grad, type Tensor, tensor } from "../src/index.js";

// Section 1: f(u) = u^2 with u = 3x + 1, so df/dx = 2u * 3 = 6(3x + 1).
{
  const x = tensor(2, { dtype: "float64", requiresGrad: true });
  const u = x.mul(3).add(1); // inner function
  const f = u.pow(2); // outer function
  f.backward(); // chain rule: df/dx = df/du * du/dx
  const xv = x.item();
  console.log("Section 1: f = (3x + 1)^2 at x = 2");
  console.log(`  autograd  df/dx = ${x.grad?.item()}`);
  console.log(`  by hand   6(3x + 1) = ${6 * (3 * xv + 1)}`);
}

// Section 2: f(x, y) = x^2 + y^2 with x = t^2 and y = sin t, so
// df/dt = 2x * 2t + 2y * cos t = 4t^3 + 2 sin t cos t: one term per path from t to f.
{
  const f = (t: Tensor) => {
    const x = t.pow(2);
    const y = t.sin();
    return x.pow(2).add(y.pow(2));
  };
  const dfdt = grad(f); // a function returning df/dt; it never writes t.grad
  const t = 0.5;
  const g = dfdt(tensor(t, { dtype: "float64" }));
  console.log("Section 2: f = x^2 + y^2, x = t^2, y = sin t, at t = 0.5");
  console.log(`  autograd  df/dt = ${g.item()}`);
  console.log(`  by hand   4t^3 + 2 sin t cos t = ${4 * t ** 3 + 2 * Math.sin(t) * Math.cos(t)}`);
}
