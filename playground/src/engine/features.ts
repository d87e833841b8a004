// Input features computed from a point's coordinates (TF Playground's set) and the feature matrix builder.

import type { FeatureName, Point } from "../protocol.js";

/** How each feature is computed and displayed. */
export const FEATURE_INFO: Readonly<
  Record<FeatureName, { label: string; compute: (x1: number, x2: number) => number }>
> = {
  x1: { label: "x₁", compute: (x1) => x1 },
  x2: { label: "x₂", compute: (_x1, x2) => x2 },
  x1sq: { label: "x₁²", compute: (x1) => x1 * x1 },
  x2sq: { label: "x₂²", compute: (_x1, x2) => x2 * x2 },
  x1x2: { label: "x₁x₂", compute: (x1, x2) => x1 * x2 },
  sinx1: { label: "sin(x₁)", compute: (x1) => Math.sin(x1) },
  sinx2: { label: "sin(x₂)", compute: (_x1, x2) => Math.sin(x2) },
};

/**
 * The features of `(x1, x2)` in the order given.
 *
 * @example
 * ```ts
 * featureRow(2, 3, ["x1", "x1x2"]); // [2, 6]
 * ```
 */
export function featureRow(x1: number, x2: number, features: readonly FeatureName[]): number[] {
  return features.map((f) => FEATURE_INFO[f].compute(x1, x2));
}

/**
 * The row-major `[points.length, features.length]` matrix of the points' features.
 *
 * @example
 * ```ts
 * featureMatrix([{ x1: 1, x2: 2, label: 0 }], ["x1", "x2sq"]); // Float64Array [1, 4]
 * ```
 */
export function featureMatrix(
  points: readonly Pick<Point, "x1" | "x2">[],
  features: readonly FeatureName[],
): Float64Array {
  const f = features.map((name) => FEATURE_INFO[name].compute);
  const out = new Float64Array(points.length * f.length);
  points.forEach((p, i) => {
    for (let j = 0; j < f.length; j++) out[i * f.length + j] = f[j](p.x1, p.x2);
  });
  return out;
}
