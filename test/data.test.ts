// Data sets: seeded splits (stratified, exact sizes), standardisation, mini-batches, generated and packaged sets.
import { data, Generator, tensor } from "chainrule";
import { describe, expect, it } from "vitest";

describe("splitIndices / splitDataset", () => {
  it("gives disjoint parts of round(n * fraction) rows covering every row, the same for the same seed", () => {
    const a = data.splitIndices(103, { valSplit: 0.1, testSplit: 0.2, seed: 7 });
    expect([a.train.length, a.val.length, a.test.length]).toEqual([72, 10, 21]);
    const all = [...a.train, ...a.val, ...a.test].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 103 }, (_, i) => i));
    const b = data.splitIndices(103, { valSplit: 0.1, testSplit: 0.2, seed: 7 });
    expect(Array.from(b.test)).toEqual(Array.from(a.test));
    const c = data.splitIndices(103, { valSplit: 0.1, testSplit: 0.2, seed: 8 });
    expect(Array.from(c.test)).not.toEqual(Array.from(a.test));
  });

  it("stratifies: every class keeps its share, and the totals stay exact (largest remainders)", () => {
    // Classes of sizes 50, 30 and 20.
    const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 50 ? 0 : i < 80 ? 1 : 2));
    const { train, val, test } = data.splitIndices(100, {
      valSplit: 0.1,
      testSplit: 0.25,
      stratify: labels,
      seed: 1,
    });
    const count = (idx: Int32Array, k: number) => Array.from(idx).filter((i) => labels[i] === k).length;
    expect(test.length).toBe(25);
    expect(val.length).toBe(10);
    // 25% of 50, 30, 20 is 12.5, 7.5, 5: the remainders go to the first classes at ties.
    expect([count(test, 0), count(test, 1), count(test, 2)]).toEqual([13, 7, 5]);
    expect(count(val, 0) + count(val, 1) + count(val, 2)).toBe(10);
    expect(count(train, 2)).toBe(20 - 5 - count(val, 2));
  });

  it("splits MNIST-sized data 8,000/2,000 exactly", () => {
    const labels = Int32Array.from({ length: 10_000 }, (_, i) => i % 10);
    const { train, test } = data.splitIndices(10_000, { testSplit: 0.2, stratify: labels, seed: 0 });
    expect([train.length, test.length]).toEqual([8000, 2000]);
  });

  it("rejects fractions that leave no training rows", () => {
    expect(() => data.splitIndices(10, { valSplit: 0.5, testSplit: 0.5 })).toThrow(
      "data.splitIndices: expected valSplit + testSplit to leave rows for training, got 5 validation and 5 test rows of 10",
    );
    expect(() => data.splitIndices(10, { testSplit: 1 })).toThrow(
      "testSplit must be a number in [0, 1), got 1",
    );
  });

  it("splitDataset keeps features and labels together", () => {
    const ds = data.fromArrays(
      Array.from({ length: 20 }, (_, i) => [i, -i]),
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? "even" : "odd")),
    );
    const { train, val, test } = data.splitDataset(ds, { valSplit: 0.1, testSplit: 0.2, seed: 3 });
    expect(val).not.toBeNull();
    for (const part of [train, val!, test!]) {
      if (part.kind !== "classification") throw new Error("expected classification");
      const xs = part.x.toArray() as number[][];
      xs.forEach((row, i) => {
        expect(row[1]).toBe(-row[0]);
        expect(part.classes[part.y[i]]).toBe(row[0] % 2 === 0 ? "even" : "odd");
      });
    }
    expect(data.splitDataset(ds, { seed: 0 }).test).toBeNull();
  });
});

describe("standardisation", () => {
  it("uses the training rows' mean and population std; constant features get std 1", () => {
    const x = tensor([
      [1, 5, 10],
      [3, 5, 20],
      [5, 5, 60],
    ]);
    const prep = data.fitStandardization(x, ["a", "b", "c"]);
    expect(prep.mean).toEqual([3, 5, 30]);
    expect(prep.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(prep.std[1]).toBe(1);
    expect(prep.std[2]).toBeCloseTo(Math.sqrt(((10 - 30) ** 2 + (20 - 30) ** 2 + (60 - 30) ** 2) / 3), 10);
    const z = data.standardize(tensor([[3, 7, 30]]), prep).toArray() as number[][];
    expect(z[0][0]).toBeCloseTo(0, 6);
    expect(z[0][1]).toBeCloseTo(2, 6);
    expect(z[0][2]).toBeCloseTo(0, 6);
  });

  it("rejects features of the wrong width", () => {
    const prep = data.identityPreprocessing(["a", "b"]);
    expect(() => data.standardize(tensor([[1, 2, 3]]), prep)).toThrow(
      "data.standardize: expected features of shape [N, 2], got [1, 3]",
    );
  });
});

describe("batches", () => {
  const ds = data.fromArrays(
    Array.from({ length: 10 }, (_, i) => [i]),
    Array.from({ length: 10 }, (_, i) => String(i % 3)),
  );

  it("visits every row once per epoch, in batches of batchSize and a smaller last one", () => {
    const sizes: number[] = [];
    const seen: number[] = [];
    for (const b of data.batches(ds, { batchSize: 4, seed: 1 })) {
      sizes.push(b.indices.length);
      seen.push(...(b.x.toArray() as number[][]).map((r) => r[0]));
      if (ds.kind === "classification") {
        expect(Array.from(b.y as Int32Array)).toEqual(Array.from(b.indices, (i) => ds.y[i]));
      }
    }
    expect(sizes).toEqual([4, 4, 2]);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(seen).not.toEqual(Array.from({ length: 10 }, (_, i) => i)); // shuffled
  });

  it("is reproducible per seed, differs between epochs of one generator, and can keep order or drop the last", () => {
    const order = (opts: data.BatchOptions) =>
      [...data.batches(ds, opts)].flatMap((b) => Array.from(b.indices));
    expect(order({ seed: 5 })).toEqual(order({ seed: 5 }));
    const g = new Generator(5);
    const first = order({ generator: g });
    expect(first).toEqual(order({ seed: 5 }));
    expect(order({ generator: g })).not.toEqual(first);
    expect(order({ shuffle: false })).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect([...data.batches(ds, { batchSize: 4, dropLast: true })].map((b) => b.indices.length)).toEqual([
      4, 4,
    ]);
  });
});

describe("built-in sets", () => {
  it("iris: 150 rows, 4 features, 50 of each species", () => {
    const ds = data.iris();
    expect(ds.x.shape).toEqual([150, 4]);
    expect(ds.features).toEqual(["sepal_length", "sepal_width", "petal_length", "petal_width"]);
    expect(ds.classes).toEqual(["setosa", "versicolor", "virginica"]);
    expect([0, 1, 2].map((k) => Array.from(ds.y).filter((v) => v === k).length)).toEqual([50, 50, 50]);
    expect((ds.x.toArray() as number[][])[0].map((v) => Number(v.toFixed(4)))).toEqual([5.1, 3.5, 1.4, 0.2]);
  });

  it("circles: outer ring radius 1 (class 0), inner radius factor (class 1)", () => {
    const ds = data.circles({ samples: 200, noise: 0, factor: 0.3, seed: 2 });
    const xs = ds.x.toArray() as number[][];
    xs.forEach(([a, b], i) => {
      expect(Math.hypot(a, b)).toBeCloseTo(ds.y[i] === 0 ? 1 : 0.3, 5);
    });
    expect(Array.from(ds.y).filter((v) => v === 1).length).toBe(100);
  });

  it("moons: noiseless points lie on their half circles", () => {
    const ds = data.moons({ samples: 100, noise: 0, seed: 0 });
    (ds.x.toArray() as number[][]).forEach(([a, b], i) => {
      const r = ds.y[i] === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
      expect(r).toBeCloseTo(1, 5);
      expect(ds.y[i] === 0 ? b >= -1e-6 : b <= 0.5 + 1e-6).toBe(true);
    });
  });

  it("xor: label 1 exactly where the signs differ (noiseless)", () => {
    const ds = data.xor({ samples: 300, noise: 0, seed: 4 });
    (ds.x.toArray() as number[][]).forEach(([a, b], i) => {
      expect(ds.y[i]).toBe(a > 0 !== b > 0 ? 1 : 0);
    });
  });

  it("spirals: k arms of n points, radius growing from 0 to 1", () => {
    const ds = data.spirals({ classes: 4, samples: 50, seed: 0 });
    expect(ds.x.shape).toEqual([200, 2]);
    expect(ds.classes).toEqual(["0", "1", "2", "3"]);
    const xs = ds.x.toArray() as number[][];
    expect(Math.hypot(...xs[0])).toBeCloseTo(0, 6);
    expect(Math.hypot(...xs[49])).toBeCloseTo(1, 5);
  });

  it("generated sets are reproducible per seed and different across seeds", () => {
    expect(data.moons({ seed: 3 }).x.toArray()).toEqual(data.moons({ seed: 3 }).x.toArray());
    expect(data.moons({ seed: 3 }).x.toArray()).not.toEqual(data.moons({ seed: 4 }).x.toArray());
    expect(() => data.spirals({ classes: 1 })).toThrow(
      "data.spirals: classes must be an integer >= 2, got 1",
    );
    expect(() => data.xor({ samples: 0 })).toThrow("data.xor: samples must be a positive integer, got 0");
  });

  it("tutorial: the tutorial's 100 points, label 1 where x0 + x1 > 0", () => {
    const ds = data.tutorial();
    expect(ds.x.shape).toEqual([100, 2]);
    // np.random.seed(42); np.random.randn(100, 2)[0] = [0.49671415, -0.1382643]
    const first = (ds.x.toArray() as number[][])[0];
    expect(first[0]).toBeCloseTo(0.49671415, 6);
    expect(first[1]).toBeCloseTo(-0.1382643, 6);
    (ds.x.toArray() as number[][]).forEach(([a, b], i) => {
      expect(ds.y[i]).toBe(a + b > 0 ? 1 : 0);
    });
  });
});

describe("fromArrays / subset / taskOf", () => {
  it("builds classification from labels and regression from target rows", () => {
    const c = data.fromArrays([[1], [2], [3]], ["b", "a", "b"]);
    expect(data.taskOf(c)).toEqual({ kind: "classification", target: "label", classes: ["a", "b"] });
    const r = data.fromArrays([[1], [2]], [[0.5], [1.5]], { target: "price" });
    expect(data.taskOf(r)).toEqual({ kind: "regression", targets: ["price"] });
    const s = data.subset(c, [2, 0]);
    expect(s.x.toArray()).toEqual([[3], [1]]);
    expect(s.kind === "classification" && Array.from(s.y)).toEqual([1, 1]);
  });
});
