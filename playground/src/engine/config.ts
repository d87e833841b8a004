// The experiment settings: the choices each control offers, the defaults (TF Playground's) and validation.

import type {
  ActivationName,
  DatasetName,
  ExperimentConfig,
  FeatureName,
  ProblemKind,
  RegularizationName,
} from "../protocol.js";

/** Every data set, in the order the page lists them. */
export const DATASETS: readonly DatasetName[] = [
  "circle",
  "xor",
  "gauss",
  "spiral",
  "blobs3",
  "spiral3",
  "plane",
  "gaussians",
  "csv",
];

/** Every input feature, in the order the page lists them (and the network's input order). */
export const FEATURES: readonly FeatureName[] = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"];

/** Hidden-layer activations. */
export const ACTIVATIONS: readonly ActivationName[] = ["tanh", "relu", "sigmoid", "linear"];

/** Regularisation kinds. */
export const REGULARIZATIONS: readonly RegularizationName[] = ["none", "l1", "l2"];

/** TF Playground's learning rates. */
export const LEARNING_RATES: readonly number[] = [
  0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10,
];

/** TF Playground's regularisation rates. */
export const REGULARIZATION_RATES: readonly number[] = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];

/** Limits of the numeric settings (inclusive). */
export const LIMITS = {
  noise: { min: 0, max: 50 },
  trainRatio: { min: 10, max: 90 },
  batchSize: { min: 1, max: 30 },
  hiddenLayers: { min: 0, max: 6 },
  neurons: { min: 1, max: 8 },
  seed: { min: 0, max: 4294967295 },
} as const;

/**
 * The problem a built-in data set poses; `csv` is decided by its label column, so it returns `null`.
 *
 * @example
 * ```ts
 * problemOf("spiral3"); // "multiclass"
 * ```
 */
export function problemOf(dataset: DatasetName): ProblemKind | null {
  switch (dataset) {
    case "circle":
    case "xor":
    case "gauss":
    case "spiral":
      return "binary";
    case "blobs3":
    case "spiral3":
      return "multiclass";
    case "plane":
    case "gaussians":
      return "regression";
    case "csv":
      return null;
  }
}

/**
 * TF Playground's defaults: circle, no noise, half the points for training, batch 10, inputs x₁ and x₂,
 * hidden layers of 4 and 2 tanh neurons, learning rate 0.03, no regularisation; seed 1.
 *
 * @example
 * ```ts
 * const config = { ...defaultConfig(), dataset: "xor" };
 * ```
 */
export function defaultConfig(): ExperimentConfig {
  return {
    dataset: "circle",
    noise: 0,
    trainRatio: 50,
    batchSize: 10,
    features: ["x1", "x2"],
    hiddenLayers: [4, 2],
    activation: "tanh",
    learningRate: 0.03,
    regularization: "none",
    regularizationRate: 0,
    seed: 1,
  };
}

/** True when `value` is one of `choices` up to rounding (URL text such as "3e-3" or "0.0030"). */
export function inList(value: number, choices: readonly number[]): boolean {
  return choices.some((c) => Math.abs(c - value) <= 1e-9 * Math.max(1, Math.abs(c)));
}

function isInt(value: unknown, min: number, max: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Checks every field of a config; returns one message per problem (empty when valid). Messages read
 * `field: expected ..., got ...`.
 *
 * @example
 * ```ts
 * validateConfig({ ...defaultConfig(), batchSize: 0 }); // ["batchSize: expected an integer in 1..30, got 0"]
 * ```
 */
export function validateConfig(config: ExperimentConfig): string[] {
  const errors: string[] = [];
  const got = (v: unknown) => (typeof v === "string" || Array.isArray(v) ? JSON.stringify(v) : String(v));
  const c = config as unknown as Record<string, unknown>;
  if (config === null || typeof config !== "object")
    return [`config: expected an object, got ${got(config)}`];
  if (!DATASETS.includes(c.dataset as DatasetName))
    errors.push(`dataset: expected one of ${DATASETS.join(", ")}, got ${got(c.dataset)}`);
  for (const key of ["noise", "trainRatio", "batchSize", "seed"] as const) {
    const { min, max } = LIMITS[key];
    if (!isInt(c[key], min, max))
      errors.push(`${key}: expected an integer in ${min}..${max}, got ${got(c[key])}`);
  }
  const features = c.features;
  if (
    !Array.isArray(features) ||
    features.length === 0 ||
    features.some((f) => !FEATURES.includes(f as FeatureName)) ||
    new Set(features).size !== features.length
  )
    errors.push(
      `features: expected a non-empty list of distinct names from ${FEATURES.join(", ")}, got ${got(features)}`,
    );
  const hidden = c.hiddenLayers;
  if (
    !Array.isArray(hidden) ||
    hidden.length > LIMITS.hiddenLayers.max ||
    hidden.some((h) => !isInt(h, LIMITS.neurons.min, LIMITS.neurons.max))
  )
    errors.push(`hiddenLayers: expected 0..6 layer sizes, each an integer in 1..8, got ${got(hidden)}`);
  if (!ACTIVATIONS.includes(c.activation as ActivationName))
    errors.push(`activation: expected one of ${ACTIVATIONS.join(", ")}, got ${got(c.activation)}`);
  if (typeof c.learningRate !== "number" || !inList(c.learningRate, LEARNING_RATES))
    errors.push(`learningRate: expected one of ${LEARNING_RATES.join(", ")}, got ${got(c.learningRate)}`);
  if (!REGULARIZATIONS.includes(c.regularization as RegularizationName))
    errors.push(
      `regularization: expected one of ${REGULARIZATIONS.join(", ")}, got ${got(c.regularization)}`,
    );
  if (typeof c.regularizationRate !== "number" || !inList(c.regularizationRate, REGULARIZATION_RATES))
    errors.push(
      `regularizationRate: expected one of ${REGULARIZATION_RATES.join(", ")}, got ${got(c.regularizationRate)}`,
    );
  return errors;
}
