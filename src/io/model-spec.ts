// Architecture and metadata of saved models: the JSON-able layer specs, their validators, and Sequential <-> spec.

import type { DType } from "../dtype.js";
import { isDType } from "../dtype.js";
import { describeValue, TypeMismatchError, ValueError } from "../errors.js";
import { GELU, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from "../nn/activations.js";
import { Dropout } from "../nn/dropout.js";
import { Linear, type LinearInit } from "../nn/linear.js";
import { Sequential, type TensorModule } from "../nn/sequential.js";
import { describeJson } from "./safetensors-header.js";

/** One layer of a saved `Sequential`, as written in `model.json`. */
export type LayerSpec =
  | { type: "linear"; inFeatures: number; outFeatures: number; bias: boolean }
  | { type: "relu" }
  | { type: "sigmoid" }
  | { type: "tanh" }
  | { type: "gelu" }
  | { type: "leakyRelu"; negativeSlope: number }
  | { type: "softmax"; dim: number }
  | { type: "dropout"; p: number };

/** What a model predicts. For classification, output (class index) `i` is the label text `classes[i]`. */
export type TaskSpec =
  | { kind: "classification"; target: string; classes: string[] }
  | { kind: "regression"; targets: string[] };

/**
 * The input standardisation computed on the training split: feature `j` is fed to the network as
 * `(x[j] - mean[j]) / std[j]`. Every `std[j]` must be positive and finite (store 1 for a constant feature,
 * as scikit-learn's `StandardScaler` does).
 */
export interface Preprocessing {
  features: string[];
  mean: number[];
  std: number[];
}

/** Everything saved beside the weights besides the architecture. */
export interface ModelMeta {
  task: TaskSpec;
  preprocessing: Preprocessing;
  /** The loss the model was trained with, e.g. `"crossEntropy"`. */
  loss: string;
  /** Free-form training details (epochs, optimizer, metrics...); must be JSON-serialisable. */
  training?: Record<string, unknown>;
}

/** Reports a problem at a path inside a document, e.g. `layers[2].inFeatures`; never returns. */
export type Fail = (path: string, message: string) => never;

/** The layer types a spec can hold, by module class. */
const LAYER_NAMES = "Linear, ReLU, Sigmoid, Tanh, GELU, LeakyReLU, Softmax or Dropout";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks that `value` is an object with exactly the `required` keys plus any of the `optional` ones. */
export function checkKeys(
  value: unknown,
  path: string,
  required: readonly string[],
  optional: readonly string[],
  fail: Fail,
): Record<string, unknown> {
  if (!isRecord(value)) fail(path, `expected an object, got ${describeJson(value)}`);
  const record = value as Record<string, unknown>;
  for (const key of required) {
    if (!Object.hasOwn(record, key)) fail(path, `expected a field ${JSON.stringify(key)}, got none`);
  }
  for (const key of Object.keys(record)) {
    if (!required.includes(key) && !optional.includes(key)) {
      fail(
        path,
        `expected only the fields ${[...required, ...optional].join(", ")}, got an unknown field ${JSON.stringify(key)}`,
      );
    }
  }
  return record;
}

const at = (path: string, key: string | number): string =>
  typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;

function positiveInteger(value: unknown, path: string, fail: Fail): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    fail(path, `expected a positive integer, got ${describeJson(value)}`);
  }
  return value as number;
}

function finiteNumber(value: unknown, path: string, fail: Fail): number {
  if (typeof value !== "number" || !Number.isFinite(value))
    fail(path, `expected a finite number, got ${describeJson(value)}`);
  return value as number;
}

function nonEmptyString(value: unknown, path: string, fail: Fail): string {
  if (typeof value !== "string" || value === "")
    fail(path, `expected a non-empty string, got ${describeJson(value)}`);
  return value as string;
}

function distinctStrings(value: unknown, path: string, fail: Fail, minLength: number): string[] {
  if (!Array.isArray(value)) fail(path, `expected an array of strings, got ${describeJson(value)}`);
  const list = value as unknown[];
  if (list.length < minLength) fail(path, `expected at least ${minLength} entries, got ${list.length}`);
  const seen = new Set<string>();
  list.forEach((item, i) => {
    if (typeof item !== "string") fail(at(path, i), `expected a string, got ${describeJson(item)}`);
    if (seen.has(item as string))
      fail(at(path, i), `expected distinct names, got ${JSON.stringify(item)} twice`);
    seen.add(item as string);
  });
  return [...(list as string[])];
}

/** Validates one layer spec (a fresh copy is returned), without the chain check. */
function checkLayer(value: unknown, path: string, fail: Fail): LayerSpec {
  if (!isRecord(value)) fail(path, `expected a layer object, got ${describeJson(value)}`);
  const type = (value as Record<string, unknown>).type;
  switch (type) {
    case "linear": {
      const v = checkKeys(value, path, ["type", "inFeatures", "outFeatures", "bias"], [], fail);
      const inFeatures = positiveInteger(v.inFeatures, at(path, "inFeatures"), fail);
      const outFeatures = positiveInteger(v.outFeatures, at(path, "outFeatures"), fail);
      if (typeof v.bias !== "boolean")
        fail(at(path, "bias"), `expected true or false, got ${describeJson(v.bias)}`);
      return { type, inFeatures, outFeatures, bias: v.bias as boolean };
    }
    case "relu":
    case "sigmoid":
    case "tanh":
    case "gelu":
      checkKeys(value, path, ["type"], [], fail);
      return { type };
    case "leakyRelu": {
      const v = checkKeys(value, path, ["type", "negativeSlope"], [], fail);
      return { type, negativeSlope: finiteNumber(v.negativeSlope, at(path, "negativeSlope"), fail) };
    }
    case "softmax": {
      const v = checkKeys(value, path, ["type", "dim"], [], fail);
      if (!Number.isSafeInteger(v.dim))
        fail(at(path, "dim"), `expected an integer, got ${describeJson(v.dim)}`);
      return { type, dim: v.dim as number };
    }
    case "dropout": {
      const v = checkKeys(value, path, ["type", "p"], [], fail);
      if (typeof v.p !== "number" || !(v.p >= 0 && v.p <= 1)) {
        fail(at(path, "p"), `expected a probability in [0, 1], got ${describeJson(v.p)}`);
      }
      return { type, p: v.p as number };
    }
    default:
      return fail(
        at(path, "type"),
        `expected one of "linear", "relu", "sigmoid", "tanh", "gelu", "leakyRelu", "softmax", "dropout", got ${describeJson(type)}`,
      );
  }
}

/**
 * Validates a list of layer specs (`path` names the list in messages, e.g. `"layers"`): each layer's fields,
 * and that each linear layer's `inFeatures` equals the previous linear layer's `outFeatures`.
 */
export function checkLayerSpecs(value: unknown, path: string, fail: Fail): LayerSpec[] {
  if (!Array.isArray(value)) fail(path, `expected an array of layers, got ${describeJson(value)}`);
  const layers = (value as unknown[]).map((layer, i) => checkLayer(layer, at(path, i), fail));
  let previous = -1;
  layers.forEach((layer, i) => {
    if (layer.type !== "linear") return;
    if (previous >= 0) {
      const expected = (layers[previous] as { outFeatures: number }).outFeatures;
      if (layer.inFeatures !== expected) {
        fail(
          at(at(path, i), "inFeatures"),
          `expected ${expected} (${at(at(path, previous), "outFeatures")}), got ${layer.inFeatures}`,
        );
      }
    }
    previous = i;
  });
  return layers;
}

/** Validates a {@link ModelMeta} (a fresh copy is returned); `path` prefixes the field names in messages. */
export function checkModelMeta(value: unknown, path: string, fail: Fail): ModelMeta {
  const v = checkKeys(value, path, ["task", "preprocessing", "loss"], ["training"], fail);
  const taskPath = at(path, "task");
  const kind = isRecord(v.task) ? v.task.kind : undefined;
  let task: TaskSpec;
  if (kind === "classification") {
    const t = checkKeys(v.task, taskPath, ["kind", "target", "classes"], [], fail);
    task = {
      kind,
      target: nonEmptyString(t.target, at(taskPath, "target"), fail),
      classes: distinctStrings(t.classes, at(taskPath, "classes"), fail, 1),
    };
  } else if (kind === "regression") {
    const t = checkKeys(v.task, taskPath, ["kind", "targets"], [], fail);
    task = { kind, targets: distinctStrings(t.targets, at(taskPath, "targets"), fail, 1) };
  } else if (!isRecord(v.task)) {
    return fail(taskPath, `expected an object, got ${describeJson(v.task)}`);
  } else {
    return fail(at(taskPath, "kind"), `expected "classification" or "regression", got ${describeJson(kind)}`);
  }
  const prePath = at(path, "preprocessing");
  const p = checkKeys(v.preprocessing, prePath, ["features", "mean", "std"], [], fail);
  const features = distinctStrings(p.features, at(prePath, "features"), fail, 0);
  const numbers = (key: "mean" | "std"): number[] => {
    const list = p[key];
    if (!Array.isArray(list))
      fail(at(prePath, key), `expected an array of numbers, got ${describeJson(list)}`);
    const arr = list as unknown[];
    if (arr.length !== features.length) {
      fail(at(prePath, key), `expected ${features.length} numbers (one per feature), got ${arr.length}`);
    }
    return arr.map((x, i) => {
      const n = finiteNumber(x, at(at(prePath, key), i), fail);
      if (key === "std" && !(n > 0)) {
        fail(
          at(at(prePath, key), i),
          `expected a positive standard deviation (1 for a constant feature), got ${n}`,
        );
      }
      return n;
    });
  };
  const preprocessing = { features, mean: numbers("mean"), std: numbers("std") };
  const loss = nonEmptyString(v.loss, at(path, "loss"), fail);
  const meta: ModelMeta = { task, preprocessing, loss };
  if (v.training !== undefined) {
    if (!isRecord(v.training))
      fail(at(path, "training"), `expected an object, got ${describeJson(v.training)}`);
    meta.training = v.training as Record<string, unknown>;
  }
  return meta;
}

/**
 * Checks that the metadata fits the layers: as many features as the first linear layer's inputs, and as
 * many outputs from the last linear layer as classes (or 1 for two classes) or regression targets.
 */
export function checkMetaFitsLayers(
  meta: ModelMeta,
  layers: readonly LayerSpec[],
  fail: Fail,
  paths = { meta: "meta", layers: "layers" },
): void {
  const linear = layers.flatMap((l, i) => (l.type === "linear" ? [{ l, i }] : []));
  if (linear.length === 0) return;
  const first = linear[0];
  const last = linear[linear.length - 1];
  const nFeatures = meta.preprocessing.features.length;
  if (first.l.inFeatures !== nFeatures) {
    fail(
      `${paths.meta}.preprocessing.features`,
      `expected ${first.l.inFeatures} features (${paths.layers}[${first.i}].inFeatures), got ${nFeatures}`,
    );
  }
  const out = last.l.outFeatures;
  const task = meta.task;
  if (task.kind === "classification") {
    const n = task.classes.length;
    if (out !== n && !(n === 2 && out === 1)) {
      fail(
        `${paths.meta}.task.classes`,
        `expected ${out === 1 ? "2 classes" : `${out} classes`} (${paths.layers}[${last.i}].outFeatures is ${out}), got ${n}`,
      );
    }
  } else if (out !== task.targets.length) {
    fail(
      `${paths.meta}.task.targets`,
      `expected ${out} targets (${paths.layers}[${last.i}].outFeatures), got ${task.targets.length}`,
    );
  }
}

/**
 * Describes a `Sequential` as layer specs, for `model.json` and ONNX export. Only direct children of the
 * classes `Linear`, `ReLU`, `Sigmoid`, `Tanh`, `GELU`, `LeakyReLU`, `Softmax` and `Dropout` are supported
 * (exactly those classes, not subclasses, whose `forward` may differ); anything else throws a `ValueError`
 * naming the layer.
 *
 * @example
 * ```ts
 * sequentialToSpec(new nn.Sequential(new nn.Linear(2, 4), new nn.ReLU(), new nn.Linear(4, 1)));
 * // [{ type: "linear", inFeatures: 2, outFeatures: 4, bias: true }, { type: "relu" },
 * //  { type: "linear", inFeatures: 4, outFeatures: 1, bias: true }]
 * ```
 */
export function sequentialToSpec(model: Sequential): LayerSpec[] {
  const op = "sequentialToSpec";
  if (!(model instanceof Sequential)) {
    throw new TypeMismatchError(op, `expected an nn.Sequential, got ${describeValue(model)}`);
  }
  return [...model].map((m, i): LayerSpec => {
    switch (m.constructor) {
      case Linear: {
        const l = m as Linear;
        return {
          type: "linear",
          inFeatures: l.inFeatures,
          outFeatures: l.outFeatures,
          bias: l.bias !== null,
        };
      }
      case ReLU:
        return { type: "relu" };
      case Sigmoid:
        return { type: "sigmoid" };
      case Tanh:
        return { type: "tanh" };
      case GELU:
        return { type: "gelu" };
      case LeakyReLU:
        return { type: "leakyRelu", negativeSlope: (m as LeakyReLU).negativeSlope };
      case Softmax:
        return { type: "softmax", dim: (m as Softmax).dim };
      case Dropout:
        return { type: "dropout", p: (m as Dropout).p };
      default:
        throw new ValueError(
          op,
          `expected layers of type ${LAYER_NAMES}, got ${m.constructor.name} at layer ${i}`,
        );
    }
  });
}

/** The module for one validated spec. */
function moduleFor(spec: LayerSpec, linear: { dtype: DType; init: LinearInit; seed?: number }): TensorModule {
  switch (spec.type) {
    case "linear":
      return new Linear(spec.inFeatures, spec.outFeatures, { ...linear, bias: spec.bias });
    case "relu":
      return new ReLU();
    case "sigmoid":
      return new Sigmoid();
    case "tanh":
      return new Tanh();
    case "gelu":
      return new GELU();
    case "leakyRelu":
      return new LeakyReLU(spec.negativeSlope);
    case "softmax":
      return new Softmax(spec.dim);
    case "dropout":
      return new Dropout(spec.p);
  }
}

/** Options of {@link sequentialFromSpec}. */
export interface SequentialFromSpecOptions {
  /** Parameter dtype. Default `"float32"`. */
  dtype?: DType;
  /** Initialisation of the linear layers (see `nn.LinearInit`). Default `"default"` (PyTorch's). */
  init?: LinearInit;
  /** Seed for reproducible initial weights: linear layer `i` gets `seed + 2 * i` (its bias `seed + 2 * i + 1`). */
  seed?: number;
}

/**
 * Builds a `Sequential` from layer specs (validated first: a `ValueError` names the bad field, e.g.
 * `layers[2].inFeatures`). Weights are freshly initialised; load trained ones with `loadStateDict`, or
 * use `loadModel`, which does both.
 *
 * @example
 * ```ts
 * const net = sequentialFromSpec([{ type: "linear", inFeatures: 2, outFeatures: 1, bias: true }, { type: "sigmoid" }]);
 * net.forward(zeros([5, 2])).shape; // [5, 1]
 * ```
 */
export function sequentialFromSpec(
  layers: readonly LayerSpec[],
  options: SequentialFromSpecOptions = {},
): Sequential {
  const op = "sequentialFromSpec";
  const fail: Fail = (path, message) => {
    throw new ValueError(op, `${path}: ${message}`);
  };
  const specs = checkLayerSpecs(layers, "layers", fail);
  const { dtype = "float32", init = "default", seed } = options ?? {};
  if (!isDType(dtype)) {
    throw new TypeMismatchError(op, `expected dtype "float32" or "float64", got ${describeValue(dtype)}`);
  }
  if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) {
    throw new ValueError(op, `expected seed to be a non-negative integer, got ${describeValue(seed)}`);
  }
  const linearOptions = { dtype, init };
  const modules = specs.map((spec, i) =>
    moduleFor(spec, seed === undefined ? linearOptions : { ...linearOptions, seed: seed + 2 * i }),
  );
  return new Sequential(...modules);
}

/** The parameters a spec list implies, in `namedParameters()` order: name, shape and the layer they belong to. */
export function expectedParameters(
  layers: readonly LayerSpec[],
): { name: string; shape: number[]; layer: number }[] {
  return layers.flatMap((spec, i) => {
    if (spec.type !== "linear") return [];
    const weight = { name: `${i}.weight`, shape: [spec.outFeatures, spec.inFeatures], layer: i };
    return spec.bias ? [weight, { name: `${i}.bias`, shape: [spec.outFeatures], layer: i }] : [weight];
  });
}
