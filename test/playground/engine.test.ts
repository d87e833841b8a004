// The playground engine's data: TF Playground's generators, the multi-class sets, the split, features, CSV.

import { describe, expect, it } from "vitest";
import {
  CLASSIFICATION_SAMPLES,
  CsvError,
  featureMatrix,
  featureRow,
  gaussiansTarget,
  generateDataset,
  inferProblem,
  parseCsvPoints,
  REGRESSION_SAMPLES,
  splitPoints,
  validatePoints,
} from "../../playground/src/engine/index.js";
import type { DatasetName, Point } from "../../playground/src/protocol.js";

type Builtin = Exclude<DatasetName, "csv">;
const BUILTIN: Builtin[] = ["circle", "xor", "gauss", "spiral", "blobs3", "spiral3", "plane", "gaussians"];

function counts(points: Point[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const p of points) m.set(p.label, (m.get(p.label) ?? 0) + 1);
  return m;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

describe("built-in data sets", () => {
  it.each(BUILTIN)("%s: TF's sizes, every point in [-6, 6]², finite, reproducible from the seed", (name) => {
    for (const noise of [0, 50]) {
      const a = generateDataset(name, noise, 7);
      const expected = a.problem === "regression" ? REGRESSION_SAMPLES : CLASSIFICATION_SAMPLES;
      expect(a.points).toHaveLength(expected);
      for (const p of a.points) {
        expect(Math.abs(p.x1)).toBeLessThanOrEqual(6);
        expect(Math.abs(p.x2)).toBeLessThanOrEqual(6);
        expect(Number.isFinite(p.label)).toBe(true);
        if (a.problem !== "regression") expect(p.label >= 0 && p.label < a.classes).toBe(true);
      }
      expect(generateDataset(name, noise, 7)).toEqual(a);
      // Without noise the spirals are pure geometry; everything else depends on the seed.
      if (noise > 0 || !name.startsWith("spiral"))
        expect(generateDataset(name, noise, 8).points).not.toEqual(a.points);
    }
  });

  it("circle: class 1 inside radius 2.5, class 0 in the ring 3.5..5, balanced, without noise", () => {
    const { problem, classes, points } = generateDataset("circle", 0, 1);
    expect([problem, classes]).toEqual(["binary", 2]);
    expect(counts(points)).toEqual(
      new Map([
        [1, 250],
        [0, 250],
      ]),
    );
    for (const p of points) {
      const r = Math.hypot(p.x1, p.x2);
      if (p.label === 1) expect(r).toBeLessThan(2.5);
      else expect(r >= 3.5 && r <= 5).toBe(true);
    }
  });

  it("circle and xor: noise flips labels near the boundary (the points stay where they were drawn)", () => {
    const flipsCircle = (noise: number) =>
      generateDataset("circle", noise, 3).points.filter(
        (p) => (Math.hypot(p.x1, p.x2) < 2.5 ? 1 : 0) !== p.label,
      ).length;
    const flipsXor = (noise: number) =>
      generateDataset("xor", noise, 3).points.filter((p) => (p.x1 * p.x2 >= 0 ? 1 : 0) !== p.label).length;
    expect(flipsCircle(0)).toBe(0);
    expect(flipsXor(0)).toBe(0);
    expect(flipsCircle(25)).toBeGreaterThan(10);
    expect(flipsCircle(50)).toBeGreaterThan(flipsCircle(25));
    expect(flipsXor(50)).toBeGreaterThan(20);
    // Radii are not moved by noise: still within 5.
    for (const p of generateDataset("circle", 50, 3).points)
      expect(Math.hypot(p.x1, p.x2)).toBeLessThanOrEqual(5);
  });

  it("xor: points padded 0.3 off the axes, within 5.3", () => {
    for (const p of generateDataset("xor", 0, 2).points) {
      for (const v of [p.x1, p.x2]) expect(Math.abs(v) >= 0.3 && Math.abs(v) <= 5.3).toBe(true);
    }
  });

  it("gauss: two balanced Gaussians at (2, 2) and (-2, -2) whose spread grows with noise (variance 0.5 → 4)", () => {
    const { points } = generateDataset("gauss", 0, 4);
    expect(counts(points)).toEqual(
      new Map([
        [1, 250],
        [0, 250],
      ]),
    );
    const pos = points.filter((p) => p.label === 1);
    const neg = points.filter((p) => p.label === 0);
    expect(mean(pos.map((p) => p.x1))).toBeCloseTo(2, 0);
    expect(mean(neg.map((p) => p.x2))).toBeCloseTo(-2, 0);
    expect(Math.abs(std(pos.map((p) => p.x1)) - Math.sqrt(0.5))).toBeLessThan(0.15);
    const noisy = generateDataset("gauss", 50, 4).points.filter((p) => p.label === 1);
    // sd 2 truncated to the square: wider than at no noise, narrower than the untruncated 2.
    const sd = std(noisy.map((p) => p.x1));
    expect(sd > 1.5 && sd < 2.1).toBe(true);
  });

  it("spiral: two arms out to radius 5, jitter bounded by the noise fraction", () => {
    const clean = generateDataset("spiral", 0, 5).points;
    expect(counts(clean)).toEqual(
      new Map([
        [1, 250],
        [0, 250],
      ]),
    );
    // Arm 1 starts at angle 0, arm 0 at π: point i of one arm mirrors point i of the other.
    const one = clean.filter((p) => p.label === 1);
    const zero = clean.filter((p) => p.label === 0);
    one.forEach((p, i) => {
      expect(zero[i].x1).toBeCloseTo(-p.x1, 12);
      expect(zero[i].x2).toBeCloseTo(-p.x2, 12);
      expect(Math.hypot(p.x1, p.x2)).toBeCloseTo((i / 250) * 5, 12);
    });
    const noisy = generateDataset("spiral", 50, 5).points;
    noisy.forEach((p, i) => {
      expect(Math.abs(p.x1 - clean[i].x1)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(p.x2 - clean[i].x2)).toBeLessThanOrEqual(0.5);
    });
    expect(noisy).not.toEqual(clean);
  });

  it("blobs3 and spiral3: three balanced classes", () => {
    for (const name of ["blobs3", "spiral3"] as const) {
      const { problem, classes, points } = generateDataset(name, 10, 1);
      expect([problem, classes]).toEqual(["multiclass", 3]);
      expect(counts(points)).toEqual(
        new Map([
          [0, 167],
          [1, 167],
          [2, 166],
        ]),
      );
    }
    const blobs = generateDataset("blobs3", 0, 1).points;
    const top = blobs.filter((p) => p.label === 0);
    expect(mean(top.map((p) => p.x1))).toBeCloseTo(0, 0);
    expect(mean(top.map((p) => p.x2))).toBeCloseTo(3.5, 0);
  });

  it("plane and gaussians: TF's regression targets, exact without noise", () => {
    const plane = generateDataset("plane", 0, 1);
    expect([plane.problem, plane.classes]).toEqual(["regression", 0]);
    for (const p of plane.points) expect(p.label).toBeCloseTo((p.x1 + p.x2) / 10, 14);
    for (const p of generateDataset("gaussians", 0, 1).points)
      expect(p.label).toBe(gaussiansTarget(p.x1, p.x2));
    expect(gaussiansTarget(-4, 2.5)).toBe(1);
    expect(gaussiansTarget(0, 2.5)).toBe(-1);
    expect(gaussiansTarget(1, 2.5)).toBeCloseTo(-0.5, 14);
    expect(gaussiansTarget(0, 0)).toBeCloseTo(0, 14); // 2.5 from every centre: beyond the bumps
    const noisy = generateDataset("plane", 50, 1).points;
    const off = noisy.filter((p) => Math.abs(p.label - (p.x1 + p.x2) / 10) > 0.05).length;
    expect(off).toBeGreaterThan(600);
  });
});

describe("splitPoints", () => {
  it("cuts floor(n · ratio / 100) training points, the rest for test, reproducibly", () => {
    const { points } = generateDataset("circle", 0, 1);
    for (const ratio of [10, 50, 90]) {
      const { train, test } = splitPoints(points, ratio, 3);
      expect(train).toHaveLength(Math.floor((500 * ratio) / 100));
      expect(train.length + test.length).toBe(500);
      expect(new Set([...train, ...test]).size).toBe(500);
      expect(splitPoints(points, ratio, 3)).toEqual({ train, test });
    }
    // Shuffled: not the generator's order (which puts all of class 1 first).
    expect(counts(splitPoints(points, 50, 3).train).get(1)).toBeLessThan(200);
    expect(splitPoints(points, 50, 4).train).not.toEqual(splitPoints(points, 50, 3).train);
  });

  it("keeps at least one point on each side", () => {
    const few: Point[] = Array.from({ length: 10 }, (_, i) => ({ x1: i, x2: 0, label: i % 2 }));
    expect(splitPoints(few, 5, 1).train).toHaveLength(1);
    expect(splitPoints(few, 99, 1).test).toHaveLength(1);
  });
});

describe("features", () => {
  it("computes TF's seven features", () => {
    expect(featureRow(2, -3, ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"])).toEqual([
      2,
      -3,
      4,
      9,
      -6,
      Math.sin(2),
      Math.sin(-3),
    ]);
    expect(
      Array.from(
        featureMatrix(
          [
            { x1: 1, x2: 2 },
            { x1: -1, x2: 0.5 },
          ],
          ["x2sq", "x1"],
        ),
      ),
    ).toEqual([4, 1, 0.25, -1]);
  });
});

describe("CSV points", () => {
  const rows = (n: number, label: (i: number) => number | string = (i) => i % 2) =>
    Array.from({ length: n }, (_, i) => `${i},${2 * i},${label(i)}`).join("\n");

  it("reads a header x1,x2,label (any order) or three numeric columns, and rescales onto [-6, 6]²", () => {
    const a = parseCsvPoints(`x1,x2,label\n${rows(11)}\n`);
    expect(a.problem).toBe("binary");
    expect(a.classes).toBe(2);
    expect(a.points).toHaveLength(11);
    expect(a.points[0]).toEqual({ x1: -6, x2: -6, label: 0 });
    expect(a.points[10]).toEqual({ x1: 6, x2: 6, label: 0 });
    expect(a.points[5].x1).toBeCloseTo(0, 12);
    expect(a.ranges).toEqual({ x1: [0, 10], x2: [0, 20], label: null });
    const b = parseCsvPoints(rows(11));
    expect(b.points).toEqual(a.points);
    const c = parseCsvPoints(`Label ; X2 ; X1\r\n${rows(11).replaceAll(",", ";")}`);
    // Columns by name: here the first column (0..10) is the label, the third (0/1) is x1.
    expect(c.problem).toBe("regression"); // labels up to 10: more than 8 classes
    expect(c.points[3].x1).toBe(6);
    expect(c.points[3].x2).toBeCloseTo(-6 + (12 * 6) / 20, 12);
    expect(c.points[3].label).toBeCloseTo(-1 + (2 * 3) / 10, 12);
  });

  it("decides binary, multi-class (K ≤ 8) or regression from the label column", () => {
    expect(parseCsvPoints(rows(12, (i) => i % 3)).classes).toBe(3);
    expect(parseCsvPoints(rows(12, (i) => i % 3)).problem).toBe("multiclass");
    expect(parseCsvPoints(rows(16, (i) => i % 8)).classes).toBe(8);
    const reg = parseCsvPoints(rows(12, (i) => i % 9)); // 9 classes: too many, so a target
    expect(reg.problem).toBe("regression");
    expect(Math.min(...reg.points.map((p) => p.label))).toBe(-1);
    expect(Math.max(...reg.points.map((p) => p.label))).toBe(1);
    expect(parseCsvPoints(rows(12, (i) => i * 0.5)).problem).toBe("regression");
    expect(parseCsvPoints(rows(12, (i) => -(i % 2))).problem).toBe("regression");
    expect(inferProblem([{ x1: 0, x2: 0, label: 0 }])).toEqual({ problem: "regression", classes: 0 });
  });

  it("names the row and column of a bad cell", () => {
    const bad = (text: string) => () => parseCsvPoints(text);
    const good = rows(12).split("\n");
    const withRow = (i: number, line: string) =>
      ["x1,x2,label", ...good.slice(0, i), line, ...good.slice(i)].join("\n");
    expect(bad(withRow(3, "1,abc,0"))).toThrow(
      new CsvError('csv: row 5, column x2: expected a number, got "abc"'),
    );
    expect(bad(withRow(0, "1,2,"))).toThrow(
      new CsvError('csv: row 2, column label: expected a number, got ""'),
    );
    expect(bad(withRow(4, "Infinity,2,1"))).toThrow(
      new CsvError('csv: row 6, column x1: expected a finite number, got "Infinity"'),
    );
    expect(bad(withRow(2, "1,2"))).toThrow(
      new CsvError("csv: row 4: expected 3 columns (x1, x2, label), got 2"),
    );
    expect(bad(`a,b,c\n${rows(12)}`)).toThrow(
      new CsvError('csv: row 1: expected the header x1,x2,label or three numeric columns, got "a,b,c"'),
    );
    expect(bad(rows(9))).toThrow(new CsvError("csv: expected 10 to 10000 data rows, got 9"));
    expect(bad(rows(10_001))).toThrow(new CsvError("csv: expected 10 to 10000 data rows, got 10001"));
    expect(bad("\n\n")).toThrow(CsvError);
  });

  it("validatePoints checks points sent to the worker", () => {
    const pts = parseCsvPoints(rows(12)).points;
    expect(() => validatePoints(pts)).not.toThrow();
    expect(() => validatePoints(pts.slice(0, 9))).toThrow("csv: expected 10 to 10000 points, got 9");
    expect(() => validatePoints([...pts, { x1: Number.NaN, x2: 0, label: 0 }])).toThrow("csv: point 12");
  });
});
