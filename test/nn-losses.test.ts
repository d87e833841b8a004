// Tests of the nn losses: values against float64 references (computed independently with NumPy), reductions,
// gradients against central differences, stability at the edges, and the error cases.

import { describe, expect, it } from "vitest";
import { grad, type Tensor, tensor, zeros } from "../src/core.js";
import { ShapeError, TypeMismatchError, ValueError } from "../src/errors.js";
import * as nn from "../src/nn/index.js";
import { expectClose, expectGradcheck, values } from "./support/numeric.js";

const f64 = { dtype: "float64" as const };

const PRED = [
  [0.2, -1.3, 2.5],
  [0.7, 0.0, -0.4],
];
const TARGET = [
  [0.5, -1.0, 2.0],
  [1.0, 0.3, 0.1],
];

describe("nn.mseLoss and nn.l1Loss", () => {
  it("computes the mean, sum and unreduced squared errors", () => {
    const p = tensor(PRED, f64);
    const t = tensor(TARGET, f64);
    expectClose(nn.mseLoss(p, t), 0.14333333333333334);
    expect(nn.mseLoss(p, t).shape).toEqual([]);
    expectClose(nn.mseLoss(p, t, { reduction: "sum" }), 0.86);
    const none = nn.mseLoss(p, t, { reduction: "none" });
    expect(none.shape).toEqual([2, 3]);
    expectClose(none, [0.09, 0.09000000000000002, 0.25, 0.09000000000000002, 0.09, 0.25]);
    expectClose(nn.l1Loss(p, t), 0.3666666666666667);
    expectClose(nn.l1Loss(p, t, { reduction: "sum" }), 2.2);
  });

  it("gives both prediction and target a gradient", () => {
    const p = tensor(PRED, { dtype: "float64", requiresGrad: true });
    const t = tensor(TARGET, { dtype: "float64", requiresGrad: true });
    nn.mseLoss(p, t).backward();
    const expected = [
      -0.09999999999999999, -0.10000000000000002, 0.16666666666666666, -0.10000000000000002,
      -0.09999999999999999, -0.16666666666666666,
    ];
    expectClose(p.grad!, expected);
    expectClose(
      t.grad!,
      expected.map((v) => -v),
    );
    expectGradcheck((a, b) => nn.mseLoss(a, b), [tensor(PRED, f64), tensor(TARGET, f64)]);
    expectGradcheck(
      (a, b) => nn.mseLoss(a, b, { reduction: "sum" }),
      [tensor(PRED, f64), tensor(TARGET, f64)],
    );
  });

  it("rejects shapes that differ, even when they broadcast", () => {
    expect(() => nn.mseLoss(zeros([2, 3]), zeros([3]))).toThrow(ShapeError);
    expect(() => nn.mseLoss(zeros([2, 3]), zeros([3]))).toThrow(
      "nn.mseLoss: prediction and target shapes must match, got [2, 3] and [3]",
    );
    expect(() => nn.mseLoss(zeros([4, 1]), zeros([4]))).toThrow(ShapeError);
    expect(() => nn.l1Loss(zeros([2]), zeros([1]))).toThrow(/nn\.l1Loss/);
    expect(() => nn.mseLoss([1, 2] as unknown as Tensor, zeros([2]))).toThrow(TypeMismatchError);
  });
});

describe("reduction option", () => {
  it("rejects unknown reductions for every loss", () => {
    const bad = { reduction: "avg" as nn.Reduction };
    const z = zeros([2, 2]);
    expect(() => nn.mseLoss(z, z, bad)).toThrow(ValueError);
    expect(() => nn.mseLoss(z, z, bad)).toThrow(
      'nn.mseLoss: reduction must be one of "mean", "sum", "none", got "avg"',
    );
    expect(() => nn.bceLoss(z, z, bad)).toThrow(/nn\.bceLoss: reduction/);
    expect(() => nn.bceWithLogits(z, z, bad)).toThrow(/nn\.bceWithLogits: reduction/);
    expect(() => nn.crossEntropy(z, [0, 1], bad)).toThrow(/nn\.crossEntropy: reduction/);
    expect(() => nn.nllLoss(z, [0, 1], bad)).toThrow(/nn\.nllLoss: reduction/);
    expect(() => nn.l1Loss(z, z, bad)).toThrow(/nn\.l1Loss: reduction/);
  });
});

describe("nn.bceLoss", () => {
  const P = [0.9, 0.2, 0.5, 0.01, 0.999];
  const T = [1, 0, 1, 0.3, 0];

  it("matches the reference for every reduction", () => {
    const p = tensor(P, f64);
    const t = tensor(T, f64);
    expectClose(
      nn.bceLoss(p, t, { reduction: "none" }),
      [0.10536051565782628, 0.22314355131420976, Math.LN2, 1.3885862908938782, 6.907755278982136],
      1e-10,
    );
    expectClose(nn.bceLoss(p, t), 1.8635985634815992, 1e-10);
    expectClose(nn.bceLoss(p, t, { reduction: "sum" }), 9.317992817407996, 1e-10);
    expectClose(nn.bceLoss(p, t, { weight: tensor([1, 2, 0.5, 1, 3], f64) }), 4.602014667281301, 1e-10);
  });

  it("has gradient (p - t) / (p (1 - p)) / N for the probabilities and none for the target", () => {
    const p = tensor(P, { dtype: "float64", requiresGrad: true });
    const t = tensor(T, { dtype: "float64", requiresGrad: true });
    nn.bceLoss(p, t).backward();
    expectClose(
      p.grad!,
      [-0.22222222222222224, 0.24999999999999994, -0.4, -5.858585858585857, 199.9999999999998],
      1e-10,
    );
    expect(t.grad).toBeNull();
    expectGradcheck((a) => nn.bceLoss(a, tensor(T, f64)), [tensor([0.9, 0.2, 0.5, 0.1, 0.7], f64)]);
  });

  it("clamps the logs at -100 and keeps finite gradients at p = 0 and p = 1 (float32 and float64)", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const p = tensor([0, 1, 0, 1], { dtype, requiresGrad: true });
      const t = tensor([1, 0, 0, 1], { dtype });
      const loss = nn.bceLoss(p, t, { reduction: "none" });
      expect(values(loss).map((v) => v + 0)).toEqual([100, 100, 0, 0]); // + 0 folds -0 (PyTorch also gives -0)
      loss.sum().backward();
      const g = values(p.grad!);
      expect(g.every(Number.isFinite)).toBe(true);
      // PyTorch's backward: (p - t) / max(p (1 - p), 1e-12).
      expectClose(g, [-1e12, 1e12, 0, 0], 1e-6);
    }
  });

  it("rejects probabilities outside [0, 1] and mismatched shapes", () => {
    expect(() => nn.bceLoss(tensor([0.5, 1.5]), tensor([1, 0]))).toThrow(ValueError);
    expect(() => nn.bceLoss(tensor([0.5, 1.5]), tensor([1, 0]))).toThrow(
      "nn.bceLoss: expected probabilities in [0, 1], got 1.5 at index 1",
    );
    expect(() => nn.bceLoss(tensor([Number.NaN]), tensor([1]))).toThrow(ValueError);
    expect(() => nn.bceLoss(tensor([-0.1]), tensor([1]))).toThrow(ValueError);
    expect(() => nn.bceLoss(zeros([3]), zeros([3, 1]))).toThrow(
      "nn.bceLoss: prediction and target shapes must match, got [3] and [3, 1]",
    );
    expect(() => nn.bceLoss(zeros([3]), zeros([3]), { weight: zeros([2]) })).toThrow(ShapeError);
  });
});

describe("nn.bceWithLogits", () => {
  const X = [-2, -0.5, 0, 1.5, 3];
  const T = [0, 1, 1, 0.25, 1];

  it("matches the reference for every reduction", () => {
    const x = tensor(X, f64);
    const t = tensor(T, f64);
    expectClose(nn.bceWithLogits(x, t, { reduction: "none" }), [
      0.1269280110429725,
      0.9740769841801067,
      Math.LN2,
      1.3264132779827524,
      0.048587351573742055,
    ]);
    expectClose(nn.bceWithLogits(x, t), 0.6338305610679038);
    expectClose(nn.bceWithLogits(x, t, { reduction: "sum" }), 3.169152805339519);
  });

  it("agrees with bceLoss on sigmoid(logits)", () => {
    const x = tensor(X, f64);
    const t = tensor(T, f64);
    expectClose(nn.bceWithLogits(x, t), nn.bceLoss(x.sigmoid(), t).item(), 1e-12);
  });

  it("has gradient sigmoid(x) - t, exact at x = 0, and none for the target", () => {
    const x = tensor(X, { dtype: "float64", requiresGrad: true });
    const t = tensor(T, { dtype: "float64", requiresGrad: true });
    nn.bceWithLogits(x, t).backward();
    expectClose(
      x.grad!,
      [0.02384058440442351, -0.12449186624037092, -0.1, 0.11351489523872874, -0.009485174635513327],
    );
    expect(t.grad).toBeNull();
    const zero = tensor([0, 0], { requiresGrad: true });
    nn.bceWithLogits(zero, tensor([1, 0]), { reduction: "sum" }).backward();
    expect(values(zero.grad!)).toEqual([-0.5, 0.5]);
    expectGradcheck((a) => nn.bceWithLogits(a, tensor(T, f64)), [tensor(X, f64)]);
  });

  it("is stable for huge logits", () => {
    const x = tensor([-1000, 1000, -100, 100], { requiresGrad: true });
    const loss = nn.bceWithLogits(x, tensor([0, 1, 1, 0]), { reduction: "none" });
    expectClose(loss, [0, 0, 100, 100], 1e-6);
    loss.sum().backward();
    expectClose(x.grad!, [0, 0, -1, 1], 1e-6);
  });

  it("weights the positive term with posWeight (a number or a per-class tensor)", () => {
    const x = tensor(X, f64);
    const t = tensor(T, f64);
    expectClose(
      nn.bceWithLogits(x, t, { posWeight: 2, reduction: "none" }),
      [0.1269280110429725, 1.9481539683602134, 1.3862943611198906, 1.3767665974784404, 0.09717470314748411],
    );
    const X2 = tensor(
      [
        [0.3, -1.2],
        [2.0, 0.1],
        [-0.7, 0.4],
      ],
      f64,
    );
    const T2 = tensor(
      [
        [1, 0],
        [1, 1],
        [0, 1],
      ],
      f64,
    );
    expectClose(nn.bceWithLogits(X2, T2, { posWeight: tensor([3, 0.5], f64) }), 0.5481707064991251);
    expectGradcheck((a) => nn.bceWithLogits(a, T2, { posWeight: tensor([3, 0.5], f64) }), [X2]);
    expect(() => nn.bceWithLogits(X2, T2, { posWeight: tensor([1, 2, 3]) })).toThrow(
      "nn.bceWithLogits: expected posWeight to broadcast to shape [3, 2], got shape [3]",
    );
  });

  it("rejects mismatched shapes", () => {
    expect(() => nn.bceWithLogits(zeros([2, 1]), zeros([2]))).toThrow(
      "nn.bceWithLogits: logits and target shapes must match, got [2, 1] and [2]",
    );
  });
});

describe("second derivatives through the losses", () => {
  it("grad(grad(bceWithLogits)) is sigmoid(x) (1 - sigmoid(x))", () => {
    const t = tensor([1], f64);
    const d2 = grad((x: Tensor) =>
      grad((y: Tensor) => nn.bceWithLogits(y, t, { reduction: "sum" }))(x).sum(),
    );
    const x = tensor([0.3], f64);
    const s = 1 / (1 + Math.exp(-0.3));
    expectClose(d2(x) as Tensor, [s * (1 - s)]);
  });

  it("grad(grad(mseLoss)) is 2 / N and grad(grad(bceLoss)) is t / p^2 + (1 - t) / (1 - p)^2", () => {
    const target = tensor([0.5, 1], f64);
    const mse = grad((x: Tensor) => grad((y: Tensor) => nn.mseLoss(y, target))(x).sum());
    expectClose(mse(tensor([2, 3], f64)) as Tensor, [1, 1]);
    const bce = grad((x: Tensor) =>
      grad((y: Tensor) => nn.bceLoss(y, target, { reduction: "sum" }))(x).sum(),
    );
    const p = [0.2, 0.7];
    const t = [0.5, 1];
    expectClose(
      bce(tensor(p, f64)) as Tensor,
      p.map((v, i) => t[i] / v ** 2 + (1 - t[i]) / (1 - v) ** 2),
      1e-10,
    );
  });
});

describe("nn.crossEntropy and nn.nllLoss", () => {
  const L = [
    [1, 2, 0.5],
    [0.1, -1, 3],
    [2, 2, 2],
    [-0.5, 0.3, 0.2],
  ];
  const labels = [1, 2, 0, 0];
  const none = [0.4643687841079449, 0.07077421896049133, 1.0986122886681098, 1.6561866869491566];

  it("matches the reference for every label form and reduction", () => {
    const x = tensor(L, f64);
    for (const lab of [labels, new Int32Array(labels), tensor(labels), tensor(labels, f64)]) {
      expectClose(nn.crossEntropy(x, lab, { reduction: "none" }), none);
      expectClose(nn.crossEntropy(x, lab), 0.8224854946714256);
      expectClose(nn.crossEntropy(x, lab, { reduction: "sum" }), 3.2899419786857025);
    }
    expect(nn.crossEntropy(x, labels, { reduction: "none" }).shape).toEqual([4]);
    expect(nn.crossEntropy(x, labels).shape).toEqual([]);
    expectClose(nn.nllLoss(x.logSoftmax(1), labels, { reduction: "none" }), none);
    expectClose(nn.crossEntropy(tensor(L), labels), 0.8224854946714256, 1e-6);
  });

  it("has gradient (softmax - onehot) / N and gives the labels none", () => {
    const x = tensor(L, { dtype: "float64", requiresGrad: true });
    const lab = tensor(labels, { requiresGrad: true });
    nn.crossEntropy(x, lab).backward();
    expectClose(
      x.grad!,
      [
        0.05780597440553726, -0.09286707019705939, 0.03506109579152212, 0.01281590142708592,
        0.0042660429966018525, -0.017081944423687767, -0.16666666666666669, 0.08333333333333333,
        0.08333333333333333, -0.20228364406148583, 0.10619470309967792, 0.09608894096180788,
      ],
    );
    expect(lab.grad).toBeNull();
    expectGradcheck((a) => nn.crossEntropy(a, labels), [tensor(L, f64)]);
    expectGradcheck(
      (a) => nn.crossEntropy(a, labels, { reduction: "sum", labelSmoothing: 0.2 }),
      [tensor(L, f64)],
    );
  });

  it("supports label smoothing as PyTorch", () => {
    const x = tensor(L, { dtype: "float64", requiresGrad: true });
    expectClose(
      nn.crossEntropy(x, labels, { labelSmoothing: 0.1, reduction: "none" }),
      [0.5477021174412783, 0.30077421896049134, 1.09861228866811, 1.6061866869491566],
    );
    const loss = nn.crossEntropy(x, labels, { labelSmoothing: 0.1 });
    expectClose(loss, 0.888318828004759);
    loss.backward();
    expectClose(
      x.grad!,
      [
        0.04947264107220393, -0.07620040353039273, 0.026727762458188788, 0.0044825680937525866,
        -0.004067290336731481, -0.00041527775702110414, -0.15000000000000002, 0.075, 0.075,
        -0.18561697739481917, 0.09786136976634459, 0.08775560762847455,
      ],
    );
    expect(() => nn.crossEntropy(x, labels, { labelSmoothing: 1.5 })).toThrow(ValueError);
  });

  it("is stable for huge logits", () => {
    const x = tensor([[1000, 0, -1000]], { requiresGrad: true });
    const loss = nn.crossEntropy(x, [1]);
    expectClose(loss, 1000, 1e-6);
    loss.backward();
    expectClose(x.grad!, [1, -1, 0], 1e-6);
    expectClose(nn.crossEntropy(x, [0]), 0);
  });

  it("validates logits and labels with clear errors", () => {
    const x = zeros([2, 3]);
    expect(() => nn.crossEntropy(zeros([3]), [0])).toThrow(
      "nn.crossEntropy: expected logits of shape [N, C], got [3]",
    );
    expect(() => nn.crossEntropy(x, [0, 3])).toThrow(ValueError);
    expect(() => nn.crossEntropy(x, [0, 3])).toThrow(
      "nn.crossEntropy: expected labels to be integers in [0, 3) for 3 classes, got 3 at index 1",
    );
    expect(() => nn.crossEntropy(x, [0, 1.5])).toThrow(/got 1\.5 at index 1/);
    expect(() => nn.crossEntropy(x, [-1, 0])).toThrow(ValueError);
    expect(() => nn.crossEntropy(x, tensor([0, 0.5]))).toThrow(ValueError);
    expect(() => nn.crossEntropy(x, [0])).toThrow(ShapeError);
    expect(() => nn.crossEntropy(x, [0, 1, 2])).toThrow(
      "nn.crossEntropy: expected 2 labels (one per row of logits [2, 3]), got 3",
    );
    expect(() => nn.crossEntropy(x, tensor([[0], [1]]))).toThrow(
      "nn.crossEntropy: expected labels of shape [2], got a tensor of shape [2, 1]",
    );
    expect(() => nn.crossEntropy(x, "01" as unknown as number[])).toThrow(TypeMismatchError);
    expect(() => nn.nllLoss(x, [5, 0])).toThrow(/nn\.nllLoss: expected labels to be integers in \[0, 3\)/);
  });
});
