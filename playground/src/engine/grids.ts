// Heat maps over [-6, 6]²: the network's output and every neuron's activation, evaluated on a grid.

import type { ActivationName, FeatureName, GridImage } from "../protocol.js";
import { DOMAIN } from "./datasets.js";
import { featureMatrix } from "./features.js";
import type { Trainer } from "./trainer.js";

/** Side of the output heat map, in cells. */
export const OUTPUT_GRID_SIZE = 50;
/** Side of each neuron's heat map, in cells. */
export const NEURON_GRID_SIZE = 20;

/**
 * The centres of a `size × size` grid over [-6, 6]², row by row from the top (x₂ = +6) and, in each row,
 * from the left (x₁ = -6): cell (i, j) is at x₁ = -6 + 12 (j + ½) / size, x₂ = 6 - 12 (i + ½) / size.
 *
 * @example
 * ```ts
 * gridPoints(2); // [{x1: -3, x2: 3}, {x1: 3, x2: 3}, {x1: -3, x2: -3}, {x1: 3, x2: -3}]
 * ```
 */
export function gridPoints(size: number): { x1: number; x2: number }[] {
  const points: { x1: number; x2: number }[] = [];
  const cell = (2 * DOMAIN) / size;
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++)
      points.push({ x1: -DOMAIN + cell * (j + 0.5), x2: DOMAIN - cell * (i + 0.5) });
  return points;
}

// The grid's feature matrix depends only on the size and the features: keep the few in use.
const inputCache = new Map<string, Float64Array>();

function gridInputs(size: number, features: readonly FeatureName[]): Float64Array {
  const key = `${size}:${features.join(",")}`;
  let x = inputCache.get(key);
  if (x === undefined) {
    if (inputCache.size > 16) inputCache.clear();
    x = featureMatrix(gridPoints(size), features);
    inputCache.set(key, x);
  }
  return x;
}

/** Applies the activation in place (one loop per kind: no function call per element). */
function activate(values: Float64Array, kind: ActivationName): void {
  const n = values.length;
  if (kind === "tanh") for (let i = 0; i < n; i++) values[i] = Math.tanh(values[i]);
  else if (kind === "relu") for (let i = 0; i < n; i++) values[i] = Math.max(values[i], 0);
  else if (kind === "sigmoid") for (let i = 0; i < n; i++) values[i] = 1 / (1 + Math.exp(-values[i]));
}

/**
 * Runs the trainer's network on `rows` rows of `x` (row-major, `width` columns) in plain loops over its
 * weights, returning every layer's output: `[0]` the input, then each hidden layer after its activation,
 * last the output layer's logits. The same arithmetic as `model.forward` (a test checks they agree); for
 * the thousands of grid rows of a heat map it costs a small fraction of the tensor ops' dispatch.
 */
export function forwardLayers(trainer: Trainer, x: Float64Array, rows: number): Float64Array[] {
  const outputs: Float64Array[] = [x];
  let input = x;
  trainer.linears.forEach((layer, l) => {
    const w = layer.weight._storage;
    const b = layer.bias?._storage;
    const nIn = layer.inFeatures;
    const nOut = layer.outFeatures;
    const out = new Float64Array(rows * nOut);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < nOut; o++) {
        let sum = b === undefined ? 0 : b[o];
        for (let i = 0; i < nIn; i++) sum += input[r * nIn + i] * w[o * nIn + i];
        out[r * nOut + o] = sum;
      }
    }
    if (l + 1 < trainer.linears.length) activate(out, trainer.config.activation);
    outputs.push(out);
    input = out;
  });
  return outputs;
}

/**
 * The output heat map: p(class 1) for binary problems, `class + confidence · 0.999` for multi-class
 * (class = the argmax, confidence = its softmax probability), the prediction for regression.
 *
 * @example
 * ```ts
 * const image = outputGrid(trainer); // { size: 50, values: Float32Array(2500) }
 * ```
 */
export function outputGrid(trainer: Trainer, size = OUTPUT_GRID_SIZE): GridImage {
  const cells = size * size;
  const logits = forwardLayers(trainer, gridInputs(size, trainer.config.features), cells).at(-1)!;
  const values = new Float32Array(cells);
  if (trainer.problem === "binary") {
    for (let i = 0; i < cells; i++) values[i] = 1 / (1 + Math.exp(-logits[i]));
  } else if (trainer.problem === "regression") {
    for (let i = 0; i < cells; i++) values[i] = logits[i];
  } else {
    const k = trainer.classes;
    for (let i = 0; i < cells; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (logits[i * k + c] > logits[i * k + best]) best = c;
      let total = 0;
      for (let c = 0; c < k; c++) total += Math.exp(logits[i * k + c] - logits[i * k + best]);
      values[i] = best + (1 / total) * 0.999;
    }
  }
  return { size, values };
}

/** Splits a `[cells, width]` activation matrix into one image per column. */
function columns(storage: ArrayLike<number>, width: number, size: number): GridImage[] {
  const cells = size * size;
  return Array.from({ length: width }, (_, j) => {
    const values = new Float32Array(cells);
    for (let i = 0; i < cells; i++) values[i] = storage[i * width + j];
    return { size, values };
  });
}

/**
 * One heat map per neuron: `[0]` holds the input features, `[l]` the activations (after the activation
 * function) of hidden layer `l`. The output neuron's map is {@link outputGrid}.
 *
 * @example
 * ```ts
 * neuronGrids(trainer).map((layer) => layer.length); // [2, 4, 2] for the default network
 * ```
 */
export function neuronGrids(trainer: Trainer, size = NEURON_GRID_SIZE): GridImage[][] {
  const layers = forwardLayers(trainer, gridInputs(size, trainer.config.features), size * size);
  // Every layer but the output (whose map is the output heat map).
  return layers.slice(0, -1).map((values, l) => {
    const width = l === 0 ? trainer.config.features.length : trainer.linears[l - 1].outFeatures;
    return columns(values, width, size);
  });
}
