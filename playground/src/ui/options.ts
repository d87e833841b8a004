// The choices the controls offer (TF Playground's lists) and their display names.

import { LEARNING_RATES, LIMITS, REGULARIZATION_RATES } from "../engine/config.js";
import { FEATURE_INFO } from "../engine/features.js";
import type { ActivationName, DatasetName, FeatureName, RegularizationName } from "../protocol.js";

export { LEARNING_RATES, REGULARIZATION_RATES };
export const ACTIVATIONS: { value: ActivationName; label: string }[] = [
  { value: "relu", label: "ReLU" },
  { value: "tanh", label: "Tanh" },
  { value: "sigmoid", label: "Sigmoid" },
  { value: "linear", label: "Linear" },
];
export const REGULARIZATIONS: { value: RegularizationName; label: string }[] = [
  { value: "none", label: "None" },
  { value: "l1", label: "L1" },
  { value: "l2", label: "L2" },
];

/** Data sets in the order the picker shows them, grouped by problem. */
export const DATASETS: { name: Exclude<DatasetName, "csv">; label: string; group: string }[] = [
  { name: "circle", label: "Circle", group: "Classification" },
  { name: "xor", label: "Exclusive or", group: "Classification" },
  { name: "gauss", label: "Gaussian", group: "Classification" },
  { name: "spiral", label: "Spiral", group: "Classification" },
  { name: "blobs3", label: "3 blobs", group: "Multi-class" },
  { name: "spiral3", label: "3 spirals", group: "Multi-class" },
  { name: "plane", label: "Plane", group: "Regression" },
  { name: "gaussians", label: "Multi Gaussian", group: "Regression" },
];

/** The input features, with the label shown on their node and the function drawn as their heat map. */
const FEATURE_ORDER: FeatureName[] = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"];
export const FEATURES: { name: FeatureName; label: string; fn: (x1: number, x2: number) => number }[] =
  FEATURE_ORDER.map((name) => ({ name, label: FEATURE_INFO[name].label, fn: FEATURE_INFO[name].compute }));

export const MAX_LAYERS: number = LIMITS.hiddenLayers.max;
export const MAX_NEURONS: number = LIMITS.neurons.max;

/** Settings the worker applies without rebuilding data or network ("update"); everything else resets. */
export const LIVE_KEYS = new Set(["learningRate", "regularization", "regularizationRate", "batchSize"]);
