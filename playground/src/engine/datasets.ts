// The playground's data sets: TF Playground's six generators (same geometry and noise), two multi-class sets,
// and the seeded train/test split.

import { Generator } from "chainrule";
import type { DatasetName, Point, ProblemKind } from "../protocol.js";

/** Points per classification set, as TF Playground. */
export const CLASSIFICATION_SAMPLES = 500;
/** Points per regression set, as TF Playground. */
export const REGRESSION_SAMPLES = 1200;
/** Half the side of the square every point lies in: [-6, 6]². */
export const DOMAIN = 6;

/** A generated (or loaded) data set before the split. */
export interface Dataset {
  problem: ProblemKind;
  /** Number of classes: 2 for binary, K for multi-class, 0 for regression. */
  classes: number;
  points: Point[];
}

/** A uniform draw in [a, b). */
function uniform(g: Generator, a: number, b: number): number {
  return a + (b - a) * g.uniform();
}

/**
 * A Gaussian draw around (cx, cy) with standard deviation `sd` per coordinate, redrawn until it lies in
 * [-6, 6]² (TF Playground lets its Gaussians spill over at high noise; we keep every point on the heat map).
 */
function gaussianPoint(g: Generator, cx: number, cy: number, sd: number): [number, number] {
  for (;;) {
    const x = cx + sd * g.normal();
    const y = cy + sd * g.normal();
    if (Math.abs(x) <= DOMAIN && Math.abs(y) <= DOMAIN) return [x, y];
  }
}

/** TF Playground's Gaussian variance: 0.5 at no noise, rising linearly to 4 at 50 % noise. */
function gaussVariance(noise: number): number {
  return 0.5 + (noise / 0.5) * 3.5;
}

// TF labels its classes -1 / +1; here class 1 is TF's positive class and class 0 its negative one.

function circle(g: Generator, n: number, noise: number): Point[] {
  const radius = 5;
  const points: Point[] = [];
  const ring = (rMin: number, rMax: number) => {
    for (let i = 0; i < n / 2; i++) {
      const r = uniform(g, rMin, rMax);
      const angle = uniform(g, 0, 2 * Math.PI);
      const x1 = r * Math.sin(angle);
      const x2 = r * Math.cos(angle);
      // Noise moves the point used for the label, not the point drawn: labels flip near the boundary.
      const nx = uniform(g, -radius, radius) * noise;
      const ny = uniform(g, -radius, radius) * noise;
      const label = Math.hypot(x1 + nx, x2 + ny) < radius * 0.5 ? 1 : 0;
      points.push({ x1, x2, label });
    }
  };
  ring(0, radius * 0.5); // inside: class 1 (without noise)
  ring(radius * 0.7, radius); // outside: class 0
  return points;
}

function xor(g: Generator, n: number, noise: number): Point[] {
  const padding = 0.3; // keeps points off the axes, as TF does
  const points: Point[] = [];
  for (let i = 0; i < n; i++) {
    let x1 = uniform(g, -5, 5);
    x1 += x1 > 0 ? padding : -padding;
    let x2 = uniform(g, -5, 5);
    x2 += x2 > 0 ? padding : -padding;
    const nx = uniform(g, -5, 5) * noise;
    const ny = uniform(g, -5, 5) * noise;
    points.push({ x1, x2, label: (x1 + nx) * (x2 + ny) >= 0 ? 1 : 0 });
  }
  return points;
}

function gauss(g: Generator, n: number, noise: number): Point[] {
  const sd = Math.sqrt(gaussVariance(noise));
  const points: Point[] = [];
  for (const [c, label] of [
    [2, 1],
    [-2, 0],
  ] as const) {
    for (let i = 0; i < n / 2; i++) {
      const [x1, x2] = gaussianPoint(g, c, c, sd);
      points.push({ x1, x2, label });
    }
  }
  return points;
}

/** `arms` interleaved spiral arms (1.75 turns out to radius 5), uniform jitter of ±noise per coordinate. */
function spiralArms(g: Generator, n: number, noise: number, arms: number, labelOf: (arm: number) => number) {
  const points: Point[] = [];
  for (let arm = 0; arm < arms; arm++) {
    const count = Math.floor(n / arms) + (arm < n % arms ? 1 : 0);
    const deltaT = (2 * Math.PI * arm) / arms;
    for (let i = 0; i < count; i++) {
      const r = (i / count) * 5;
      const t = ((1.75 * i) / count) * 2 * Math.PI + deltaT;
      const x1 = r * Math.sin(t) + uniform(g, -1, 1) * noise;
      const x2 = r * Math.cos(t) + uniform(g, -1, 1) * noise;
      points.push({ x1, x2, label: labelOf(arm) });
    }
  }
  return points;
}

function blobs3(g: Generator, n: number, noise: number): Point[] {
  const sd = Math.sqrt(gaussVariance(noise));
  const points: Point[] = [];
  for (let k = 0; k < 3; k++) {
    // Centres on a circle of radius 3.5, at 90°, 210° and 330°.
    const angle = Math.PI / 2 + (2 * Math.PI * k) / 3;
    const cx = 3.5 * Math.cos(angle);
    const cy = 3.5 * Math.sin(angle);
    const count = Math.floor(n / 3) + (k < n % 3 ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const [x1, x2] = gaussianPoint(g, cx, cy, sd);
      points.push({ x1, x2, label: k });
    }
  }
  return points;
}

function plane(g: Generator, n: number, noise: number): Point[] {
  const points: Point[] = [];
  for (let i = 0; i < n; i++) {
    const x1 = uniform(g, -DOMAIN, DOMAIN);
    const x2 = uniform(g, -DOMAIN, DOMAIN);
    const nx = uniform(g, -DOMAIN, DOMAIN) * noise;
    const ny = uniform(g, -DOMAIN, DOMAIN) * noise;
    // TF maps x + y from [-10, 10] linearly onto [-1, 1] (unclamped).
    points.push({ x1, x2, label: (x1 + nx + x2 + ny) / 10 });
  }
  return points;
}

const GAUSSIANS: readonly (readonly [number, number, number])[] = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
];

/** TF's reg-gauss target: the bump (1 at a centre, falling linearly to 0 at distance 2) largest in size. */
export function gaussiansTarget(x1: number, x2: number): number {
  let label = 0;
  for (const [cx, cy, sign] of GAUSSIANS) {
    const bump = sign * Math.min(1, Math.max(0, 1 - Math.hypot(x1 - cx, x2 - cy) / 2));
    if (Math.abs(bump) > Math.abs(label)) label = bump;
  }
  return label;
}

function gaussians(g: Generator, n: number, noise: number): Point[] {
  const points: Point[] = [];
  for (let i = 0; i < n; i++) {
    const x1 = uniform(g, -DOMAIN, DOMAIN);
    const x2 = uniform(g, -DOMAIN, DOMAIN);
    const nx = uniform(g, -DOMAIN, DOMAIN) * noise;
    const ny = uniform(g, -DOMAIN, DOMAIN) * noise;
    points.push({ x1, x2, label: gaussiansTarget(x1 + nx, x2 + ny) });
  }
  return points;
}

/**
 * Generates a built-in data set from TF Playground's recipe. `noisePercent` is the page's 0–50 slider
 * (TF divides it by 100): for circle, xor, plane and gaussians it shifts the point a label is computed
 * from, for gauss and blobs3 it widens the Gaussians, for the spirals it jitters the points. The same seed
 * gives the same points everywhere.
 *
 * @example
 * ```ts
 * const { problem, classes, points } = generateDataset("circle", 0, 1); // "binary", 2, 500 points
 * ```
 */
export function generateDataset(
  name: Exclude<DatasetName, "csv">,
  noisePercent: number,
  seed: number,
): Dataset {
  const g = new Generator(seed, "generateDataset");
  const noise = noisePercent / 100;
  const n = CLASSIFICATION_SAMPLES;
  switch (name) {
    case "circle":
      return { problem: "binary", classes: 2, points: circle(g, n, noise) };
    case "xor":
      return { problem: "binary", classes: 2, points: xor(g, n, noise) };
    case "gauss":
      return { problem: "binary", classes: 2, points: gauss(g, n, noise) };
    case "spiral":
      // TF's positive arm starts at angle 0, its negative arm at π.
      return { problem: "binary", classes: 2, points: spiralArms(g, n, noise, 2, (arm) => 1 - arm) };
    case "blobs3":
      return { problem: "multiclass", classes: 3, points: blobs3(g, n, noise) };
    case "spiral3":
      return { problem: "multiclass", classes: 3, points: spiralArms(g, n, noise, 3, (arm) => arm) };
    case "plane":
      return { problem: "regression", classes: 0, points: plane(g, REGRESSION_SAMPLES, noise) };
    case "gaussians":
      return { problem: "regression", classes: 0, points: gaussians(g, REGRESSION_SAMPLES, noise) };
  }
}

/**
 * Shuffles the points with a generator seeded by `seed` and cuts them into train (the first
 * `floor(n · trainRatio / 100)`, at least one) and test (the rest, at least one).
 *
 * @example
 * ```ts
 * const { train, test } = splitPoints(points, 50, 1); // 250 and 250 of 500
 * ```
 */
export function splitPoints(
  points: readonly Point[],
  trainRatio: number,
  seed: number,
): { train: Point[]; test: Point[] } {
  const shuffled = points.slice();
  // A stream apart from the data's own (same seed, different mixing), so the split does not echo the data.
  const g = new Generator(mixSeed(seed, 0x2545f491), "splitPoints");
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(g.uniform() * (i + 1));
    const t = shuffled[i];
    shuffled[i] = shuffled[j];
    shuffled[j] = t;
  }
  const cut = Math.min(shuffled.length - 1, Math.max(1, Math.floor((shuffled.length * trainRatio) / 100)));
  return { train: shuffled.slice(0, cut), test: shuffled.slice(cut) };
}

/** A 32-bit seed derived from `seed` and a stream constant, for independent generator streams. */
export function mixSeed(seed: number, stream: number): number {
  let z = (seed ^ stream) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
