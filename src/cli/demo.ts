// The tutorial's 2-4-1 network trained by autograd on the tutorial's NumPy data; returns its output lines (pure, no printing).

import { noGrad, type Tensor, tensor } from "../core.js";
import { tutorialProblem } from "../data/tutorial.js";
import { ValueError } from "../errors.js";
import * as nn from "../nn/index.js";
import * as optim from "../optim/index.js";

/** Hidden-layer activations the demo offers (the output layer is always a sigmoid, as in the tutorial). */
export const DEMO_ACTIVATIONS = ["sigmoid", "tanh", "relu"] as const;
/** A hidden-layer activation name. */
export type DemoActivation = (typeof DEMO_ACTIVATIONS)[number];

/**
 * What the demo trains on and prints.
 *
 * - `"tutorial"`: trains on the gradient of mean binary cross-entropy and prints the mean squared error. This
 *   is exactly what the tutorial's NumPy program does: its hand-written `dz2 = a2 - y` is the gradient of
 *   BCE through the output sigmoid (times `m`), while its `compute_loss` prints the MSE.
 * - `"mse"`: trains on and prints the MSE (so its gradient really is the MSE's; numbers differ from the tutorial).
 * - `"bce"`: trains on and prints the BCE.
 */
export const DEMO_LOSSES = ["tutorial", "mse", "bce"] as const;
/** A loss mode; see {@link DEMO_LOSSES}. */
export type DemoLoss = (typeof DEMO_LOSSES)[number];

/** Options of {@link runTutorialDemo}; every field defaults to the tutorial's value. */
export interface DemoOptions {
  /** Hidden units (default 4). */
  hidden?: number;
  /** Hidden-layer activation (default `"sigmoid"`). */
  activation?: DemoActivation;
  /** Learning rate of plain gradient descent (default 0.1). */
  lr?: number;
  /** Full-batch epochs (default 1000). */
  epochs?: number;
  /** Loss mode (default `"tutorial"`). */
  loss?: DemoLoss;
  /** NumPy legacy seed for the data and the initial weights (default 42). */
  seed?: number;
  /** Print the loss every this many epochs (default 100). */
  printEvery?: number;
  /** Also run the tutorial's hand-written backward pass every epoch and compare it with autograd. */
  check?: boolean;
}

/** A printed loss. */
export interface DemoEpochLoss {
  epoch: number;
  loss: number;
}

/** A test prediction. */
export interface DemoPrediction {
  input: [number, number];
  prediction: number;
}

/** Everything {@link runTutorialDemo} computed, plus the lines a CLI prints. */
export interface DemoResult {
  /** The output, line by line, as `chainrule demo` prints it. */
  lines: string[];
  /** The options after defaults were applied. */
  options: Required<DemoOptions>;
  /** The losses that were printed, in epoch order (the loss before that epoch's update). */
  losses: DemoEpochLoss[];
  /** Predictions for the tutorial's three test inputs after training. */
  predictions: DemoPrediction[];
  /**
   * With `check`, the largest `|autograd - hand-written|` over every epoch and every element of `dW1`, `db1`,
   * `dW2`, `db2`; `null` without `check`.
   */
  maxGradDiff: number | null;
}

/** The tutorial's defaults. */
const DEFAULTS: Required<DemoOptions> = {
  hidden: 4,
  activation: "sigmoid",
  lr: 0.1,
  epochs: 1000,
  loss: "tutorial",
  seed: 42,
  printEvery: 100,
  check: false,
};

/** The tutorial's test inputs. */
const TEST_INPUTS: [number, number][] = [
  [1, 1],
  [-1, -1],
  [1, -1],
];

/** Validates options and fills in defaults; throws a `ValueError` naming the bad option. */
function resolveOptions(options: DemoOptions): Required<DemoOptions> {
  const op = "runTutorialDemo";
  const o: Required<DemoOptions> = { ...DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (o as unknown as Record<string, unknown>)[key] = value;
  }
  const integer = (name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ValueError(op, `${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
    }
  };
  integer("hidden", o.hidden, 1, 100_000);
  integer("epochs", o.epochs, 0);
  integer("printEvery", o.printEvery, 1);
  integer("seed", o.seed, 0, 0xffffffff);
  if (typeof o.lr !== "number" || !Number.isFinite(o.lr) || o.lr <= 0) {
    throw new ValueError(op, `lr must be a positive finite number, got ${String(o.lr)}`);
  }
  if (!DEMO_ACTIVATIONS.includes(o.activation)) {
    throw new ValueError(
      op,
      `activation must be one of ${DEMO_ACTIVATIONS.join(", ")}, got ${String(o.activation)}`,
    );
  }
  if (!DEMO_LOSSES.includes(o.loss)) {
    throw new ValueError(op, `loss must be one of ${DEMO_LOSSES.join(", ")}, got ${String(o.loss)}`);
  }
  return o;
}

/** Applies the hidden activation to a tensor. */
function activate(z: Tensor, activation: DemoActivation): Tensor {
  if (activation === "tanh") return z.tanh();
  if (activation === "relu") return z.relu();
  return z.sigmoid();
}

/**
 * The activation's derivative written in terms of its output `a`, as the tutorial's `sigmoid_derivative`.
 * NOTE: relu'(0) = 0, as PyTorch and chainrule's autograd.
 */
function activationDerivative(a: number, activation: DemoActivation): number {
  if (activation === "tanh") return 1 - a * a;
  if (activation === "relu") return a > 0 ? 1 : 0;
  return a * (1 - a);
}

/**
 * The tutorial's hand-written backward pass in plain float64 loops: `dz2 = a2 - y`, `dW2 = a1ᵀ dz2 / m`,
 * `db2 = Σ dz2 / m`, `dz1 = (dz2 W2ᵀ) ⊙ act'(a1)`, `dW1 = Xᵀ dz1 / m`, `db1 = Σ dz1 / m`.
 */
function handWrittenGradients(
  X: Float64Array,
  y: Float64Array,
  a1: Float64Array,
  a2: Float64Array,
  W2: Float64Array,
  hidden: number,
  activation: DemoActivation,
): { dW1: Float64Array; db1: Float64Array; dW2: Float64Array; db2: Float64Array } {
  const m = y.length;
  const dW1 = new Float64Array(2 * hidden);
  const db1 = new Float64Array(hidden);
  const dW2 = new Float64Array(hidden);
  const db2 = new Float64Array(1);
  for (let i = 0; i < m; i++) {
    const dz2 = a2[i] - y[i];
    db2[0] += dz2;
    for (let j = 0; j < hidden; j++) {
      const a = a1[i * hidden + j];
      dW2[j] += a * dz2;
      const dz1 = dz2 * W2[j] * activationDerivative(a, activation);
      db1[j] += dz1;
      dW1[j] += X[2 * i] * dz1;
      dW1[hidden + j] += X[2 * i + 1] * dz1;
    }
  }
  for (const g of [dW1, db1, dW2, db2]) for (let k = 0; k < g.length; k++) g[k] /= m;
  return { dW1, db1, dW2, db2 };
}

/** Largest absolute elementwise difference between a parameter's gradient and a hand-written one. */
function maxAbsDiff(param: Tensor, expected: Float64Array): number {
  const g = param.grad;
  if (g === null) return Number.POSITIVE_INFINITY;
  const got = g.data;
  let worst = 0;
  for (let k = 0; k < expected.length; k++) {
    const d = Math.abs(got[k] - expected[k]);
    // NaN must not read as agreement.
    if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return worst;
}

/** Describes what is trained and printed, in one line. */
function modeLine(o: Required<DemoOptions>): string {
  if (o.loss === "tutorial") {
    return "Tutorial mode: training on the gradient of binary cross-entropy (the tutorial's dz2 = a2 - y), printing MSE as the tutorial does.";
  }
  return o.loss === "mse"
    ? "MSE mode: training on the true gradient of the mean squared error it prints (numbers differ from the tutorial)."
    : "BCE mode: training on and printing binary cross-entropy.";
}

/** Explains the --check result in one line. */
function checkLine(o: Required<DemoOptions>): string {
  const hidden =
    o.activation === "sigmoid"
      ? ""
      : ` (with act'(a1) for ${o.activation} in place of the tutorial's a1 (1 - a1))`;
  if (o.loss === "mse") {
    return `The hand-written formulas${hidden} are the gradient of BCE, not of the MSE trained here, so they differ from autograd.`;
  }
  return `The hand-written formulas${hidden} are the gradient of the BCE trained here, so they agree with autograd to float64 round-off.`;
}

/**
 * Runs the tutorial's NumPy program ("Chain Rule and Backpropagation", section 5) through chainrule's autograd:
 * 100 points from `np.random.seed(seed); X = np.random.randn(100, 2)` (reproduced bit for bit by
 * `NumpyRandom`), labels `y = (x0 + x1 > 0)`, a 2-H-1 network with `W1 = randn(2, H) * 0.01`,
 * `W2 = randn(H, 1) * 0.01` drawn after `X` in the same order, zero biases, full-batch gradient descent
 * (`optim.SGD`) in float64, the loss every `printEvery` epochs and predictions for `[1, 1]`, `[-1, -1]`, `[1, -1]`.
 * With the defaults the epoch and prediction lines are those the NumPy program prints (its input arrays are
 * written `[1, 1]` here instead of NumPy's `[1 1]`).
 *
 * Pure: nothing is printed; the caller prints `result.lines`.
 *
 * @param options Tutorial defaults for every field left out.
 * @returns The output lines and the numbers behind them.
 * @example
 * ```ts
 * const result = runTutorialDemo();
 * result.lines[1]; // "Epoch 0, Loss: 0.250969"
 * runTutorialDemo({ check: true }).maxGradDiff; // about 1e-16
 * ```
 */
export function runTutorialDemo(options: DemoOptions = {}): DemoResult {
  const o = resolveOptions(options);
  const H = o.hidden;
  const dtype = "float64";

  // Same draws, same order as the NumPy program: X first, then W1 and W2 in the network's constructor.
  const { x: X, y, W1, b1, W2, b2 } = tutorialProblem({ seed: o.seed, hidden: H });
  const Xd = X.data as Float64Array;
  const yd = y.data as Float64Array;
  const params = [W1, b1, W2, b2];
  const opt = new optim.SGD(params, { lr: o.lr });

  const forward = (input: Tensor) => {
    const a1 = activate(input.matmul(W1).add(b1), o.activation);
    const a2 = a1.matmul(W2).add(b2).sigmoid();
    return { a1, a2 };
  };

  const lines = [modeLine(o)];
  const losses: DemoEpochLoss[] = [];
  let maxGradDiff = o.check ? 0 : null;

  for (let epoch = 0; epoch < o.epochs; epoch++) {
    opt.zeroGrad();
    // Forward pass.
    const { a1, a2 } = forward(X);
    // Loss: what we differentiate, and what we print.
    const trained = o.loss === "mse" ? nn.mseLoss(a2, y) : nn.bceLoss(a2, y);
    if (epoch % o.printEvery === 0) {
      const shown = o.loss === "bce" ? trained.item() : noGrad(() => nn.mseLoss(a2, y)).item();
      losses.push({ epoch, loss: shown });
      lines.push(`Epoch ${epoch}, Loss: ${shown.toFixed(6)}`);
    }
    // Backward pass: autograd applies the chain rule through every op above.
    trained.backward();
    if (maxGradDiff !== null) {
      const hand = handWrittenGradients(
        Xd,
        yd,
        a1.data as Float64Array,
        a2.data as Float64Array,
        W2.data as Float64Array,
        H,
        o.activation,
      );
      maxGradDiff = Math.max(
        maxGradDiff,
        maxAbsDiff(W1, hand.dW1),
        maxAbsDiff(b1, hand.db1),
        maxAbsDiff(W2, hand.dW2),
        maxAbsDiff(b2, hand.db2),
      );
    }
    // Update: W -= lr * dW for every parameter.
    opt.step();
  }

  const testX = tensor(Float64Array.from(TEST_INPUTS.flat()), { shape: [TEST_INPUTS.length, 2], dtype });
  const out = noGrad(() => forward(testX).a2).data;
  const predictions = TEST_INPUTS.map((input, i) => ({ input, prediction: out[i] }));
  lines.push("", "Test predictions:");
  for (const p of predictions)
    lines.push(`Input: [${p.input.join(", ")}], Prediction: ${p.prediction.toFixed(4)}`);

  if (maxGradDiff !== null) {
    lines.push("", `max |autograd - hand-written| = ${maxGradDiff.toExponential(3)}`, checkLine(o));
  }
  return { lines, options: o, losses, predictions, maxGradDiff };
}
