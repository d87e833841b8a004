// Tests of the playground's inspect code (run in the worker): the backprop trace against a hand-written
// backprop and against the SGD step itself, the weight breakdown's path sums against autograd and finite
// differences, the exercise's verdicts, gradient-health flags, and that inspecting never changes the trainer.

import { grad, type Tensor, tensor } from "chainrule";
import { beforeEach, describe, expect, it } from "vitest";
import { defaultConfig, Trainer } from "../../playground/src/engine/index.js";
import { resetHealth } from "../../playground/src/inspect/health.js";
import { handleInspect, onStep } from "../../playground/src/inspect/index.js";
import type {
  BreakdownResult,
  CheckResult,
  HealthResult,
  TraceResult,
} from "../../playground/src/inspect/types.js";
import type { ExperimentConfig, ParamRef } from "../../playground/src/protocol.js";

function trainer(overrides: Partial<ExperimentConfig> = {}, steps = 0): Trainer {
  const t = new Trainer({ ...defaultConfig(), ...overrides });
  for (let i = 0; i < steps; i++) t.takeStep();
  return t;
}

const close = (a: number, b: number, tol: number) =>
  Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

/** Plain-number backprop of a tanh MLP with one logit and BCE-with-logits (mean), written from the formulas. */
function handBackprop(
  W: number[][][],
  b: number[][],
  xs: number[][],
  ys: number[],
): { dW: number[][][]; dB: number[][]; loss: number } {
  const B = xs.length;
  const dW = W.map((m) => m.map((r) => r.map(() => 0)));
  const dB = b.map((v) => v.map(() => 0));
  let loss = 0;
  xs.forEach((x, n) => {
    const acts: number[][] = [x];
    const zs: number[][] = [];
    W.forEach((m, l) => {
      const prev = acts[l];
      const z = m.map((r, j) => r.reduce((s, w, i) => s + w * prev[i], b[l][j]));
      zs.push(z);
      acts.push(l === W.length - 1 ? z : z.map(Math.tanh));
    });
    const logit = zs[zs.length - 1][0];
    loss += (Math.max(logit, 0) - logit * ys[n] + Math.log1p(Math.exp(-Math.abs(logit)))) / B;
    let delta = [(1 / (1 + Math.exp(-logit)) - ys[n]) / B];
    for (let l = W.length - 1; l >= 0; l--) {
      const prev = acts[l];
      delta.forEach((d, j) => {
        dB[l][j] += d;
        prev.forEach((a, i) => {
          dW[l][j][i] += d * a;
        });
      });
      if (l === 0) break;
      const back = prev.map((_, i) => delta.reduce((s, d, j) => s + d * W[l][j][i], 0));
      delta = back.map((g, i) => g * (1 - prev[i] * prev[i]));
    }
  });
  return { dW, dB, loss };
}

/** Everything about a trainer that inspecting must not change. */
function fingerprint(t: Trainer) {
  const params = t.model.parameters();
  return {
    params: JSON.stringify(t.params()),
    step: t.step,
    batch: t.nextBatch().indices.join(","),
    grads: params.map((p) => (p.grad === null ? null : Array.from(p.grad._storage))),
    requiresGrad: params.map((p) => p.requiresGrad),
  };
}

beforeEach(() => resetHealth());

describe("trace", () => {
  it("gives the hand-written backprop's gradients for the default 2-4-2-1 tanh network", () => {
    const t = trainer({}, 7);
    const r = handleInspect(t, { kind: "trace" }) as TraceResult;
    const batch = t.nextBatch();
    expect(r.examples).toEqual(batch.indices);
    const { weights, biases } = t.params();
    const xs = r.examples.map((i) => [t.train.points[i].x1, t.train.points[i].x2]);
    const ys = r.examples.map((i) => t.train.points[i].label);
    const ref = handBackprop(weights, biases, xs, ys);
    expect(close(r.loss.total, ref.loss, 1e-12)).toBe(true);
    expect(r.layers).toHaveLength(3);
    r.layers.forEach((L, l) => {
      L.dW.forEach((row, j) => {
        row.forEach((v, i) => {
          expect(Math.abs(v - ref.dW[l][j][i])).toBeLessThan(1e-14);
        });
        expect(Math.abs(L.dB[j] - ref.dB[l][j])).toBeLessThan(1e-14);
      });
    });
    // Some gradient is really there (the comparison is not between zeros).
    expect(Math.max(...r.layers[0].dW.flat().map(Math.abs))).toBeGreaterThan(1e-4);
  });

  it("per-example ∂L/∂z and ∂L/∂a obey the chain rule and sum to ∂L/∂b", () => {
    const t = trainer({ activation: "sigmoid", hiddenLayers: [3, 3] }, 3);
    const r = handleInspect(t, { kind: "trace" }) as TraceResult;
    const out = r.layers[2];
    // Output: ∂L/∂z = (σ(z) - y) / B.
    r.examples.forEach((_, n) => {
      const z = out.z[n][0];
      expect(close(out.dZ[n][0], (1 / (1 + Math.exp(-z)) - r.labels[n]) / r.examples.length, 1e-12)).toBe(
        true,
      );
    });
    for (const l of [0, 1]) {
      const L = r.layers[l];
      L.dZ.forEach((row, n) => {
        row.forEach((g, j) => {
          const a = L.a[n][j];
          expect(close(g, L.dA[n][j] * a * (1 - a), 1e-12)).toBe(true);
          // ∂L/∂a = Σ_k W_kj ∂L/∂z_k of the next layer.
          const next = r.layers[l + 1];
          const back = next.dZ[n].reduce((s, d, k) => s + d * next.weight[k][j], 0);
          expect(close(L.dA[n][j], back, 1e-12)).toBe(true);
        });
      });
      L.dB.forEach((g, j) => {
        expect(
          close(
            g,
            L.dZ.reduce((s, row) => s + row[j], 0),
            1e-12,
          ),
        ).toBe(true);
      });
    }
  });

  it("is exactly the gradient the next SGD step applies (multi-class, ReLU, L2), and matches chainrule's grad", () => {
    const cfg: Partial<ExperimentConfig> = {
      dataset: "blobs3",
      activation: "relu",
      hiddenLayers: [5, 4],
      regularization: "l2",
      regularizationRate: 0.03,
      learningRate: 0.1,
    };
    const t = trainer(cfg, 5);
    const r = handleInspect(t, { kind: "trace" }) as TraceResult;
    expect(r.loss.regularization).toBeGreaterThan(0);

    // Independent: the loss written by hand with tensor ops, differentiated by grad.
    const { weights, biases } = t.params();
    const batch = t.nextBatch();
    const labels = Array.from(batch.y._storage);
    const f = (...ps: Tensor[]) => {
      let h = batch.x;
      for (let l = 0; l < 3; l++) {
        h = h.matmul(ps[2 * l].transpose()).add(ps[2 * l + 1]);
        if (l < 2) h = h.relu();
      }
      const lse = h.logSumExp(1);
      const picked = h
        .mul(
          tensor(
            labels.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))),
            { dtype: "float64" },
          ),
        )
        .sum(1);
      const data = lse.sub(picked).mean();
      const reg = ps
        .filter((_, i) => i % 2 === 0)
        .reduce((s: Tensor, w) => s.add(w.square().sum().mul(0.5)), tensor(0, { dtype: "float64" }));
      return data.add(reg.mul(0.03));
    };
    const args = weights.flatMap((w, l) => [
      tensor(w, { dtype: "float64" }),
      tensor(biases[l], { dtype: "float64" }),
    ]);
    const g = grad(f, { argnums: [0, 1, 2, 3, 4, 5] })(...args);
    r.layers.forEach((L, l) => {
      const gw = g[2 * l].toArray() as number[][];
      const gb = g[2 * l + 1].toArray() as number[];
      L.dW.forEach((row, j) => {
        row.forEach((v, i) => {
          expect(Math.abs(v - gw[j][i])).toBeLessThan(1e-13);
        });
        expect(Math.abs(L.dB[j] - gb[j])).toBeLessThan(1e-13);
      });
    });

    // The SGD step: w_after = w_before - lr · ∂L/∂w.
    t.takeStep();
    const after = t.params();
    r.layers.forEach((L, l) => {
      L.weight.forEach((row, j) => {
        row.forEach((w, i) => {
          expect(Math.abs(w - 0.1 * L.dW[j][i] - after.weights[l][j][i])).toBeLessThan(1e-15);
        });
      });
    });
  });

  it("lists forward steps layer by layer, then backward steps from the loss to the first layer", () => {
    const t = trainer({ hiddenLayers: [3, 2] }, 1);
    const r = handleInspect(t, { kind: "trace" }) as TraceResult;
    const seq = r.steps.map((s) => `${s.phase[0]}:${s.quantity}${s.layer}`);
    expect(seq.slice(0, 7)).toEqual(["f:input-1", "f:z0", "f:a0", "f:z1", "f:a1", "f:z2", "f:loss-1"]);
    const back = seq.slice(7);
    expect(back[0]).toBe("b:dZ2");
    // Every gradient appears once, and a layer's dZ comes before the previous layer's.
    expect(new Set(back).size).toBe(back.length);
    // dZ, dW, dB for each of the 3 layers, dA for the 2 hidden ones.
    expect(back).toHaveLength(3 * 3 + 2);
    expect(back.indexOf("b:dZ2")).toBeLessThan(back.indexOf("b:dZ1"));
    expect(back.indexOf("b:dZ1")).toBeLessThan(back.indexOf("b:dZ0"));
    expect(back.indexOf("b:dZ0")).toBeLessThan(back.indexOf("b:dW0"));
    for (const s of r.steps) expect(s.text.length).toBeGreaterThan(10);
  });

  it("traces one example as a batch of one", () => {
    const t = trainer({}, 2);
    const r = handleInspect(t, { kind: "trace", exampleIndex: 17 }) as TraceResult;
    expect(r.scope).toBe("example");
    expect(r.examples).toEqual([17]);
    const { weights, biases } = t.params();
    const p = t.train.points[17];
    const ref = handBackprop(weights, biases, [[p.x1, p.x2]], [p.label]);
    expect(Math.abs(r.layers[0].dW[2][1] - ref.dW[0][2][1])).toBeLessThan(1e-14);
    expect(() => handleInspect(t, { kind: "trace", exampleIndex: 1e6 })).toThrow(/exampleIndex/);
  });
});

describe("breakdown", () => {
  const cases: [string, Partial<ExperimentConfig>, ParamRef[]][] = [
    [
      "binary tanh",
      { batchSize: 5 },
      [
        { layer: 0, to: 1, from: 0 },
        { layer: 1, to: 0, from: 3 },
        { layer: 2, to: 0, from: -1 },
      ],
    ],
    [
      "multi-class relu, L1",
      {
        dataset: "blobs3",
        activation: "relu",
        hiddenLayers: [4, 3],
        regularization: "l1",
        regularizationRate: 0.01,
        batchSize: 6,
      },
      [
        { layer: 0, to: 2, from: 1 },
        { layer: 2, to: 1, from: 0 },
      ],
    ],
    [
      "regression sigmoid, L2",
      {
        dataset: "plane",
        activation: "sigmoid",
        hiddenLayers: [3],
        regularization: "l2",
        regularizationRate: 0.1,
        batchSize: 4,
      },
      [
        { layer: 0, to: 0, from: 1 },
        { layer: 1, to: 0, from: 2 },
      ],
    ],
  ];
  for (const [name, cfg, params] of cases)
    it(`path sums equal autograd and finite differences (${name})`, () => {
      const t = trainer(cfg, 4);
      for (const p of params) {
        const r = handleInspect(t, { kind: "breakdown", param: p }) as BreakdownResult;
        // The batch total: autograd against the central difference through the trainer's own loss.
        expect(Math.abs(r.total - r.numeric.value)).toBeLessThan(1e-7);
        expect(Math.abs(r.total)).toBeGreaterThan(0);
        // Per-example shares plus the regulariser make the total (all listed: batch ≤ 8).
        expect(r.contributions).toHaveLength(r.contributionCount);
        const summed = r.contributions.reduce((s, c) => s + c.value, 0) + r.regularization;
        expect(Math.abs(summed - r.total)).toBeLessThan(1e-14);
        if (p.from >= 0 && cfg.regularization === "l2")
          expect(close(r.regularization, (cfg.regularizationRate ?? 0) * r.value, 1e-12)).toBe(true);
        // The scalar graph's paths: their sum is the example's gradient, by autograd on the real network
        // and by explain's own autograd and finite difference.
        const paths = r.paths;
        expect(Math.abs(paths.sum - paths.modelAutograd)).toBeLessThan(1e-13);
        expect(Math.abs(paths.sum - paths.autograd)).toBeLessThan(1e-13);
        expect(Math.abs(paths.sum - (paths.numeric ?? Number.NaN))).toBeLessThan(1e-7);
        const listed = paths.list.reduce((s, q) => s + q.product, 0);
        expect(Math.abs(listed + paths.omitted.sum - paths.sum)).toBeLessThan(1e-13);
        for (const q of paths.list) {
          const prod = q.factors.reduce((s, f) => s * f.value, 1);
          expect(close(prod, q.product, 1e-12)).toBe(true);
          expect(q.nodes[0]).toBe(p.from < 0 ? "b" : "w");
          expect(q.nodes[q.nodes.length - 1]).toBe("L");
        }
      }
    });

  it("counts the paths of the default network and names the factors", () => {
    const t = trainer({}, 3);
    const r = handleInspect(t, { kind: "breakdown", param: { layer: 0, to: 0, from: 0 } }) as BreakdownResult;
    expect(r.paramName).toBe("w from x₁ to neuron 1 of layer 1");
    // w → z₁⁽¹⁾ → a₁⁽¹⁾ → (either of 2 neurons of layer 2) → the output → L.
    expect(r.paths.count).toBe("2");
    expect(r.paths.list).toHaveLength(2);
    const f = r.paths.list[0].factors;
    expect(f.map((x) => x.notation)).toEqual([
      "∂z₁⁽¹⁾/∂w",
      "∂a₁⁽¹⁾/∂z₁⁽¹⁾",
      expect.stringMatching(/^∂z[₁₂]⁽²⁾\/∂a₁⁽¹⁾$/),
      expect.stringMatching(/^∂a[₁₂]⁽²⁾\/∂z[₁₂]⁽²⁾$/),
      expect.stringMatching(/^∂z₁⁽³⁾\/∂a[₁₂]⁽²⁾$/),
      "∂L/∂z₁⁽³⁾",
    ]);
    // ∂z/∂w is the input on the edge: x₁ of the example.
    const x1 = t.train.points[r.paths.example].x1;
    expect(f[0].value).toBe(x1);
    expect(f[0].formula).toBe("x₁");
    const bias = handleInspect(t, {
      kind: "breakdown",
      param: { layer: 1, to: 1, from: -1 },
    }) as BreakdownResult;
    expect(bias.paramName).toBe("b of neuron 2 of layer 2");
    expect(bias.paths.list[0].factors[0].value).toBe(1);
  });

  it("limits the listed paths of a deep network and sums the rest", () => {
    const t = trainer({ hiddenLayers: [8, 8, 8, 8, 8, 8], activation: "sigmoid" });
    const r = handleInspect(t, { kind: "breakdown", param: { layer: 0, to: 3, from: 1 } }) as BreakdownResult;
    expect(r.paths.count).toBe(String(8 ** 5));
    expect(r.paths.list.length).toBe(12);
    expect(r.paths.omitted.count).toBe(String(8 ** 5 - 12));
    const listed = r.paths.list.reduce((s, q) => s + q.product, 0);
    expect(Math.abs(listed + r.paths.omitted.sum - r.paths.sum)).toBeLessThan(1e-15);
    expect(Math.abs(r.paths.sum - r.paths.modelAutograd)).toBeLessThan(1e-15);
    // Largest |product| first.
    for (let i = 1; i < r.paths.list.length; i++)
      expect(Math.abs(r.paths.list[i].product)).toBeLessThanOrEqual(Math.abs(r.paths.list[i - 1].product));
  });

  it("rejects a parameter the network does not have", () => {
    const t = trainer();
    expect(() => handleInspect(t, { kind: "breakdown", param: { layer: 5, to: 0, from: 0 } })).toThrow(
      /breakdown: expected a parameter/,
    );
    expect(() => handleInspect(t, { kind: "breakdown", param: { layer: 0, to: 0, from: 2 } })).toThrow(
      RangeError,
    );
  });
});

describe("check (predict the gradient)", () => {
  it("marks a close guess right and a wrong one wrong, with autograd and the finite difference", () => {
    const t = trainer({ batchSize: 1 }, 10);
    const p: ParamRef = { layer: 2, to: 0, from: 1 };
    const exact = (handleInspect(t, { kind: "breakdown", param: p }) as BreakdownResult).total;
    const right = handleInspect(t, { kind: "check", param: p, guess: exact * 1.005 }) as CheckResult;
    expect(right.correct).toBe(true);
    expect(right.autograd).toBe(exact);
    expect(Math.abs(right.numeric - exact)).toBeLessThan(1e-8);
    const wrong = handleInspect(t, { kind: "check", param: p, guess: exact * 1.1 + 1e-3 }) as CheckResult;
    expect(wrong.correct).toBe(false);
    expect(wrong.relError).toBeGreaterThan(0.05);
    const sign = handleInspect(t, { kind: "check", param: p, guess: -exact }) as CheckResult;
    expect(sign.correct).toBe(Math.abs(exact) <= 5e-5);
    // Tiny gradients: the absolute tolerance 1e-4 applies.
    const b = handleInspect(t, {
      kind: "check",
      param: p,
      guess: exact + 5e-5,
      exampleIndex: 3,
    }) as CheckResult;
    expect(b.correct).toBe(
      Math.abs(b.autograd - exact - 5e-5) <= Math.max(1e-4, 0.01 * Math.abs(b.autograd)),
    );
    expect(() => handleInspect(t, { kind: "check", param: p, guess: Number.NaN })).toThrow(/guess/);
  });

  it("checks one example's gradient by hand-written backprop", () => {
    const t = trainer({}, 4);
    const p = t.train.points[9];
    const { weights, biases } = t.params();
    const ref = handBackprop(weights, biases, [[p.x1, p.x2]], [p.label]);
    const r = handleInspect(t, {
      kind: "check",
      param: { layer: 1, to: 1, from: 2 },
      guess: ref.dW[1][1][2],
      exampleIndex: 9,
    }) as CheckResult;
    expect(r.correct).toBe(true);
    expect(Math.abs(r.autograd - ref.dW[1][1][2])).toBeLessThan(1e-15);
    expect(r.paramName).toBe("w from neuron 3 of layer 1 to neuron 2 of layer 2");
  });
});

describe("health", () => {
  it("flags vanishing gradients in a deep sigmoid network", () => {
    const t = trainer({ hiddenLayers: [8, 8, 8, 8, 8, 8], activation: "sigmoid" });
    for (let i = 0; i < 20; i++) {
      t.takeStep();
      onStep(t);
    }
    const h = handleInspect(t, { kind: "health" }) as HealthResult;
    expect(h.summary.vanishing).toBe(true);
    expect(h.layers).toHaveLength(7);
    const norms = h.layers.map((l) => l.gradNorm!);
    // Orders of magnitude: the first layer gets less than 1e-3 of the output layer's gradient norm.
    expect(norms[0] / norms[6]).toBeLessThan(1e-3);
    expect(h.summary.firstToLastRatio!).toBeLessThan(1e-3);
    expect(h.layers[0].flags).toContain("vanishing");
    expect(h.summary.messages.join(" ")).toMatch(/layer 1's gradient norm/);
    // The history: each step's gradient norms per layer, read by onStep from what the step left in .grad.
    expect(h.history.map((p) => p.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const lastNorms = h.history[19].norms;
    t.linears.forEach((lin, l) => {
      const g = [...lin.weight.grad!._storage, ...lin.bias!.grad!._storage];
      expect(close(lastNorms[l]!, Math.sqrt(g.reduce((s, v) => s + v * v, 0)), 1e-12)).toBe(true);
    });
    expect(lastNorms[0]! / lastNorms[6]!).toBeLessThan(1e-3);
  });

  it("does not flag a shallow tanh or ReLU network", () => {
    for (const activation of ["tanh", "relu"] as const) {
      resetHealth();
      const t = trainer({ activation }, 30);
      const h = handleInspect(t, { kind: "health" }) as HealthResult;
      expect(h.summary.vanishing).toBe(false);
      expect(h.summary.exploding).toBe(false);
      expect(h.summary.firstToLastRatio!).toBeGreaterThan(1e-2);
      expect(h.layers[0].activation).toBe(activation);
      if (activation === "relu") expect(h.layers[0].deadShare).not.toBeNull();
      else expect(h.layers[0].saturatedShare).not.toBeNull();
    }
  });

  it("reports dead ReLUs", () => {
    const t = trainer({ activation: "relu", hiddenLayers: [4] });
    // Kill neuron 1 and 3: large negative biases keep z < 0 on every point of [-6, 6]².
    t.setParam({ layer: 0, to: 0, from: -1 }, -100);
    t.setParam({ layer: 0, to: 2, from: -1 }, -100);
    const h = handleInspect(t, { kind: "health" }) as HealthResult;
    expect(h.layers[0].deadShare).toBe(0.5);
  });
});

describe("handleInspect", () => {
  it("never changes the trainer's parameters, gradients, step or batch order", () => {
    const a = trainer({ regularization: "l2", regularizationRate: 0.01 }, 6);
    const b = trainer({ regularization: "l2", regularizationRate: 0.01 }, 6);
    const before = fingerprint(a);
    expect(before.grads.every((g) => g !== null)).toBe(true);
    const requests = [
      { kind: "trace" },
      { kind: "trace", exampleIndex: 4 },
      { kind: "breakdown", param: { layer: 0, to: 0, from: 0 } },
      { kind: "breakdown", param: { layer: 1, to: 1, from: -1 }, exampleIndex: 2 },
      { kind: "check", param: { layer: 2, to: 0, from: 1 }, guess: 0.5 },
      { kind: "health" },
    ] as const;
    for (const req of requests) {
      handleInspect(a, req);
      onStep(a);
      expect(fingerprint(a)).toEqual(before);
    }
    // And training goes on exactly as without inspecting.
    for (let i = 0; i < 5; i++) {
      expect(a.takeStep()).toBe(b.takeStep());
      handleInspect(a, { kind: "breakdown", param: { layer: 0, to: 1, from: 1 } });
    }
    expect(a.params()).toEqual(b.params());
  });

  it("rejects an unknown request kind", () => {
    expect(() => handleInspect(trainer(), { kind: "nope" } as never)).toThrow(/expected a request of kind/);
  });
});
