// The playground's Trainer: batches, the SGD step, the regulariser, the three problem kinds, grids, snapshots.

import { noGrad, tensor } from "chainrule";
import { describe, expect, it } from "vitest";
import {
  buildSnapshot,
  defaultConfig,
  featureMatrix,
  forwardLayers,
  gridPoints,
  neuronGrids,
  outputGrid,
  parseCsvPoints,
  Trainer,
} from "../../playground/src/engine/index.js";
import type { ExperimentConfig } from "../../playground/src/protocol.js";

const config = (over: Partial<ExperimentConfig> = {}): ExperimentConfig => ({ ...defaultConfig(), ...over });

// The default experiment trained 2000 steps, shared by the tests that need a trained network.
let trained: Trainer | null = null;
function trainedCircle(): Trainer {
  if (trained === null) {
    trained = new Trainer(config());
    for (let i = 0; i < 2000; i++) trained.takeStep();
  }
  return trained;
}

describe("Trainer", () => {
  it("builds TF's default experiment: 250/250 points, 2-4-2-1 float64 network, 5 modules", () => {
    const t = new Trainer(config());
    expect([t.problem, t.classes, t.outputs()]).toEqual(["binary", 2, 1]);
    expect([t.train.points.length, t.test.points.length]).toEqual([250, 250]);
    expect(t.train.x.shape).toEqual([250, 2]);
    expect(t.train.y.shape).toEqual([250, 1]);
    expect(t.linears.map((l) => [l.inFeatures, l.outFeatures])).toEqual([
      [2, 4],
      [4, 2],
      [2, 1],
    ]);
    expect(t.model.length).toBe(5);
    expect(t.linears[0].weight.dtype).toBe("float64");
    expect(t.featureNames()).toEqual(["x₁", "x₂"]);
    expect(t.step).toBe(0);
    // The same seed gives the same weights; another seed others.
    expect(new Trainer(config()).params()).toEqual(t.params());
    expect(new Trainer(config({ seed: 2 })).params()).not.toEqual(t.params());
  });

  it("trains the default network on the circle to test loss < 0.1 within 2000 steps (80 epochs)", () => {
    // Measured with seed 1: test loss 0.23 after 1000 steps, 0.081 after 1500, 0.045 after 2000.
    expect(new Trainer(config()).evaluate().testLoss).toBeGreaterThan(0.6);
    const t = trainedCircle();
    const after = t.evaluate();
    expect(after.testLoss).toBeLessThan(0.1);
    expect(after.trainLoss).toBeLessThan(0.1);
    expect(t.step).toBe(2000);
    expect(t.epoch).toBe(80);
  });

  it("nextBatch() is a peek at exactly the batch takeStep() trains on", () => {
    const t = new Trainer(config({ regularization: "l2", regularizationRate: 0.03, batchSize: 7 }));
    for (let i = 0; i < 40; i++) t.takeStep(); // cross an epoch boundary (250 / 7)
    const batch = t.nextBatch();
    expect(t.nextBatch()).toEqual(batch);
    expect(batch.indices).toHaveLength(7);
    batch.indices.forEach((row, i) => {
      expect(batch.x.toArray()).toContainEqual(Array.from(t.train.x._storage.slice(row * 2, row * 2 + 2)));
      expect((batch.y.toArray() as number[][])[i][0]).toBe(t.train.points[row].label);
    });
    // The update takeStep makes is -lr times the gradient of (data loss + regulariser) on that batch.
    const params = t.model.parameters();
    for (const p of params) p.grad = null;
    const loss = t.dataLoss(t.model.forward(batch.x), batch.y);
    loss.add(t.regularizer()!).backward();
    const expected = params.map((p) => Array.from(p._storage, (v, i) => v - 0.03 * p.grad!._storage[i]));
    const lossValue = loss.item();
    expect(t.takeStep()).toBeCloseTo(lossValue, 12);
    params.forEach((p, k) => {
      Array.from(p._storage).forEach((v, i) => {
        expect(v).toBeCloseTo(expected[k][i], 14);
      });
    });
    expect(t.nextBatch().indices).not.toEqual(batch.indices);
  });

  it("batches walk a seeded shuffle of the training set: each epoch visits every point once", () => {
    const t = new Trainer(config({ batchSize: 10 }));
    const seen: number[] = [];
    for (let i = 0; i < 25; i++) {
      seen.push(...t.nextBatch().indices);
      t.takeStep();
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(seen.slice(0, 10)).not.toEqual(Array.from({ length: 10 }, (_, i) => i));
    // Reproducible: a second trainer takes the same batches.
    const u = new Trainer(config({ batchSize: 10 }));
    const again: number[] = [];
    for (let i = 0; i < 25; i++) {
      again.push(...u.nextBatch().indices);
      u.takeStep();
    }
    expect(again).toEqual(seen);
    // The next epoch is a different order.
    expect(t.nextBatch().indices).not.toEqual(seen.slice(0, 10));
  });

  it("the regulariser is rate·Σ|w| or rate·½Σw² over the weights, with the closed-form gradient", () => {
    const none = new Trainer(config());
    expect(none.regularizer()).toBeNull();
    for (const kind of ["l1", "l2"] as const) {
      const t = new Trainer(config({ regularization: kind, regularizationRate: 0.3 }));
      const weights = t.linears.map((l) => Array.from(l.weight._storage));
      const flat = weights.flat();
      const expectedValue =
        kind === "l1"
          ? 0.3 * flat.reduce((s, w) => s + Math.abs(w), 0)
          : 0.3 * 0.5 * flat.reduce((s, w) => s + w * w, 0);
      const reg = t.regularizer()!;
      expect(reg.item()).toBeCloseTo(expectedValue, 14);
      reg.backward();
      t.linears.forEach((l, i) => {
        const grad = Array.from(l.weight.grad!._storage);
        grad.forEach((g, j) => {
          expect(g).toBeCloseTo(0.3 * (kind === "l1" ? Math.sign(weights[i][j]) : weights[i][j]), 14);
        });
        expect(l.bias!.grad).toBeNull(); // biases are not regularised
      });
    }
  });

  it("reported losses are the data loss alone, matching a direct computation", () => {
    const t = new Trainer(config({ regularization: "l2", regularizationRate: 1 }));
    const { trainLoss, testLoss } = t.evaluate();
    const direct = noGrad(() => t.dataLoss(t.model.forward(t.test.x), t.test.y).item());
    expect(testLoss).toBe(direct);
    // bceWithLogits by hand on the training set.
    const logits = Array.from(t.predict(t.train.x)._storage);
    const labels = t.train.points.map((p) => p.label);
    const bce =
      logits.reduce((s, z, i) => s + Math.max(z, 0) - z * labels[i] + Math.log1p(Math.exp(-Math.abs(z))), 0) /
      logits.length;
    expect(trainLoss).toBeCloseTo(bce, 12);
  });

  it("multi-class: K logits and softmax cross-entropy; blobs3 learns within 500 steps", () => {
    const t = new Trainer(config({ dataset: "blobs3" }));
    expect([t.problem, t.classes, t.outputs()]).toEqual(["multiclass", 3, 3]);
    expect(t.train.y.shape).toEqual([250]);
    expect(t.evaluate().testLoss).toBeGreaterThan(0.9); // about log 3 at the start
    for (let i = 0; i < 500; i++) t.takeStep();
    // Measured: 0.073 after 500 steps (seed 1).
    expect(t.evaluate().testLoss).toBeLessThan(0.2);
    const grid = outputGrid(t, 10);
    for (const v of grid.values) expect(v >= 0 && v < 3).toBe(true);
    // Near the centre of blob 0, at (0, 3.5), the argmax is class 0 with high confidence.
    const top = outputGrid(t, 12).values[2 * 12 + 6]; // row 2 (x2 = 3.5), column 6 (x1 = 0.5)
    expect(Math.floor(top)).toBe(0);
    expect(top - Math.floor(top)).toBeGreaterThan(0.8);
  });

  it("regression: one linear output and mean squared error; the plane fits within 300 steps", () => {
    const t = new Trainer(config({ dataset: "plane" }));
    expect([t.problem, t.classes, t.outputs()]).toEqual(["regression", 0, 1]);
    expect([t.train.points.length, t.test.points.length]).toEqual([600, 600]);
    const start = t.evaluate().testLoss;
    for (let i = 0; i < 300; i++) t.takeStep();
    // Measured: 0.30 at the start, 0.015 after 300 steps (seed 1).
    expect(t.evaluate().testLoss).toBeLessThan(0.05);
    expect(t.evaluate().testLoss).toBeLessThan(start / 5);
    const pred = Array.from(t.predict(t.test.x)._storage);
    const mse = pred.reduce((s, p, i) => s + (p - t.test.points[i].label) ** 2, 0) / pred.length;
    expect(t.evaluate().testLoss).toBeCloseTo(mse, 12);
  });

  it("trains on CSV points, with the problem read from the labels", () => {
    const text = Array.from({ length: 40 }, (_, i) => `${i % 7},${Math.floor(i / 7)},${i % 3}`).join("\n");
    const { points } = parseCsvPoints(text);
    const t = new Trainer(config({ dataset: "csv", trainRatio: 50 }), { csv: points });
    expect([t.problem, t.classes]).toEqual(["multiclass", 3]);
    expect(t.train.points.length + t.test.points.length).toBe(40);
    expect(() => new Trainer(config({ dataset: "csv" }))).toThrow('dataset "csv" needs points');
    expect(() => t.takeStep()).not.toThrow();
  });

  it("params() mirrors the model as weights[l][to][from], biases[l][to]; setParam writes through", () => {
    const t = new Trainer(config({ hiddenLayers: [3], features: ["x1", "x2", "x1x2"] }));
    const p = t.params();
    expect(p.weights.map((w) => [w.length, w[0].length])).toEqual([
      [3, 3],
      [1, 3],
    ]);
    t.linears.forEach((l, li) => {
      for (let to = 0; to < l.outFeatures; to++) {
        expect(p.biases[li][to]).toBe(l.bias!._storage[to]);
        for (let from = 0; from < l.inFeatures; from++)
          expect(p.weights[li][to][from]).toBe(l.weight._storage[to * l.inFeatures + from]);
      }
    });
    t.setParam({ layer: 0, to: 2, from: 1 }, 0.125);
    t.setParam({ layer: 1, to: 0, from: -1 }, -2);
    expect(t.params().weights[0][2][1]).toBe(0.125);
    expect(t.params().biases[1][0]).toBe(-2);
    expect(() => t.setParam({ layer: 2, to: 0, from: 0 }, 1)).toThrow("setParam: expected layer in 0..1");
    expect(() => t.setParam({ layer: 0, to: 0, from: 3 }, 1)).toThrow("setParam");
    expect(() => t.setParam({ layer: 0, to: 0, from: 0 }, Number.NaN)).toThrow("expected a finite number");
  });

  it("update() changes learning rate, regularisation and batch size live; other changes need a reset", () => {
    const t = new Trainer(config());
    expect(t.needsReset(config({ learningRate: 0.3, batchSize: 3, regularization: "l1" }))).toBe(false);
    t.update(config({ learningRate: 0.3, batchSize: 3, regularization: "l1", regularizationRate: 0.01 }));
    expect(t.nextBatch().indices).toHaveLength(3);
    expect(t.regularizer()).not.toBeNull();
    expect(t.config.learningRate).toBe(0.3);
    for (const change of [
      { hiddenLayers: [4] },
      { features: ["x1"] },
      { seed: 9 },
      { activation: "relu" },
    ] as const) {
      expect(t.needsReset(config(change as Partial<ExperimentConfig>))).toBe(true);
      expect(() => t.update(config(change as Partial<ExperimentConfig>))).toThrow("needs a reset");
    }
    expect(() => t.update(config({ batchSize: 0 }))).toThrow(
      "batchSize: expected an integer in 1..30, got 0",
    );
    expect(() => new Trainer(config({ hiddenLayers: [9] }))).toThrow("hiddenLayers");
  });

  it("builds every activation and 0 to 6 hidden layers", () => {
    for (const activation of ["relu", "tanh", "sigmoid", "linear"] as const) {
      for (const hiddenLayers of [[], [8, 8, 8, 8, 8, 8]]) {
        const t = new Trainer(config({ activation, hiddenLayers }));
        expect(t.linears).toHaveLength(hiddenLayers.length + 1);
        expect(Number.isFinite(t.takeStep())).toBe(true);
      }
    }
  });
});

describe("grids and snapshots", () => {
  it("forwardLayers (the heat maps' plain loops) equals model.forward for every activation", () => {
    for (const activation of ["relu", "tanh", "sigmoid", "linear"] as const) {
      const t = new Trainer(config({ activation, hiddenLayers: [5, 3], features: ["x1", "x2", "sinx1"] }));
      for (let i = 0; i < 20; i++) t.takeStep();
      const pts = gridPoints(7);
      const x = featureMatrix(pts, t.config.features);
      const mine = forwardLayers(t, x, pts.length);
      const theirs = Array.from(t.predict(tensor(x, { shape: [pts.length, 3], dtype: "float64" }))._storage);
      expect(mine).toHaveLength(4);
      Array.from(mine[3]).forEach((v, i) => {
        expect(v).toBeCloseTo(theirs[i], 12);
      });
    }
  });

  it("grid rows run from the top (x2 = +6) and columns from the left (x1 = -6), cell centres", () => {
    const pts = gridPoints(4);
    expect(pts[0]).toEqual({ x1: -4.5, x2: 4.5 });
    expect(pts[3]).toEqual({ x1: 4.5, x2: 4.5 });
    expect(pts[15]).toEqual({ x1: 4.5, x2: -4.5 });
  });

  it("the binary output map is p(class 1): high in the circle's middle after training", () => {
    const { size, values } = outputGrid(trainedCircle());
    expect(size).toBe(50);
    expect(values).toHaveLength(2500);
    const at = (x1: number, x2: number) =>
      values[Math.floor((6 - x2) / 0.24) * 50 + Math.floor((x1 + 6) / 0.24)];
    expect(at(0, 0)).toBeGreaterThan(0.9);
    expect(at(4.5, 0)).toBeLessThan(0.1);
    expect(at(0, -4.5)).toBeLessThan(0.1);
  });

  it("neuron maps: the inputs, then each hidden layer's activations", () => {
    const t = new Trainer(config({ features: ["x1", "x2", "x1sq"], hiddenLayers: [4, 2] }));
    const maps = neuronGrids(t);
    expect(maps.map((l) => l.length)).toEqual([3, 4, 2]);
    expect(maps[0][2].size).toBe(20);
    expect(maps[0][2].values[0]).toBeCloseTo(5.7 ** 2, 5); // x1² at the top-left cell centre
    for (const v of maps[1][0].values) expect(Math.abs(v)).toBeLessThanOrEqual(1); // tanh
  });

  it("buildSnapshot reports losses, history, params and maps", () => {
    const t = new Trainer(config());
    for (let i = 0; i < 5; i++) t.takeStep();
    const s = buildSnapshot(t, {
      running: true,
      stepsPerSecond: 123,
      history: [{ step: 3, trainLoss: 1, testLoss: 1 }],
    });
    expect(s.step).toBe(5);
    expect(s.epoch).toBeCloseTo(50 / 250, 14);
    expect(s.history).toEqual([
      { step: 3, trainLoss: 1, testLoss: 1 },
      { step: 5, trainLoss: s.trainLoss, testLoss: s.testLoss },
    ]);
    expect(s.params).toEqual(t.params());
    expect([s.output.size, s.neurons.length, s.running, s.stepsPerSecond]).toEqual([50, 3, true, 123]);
  });
});
