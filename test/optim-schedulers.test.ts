// Learning-rate schedules: sequences against PyTorch's recursive forms, groups, state dicts and errors.

import { describe, expect, it } from "vitest";
import { TypeMismatchError, ValueError } from "../src/errors.js";
import { type Tensor, tensor } from "../src/index.js";
import * as optim from "../src/optim/index.js";

function opt(lr = 0.1, groups?: number[]): optim.SGD {
  const p = (): Tensor => tensor([1, 2], { dtype: "float64", requiresGrad: true });
  if (groups)
    return new optim.SGD(
      groups.map((g) => ({ params: [p()], lr: g })),
      { lr },
    );
  return new optim.SGD([p()], { lr });
}

/** The learning rates seen at construction and after each of `n - 1` steps, first group. */
function sequence(sched: { step(): void; getLastLr(): number[] }, o: optim.Optimizer, n: number): number[] {
  const out = [sched.getLastLr()[0]];
  expect(o.lr).toBe(out[0]);
  for (let i = 1; i < n; i++) {
    sched.step();
    out.push(sched.getLastLr()[0]);
    expect(o.lr).toBe(out[i]);
  }
  return out;
}

function expectClose(got: number[], expected: number[], rel = 1e-13): void {
  expect(got).toHaveLength(expected.length);
  got.forEach((g, i) => {
    expect(Math.abs(g - expected[i])).toBeLessThanOrEqual(rel * Math.max(1e-300, Math.abs(expected[i])));
  });
}

// Reference sequences below were computed with a Python transcription of PyTorch's recursive
// ("chainable") schedule formulas; chainrule uses the closed forms, so agreement checks both.
describe("epoch schedules", () => {
  it("StepLR", () => {
    const o = opt(0.1);
    const got = sequence(new optim.StepLR(o, { stepSize: 3, gamma: 0.5 }), o, 10);
    expectClose(got, [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125]);
  });

  it("StepLR's gamma defaults to 0.1", () => {
    const o = opt(1);
    expectClose(sequence(new optim.StepLR(o, { stepSize: 2 }), o, 5), [1, 1, 0.1, 0.1, 0.01]);
  });

  it("MultiStepLR (a repeated milestone counts twice)", () => {
    const o = opt(0.1);
    const got = sequence(new optim.MultiStepLR(o, { milestones: [5, 2, 5], gamma: 0.1 }), o, 8);
    expectClose(got, [0.1, 0.1, 0.01, 0.01, 0.01, 1e-4, 1e-4, 1e-4]);
  });

  it("ExponentialLR", () => {
    const o = opt(0.5);
    const got = sequence(new optim.ExponentialLR(o, { gamma: 0.9 }), o, 8);
    expectClose(
      got,
      [
        0.5, 0.45, 0.405, 0.36450000000000005, 0.32805000000000006, 0.2952450000000001, 0.2657205000000001,
        0.23914845000000007,
      ],
    );
  });

  it("CosineAnnealingLR, including past tMax where it climbs back", () => {
    const o = opt(0.1);
    const got = sequence(new optim.CosineAnnealingLR(o, { tMax: 10, etaMin: 0.001 }), o, 26);
    expectClose(
      got,
      [
        0.1, 0.09757729755661011, 0.0905463412215599, 0.07959536998847742, 0.0657963412215599, 0.0505,
        0.03520365877844011, 0.02140463001152259, 0.010453658778440109, 0.0034227024433899004, 0.001,
        0.0034227024433899004, 0.01045365877844014, 0.02140463001152267, 0.035203658778440255,
        0.05050000000000022, 0.06579634122156018, 0.07959536998847777, 0.09054634122156031,
        0.09757729755661054, 0.10000000000000045, 0.09757729755661054, 0.09054634122156033,
        0.07959536998847778, 0.0657963412215602, 0.050500000000000225,
      ],
    );
  });

  it("CosineAnnealingLR's etaMin defaults to 0", () => {
    const o = opt(1);
    expectClose(sequence(new optim.CosineAnnealingLR(o, { tMax: 2 }), o, 3).slice(0, 2), [1, 0.5]);
    expect(o.lr).toBeLessThan(1e-16);
  });

  it("LinearLR warm-up, then constant", () => {
    const o = opt(0.2);
    const got = sequence(new optim.LinearLR(o, { startFactor: 0.25, totalIters: 4 }), o, 8);
    expectClose(got, [0.05, 0.0875, 0.125, 0.1625, 0.2, 0.2, 0.2, 0.2]);
  });

  it("LinearLR decay and PyTorch defaults (1/3 to 1 over 5 steps)", () => {
    const o = opt(0.2);
    const got = sequence(new optim.LinearLR(o, { startFactor: 1, endFactor: 0.1, totalIters: 3 }), o, 6);
    expectClose(got, [0.2, 0.14, 0.08, 0.02, 0.02, 0.02]);
    const o2 = opt(0.3);
    const got2 = sequence(new optim.LinearLR(o2), o2, 7);
    expectClose(got2, [0.1, 0.14, 0.18, 0.22, 0.26, 0.3, 0.3]);
  });

  it("LambdaLR, one function or one per group", () => {
    const o = opt(0.1);
    expectClose(sequence(new optim.LambdaLR(o, { lrLambda: (e) => 1 / (e + 1) }), o, 4), [
      0.1,
      0.05,
      0.1 / 3,
      0.025,
    ]);
    const o2 = opt(1, [1, 2]);
    const s = new optim.LambdaLR(o2, { lrLambda: [(e) => e + 1, () => 0.5] });
    s.step();
    expect(s.getLastLr()).toEqual([2, 1]);
  });

  it("sets every parameter group from its own base learning rate", () => {
    const o = opt(0.1, [1, 0.01]);
    const s = new optim.StepLR(o, { stepSize: 1, gamma: 0.5 });
    expect(s.baseLrs).toEqual([1, 0.01]);
    s.step();
    s.step();
    expect(s.getLastLr()).toEqual([0.25, 0.0025]);
    expect(o.paramGroups.map((g) => g.lr)).toEqual([0.25, 0.0025]);
    expect(s.lastEpoch).toBe(2);
  });

  it("the optimizer steps with the scheduled learning rate", () => {
    const w = tensor([1], { dtype: "float64", requiresGrad: true });
    const o = new optim.SGD([w], { lr: 1 });
    const s = new optim.ExponentialLR(o, { gamma: 0.5 });
    for (let i = 0; i < 3; i++) {
      w.grad = tensor([1], { dtype: "float64" });
      o.step();
      s.step();
    }
    expect(w.item()).toBe(1 - 1 - 0.5 - 0.25);
  });

  it("getLastLr returns a copy", () => {
    const s = new optim.StepLR(opt(0.1), { stepSize: 1 });
    s.getLastLr()[0] = 5;
    expect(s.getLastLr()).toEqual([0.1]);
  });

  it("a state dict round trip resumes the schedule", () => {
    const o = opt(0.1);
    const s = new optim.CosineAnnealingLR(o, { tMax: 10 });
    for (let i = 0; i < 4; i++) s.step();
    const saved = JSON.parse(JSON.stringify({ opt: o.stateDict(), sched: s.stateDict() }));
    const o2 = opt(0.1);
    const s2 = new optim.CosineAnnealingLR(o2, { tMax: 10 });
    o2.loadStateDict(saved.opt);
    s2.loadStateDict(saved.sched);
    expect(o2.lr).toBe(o.lr);
    s.step();
    s2.step();
    expect(s2.getLastLr()).toEqual(s.getLastLr());
    expect(s2.lastEpoch).toBe(5);
  });
});

describe("ReduceLROnPlateau", () => {
  it("reduces after more than `patience` bad steps (min mode, relative threshold)", () => {
    const o = opt(1);
    const s = new optim.ReduceLROnPlateau(o, { factor: 0.5, patience: 2 });
    expect(s.getLastLr()).toEqual([1]);
    const lrs = [10, 9, 9, 9, 9, 8.9999, 5, 5, 5, 5, 5, 5].map((m) => {
      s.step(m);
      return s.getLastLr()[0];
    });
    expect(lrs).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]);
    expect(o.lr).toBe(0.25);
  });

  it("max mode, absolute threshold, cooldown and minLr", () => {
    const o = opt(1);
    const s = new optim.ReduceLROnPlateau(o, {
      mode: "max",
      factor: 0.5,
      patience: 1,
      threshold: 0.1,
      thresholdMode: "abs",
      cooldown: 2,
      minLr: 0.2,
    });
    const lrs = [1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3.05, 3.05, 3.05].map((m) => {
      s.step(m);
      return s.getLastLr()[0];
    });
    expect(lrs).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2]);
  });

  it("takes a one-element tensor, counts NaN as no improvement, and uses PyTorch's defaults", () => {
    const o = opt(1);
    const s = new optim.ReduceLROnPlateau(o);
    expect([s.mode, s.factor, s.patience, s.threshold, s.thresholdMode, s.cooldown, s.eps]).toEqual([
      "min",
      0.1,
      10,
      1e-4,
      "rel",
      0,
      1e-8,
    ]);
    s.step(tensor(1));
    for (let i = 0; i < 11; i++) s.step(Number.NaN);
    expect(o.lr).toBeCloseTo(0.1, 15);
  });

  it("per-group minLr, and a state dict round trip through JSON", () => {
    const o = opt(1, [1, 1]);
    const s = new optim.ReduceLROnPlateau(o, { patience: 0, minLr: [0.5, 0] });
    s.step(1);
    s.step(1);
    expect(s.getLastLr()).toEqual([0.5, 0.1]);
    const fresh = new optim.ReduceLROnPlateau(opt(1, [1, 1]), { patience: 0, minLr: [0.5, 0] });
    const saved = JSON.parse(JSON.stringify(fresh.stateDict()));
    const s2 = new optim.ReduceLROnPlateau(opt(1, [1, 1]), { patience: 0 });
    s2.loadStateDict(saved);
    expect(s2.best).toBe(Number.POSITIVE_INFINITY);
    s2.loadStateDict(JSON.parse(JSON.stringify(s.stateDict())));
    expect(s2.best).toBe(1);
    expect(s2.lastEpoch).toBe(2);
  });
});

describe("schedule errors", () => {
  const cases: [string, () => unknown, new (...args: never[]) => Error, string][] = [
    [
      "not an optimizer",
      () => new optim.StepLR({} as optim.Optimizer, { stepSize: 1 }),
      TypeMismatchError,
      "optim.StepLR: optimizer must be an optim.Optimizer, got ",
    ],
    [
      "stepSize 0",
      () => new optim.StepLR(opt(), { stepSize: 0 }),
      ValueError,
      "optim.StepLR: stepSize must be a positive integer, got 0",
    ],
    [
      "fractional stepSize",
      () => new optim.StepLR(opt(), { stepSize: 1.5 }),
      ValueError,
      "optim.StepLR: stepSize must be a positive integer, got 1.5",
    ],
    [
      "missing gamma",
      () => new optim.ExponentialLR(opt(), {} as { gamma: number }),
      TypeMismatchError,
      "optim.ExponentialLR: gamma must be a non-negative number, got undefined",
    ],
    [
      "tMax 0",
      () => new optim.CosineAnnealingLR(opt(), { tMax: 0 }),
      ValueError,
      "optim.CosineAnnealingLR: tMax must be a positive number, got 0",
    ],
    [
      "startFactor 0",
      () => new optim.LinearLR(opt(), { startFactor: 0 }),
      ValueError,
      "optim.LinearLR: startFactor must be a positive number, got 0",
    ],
    [
      "startFactor > 1",
      () => new optim.LinearLR(opt(), { startFactor: 2 }),
      ValueError,
      "optim.LinearLR: startFactor must be a number in (0, 1], got 2",
    ],
    [
      "lrLambda count",
      () => new optim.LambdaLR(opt(), { lrLambda: [() => 1, () => 1] }),
      TypeMismatchError,
      "optim.LambdaLR: lrLambda must be a function or an array of 1 functions",
    ],
    [
      "milestones",
      () => new optim.MultiStepLR(opt(), { milestones: [1, -2] }),
      ValueError,
      "optim.MultiStepLR: milestones[1] must be a non-negative integer, got -2",
    ],
    [
      "factor 1",
      () => new optim.ReduceLROnPlateau(opt(), { factor: 1 }),
      ValueError,
      "optim.ReduceLROnPlateau: factor must be a number in [0, 1), got 1",
    ],
    [
      "bad mode",
      () => new optim.ReduceLROnPlateau(opt(), { mode: "up" as "min" }),
      ValueError,
      'optim.ReduceLROnPlateau: mode must be "min" or "max", got "up"',
    ],
    [
      "minLr per group",
      () => new optim.ReduceLROnPlateau(opt(), { minLr: [0, 0] }),
      ValueError,
      "optim.ReduceLROnPlateau: minLr must have one entry per parameter group (1), got 2",
    ],
    [
      "metric",
      () => new optim.ReduceLROnPlateau(opt()).step("1" as unknown as number),
      TypeMismatchError,
      'optim.ReduceLROnPlateau.step: metric must be a number or a one-element tensor, got "1"',
    ],
  ];
  for (const [name, fn, cls, message] of cases) {
    it(name, () => {
      expect(fn).toThrow(cls);
      expect(fn).toThrow(message);
    });
  }
});
