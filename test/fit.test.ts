// The training loop: convergence to closed forms, history, callbacks (early stopping, schedules, checkpoints),
// evaluate/predict metrics, and the CLI's recipe reaching the Iris target.
// biome-ignore-all lint/suspicious/noFocusedTests: `fit` is the training loop here, not a focused test
import {
  callbacks,
  data,
  evaluate,
  fit,
  mlp,
  nn,
  noGrad,
  optim,
  predict,
  type Tensor,
  tensor,
  trainModel,
} from "chainrule";
import { describe, expect, it } from "vitest";

/** y = 2a - 3b + 1 on a grid, exactly. */
function linearData() {
  const xs: number[][] = [];
  for (let a = -2; a <= 2; a += 0.5) for (let b = -2; b <= 2; b += 0.5) xs.push([a, b]);
  return data.fromArrays(
    xs,
    xs.map(([a, b]) => [2 * a - 3 * b + 1]),
    { dtype: "float64" },
  );
}

/** xor (noiseless) and the same points with flipped labels: validating on it makes the loss rise. */
function xorAndFlipped() {
  const train = data.xor({ samples: 200, noise: 0, seed: 1 });
  const flipped = { ...train, y: Int32Array.from(train.y, (v) => 1 - v) };
  return { train, flipped };
}

describe("fit", () => {
  it("recovers a linear map's coefficients (least squares, exact data)", () => {
    const ds = linearData();
    const net = new nn.Sequential(new nn.Linear(2, 1, { dtype: "float64", seed: 0 }));
    const history = fit(net, ds, { optimizer: "adam", lr: 0.05, epochs: 300, batchSize: 81, seed: 0 });
    const layer = net.at(0) as nn.Linear;
    const w = layer.weight.toArray() as number[][];
    expect(w[0][0]).toBeCloseTo(2, 3);
    expect(w[0][1]).toBeCloseTo(-3, 3);
    expect((layer.bias as Tensor).item()).toBeCloseTo(1, 3);
    expect(history.epochs).toHaveLength(300);
    expect(history.epochs[299].loss).toBeLessThan(1e-6);
    expect(history.epochs[0].loss).toBeGreaterThan(1);
    const r = evaluate(net, ds);
    expect(r.kind).toBe("regression");
    if (r.kind === "regression") {
      expect(r.r2).toBeGreaterThan(0.999999);
      expect(r.mse).toBeCloseTo(r.loss, 12);
    }
  });

  it("learns xor with one hidden layer; logs loss, accuracy and the learning rate every epoch", () => {
    const { train } = xorAndFlipped();
    const net = mlp({ inputs: 2, hidden: [16], outputs: 2, activation: "tanh", seed: 0 });
    const history = fit(net, train, { lr: 0.02, epochs: 60, batchSize: 16, validationData: train, seed: 0 });
    const last = history.epochs[59];
    expect(last.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(last.valAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(last.lr).toBe(0.02);
    expect(last.loss).toBeLessThan(history.epochs[0].loss / 3);
    // The logged validation numbers are evaluate()'s on the final weights.
    const r = evaluate(net, train);
    expect(r.loss).toBeCloseTo(last.valLoss!, 6);
    expect(r.kind === "classification" && r.accuracy).toBe(last.valAccuracy);
  });

  it("is reproducible: same seeds, same history", () => {
    const run = () => {
      const net = mlp({ inputs: 2, hidden: [8], outputs: 2, seed: 3 });
      return fit(net, data.moons({ samples: 100, seed: 0 }), { epochs: 5, seed: 9 }).epochs.map(
        (e) => e.loss,
      );
    };
    expect(run()).toEqual(run());
  });

  it("stops on a non-finite loss with the epoch and batch instead of training on NaN", () => {
    const net = mlp({ inputs: 2, hidden: [4], outputs: 1, seed: 0 });
    const ds = data.fromArrays(
      [
        [1, 1],
        [2, 2],
      ],
      [[1e30], [-1e30]],
    );
    expect(() => fit(net, ds, { epochs: 3, batchSize: 2 })).toThrow(
      /^fit: expected a finite training loss, got (Infinity|NaN) at epoch 1, batch 1; lower the learning rate or standardise the features$/,
    );
  });

  it("validates its options", () => {
    const net = mlp({ inputs: 2, hidden: [], outputs: 2, seed: 0 });
    const ds = data.xor({ samples: 10 });
    expect(() => fit(net, ds, { epochs: 0 })).toThrow("fit: epochs must be a positive integer, got 0");
    expect(() => fit(net, ds, { loss: "l1" })).toThrow(
      'fit: loss "l1" is for regression, got a classification task',
    );
    expect(() => fit(net, ds, { optimizer: "lbfgs" as "adam" })).toThrow(
      "fit: optimizer must be one of adam, adamw, sgd, rmsprop",
    );
    expect(() => fit(net, ds, { validationData: linearData() })).toThrow(
      "fit: validationData must be a classification set with 2 features, got a regression set with 2",
    );
  });
});

describe("callbacks", () => {
  it("earlyStopping stops after `patience` epochs without improvement and restores the best epoch's weights", () => {
    const { train, flipped } = xorAndFlipped();
    const net = mlp({ inputs: 2, hidden: [16], outputs: 2, activation: "tanh", seed: 0 });
    const snapshots = new Map<number, Record<string, Tensor>>();
    const keep = callbacks.checkpoint((m, logs) => snapshots.set(logs.epoch, m.stateDict()));
    const history = fit(net, train, {
      lr: 0.02,
      epochs: 50,
      validationData: flipped,
      callbacks: [keep, callbacks.earlyStopping({ patience: 3 })],
    });
    const losses = history.epochs.map((e) => e.valLoss!);
    const best = losses.indexOf(Math.min(...losses)) + 1;
    // Learning xor makes the flipped labels ever less likely: the best validation loss comes early.
    expect(best).toBeLessThanOrEqual(2);
    expect(history.stoppedEpoch).toBe(best + 3);
    expect(history.restoredEpoch).toBe(best);
    const restored = net.stateDict();
    for (const [name, t] of Object.entries(snapshots.get(best)!)) {
      expect(restored[name].toArray()).toEqual(t.toArray());
    }
  });

  it("earlyStopping in max mode on accuracy, and without restoring", () => {
    const cb = callbacks.earlyStopping({ monitor: "valAccuracy", patience: 2, restoreBestWeights: false });
    const net = mlp({ inputs: 1, hidden: [], outputs: 2, seed: 0 });
    const ctx = {
      model: net,
      optimizer: new optim.SGD(net.parameters(), { lr: 0.1 }),
      history: { epochs: [], stoppedEpoch: 0, restoredEpoch: null, seconds: 0 },
      epochs: 10,
      batchesPerEpoch: 1,
      stopTraining: false,
    };
    cb.onTrainBegin?.(ctx);
    const accs = [0.5, 0.7, 0.7, 0.6];
    accs.forEach((a, i) => {
      expect(ctx.stopTraining).toBe(false);
      cb.onEpochEnd?.({ epoch: i + 1, loss: 1, lr: 0.1, seconds: 0, valAccuracy: a }, ctx);
    });
    expect(ctx.stopTraining).toBe(true);
  });

  it("lrScheduler steps optim schedules once per epoch", () => {
    const net = mlp({ inputs: 2, hidden: [4], outputs: 2, seed: 0 });
    const history = fit(net, data.xor({ samples: 40 }), {
      optimizer: "sgd",
      lr: 0.1,
      epochs: 5,
      callbacks: [callbacks.lrScheduler((opt) => new optim.StepLR(opt, { stepSize: 2, gamma: 0.5 }))],
    });
    expect(history.epochs.map((e) => e.lr)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  it("lrScheduler feeds ReduceLROnPlateau the monitored value", () => {
    const { train, flipped } = xorAndFlipped();
    const net = mlp({ inputs: 2, hidden: [16], outputs: 2, activation: "tanh", seed: 0 });
    const history = fit(net, train, {
      lr: 0.02,
      epochs: 6,
      validationData: flipped,
      callbacks: [
        callbacks.lrScheduler((opt) => new optim.ReduceLROnPlateau(opt, { patience: 1, factor: 0.5 })),
      ],
    });
    const lrs = history.epochs.map((e) => e.lr);
    expect(lrs[0]).toBe(0.02);
    expect(lrs[5]).toBeLessThan(0.02);
    expect(lrs.every((v, i) => i === 0 || v <= lrs[i - 1])).toBe(true);
  });

  it("checkpoint saves every epoch, or only improvements with saveBestOnly", () => {
    const { train, flipped } = xorAndFlipped();
    const every: number[] = [];
    const best: number[] = [];
    const net = mlp({ inputs: 2, hidden: [16], outputs: 2, activation: "tanh", seed: 0 });
    const history = fit(net, train, {
      lr: 0.02,
      epochs: 6,
      validationData: flipped,
      callbacks: [
        callbacks.checkpoint((_m, logs) => every.push(logs.epoch)),
        callbacks.checkpoint((_m, logs) => best.push(logs.epoch), { saveBestOnly: true }),
      ],
    });
    expect(every).toEqual([1, 2, 3, 4, 5, 6]);
    const losses = history.epochs.map((e) => e.valLoss!);
    const improving = losses.flatMap((v, i) => (losses.slice(0, i).every((u) => v < u) ? [i + 1] : []));
    expect(best).toEqual(improving);
    expect(best[0]).toBe(1);
  });

  it("metricsLogger writes one formatted line per epoch", () => {
    const lines: string[] = [];
    const net = mlp({ inputs: 2, hidden: [4], outputs: 2, seed: 0 });
    fit(net, data.xor({ samples: 20 }), {
      epochs: 2,
      lr: 0.001,
      callbacks: [callbacks.metricsLogger((l) => lines.push(l))],
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^epoch 1\/2 {2}loss \d\.\d{3,4} {2}accuracy \d\.\d+ {2}lr 1\.00e-3 {2}\d+\.\ds$/,
    );
  });
});

describe("evaluate / predict", () => {
  /** A linear classifier whose logits are exactly [x0, x1, 0]. */
  function fixedClassifier() {
    const layer = new nn.Linear(2, 3, { dtype: "float64" });
    layer.weight = tensor(
      [
        [1, 0],
        [0, 1],
        [0, 0],
      ],
      { dtype: "float64" },
    );
    layer.bias = tensor([0, 0, 0], { dtype: "float64" });
    return new nn.Sequential(layer);
  }

  it("reports accuracy, the confusion matrix and the mean cross-entropy", () => {
    const net = fixedClassifier();
    const ds = data.fromArrays(
      [
        [2, 0],
        [0, 2],
        [-1, -1],
        [3, 0],
        [-1, -5],
      ],
      ["0", "1", "2", "1", "0"],
      {
        classes: ["0", "1", "2"],
        dtype: "float64",
      },
    );
    const r = evaluate(net, ds);
    if (r.kind !== "classification") throw new Error("expected classification");
    // Predicted: 0, 1, 2, 0, 2 against labels 0, 1, 2, 1, 0.
    expect(r.accuracy).toBe(3 / 5);
    expect(r.confusion).toEqual([
      [1, 0, 1],
      [1, 1, 0],
      [0, 0, 1],
    ]);
    const xs = ds.x.toArray() as number[][];
    const expected =
      xs
        .map(([a, b], i) => {
          const logits = [a, b, 0];
          const lse = Math.log(logits.reduce((s, v) => s + Math.exp(v), 0));
          return lse - logits[ds.kind === "classification" ? ds.y[i] : 0];
        })
        .reduce((s, v) => s + v, 0) / 5;
    expect(r.loss).toBeCloseTo(expected, 12);
  });

  it("reports MSE, MAE and R² for regression (closed form)", () => {
    const layer = new nn.Linear(1, 1, { dtype: "float64" });
    layer.weight = tensor([[1]], { dtype: "float64" });
    layer.bias = tensor([0], { dtype: "float64" });
    const ds = data.fromArrays([[1], [2], [3]], [[1], [2], [4]], { dtype: "float64" });
    const r = evaluate(new nn.Sequential(layer), ds);
    if (r.kind !== "regression") throw new Error("expected regression");
    expect(r.mse).toBeCloseTo(1 / 3, 12);
    expect(r.mae).toBeCloseTo(1 / 3, 12);
    // mean 7/3; total sum of squares 14/3; residual 1.
    expect(r.r2).toBeCloseTo(1 - 1 / (14 / 3), 12);
  });

  it("predict batches large inputs, runs in eval mode and restores the training mode", () => {
    const net = mlp({ inputs: 3, hidden: [8], outputs: 2, dropout: 0.5, seed: 1 });
    net.train();
    const x = data.xor({ samples: 10 }).x.matmul(
      tensor([
        [1, 0, 2],
        [0, 1, -1],
      ]),
    );
    const whole = predict(net, x);
    const batched = predict(net, x, { batchSize: 3 });
    expect(batched.toArray()).toEqual(whole.toArray());
    net.eval();
    expect(whole.toArray()).toEqual(noGrad(() => net.forward(x)).toArray());
    expect(net.training).toBe(false);
    net.train();
    predict(net, x);
    expect(net.training).toBe(true);
  });
});

describe("trainModel (the CLI's recipe)", () => {
  it("reaches >= 93% test accuracy on Iris with the defaults", () => {
    const { test, meta, sizes, history } = trainModel(data.iris());
    expect(sizes).toEqual({ train: 105, val: 15, test: 30 });
    expect(test?.kind).toBe("classification");
    if (test?.kind !== "classification") return;
    expect(test.accuracy).toBeGreaterThanOrEqual(0.93);
    expect(history.epochs).toHaveLength(300);
    // Cosine schedule: peak 2e-3 at epoch 1, near zero at the end.
    expect(history.epochs[0].lr).toBe(0.002);
    expect(history.epochs[299].lr).toBeLessThan(1e-6);
    expect(meta.task).toEqual({
      kind: "classification",
      target: "species",
      classes: ["setosa", "versicolor", "virginica"],
    });
    // Standardisation from the training rows only: the training features have mean 0 after it.
    expect(meta.preprocessing.mean[2]).toBeGreaterThan(3);
    expect(meta.preprocessing.mean[2]).toBeLessThan(4.5);
  });

  it('"auto" epochs aim at about 2,000 steps, between 15 and 300 epochs', async () => {
    const { autoEpochs } = await import("chainrule");
    expect(autoEpochs(7000, 32)).toBe(15);
    expect(autoEpochs(105, 32)).toBe(300);
    expect(autoEpochs(2000, 32)).toBe(32);
  });
});
