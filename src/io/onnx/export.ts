// ONNX export of Sequential models (Linear and activation layers) as a ModelProto, encoded with protobufjs.

import type { DType, Storage } from "../../dtype.js";
import { describeValue, TypeMismatchError, ValueError } from "../../errors.js";
import type { Linear } from "../../nn/linear.js";
import { Sequential } from "../../nn/sequential.js";
import {
  checkKeys,
  checkModelMeta,
  type Fail,
  type LayerSpec,
  type Preprocessing,
  sequentialToSpec,
} from "../model-spec.js";
import { writeElements } from "../safetensors-dtypes.js";
import { ATTRIBUTE_FLOAT, ATTRIBUTE_INT, modelProtoType, ONNX_DOUBLE, ONNX_FLOAT } from "./proto.js";

/** Options of {@link exportOnnx}. */
export interface ExportOnnxOptions {
  /** Standardise the input inside the graph first: `(x - mean) / std` (a `Sub` and a `Div` node). */
  preprocessing?: Preprocessing;
  /** End the graph with `Softmax` over the last axis, so it outputs probabilities (skipped when the model already ends with one). */
  appendSoftmax?: boolean;
  /** End the graph with `Sigmoid` (for a single-logit binary classifier). */
  appendSigmoid?: boolean;
  /** The ONNX opset, 13 to 23 (default 17). `GELU` is the `Gelu` op from opset 20, built from `Erf` below. */
  opset?: number;
  /** The graph input's name (default `"input"`), shape `[batch, features]` with a dynamic batch size. */
  inputName?: string;
  /** The graph output's name (default `"output"`), shape `[batch, outputs]`. */
  outputName?: string;
  /** Strings stored in the model's `metadata_props`. */
  metadata?: Record<string, string>;
}

const OP = "exportOnnx";
const MIN_OPSET = 13; // Softmax's per-axis semantics and Gemm's optional bias date from opsets 13 and 11
const MAX_OPSET = 23;

/** The IR version released with each opset (ONNX 1.10 onwards: opset 15 with IR 8, ...). */
function irVersionFor(opset: number): number {
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  return 11;
}

interface Attribute {
  name: string;
  type: number;
  i?: number;
  f?: number;
}

interface NodeSpec {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: Attribute[];
}

interface TensorSpec {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

/** Collects nodes and initializers with unique value names. */
class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: TensorSpec[] = [];
  readonly #names = new Set<string>();
  constructor(readonly dtype: DType) {}

  unique(base: string): string {
    let name = base;
    for (let k = 1; this.#names.has(name); k++) name = `${base}_${k}`;
    this.#names.add(name);
    return name;
  }

  /** Adds a weight or constant; `values` are stored in the model's dtype, little-endian. */
  constant(base: string, values: Storage | readonly number[], dims: readonly number[]): string {
    const name = this.unique(base);
    const storage = this.dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values);
    const rawData = new Uint8Array(storage.byteLength);
    writeElements(storage, rawData, 0);
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: this.dtype === "float64" ? ONNX_DOUBLE : ONNX_FLOAT,
      rawData,
    });
    return name;
  }

  /** Adds a node and returns its output's name. */
  node(scope: string, opType: string, input: string[], attribute: Attribute[] = []): string {
    const output = this.unique(`${scope}/${opType}_output`);
    this.nodes.push({ name: this.unique(`${scope}/${opType}`), opType, input, output: [output], attribute });
    return output;
  }
}

const intAttr = (name: string, i: number): Attribute => ({ name, type: ATTRIBUTE_INT, i });
const floatAttr = (name: string, f: number): Attribute => ({ name, type: ATTRIBUTE_FLOAT, f });

function checkOptions(
  options: ExportOnnxOptions,
): Required<Omit<ExportOnnxOptions, "preprocessing" | "metadata">> {
  if (typeof options !== "object" || options === null) {
    throw new TypeMismatchError(OP, `expected an options object, got ${describeValue(options)}`);
  }
  const {
    appendSoftmax = false,
    appendSigmoid = false,
    opset = 17,
    inputName = "input",
    outputName = "output",
  } = options;
  for (const [key, value] of [
    ["appendSoftmax", appendSoftmax],
    ["appendSigmoid", appendSigmoid],
  ] as const) {
    if (typeof value !== "boolean")
      throw new TypeMismatchError(OP, `expected ${key} to be a boolean, got ${describeValue(value)}`);
  }
  if (appendSoftmax && appendSigmoid) {
    throw new ValueError(OP, "expected at most one of appendSoftmax and appendSigmoid, got both");
  }
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new ValueError(
      OP,
      `expected opset to be an integer in [${MIN_OPSET}, ${MAX_OPSET}], got ${describeValue(opset)}`,
    );
  }
  for (const [key, value] of [
    ["inputName", inputName],
    ["outputName", outputName],
  ] as const) {
    if (typeof value !== "string" || value === "") {
      throw new TypeMismatchError(
        OP,
        `expected ${key} to be a non-empty string, got ${describeValue(value)}`,
      );
    }
  }
  if (inputName === outputName)
    throw new ValueError(OP, `expected different input and output names, got "${inputName}" for both`);
  return { appendSoftmax, appendSigmoid, opset, inputName, outputName };
}

function checkPreprocessing(value: unknown): Preprocessing {
  const fail: Fail = (path, message) => {
    throw new ValueError(OP, `${path}: ${message}`);
  };
  // Reuses the model.json validator: a throwaway task/loss lets it check just the preprocessing.
  checkKeys(value, "preprocessing", ["features", "mean", "std"], [], fail);
  const meta = checkModelMeta(
    { task: { kind: "regression", targets: ["y"] }, preprocessing: value, loss: "none" },
    "",
    fail,
  );
  return meta.preprocessing;
}

function checkMetadata(value: unknown): { key: string; value: string }[] {
  if (value === undefined) return [];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeMismatchError(
      OP,
      `expected metadata to be an object of strings, got ${describeValue(value)}`,
    );
  }
  return Object.entries(value).map(([key, v]) => {
    if (typeof v !== "string") {
      throw new TypeMismatchError(
        OP,
        `expected metadata to be an object of strings, got ${describeValue(v)} for key ${JSON.stringify(key)}`,
      );
    }
    return { key, value: v };
  });
}

/** Emits one layer's nodes; returns the new current value. */
function emitLayer(
  g: GraphBuilder,
  spec: LayerSpec,
  module: unknown,
  index: number,
  x: string,
  opset: number,
): string {
  const scope = `/${index}`;
  switch (spec.type) {
    case "linear": {
      const layer = module as Linear;
      const w = g.constant(`${index}.weight`, layer.weight._storage, layer.weight.shape);
      const inputs = [x, w];
      if (layer.bias !== null)
        inputs.push(g.constant(`${index}.bias`, layer.bias._storage, layer.bias.shape));
      // Gemm computes x W^T + b for 2-D x with W stored [out, in], as Linear stores it.
      return g.node(scope, "Gemm", inputs, [intAttr("transB", 1)]);
    }
    case "relu":
      return g.node(scope, "Relu", [x]);
    case "sigmoid":
      return g.node(scope, "Sigmoid", [x]);
    case "tanh":
      return g.node(scope, "Tanh", [x]);
    case "leakyRelu": {
      if (g.dtype === "float32")
        return g.node(scope, "LeakyRelu", [x], [floatAttr("alpha", spec.negativeSlope)]);
      // float64: LeakyRelu's alpha is a float32 attribute and ONNX Runtime has no double kernel, so
      // where(x > 0, x, slope · x) with a float64 slope, exact.
      const zero = g.constant(`${scope}/zero`, [0], []);
      const positive = g.node(scope, "Greater", [x, zero]);
      const scaled = g.node(scope, "Mul", [
        x,
        g.constant(`${scope}/negative_slope`, [spec.negativeSlope], []),
      ]);
      return g.node(scope, "Where", [positive, x, scaled]);
    }
    case "gelu": {
      if (opset >= 20 && g.dtype === "float32") return g.node(scope, "Gelu", [x]);
      // x/2 · (1 + erf(x/√2)), the exact (not tanh-approximated) GELU, below opset 20. ONNX Runtime has no
      // float64 Erf (nor Gelu), so a float64 model computes the erf in float32: GELU agrees to about 1e-7.
      const scaled = g.node(scope, "Mul", [x, g.constant(`${scope}/sqrt1_2`, [Math.SQRT1_2], [])]);
      const erf =
        g.dtype === "float32"
          ? g.node(scope, "Erf", [scaled])
          : g.node(
              scope,
              "Cast",
              [g.node(scope, "Erf", [g.node(scope, "Cast", [scaled], [intAttr("to", ONNX_FLOAT)])])],
              [intAttr("to", ONNX_DOUBLE)],
            );
      const onePlus = g.node(scope, "Add", [erf, g.constant(`${scope}/one`, [1], [])]);
      const half = g.node(scope, "Mul", [x, g.constant(`${scope}/half`, [0.5], [])]);
      return g.node(scope, "Mul", [half, onePlus]);
    }
    case "softmax":
      if (spec.dim < -2 || spec.dim > 1) {
        throw new ValueError(
          OP,
          `expected Softmax at layer ${index} to use dim -2, -1, 0 or 1 (the input is [batch, features]), got ${spec.dim}`,
        );
      }
      return g.node(scope, "Softmax", [x], [intAttr("axis", spec.dim)]);
    case "dropout":
      return x; // the identity at inference
  }
}

/**
 * Exports a `Sequential` of `Linear`, `ReLU`, `Sigmoid`, `Tanh`, `LeakyReLU`, `GELU`, `Softmax` and
 * `Dropout` layers (float32 or float64) as an ONNX model: the bytes of a `ModelProto` (write them to a
 * `.onnx` file). The graph takes `input` of shape `[batch, features]` (batch size dynamic) and returns
 * `output`. `Linear` becomes `Gemm` (transB = 1) with the weights as initializers named as
 * `namedParameters()`; `Dropout` is left out (the identity at inference, whatever the module's mode).
 * Options add the input standardisation (`Sub`, `Div`) and a final `Softmax` or `Sigmoid`. Any other
 * layer throws a `ValueError` naming it.
 *
 * @example
 * ```ts
 * const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
 * const bytes = exportOnnx(net, { appendSoftmax: true });
 * // Node: writeFileSync("net.onnx", bytes); then in onnxruntime:
 * // (await session.run({ input: new ort.Tensor("float32", data, [n, 4]) })).output
 * ```
 */
export function exportOnnx(model: Sequential, options: ExportOnnxOptions = {}): Uint8Array {
  if (!(model instanceof Sequential)) {
    throw new TypeMismatchError(OP, `expected an nn.Sequential, got ${describeValue(model)}`);
  }
  const { appendSoftmax, appendSigmoid, opset, inputName, outputName } = checkOptions(options);
  const preprocessing =
    options.preprocessing === undefined ? undefined : checkPreprocessing(options.preprocessing);
  const metadataProps = checkMetadata(options.metadata);
  let layers: LayerSpec[];
  try {
    layers = sequentialToSpec(model);
  } catch (e) {
    throw e instanceof ValueError ? new ValueError(OP, e.message.replace(/^sequentialToSpec: /, "")) : e;
  }
  const modules = [...model];
  const params = model.parameters();
  const dtype: DType = params.length === 0 ? "float32" : params[0].dtype;
  const mixed = params.find((p) => p.dtype !== dtype);
  if (mixed !== undefined)
    throw new ValueError(OP, `expected every parameter to be ${dtype}, got a ${mixed.dtype} one`);

  const linears = layers.filter((l) => l.type === "linear");
  let features: number | null = linears.length > 0 ? linears[0].inFeatures : null;
  if (preprocessing !== undefined) {
    const n = preprocessing.features.length;
    if (features !== null && n !== features) {
      throw new ValueError(
        OP,
        `expected preprocessing for ${features} features (the first Linear's inFeatures), got ${n}`,
      );
    }
    features = n;
  }
  const outputs = linears.length > 0 ? linears[linears.length - 1].outFeatures : features;

  const g = new GraphBuilder(dtype);
  g.unique(inputName);
  g.unique(outputName);
  let x = inputName;
  if (preprocessing !== undefined) {
    const mean = g.constant("preprocessing.mean", preprocessing.mean, [preprocessing.mean.length]);
    const std = g.constant("preprocessing.std", preprocessing.std, [preprocessing.std.length]);
    x = g.node("/preprocessing", "Div", [g.node("/preprocessing", "Sub", [x, mean]), std]);
  }
  layers.forEach((spec, i) => {
    x = emitLayer(g, spec, modules[i], i, x, opset);
  });
  const effective = layers.filter((l) => l.type !== "dropout");
  const last = effective[effective.length - 1];
  const endsWithSoftmax = last?.type === "softmax" && (last.dim === -1 || last.dim === 1);
  if (appendSoftmax && !endsWithSoftmax) {
    if (outputs === 1) {
      throw new ValueError(
        OP,
        "expected a model with at least 2 outputs for appendSoftmax, got 1 (softmax of one value is always 1); use appendSigmoid",
      );
    }
    x = g.node("/output", "Softmax", [x], [intAttr("axis", -1)]);
  }
  if (appendSigmoid) x = g.node("/output", "Sigmoid", [x]);
  if (x === inputName) x = g.node("/output", "Identity", [x]);
  // The last node writes the graph output directly.
  const lastNode = g.nodes[g.nodes.length - 1];
  lastNode.output = [outputName];

  const elemType = dtype === "float64" ? ONNX_DOUBLE : ONNX_FLOAT;
  const dim = (size: number | null, param: string) =>
    size === null ? { dimParam: param } : { dimValue: size };
  const valueInfo = (name: string, size: number | null, param: string) => ({
    name,
    type: { tensorType: { elemType, shape: { dim: [{ dimParam: "batch" }, dim(size, param)] } } },
  });
  const message = {
    irVersion: irVersionFor(opset),
    opsetImport: [{ domain: "", version: opset }],
    producerName: "chainrule",
    graph: {
      name: "chainrule",
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(inputName, features, "features")],
      output: [valueInfo(outputName, outputs, "features")],
    },
    metadataProps,
  };
  const type = modelProtoType();
  const encoded = type.encode(type.fromObject(message)).finish();
  return new Uint8Array(encoded); // a plain copy, not a view into protobufjs's (or Node's) buffer pool
}
