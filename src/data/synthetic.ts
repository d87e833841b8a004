// Seeded toy classification sets in two dimensions: xor, circles, moons, spirals and the tutorial's data.

import { tensor } from "../core.js";
import { describeValue, ValueError } from "../errors.js";
import { Generator } from "../random.js";
import type { ClassificationDataset } from "./dataset.js";
import { tutorialProblem } from "./tutorial.js";

/** Options shared by the generated data sets. */
export interface SyntheticOptions {
  /** Number of points (for `spirals`: per class). Defaults per set. */
  samples?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. Defaults per set. */
  noise?: number;
  /** Seed; the same seed gives the same points on every platform. Default `0`. */
  seed?: number;
}

function checkOptions(op: string, options: SyntheticOptions, samples: number, noise: number) {
  const n = options.samples ?? samples;
  const sd = options.noise ?? noise;
  if (!Number.isInteger(n) || n < 1)
    throw new ValueError(op, `samples must be a positive integer, got ${describeValue(n)}`);
  if (typeof sd !== "number" || !(sd >= 0) || !Number.isFinite(sd)) {
    throw new ValueError(op, `noise must be a finite number >= 0, got ${describeValue(sd)}`);
  }
  return { n, sd, g: new Generator(options.seed ?? 0, op) };
}

function twoD(xs: Float64Array, labels: Int32Array, classes: number): ClassificationDataset {
  return {
    kind: "classification",
    x: tensor(xs, { shape: [labels.length, 2], dtype: "float32" }),
    y: labels,
    features: ["x0", "x1"],
    target: "label",
    classes: Array.from({ length: classes }, (_, i) => String(i)),
  };
}

/**
 * XOR: points uniform in the square [-1, 1]², label 1 where exactly one coordinate is positive, plus noise.
 * Not linearly separable: a network needs a hidden layer.
 *
 * @example
 * ```ts
 * const ds = data.xor({ samples: 200, seed: 1 }); // x [200, 2], classes ["0", "1"]
 * ```
 */
export function xor(options: SyntheticOptions = {}): ClassificationDataset {
  const { n, sd, g } = checkOptions("data.xor", options, 400, 0.05);
  const xs = new Float64Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = 2 * g.uniform() - 1;
    const b = 2 * g.uniform() - 1;
    y[i] = a > 0 !== b > 0 ? 1 : 0;
    xs[2 * i] = a + sd * g.normal();
    xs[2 * i + 1] = b + sd * g.normal();
  }
  return twoD(xs, y, 2);
}

/**
 * Two concentric circles (scikit-learn's `make_circles`): the outer (radius 1) is class 0, the inner
 * (radius `factor`) class 1; angles are uniform.
 *
 * @example
 * ```ts
 * const ds = data.circles({ samples: 300, noise: 0.05, seed: 0 });
 * ```
 */
export function circles(options: SyntheticOptions & { factor?: number } = {}): ClassificationDataset {
  const op = "data.circles";
  const { n, sd, g } = checkOptions(op, options, 400, 0.08);
  const factor = options.factor ?? 0.5;
  if (!(factor > 0 && factor < 1))
    throw new ValueError(op, `factor must be in (0, 1), got ${describeValue(factor)}`);
  const xs = new Float64Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const r = y[i] === 1 ? factor : 1;
    const t = 2 * Math.PI * g.uniform();
    xs[2 * i] = r * Math.cos(t) + sd * g.normal();
    xs[2 * i + 1] = r * Math.sin(t) + sd * g.normal();
  }
  return twoD(xs, y, 2);
}

/**
 * Two interleaving half circles (scikit-learn's `make_moons`): class 0 is the upper moon
 * `(cos t, sin t)`, class 1 the lower `(1 - cos t, 0.5 - sin t)`, `t` uniform in [0, π].
 *
 * @example
 * ```ts
 * const ds = data.moons({ samples: 300, noise: 0.1, seed: 0 });
 * ```
 */
export function moons(options: SyntheticOptions = {}): ClassificationDataset {
  const { n, sd, g } = checkOptions("data.moons", options, 400, 0.1);
  const xs = new Float64Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const t = Math.PI * g.uniform();
    const a = y[i] === 0 ? Math.cos(t) : 1 - Math.cos(t);
    const b = y[i] === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    xs[2 * i] = a + sd * g.normal();
    xs[2 * i + 1] = b + sd * g.normal();
  }
  return twoD(xs, y, 2);
}

/**
 * `classes` interleaved spiral arms (the CS231n spiral): arm `k` has `samples` points at radius `r` in
 * [0, 1] and angle `4 (k + r)` plus `noise` radians of Gaussian noise.
 *
 * @example
 * ```ts
 * const ds = data.spirals({ classes: 3, samples: 100, seed: 0 }); // x [300, 2]
 * ```
 */
export function spirals(options: SyntheticOptions & { classes?: number } = {}): ClassificationDataset {
  const op = "data.spirals";
  const { n, sd, g } = checkOptions(op, options, 150, 0.2);
  const k = options.classes ?? 3;
  if (!Number.isInteger(k) || k < 2)
    throw new ValueError(op, `classes must be an integer >= 2, got ${describeValue(k)}`);
  const xs = new Float64Array(2 * n * k);
  const y = new Int32Array(n * k);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) {
      const row = c * n + i;
      const r = n === 1 ? 1 : i / (n - 1);
      const t = 4 * (c + r) + sd * g.normal();
      y[row] = c;
      xs[2 * row] = r * Math.sin(t);
      xs[2 * row + 1] = r * Math.cos(t);
    }
  }
  return twoD(xs, y, k);
}

/**
 * The tutorial's data: 100 points `np.random.seed(42); np.random.randn(100, 2)` (bit for bit), label 1
 * where `x0 + x1 > 0`.
 *
 * @example
 * ```ts
 * const ds = data.tutorial(); // x [100, 2], classes ["0", "1"]
 * ```
 */
export function tutorial(options: { seed?: number } = {}): ClassificationDataset {
  const { x, y } = tutorialProblem({ seed: options.seed ?? 42 });
  const labels = Int32Array.from(y._storage, (v) => v);
  return { ...twoD(Float64Array.from(x._storage), labels, 2) };
}
