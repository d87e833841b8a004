// The tutorial's problem exactly as its NumPy program draws it: data, labels and initial weights.

import { type Tensor, tensor, zeros } from "../core.js";
import { NumpyRandom } from "../random/numpy.js";

/** The tutorial's data and its 2-H-1 network's initial parameters, in float64. */
export interface TutorialProblem {
  /** Inputs `[100, 2]`. */
  x: Tensor;
  /** Labels `[100, 1]`: 1 where x0 + x1 > 0, else 0. */
  y: Tensor;
  /** `W1 [2, H]`, `b1 [H]`, `W2 [H, 1]`, `b2 [1]`, leaves requiring grad. */
  W1: Tensor;
  b1: Tensor;
  W2: Tensor;
  b2: Tensor;
}

/** Number of data points in the tutorial. */
export const TUTORIAL_SAMPLES = 100;

/**
 * Draws the tutorial's problem as `np.random.seed(seed); X = np.random.randn(100, 2)` and then the network's
 * `W1 = randn(2, H) * 0.01`, `W2 = randn(H, 1) * 0.01` (same generator, same order, bit for bit), with zero biases.
 *
 * @example
 * ```ts
 * const { x, y, W1 } = tutorialProblem();
 * x.shape; // [100, 2]
 * ```
 */
export function tutorialProblem(options: { seed?: number; hidden?: number } = {}): TutorialProblem {
  const seed = options.seed ?? 42;
  const hidden = options.hidden ?? 4;
  const dtype = "float64";
  const rng = new NumpyRandom(seed);
  const xs = rng.randn(TUTORIAL_SAMPLES, 2);
  const ys = Float64Array.from({ length: TUTORIAL_SAMPLES }, (_, i) =>
    xs[2 * i] + xs[2 * i + 1] > 0 ? 1 : 0,
  );
  const W1 = rng.randn(2, hidden).map((v) => v * 0.01);
  const W2 = rng.randn(hidden, 1).map((v) => v * 0.01);
  return {
    x: tensor(xs, { shape: [TUTORIAL_SAMPLES, 2], dtype }),
    y: tensor(ys, { shape: [TUTORIAL_SAMPLES, 1], dtype }),
    W1: tensor(W1, { shape: [2, hidden], dtype, requiresGrad: true }),
    b1: zeros([hidden], { dtype, requiresGrad: true }),
    W2: tensor(W2, { shape: [hidden, 1], dtype, requiresGrad: true }),
    b2: zeros([1], { dtype, requiresGrad: true }),
  };
}
