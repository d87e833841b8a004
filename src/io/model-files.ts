// A model as two files' contents (model.json text and model.safetensors bytes), validated both ways; browser-safe.

import type { DType } from "../dtype.js";
import { describeValue, TypeMismatchError, ValueError } from "../errors.js";
import { Sequential } from "../nn/sequential.js";
import {
  checkKeys,
  checkLayerSpecs,
  checkMetaFitsLayers,
  checkModelMeta,
  expectedParameters,
  type Fail,
  type LayerSpec,
  type ModelMeta,
  sequentialFromSpec,
  sequentialToSpec,
} from "./model-spec.js";
import { decodeWith, encodeSafetensors } from "./safetensors.js";
import { safetensorsDTypeOf } from "./safetensors-dtypes.js";
import { describeJson, parseHeader, type ReadContext } from "./safetensors-header.js";

/** The `format` field of every model.json. */
export const MODEL_FORMAT = "chainrule-model";
/** The model.json layout version this code writes and reads. */
export const MODEL_VERSION = 1;
/** The weights' file name inside a model directory. */
export const WEIGHTS_FILE = "model.safetensors";
/** The architecture's file name inside a model directory. */
export const SPEC_FILE = "model.json";

/** The content of model.json. */
export interface ModelDocument {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  dtype: DType;
  layers: LayerSpec[];
  /** The weights file with its size and CRC-32 (hex), so a model.json never pairs with other weights unnoticed. */
  weights?: { file: string; bytes: number; crc32: string };
  meta: ModelMeta;
}

/** A model read back: the network (in evaluation mode), its metadata and its layer specs. */
export interface LoadedModel {
  model: Sequential;
  meta: ModelMeta;
  layers: LayerSpec[];
  /** The parameters' dtype. */
  dtype: DType;
}

/** The two files of a saved model. */
export interface SerializedModel {
  /** model.json's text. */
  json: string;
  /** model.safetensors' bytes. */
  weights: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC-32 (as zip and PNG compute it) of `bytes`, as 8 hex digits. */
export function crc32(bytes: Uint8Array): string {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, "0");
}

/**
 * Puts flat arrays and objects on one line (784 means would otherwise take 784 lines). Only JSON's
 * own whitespace changes: a raw newline never occurs inside a JSON string, and an array or object whose
 * content holds a bracket or brace (nested, or inside a string) is left as it is.
 */
function compactArrays(json: string): string {
  return json
    .replace(/\[\n\s*([^[\]{}]*?)\n\s*\]/g, (_, items: string) => `[${items.replace(/,\n\s*/g, ", ")}]`)
    .replace(/\{\n\s*([^[\]{}]*?)\n\s*\}/g, (_, items: string) => `{ ${items.replace(/,\n\s*/g, ", ")} }`);
}

/** @internal {@link serializeModel} under another op name. */
export function serializeWith(op: string, model: Sequential, meta: ModelMeta): SerializedModel {
  if (!(model instanceof Sequential)) {
    throw new TypeMismatchError(op, `expected an nn.Sequential, got ${describeValue(model)}`);
  }
  let layers: LayerSpec[];
  try {
    layers = sequentialToSpec(model);
  } catch (e) {
    throw e instanceof ValueError ? new ValueError(op, e.message.replace(/^sequentialToSpec: /, "")) : e;
  }
  const fail: Fail = (path, message) => {
    throw new ValueError(op, `${path}: ${message}`);
  };
  const checkedMeta = checkModelMeta(meta, "meta", fail);
  checkMetaFitsLayers(checkedMeta, layers, fail);
  const params = model.namedParameters();
  const dtype: DType = params.length === 0 ? "float32" : params[0][1].dtype;
  for (const [name, p] of params) {
    if (p.dtype !== dtype) {
      throw new ValueError(
        op,
        `expected every parameter to be ${dtype} (as "${params[0][0]}"), got ${p.dtype} for "${name}"`,
      );
    }
    const storage = p._storage;
    for (let i = 0; i < storage.length; i++) {
      if (!Number.isFinite(storage[i])) {
        throw new ValueError(
          op,
          `expected finite parameters, got ${storage[i]} in "${name}" at index ${i}; did training diverge?`,
        );
      }
    }
  }
  const weights = encodeSafetensors(Object.fromEntries(params), { format: "pt", producer: "chainrule" });
  const doc: ModelDocument = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    dtype,
    layers,
    weights: { file: WEIGHTS_FILE, bytes: weights.length, crc32: crc32(weights) },
    meta: checkedMeta,
  };
  let json: string;
  try {
    json = `${compactArrays(JSON.stringify(doc, null, 2))}\n`;
  } catch (e) {
    throw new ValueError(
      op,
      `meta.training: expected JSON-serialisable values, got an error (${(e as Error).message})`,
    );
  }
  return { json, weights };
}

/**
 * Turns a `Sequential` and its metadata into the two files of a model directory: model.json (format,
 * version, dtype, layers, the weights' size and CRC-32, meta) and model.safetensors (parameters named as
 * `namedParameters()`: `"0.weight"`, `"0.bias"`, ...; the same names PyTorch's `nn.Sequential` uses).
 * Everything is validated first, including that the metadata fits the layers and that no weight is NaN or
 * infinite. In Node, `saveModel` writes the files.
 *
 * @example
 * ```ts
 * const { json, weights } = serializeModel(net, meta);
 * const again = deserializeModel(json, weights).model;
 * ```
 */
export function serializeModel(model: Sequential, meta: ModelMeta): SerializedModel {
  return serializeWith("serializeModel", model, meta);
}

/** Names used in messages while reading: the op and each file. */
export interface ModelReadContext {
  op: string;
  specSource: string;
  weightsSource: string;
}

/** A model.json whose fields have been checked, before its weights are read. */
export interface CheckedModelDocument {
  dtype: DType;
  layers: LayerSpec[];
  meta: ModelMeta;
  /** The raw `weights` record, checked against the weights' bytes by {@link readModelWeights}. */
  weights?: unknown;
}

/** @internal Parses and validates model.json's text (every field, the layer chain, meta against layers). */
export function parseModelDocument(json: string, ctx: ModelReadContext): CheckedModelDocument {
  const { op, specSource } = ctx;
  const fail: Fail = (path, message) => {
    throw new ValueError(op, `${specSource}: ${path}: ${message}`);
  };
  if (typeof json !== "string") {
    throw new TypeMismatchError(op, `expected model.json's text as a string, got ${describeValue(json)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new ValueError(op, `${specSource}: expected JSON, got a syntax error (${(e as Error).message})`);
  }
  const v = checkKeys(
    parsed,
    "(top level)",
    ["format", "version", "dtype", "layers", "meta"],
    ["weights"],
    fail,
  );
  if (v.format !== MODEL_FORMAT) {
    fail("format", `expected ${JSON.stringify(MODEL_FORMAT)}, got ${describeJson(v.format)}`);
  }
  if (v.version !== MODEL_VERSION) {
    const hint =
      typeof v.version === "number" && v.version > MODEL_VERSION
        ? "; it was written by a newer chainrule"
        : "";
    fail("version", `expected ${MODEL_VERSION}, got ${describeJson(v.version)}${hint}`);
  }
  if (v.dtype !== "float32" && v.dtype !== "float64") {
    fail("dtype", `expected "float32" or "float64", got ${describeJson(v.dtype)}`);
  }
  const layers = checkLayerSpecs(v.layers, "layers", fail);
  const meta = checkModelMeta(v.meta, "meta", fail);
  checkMetaFitsLayers(meta, layers, fail);
  const doc: CheckedModelDocument = { dtype: v.dtype as DType, layers, meta };
  if (v.weights !== undefined) {
    checkWeightsRecord(v.weights, fail);
    doc.weights = v.weights;
  }
  return doc;
}

/** @internal {@link deserializeModel} with the op and file names of the caller. */
export function deserializeWith(json: string, weights: Uint8Array, ctx: ModelReadContext): LoadedModel {
  return readModelWeights(parseModelDocument(json, ctx), weights, ctx);
}

function checkWeightsRecord(value: unknown, fail: Fail): void {
  const w = checkKeys(value, "weights", ["file", "bytes", "crc32"], [], fail);
  if (w.file !== WEIGHTS_FILE)
    fail("weights.file", `expected ${JSON.stringify(WEIGHTS_FILE)}, got ${describeJson(w.file)}`);
  if (!Number.isSafeInteger(w.bytes) || (w.bytes as number) < 0) {
    fail("weights.bytes", `expected a non-negative integer, got ${describeJson(w.bytes)}`);
  }
  if (typeof w.crc32 !== "string" || !/^[0-9a-f]{8}$/.test(w.crc32)) {
    fail("weights.crc32", `expected 8 lowercase hex digits, got ${describeJson(w.crc32)}`);
  }
}

function checkWeightsMatch(
  record: { bytes: number; crc32: string },
  weights: Uint8Array,
  ctx: ModelReadContext,
): void {
  const hint = `${ctx.weightsSource} does not belong to ${ctx.specSource} (replaced, truncated or corrupted); remove "weights" from ${ctx.specSource} to skip this check`;
  if (weights.length !== record.bytes) {
    throw new ValueError(
      ctx.op,
      `${ctx.weightsSource}: expected ${record.bytes} bytes (weights.bytes), got ${weights.length}; ${hint}`,
    );
  }
  const actual = crc32(weights);
  if (actual !== record.crc32) {
    throw new ValueError(
      ctx.op,
      `${ctx.weightsSource}: expected CRC-32 ${record.crc32} (weights.crc32), got ${actual}; ${hint}`,
    );
  }
}

/** @internal Checks the weights' bytes against a checked model.json and builds the model from them. */
export function readModelWeights(
  doc: CheckedModelDocument,
  weights: Uint8Array,
  ctx: ModelReadContext,
): LoadedModel {
  const { dtype, layers, meta } = doc;
  if (!(weights instanceof Uint8Array)) {
    throw new TypeMismatchError(
      ctx.op,
      `expected the weights as a Uint8Array, got ${describeValue(weights)}`,
    );
  }
  if (doc.weights !== undefined)
    checkWeightsMatch(doc.weights as { bytes: number; crc32: string }, weights, ctx);
  const readCtx: ReadContext = { op: ctx.op, source: ctx.weightsSource };
  const fail = (message: string): never => {
    throw new ValueError(ctx.op, `${ctx.weightsSource}: ${message}`);
  };
  const header = parseHeader(weights, readCtx);
  const stored = new Map(header.entries.map((e) => [e.name, e]));
  const expected = expectedParameters(layers);
  const wanted = safetensorsDTypeOf(dtype);
  for (const { name, shape, layer } of expected) {
    const spec = layers[layer] as { inFeatures: number; outFeatures: number };
    const what = `layers[${layer}]: linear ${spec.inFeatures} → ${spec.outFeatures}`;
    const entry = stored.get(name);
    if (entry === undefined) fail(`expected a tensor ${JSON.stringify(name)} (${what}), got none`);
    else {
      if (entry.dtype !== wanted) {
        fail(
          `tensor ${JSON.stringify(name)}: expected dtype ${wanted} (${ctx.specSource}'s dtype is ${dtype}), got ${entry.dtype}`,
        );
      }
      if (entry.shape.length !== shape.length || entry.shape.some((d, i) => d !== shape[i])) {
        fail(
          `tensor ${JSON.stringify(name)}: expected shape [${shape.join(", ")}] (${what}), got [${entry.shape.join(", ")}]`,
        );
      }
    }
  }
  const names = new Set(expected.map((p) => p.name));
  const extra = header.entries.find((e) => !names.has(e.name));
  if (extra !== undefined) {
    const list = expected.length === 0 ? "none" : expected.map((p) => p.name).join(", ");
    fail(`expected only the model's parameters (${list}), got an extra tensor ${JSON.stringify(extra.name)}`);
  }
  const { tensors } = decodeWith(weights, readCtx, false);
  for (const [name, t] of Object.entries(tensors)) {
    const storage = t._storage;
    for (let i = 0; i < storage.length; i++) {
      if (!Number.isFinite(storage[i]))
        fail(`tensor ${JSON.stringify(name)}: expected finite values, got ${storage[i]} at index ${i}`);
    }
  }
  const model = sequentialFromSpec(layers, { dtype, init: "zeros" });
  model.loadStateDict(tensors);
  model.eval();
  return { model, meta, layers, dtype };
}

/**
 * Reads a model from model.json's text and model.safetensors' bytes, validating everything before use: the
 * JSON's fields (a `ValueError` names the field, e.g. `layers[2].inFeatures`), that the layers chain and
 * fit the metadata, that the weights are the ones saved with this model.json (size and CRC-32), and that
 * the weights file holds exactly the model's parameters with the right dtype and shape, all finite.
 * The model is returned in evaluation mode (dropout off). In Node, `loadModel(dir)` reads the files.
 *
 * @example
 * ```ts
 * const { model, meta } = deserializeModel(jsonText, weightBytes);
 * const probabilities = model.forward(x).softmax(-1);
 * ```
 */
export function deserializeModel(json: string, weights: Uint8Array): LoadedModel {
  return deserializeWith(json, weights, {
    op: "deserializeModel",
    specSource: SPEC_FILE,
    weightsSource: WEIGHTS_FILE,
  });
}
