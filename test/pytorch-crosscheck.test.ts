// Cross-check against PyTorch itself: forward values and vector-Jacobian products of ops and losses,
// optimiser trajectories, and third derivatives, all in float64. Runs where a python3 with torch is
// installed (Debian's python3-torch); skipped with a note elsewhere, since the core never needs Python.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { concat, grad, nn, optim, stack, type Tensor, tensor, where } from "../src/index.js";
import { Generator } from "../src/random.js";

const PYTHONS = ["/usr/bin/python3", "python3"];
const python = PYTHONS.find(
  (p) => (p === "python3" || existsSync(p)) && spawnSync(p, ["-c", "import torch"]).status === 0,
);

interface InputSpec {
  shape: number[];
  data: number[];
}
interface OpCase {
  op: string;
  inputs: InputSpec[];
  cotangent: number[];
}

const g = new Generator(2026);
const randomData = (shape: number[], kind: "real" | "positive" | "prob" = "real"): InputSpec => {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, () => {
    if (kind === "positive") return 0.2 + 2 * g.uniform();
    if (kind === "prob") return 0.05 + 0.9 * g.uniform();
    return g.normal();
  });
  return { shape, data };
};
const fixed = (shape: number[], data: number[]): InputSpec => ({ shape, data });

const TARGET_BCE = () =>
  tensor(
    [
      [0, 1, 1],
      [1, 0, 0.3],
    ],
    { dtype: "float64" },
  );

/** chainrule's side of each case; the names match test/pytorch/reference.py. */
const OPS: Record<string, [(...xs: Tensor[]) => Tensor, InputSpec[]]> = {
  add: [(a, b) => a.add(b), [randomData([3, 1]), randomData([1, 4])]],
  sub: [(a, b) => a.sub(b), [randomData([2, 3]), randomData([3])]],
  mul: [(a, b) => a.mul(b), [randomData([2, 1, 3]), randomData([4, 1])]],
  div: [(a, b) => a.div(b), [randomData([2, 3]), randomData([2, 3], "positive")]],
  pow: [(a, b) => a.pow(b), [randomData([5], "positive"), randomData([5])]],
  pow_scalar: [(a) => a.pow(3), [randomData([5])]],
  // Ties on purpose: the gradient is shared equally.
  maximum: [(a, b) => a.maximum(b), [fixed([4], [1, 2, 3, -1]), fixed([4], [1, 0, 5, -1])]],
  minimum: [(a, b) => a.minimum(b), [fixed([4], [1, 2, 3, -1]), fixed([4], [1, 0, 5, -1])]],
  neg: [(a) => a.neg(), [randomData([4])]],
  exp: [(a) => a.exp(), [randomData([4])]],
  log: [(a) => a.log(), [randomData([4], "positive")]],
  log1p: [(a) => a.log1p(), [randomData([4], "positive")]],
  expm1: [(a) => a.expm1(), [randomData([4])]],
  sqrt: [(a) => a.sqrt(), [randomData([4], "positive")]],
  sin: [(a) => a.sin(), [randomData([4])]],
  cos: [(a) => a.cos(), [randomData([4])]],
  tanh: [(a) => a.tanh(), [fixed([5], [-30, -1, 0, 0.5, 30])]],
  sigmoid: [(a) => a.sigmoid(), [fixed([5], [-800, -1, 0, 0.5, 800])]],
  // Kinks at 0 on purpose: relu'(0) = 0, abs'(0) = 0, leakyRelu'(0) = slope.
  relu: [(a) => a.relu(), [fixed([4], [-1, 0, 0.5, 2])]],
  abs: [(a) => a.abs(), [fixed([4], [-1, 0, 0.5, 2])]],
  erf: [(a) => a.erf(), [fixed([6], [-3, -0.5, 0, 0.1, 1.5, 4])]],
  leaky_relu: [(a) => a.leakyRelu(0.1), [fixed([4], [-1, 0, 0.5, 2])]],
  gelu: [(a) => a.gelu(), [fixed([6], [-12, -3, -0.5, 0, 1, 5])]],
  softplus: [(a) => a.softplus(), [fixed([5], [-50, -1, 0, 1, 15])]],
  silu: [(a) => a.silu(), [randomData([5])]],
  // Values exactly at the bounds: the gradient passes there.
  clamp: [(a) => a.clamp(-0.5, 0.5), [fixed([5], [-1, -0.5, 0, 0.5, 1])]],
  where: [(a, b) => where(a.gt(0), a, b), [randomData([2, 3]), randomData([3])]],
  sum_dim: [(a) => a.sum(1, true), [randomData([2, 3, 4])]],
  sum_dims: [(a) => a.sum([0, 2]), [randomData([2, 3, 4])]],
  mean: [(a) => a.mean(-1), [randomData([2, 3, 4])]],
  max_all: [(a) => a.max(), [fixed([2, 3], [1, 5, 5, 0, 5, 2])]],
  // NOTE: no ties here: with a dim, PyTorch gives a tie's whole gradient to one index, while chainrule shares
  // it equally, as its API promises (and as PyTorch itself does for a full reduction, checked in max_all).
  max_dim: [(a) => a.max(1), [fixed([2, 3], [1, 5, 4, 0, 3, 2])]],
  min_dim: [(a) => a.min(0, true), [fixed([2, 3], [1, 5, 2, 1.5, 3, 2.5])]],
  logsumexp: [(a) => a.logSumExp(1), [fixed([2, 3], [1000, 1001, 1002, -5, 0, 5])]],
  softmax: [(a) => a.softmax(0), [randomData([3, 4])]],
  log_softmax: [(a) => a.logSoftmax(-1), [fixed([2, 3], [1000, 1001, 1002, -1000, 0, 3])]],
  var: [(a) => a.var(1), [randomData([3, 5])]],
  matmul: [(a, b) => a.matmul(b), [randomData([2, 1, 3, 4]), randomData([5, 4, 2])]],
  transpose: [(a) => a.transpose(0, 2), [randomData([2, 3, 4])]],
  permute: [(a) => a.permute([2, 0, 1]), [randomData([2, 3, 4])]],
  expand: [(a) => a.expand([2, 3, 4]), [randomData([3, 1])]],
  reshape: [(a) => a.reshape([4, -1]), [randomData([2, 3, 4])]],
  slice: [(a) => a.slice(1, 1, 5, 2), [randomData([3, 6])]],
  concat: [(a, b) => concat([a, b], 1), [randomData([2, 3]), randomData([2, 2])]],
  stack: [(a, b) => stack([a, b], 1), [randomData([2, 3]), randomData([2, 3])]],
  gather: [
    (a) =>
      a.gather(
        1,
        tensor([
          [2, 0],
          [1, 1],
          [0, 2],
        ]),
      ),
    [randomData([3, 3])],
  ],
  mse_loss: [(a, b) => nn.mseLoss(a, b), [randomData([2, 3]), randomData([2, 3])]],
  mse_loss_sum: [(a, b) => nn.mseLoss(a, b, { reduction: "sum" }), [randomData([2, 3]), randomData([2, 3])]],
  l1_loss: [(a, b) => nn.l1Loss(a, b), [randomData([2, 3]), randomData([2, 3])]],
  bce: [(p) => nn.bceLoss(p, TARGET_BCE()), [fixed([2, 3], [0.2, 0.9, 1, 0, 0.5, 0.7])]],
  bce_none: [(p) => nn.bceLoss(p, TARGET_BCE(), { reduction: "none" }), [randomData([2, 3], "prob")]],
  bce_logits: [
    (x) => nn.bceWithLogits(x, TARGET_BCE(), { posWeight: tensor([2, 0.5, 1], { dtype: "float64" }) }),
    [fixed([2, 3], [-100, 0, 3, 50, -2, 0.5])],
  ],
  cross_entropy: [(x) => nn.crossEntropy(x, [2, 0, 1, 2]), [randomData([4, 3])]],
  cross_entropy_smooth: [
    (x) => nn.crossEntropy(x, [2, 0, 1, 2], { labelSmoothing: 0.1, reduction: "sum" }),
    [randomData([4, 3])],
  ],
  nll: [(x) => nn.nllLoss(x.logSoftmax(1), [1, 1, 0, 2]), [randomData([4, 3])]],
};

const OPTIMIZERS: { name: string; options: Record<string, unknown>; make: (w: Tensor) => optim.Optimizer }[] =
  [
    { name: "SGD", options: { lr: 0.05 }, make: (w) => new optim.SGD([w], { lr: 0.05 }) },
    {
      name: "SGD",
      options: { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.01 },
      make: (w) => new optim.SGD([w], { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    },
    {
      name: "SGD",
      options: { lr: 0.05, momentum: 0.8, dampening: 0.3 },
      make: (w) => new optim.SGD([w], { lr: 0.05, momentum: 0.8, dampening: 0.3 }),
    },
    {
      name: "Adam",
      options: { lr: 0.1, amsgrad: true, weight_decay: 0.1 },
      make: (w) => new optim.Adam([w], { lr: 0.1, amsgrad: true, weightDecay: 0.1 }),
    },
    { name: "AdamW", options: { lr: 0.1 }, make: (w) => new optim.AdamW([w], { lr: 0.1 }) },
    {
      name: "RMSprop",
      options: { lr: 0.01, momentum: 0.5, centered: true },
      make: (w) => new optim.RMSprop([w], { lr: 0.01, momentum: 0.5, centered: true }),
    },
  ];
const W0 = [0.5, -1.5, 2];
const A = [1, 2, -0.5];
const STEPS = 6;

function chainrulePath(make: (w: Tensor) => optim.Optimizer): number[] {
  const w = tensor(W0, { dtype: "float64", requiresGrad: true });
  const a = tensor(A, { dtype: "float64" });
  const opt = make(w);
  const path: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    opt.zeroGrad();
    a.mul(w).sub(1).pow(2).sum().add(w.pow(4).sum().mul(0.1)).backward();
    opt.step();
    path.push(...w.data);
  }
  return path;
}

function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  label: string,
  rtol = 1e-10,
): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    if (Number.isFinite(e))
      expect(Math.abs(a - e), `${label}[${i}]: ${a} vs ${e}`).toBeLessThanOrEqual(
        rtol * (1e-12 + Math.abs(e)) + 1e-300,
      );
    else expect(a, `${label}[${i}]`).toBe(e);
  }
}

describe.skipIf(python === undefined)("agreement with PyTorch (float64)", () => {
  // Build every case, run PyTorch once on all of them, then compare case by case.
  const cases: OpCase[] = Object.entries(OPS).map(([op, [fn, inputs]]) => {
    const out = fn(
      ...inputs.map((x) => tensor(Float64Array.from(x.data), { shape: x.shape, dtype: "float64" })),
    );
    return { op, inputs, cotangent: randomData(out.shape).data };
  });
  const x2 = [0.3, -1.1, 2.5];
  const request = {
    ops: cases,
    optimizers: OPTIMIZERS.map((o) => ({ name: o.name, options: o.options, w0: W0, a: A, steps: STEPS })),
    secondOrder: { x: x2 },
  };
  const run = spawnSync(python ?? "python3", [new URL("./pytorch/reference.py", import.meta.url).pathname], {
    input: JSON.stringify(request),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`reference.py failed: ${run.stderr}`);
  const reference = JSON.parse(run.stdout) as {
    ops: { out: number[]; shape: number[]; grads: (number[] | null)[] }[];
    optimizers: number[][];
    secondOrder: { g: number[]; h: number[]; t: number[] };
  };

  cases.forEach((c, k) => {
    it(`${c.op}: value and vector-Jacobian product`, () => {
      const [fn] = OPS[c.op];
      const leaves = c.inputs.map((x) =>
        tensor(Float64Array.from(x.data), { shape: x.shape, dtype: "float64", requiresGrad: true }),
      );
      const out = fn(...leaves);
      const want = reference.ops[k];
      expect(out.shape, "shape").toEqual(want.shape);
      expectClose(out.data, want.out, "value");
      out.backward(tensor(Float64Array.from(c.cotangent), { shape: out.shape, dtype: "float64" }));
      want.grads.forEach((gw, i) => {
        if (gw === null) expect(leaves[i].grad, `grad ${i}`).toBeNull();
        else expectClose(leaves[i].grad?.data ?? [], gw, `grad ${i}`);
      });
    });
  });

  OPTIMIZERS.forEach((o, k) => {
    it(`optim.${o.name} ${JSON.stringify(o.options)}: ${STEPS}-step trajectory`, () => {
      expectClose(chainrulePath(o.make), reference.optimizers[k], "path", 1e-9);
    });
  });

  it("first, second and third derivatives through nested grad", () => {
    const f = (x: Tensor) => x.sin().mul(x.pow(3)).sum();
    const d1 = grad(f);
    const d2 = grad((x: Tensor) => d1(x).sum());
    const d3 = grad((x: Tensor) => d2(x).sum());
    const x = tensor(x2, { dtype: "float64" });
    expectClose(d1(x).data, reference.secondOrder.g, "first");
    expectClose(d2(x).data, reference.secondOrder.h, "second");
    expectClose(d3(x).data, reference.secondOrder.t, "third");
  });
});

describe.skipIf(python !== undefined)("agreement with PyTorch", () => {
  it.skip("needs python3 with torch (Debian's python3-torch); not installed here", () => {});
});
