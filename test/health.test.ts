// Gradient health: norms checked against hand-written backprop, update ratios, dead ReLUs, saturation, flags.
import {
  formatHealthReport,
  gradientHealth,
  HealthMonitor,
  nn,
  optim,
  randn,
  type Tensor,
  TypeMismatchError,
  ValueError,
} from "chainrule";
import { describe, expect, it } from "vitest";
import { tutorialProblem } from "../src/data/tutorial.js";

const sig = (v: number) => 1 / (1 + Math.exp(-v));
const norm = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));

/** The tutorial's 2-4-1 sigmoid network as nn modules, with the tutorial's initial weights (W1 is [2, 4]). */
function tutorialNet() {
  const p = tutorialProblem();
  const l1 = new nn.Linear(2, 4, { dtype: "float64" });
  const l2 = new nn.Linear(4, 1, { dtype: "float64" });
  l1.weight._storage.set(p.W1.T.data);
  l1.bias!._storage.fill(0);
  l2.weight._storage.set(p.W2.T.data);
  l2.bias!._storage.fill(0);
  return { net: new nn.Sequential(l1, new nn.Sigmoid(), l2, new nn.Sigmoid()), p };
}

/** The tutorial's backward pass by hand (BCE mean: dz2 = (a2 - y) / N), in plain numbers. */
function handBackprop(p: ReturnType<typeof tutorialProblem>) {
  const X = p.x.data;
  const Y = p.y.data;
  const W1 = p.W1.data; // [2, 4]
  const W2 = p.W2.data; // [4, 1]
  const N = 100;
  const a1 = new Float64Array(N * 4);
  const dz2 = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    let z2 = 0;
    for (let j = 0; j < 4; j++) {
      a1[n * 4 + j] = sig(X[2 * n] * W1[j] + X[2 * n + 1] * W1[4 + j]);
      z2 += a1[n * 4 + j] * W2[j];
    }
    dz2[n] = (sig(z2) - Y[n]) / N;
  }
  const dW1 = new Float64Array(8);
  const db1 = new Float64Array(4);
  const dW2 = new Float64Array(4);
  let db2 = 0;
  const da1 = new Float64Array(N * 4);
  for (let n = 0; n < N; n++) {
    db2 += dz2[n];
    for (let j = 0; j < 4; j++) {
      const a = a1[n * 4 + j];
      dW2[j] += a * dz2[n];
      da1[n * 4 + j] = dz2[n] * W2[j];
      const dz1 = da1[n * 4 + j] * a * (1 - a);
      db1[j] += dz1;
      dW1[j] += X[2 * n] * dz1;
      dW1[4 + j] += X[2 * n + 1] * dz1;
    }
  }
  return {
    layer1: Math.sqrt(norm(dW1) ** 2 + norm(db1) ** 2),
    layer2: Math.sqrt(norm(dW2) ** 2 + db2 ** 2),
    dW1: norm(dW1),
    da1: norm(da1),
    meanA1: a1.reduce((s, v) => s + v, 0) / a1.length,
  };
}

/** A deep MLP on 8 features: sigmoid with PyTorch's default init, or ReLU with He init. */
function deepNet(act: "sigmoid" | "relu", depth = 10, width = 32) {
  const net = new nn.Sequential();
  for (let i = 0; i < depth; i++) {
    const last = i === depth - 1;
    net.append(
      new nn.Linear(i === 0 ? 8 : width, last ? 1 : width, {
        seed: 10 + i,
        init: act === "relu" && !last ? "kaiming-normal" : "default",
      }),
    );
    if (!last) net.append(act === "relu" ? new nn.ReLU() : new nn.Sigmoid());
  }
  return net;
}

const x8 = randn([64, 8], { seed: 1 });
const y8 = randn([64, 1], { seed: 2 });
const mse = (out: Tensor) => nn.mseLoss(out, y8);

describe("HealthMonitor on the tutorial's network", () => {
  it("layer gradient norms equal the tutorial's hand-written backprop", () => {
    const { net, p } = tutorialNet();
    const hand = handBackprop(p);
    const monitor = new HealthMonitor(net);
    nn.bceLoss(net.forward(p.x), p.y).backward();
    const r = monitor.report();
    expect(r.layers.map((l) => [l.name, l.type, l.parameters])).toEqual([
      ["0", "Linear", ["0.weight", "0.bias"]],
      ["2", "Linear", ["2.weight", "2.bias"]],
    ]);
    expect(r.layers[0].gradNorm! / hand.layer1).toBeCloseTo(1, 10);
    expect(r.layers[1].gradNorm! / hand.layer2).toBeCloseTo(1, 10);
    expect(r.parameters[0].gradNorm! / hand.dW1).toBeCloseTo(1, 10);
    // The hidden sigmoid: 4 units, 100 examples, near 0.5 with the tutorial's 0.01-scale weights.
    const hidden = r.activations.find((a) => a.name === "1")!;
    expect(hidden).toMatchObject({
      type: "sigmoid",
      units: 4,
      examples: 100,
      saturatedShare: 0,
      deadShare: null,
    });
    expect(hidden.mean).toBeCloseTo(hand.meanA1, 12);
    expect(hidden.outputGradNorm! / hand.da1).toBeCloseTo(1, 10);
    // The first layer's gradient is ~100x smaller than the last's (small weights shrink the backward signal).
    expect(r.summary.firstToLastRatio!).toBeCloseTo(hand.layer1 / hand.layer2, 10);
    monitor.remove();
  });

  it("measures the update-to-weight ratio around an SGD step, and estimates it from lr", () => {
    const { net, p } = tutorialNet();
    const monitor = new HealthMonitor(net);
    const opt = new optim.SGD(net.parameters(), { lr: 0.5 });
    nn.bceLoss(net.forward(p.x), p.y).backward();
    const estimate = monitor.report({ lr: 0.5 });
    monitor.beforeStep();
    opt.step();
    const measured = monitor.report();
    // Plain SGD: Δw = -lr·g exactly, so ‖Δw‖/‖w‖ = lr‖g‖/‖w‖ (weights before the step).
    for (let i = 0; i < 2; i++) {
      const l = measured.layers[i];
      expect(l.updateRatio! / estimate.layers[i].updateRatio!).toBeCloseTo(1, 5);
      expect(l.updateRatio! / ((0.5 * l.gradNorm!) / l.weightNorm)).toBeCloseTo(1, 5);
    }
    // The snapshot is used once.
    expect(monitor.report().layers[0].updateRatio).toBeNull();
  });
});

describe("vanishing, exploding, dead and saturated", () => {
  it("a 10-layer sigmoid net's first layer gets a gradient orders of magnitude below its last", () => {
    const r = gradientHealth(deepNet("sigmoid"), x8, mse);
    const norms = r.layers.map((l) => l.gradNorm!);
    expect(norms).toHaveLength(10);
    // Each sigmoid multiplies the backward signal by at most 1/4: the norms grow layer by layer.
    for (let i = 0; i < 9; i++) expect(norms[i]).toBeLessThan(norms[i + 1]);
    expect(r.summary.firstToLastRatio!).toBeLessThan(1e-5);
    expect(r.summary.vanishing).toBe(true);
    expect(r.summary.exploding).toBe(false);
    expect(r.layers[0].flags).toContain("vanishing");
    expect(r.summary.messages[0]).toMatch(
      /^vanishing gradients: layer 0's gradient norm is .* times layer 18's/,
    );
  });

  it("the same depth with ReLU and He init keeps the gradient norms within a factor of 100", () => {
    const r = gradientHealth(deepNet("relu"), x8, mse);
    const ratio = r.summary.firstToLastRatio!;
    expect(ratio).toBeGreaterThan(1e-2);
    expect(ratio).toBeLessThan(1e2);
    expect(r.summary.vanishing).toBe(false);
    expect(r.summary.exploding).toBe(false);
    expect(r.layers.every((l) => !l.flags.includes("vanishing"))).toBe(true);
  });

  it("a huge negative bias kills every ReLU unit, and the first layer gets no gradient", () => {
    const net = deepNet("relu", 3, 16);
    (net[0] as nn.Linear).bias!._storage.fill(-100);
    const r = gradientHealth(net, x8, mse);
    const first = r.activations.find((a) => a.name === "1")!;
    expect(first).toMatchObject({
      type: "relu",
      units: 16,
      examples: 64,
      deadShare: 1,
      zeroShare: 1,
      flags: ["dead"],
    });
    expect(r.layers[0].gradNorm).toBe(0);
    expect(r.layers[0].flags).toContain("vanishing");
    expect(r.summary.vanishing).toBe(true);
    // The second ReLU sees a constant input (its bias only): its dead share matches a direct count.
    const h = net[2].forward(net[1].forward(net[0].forward(x8)));
    const out = net[3].forward(h).toArray() as number[][];
    const dead = out[0].filter((_, u) => out.every((row) => row[u] === 0)).length / 16;
    expect(r.activations.find((a) => a.name === "3")!.deadShare).toBe(dead);
    expect(r.summary.deadReluShare).toBeCloseTo((16 + dead * 16) / 32, 12);
    expect(r.summary.messages.some((m) => /dead ReLUs: 100\.0% of the 16 units of 1/.test(m))).toBe(true);
  });

  it("counts saturated sigmoid and tanh outputs with the documented thresholds", () => {
    for (const Act of [nn.Sigmoid, nn.Tanh]) {
      const lin = new nn.Linear(8, 16, { seed: 3 });
      lin.weight._storage.forEach((v, i, a) => {
        a[i] = v * 20;
      });
      const net = new nn.Sequential(lin, new Act(), new nn.Linear(16, 1, { seed: 4 }));
      const r = gradientHealth(net, x8, mse);
      const out = Array.from(new Act().forward(lin.forward(x8)).data);
      const saturated = out.filter((v) =>
        Act === nn.Sigmoid ? v <= 0.01 || v >= 0.99 : Math.abs(v) >= 0.99,
      );
      const a = r.activations[0];
      expect(a.saturatedShare).toBe(saturated.length / out.length);
      expect(a.saturatedShare!).toBeGreaterThan(0.5);
      expect(a.flags).toEqual(["saturated"]);
      expect(r.summary.saturatedShare).toBe(a.saturatedShare);
    }
  });

  it("flags non-finite gradients as exploding", () => {
    const net = deepNet("relu", 3, 4);
    (net[4] as nn.Linear).weight._storage[0] = Number.POSITIVE_INFINITY;
    const r = gradientHealth(net, x8, mse);
    expect(r.summary.nonFinite).toBe(true);
    expect(r.summary.exploding).toBe(true);
    expect(r.parameters.find((p) => p.name === "4.weight")!.flags).toContain("non-finite");
    expect(r.summary.messages[0]).toMatch(/^non-finite gradients in .*4\.weight.*detectAnomaly/);
  });

  it("flags large gradients as exploding with a custom threshold", () => {
    const r = gradientHealth(deepNet("relu", 3, 8), x8, mse, { thresholds: { maxGradNorm: 1e-3 } });
    expect(r.summary.exploding).toBe(true);
    expect(r.thresholds.maxGradNorm).toBe(1e-3);
    expect(r.layers.every((l) => l.flags.includes("exploding"))).toBe(true);
  });
});

describe("the report as data and as text", () => {
  it("is plain JSON and prints as a table", () => {
    const r = gradientHealth(deepNet("sigmoid", 3, 4), x8, mse, { lr: 0.1 });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    const text = formatHealthReport(r);
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^Layer\s+Type\s+Grad norm\s+Weight norm\s+Update\/weight\s+Flags$/);
    expect(lines[1]).toMatch(new RegExp(`^0\\s+Linear\\s+${r.layers[0].gradNorm!.toExponential(2)}\\s`));
    expect(text).toMatch(/Activation\s+Type\s+Units\s+Dead\s+Zero\s+Saturated/);
    expect(text).toMatch(/Vanishing: (yes|no)\. Exploding: no\./);
  });

  it("gradientHealth leaves the model as it found it", () => {
    const net = deepNet("relu", 3, 4);
    const w = (net[0] as nn.Linear).weight;
    const g = randn(w.shape, { seed: 5 });
    w.grad = g;
    gradientHealth(net, x8, mse);
    expect(w.grad).toBe(g);
    expect((net[2] as nn.Linear).weight.grad).toBeNull();
    expect(net.modules().some((m) => Object.hasOwn(m, "forward"))).toBe(false);
  });

  it("reports missing gradients before any backward, and validates its arguments", () => {
    const monitor = new HealthMonitor(deepNet("relu", 2, 4));
    const r = monitor.report();
    expect(r.layers.every((l) => l.gradNorm === null && l.flags.includes("no-gradient"))).toBe(true);
    expect(r.summary.firstToLastRatio).toBeNull();
    // @ts-expect-error: not a module
    expect(() => new HealthMonitor(3)).toThrow(TypeMismatchError);
    expect(() => new HealthMonitor(deepNet("relu", 2, 4), { thresholds: { saturation: -1 } })).toThrow(
      ValueError,
    );
    expect(() => monitor.report({ lr: -1 })).toThrow(ValueError);
    // @ts-expect-error: not a tensor
    expect(() => gradientHealth(deepNet("relu", 2, 4), [1], mse)).toThrow(TypeMismatchError);
  });
});
