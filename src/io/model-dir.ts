// Node-only model directories: model.json + model.safetensors, written via temporary files and read with full validation.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describeValue, TypeMismatchError, ValueError } from "../errors.js";
import type { Sequential } from "../nn/sequential.js";
import { commitTemp, discardTemps, readFileOrThrow, writeTemp } from "./atomic-write.js";
import {
  type LoadedModel,
  parseModelDocument,
  readModelWeights,
  SPEC_FILE,
  serializeWith,
  WEIGHTS_FILE,
} from "./model-files.js";
import type { ModelMeta } from "./model-spec.js";

function checkDir(op: string, dir: unknown): string {
  if (typeof dir !== "string" || dir === "") {
    throw new TypeMismatchError(
      op,
      `expected a directory path (a non-empty string), got ${describeValue(dir)}`,
    );
  }
  return dir;
}

/**
 * Saves a `Sequential` and its metadata as `dir/model.json` (architecture, dtype, task, preprocessing,
 * loss, training details) and `dir/model.safetensors` (the weights, named as `namedParameters()`), creating
 * `dir` if needed. Everything is validated first (see `serializeModel`); both files are written to
 * temporary files and renamed into place only once both are complete, weights first, so an interrupted
 * save never leaves a half-written file (and a model.json never pairs silently with other weights: it
 * records their size and CRC-32). Other files in `dir` are left alone.
 *
 * @example
 * ```ts
 * import { saveModel, loadModel } from "chainrule/node";
 * saveModel("model", net, {
 *   task: { kind: "classification", target: "species", classes: ["setosa", "versicolor", "virginica"] },
 *   preprocessing: { features: ["a", "b", "c", "d"], mean: [5.8, 3.1, 3.8, 1.2], std: [0.8, 0.4, 1.8, 0.8] },
 *   loss: "crossEntropy",
 * });
 * ```
 */
export function saveModel(dir: string, model: Sequential, meta: ModelMeta): void {
  const op = "saveModel";
  checkDir(op, dir);
  const { json, weights } = serializeWith(op, model, meta);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new ValueError(op, `${dir}: expected a directory that can be created, got ${(e as Error).message}`);
  }
  const weightsPath = join(dir, WEIGHTS_FILE);
  const specPath = join(dir, SPEC_FILE);
  const temps: string[] = [];
  try {
    temps.push(writeTemp(op, weightsPath, weights));
    temps.push(writeTemp(op, specPath, json));
    commitTemp(op, temps[0], weightsPath);
    commitTemp(op, temps[1], specPath);
  } finally {
    discardTemps(temps); // no-ops for the files already renamed
  }
}

/**
 * Loads a model saved by {@link saveModel}: reads `dir/model.json` and `dir/model.safetensors` and
 * validates everything before building the network (see `deserializeModel`). Every problem throws a
 * `ValueError` naming the file and field, e.g.
 * `loadModel: model/model.json: layers[2].inFeatures: expected 16 (layers[0].outFeatures), got 8` or
 * `loadModel: model/model.safetensors: tensor "0.weight": expected shape [16, 4] (layers[0]: linear 4 → 16), got [16, 5]`.
 * The model comes back in evaluation mode.
 *
 * @example
 * ```ts
 * const { model, meta, layers } = loadModel("model");
 * const logits = noGrad(() => model.forward(x));
 * ```
 */
export function loadModel(dir: string): LoadedModel {
  const op = "loadModel";
  checkDir(op, dir);
  const specPath = join(dir, SPEC_FILE);
  const weightsPath = join(dir, WEIGHTS_FILE);
  const jsonBytes = readFileOrThrow(op, specPath);
  let json: string;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(jsonBytes);
  } catch {
    throw new ValueError(op, `${specPath}: expected UTF-8 text, got invalid bytes`);
  }
  const ctx = { op, specSource: specPath, weightsSource: weightsPath };
  // model.json is checked completely before the (much larger) weights are read.
  const doc = parseModelDocument(json, ctx);
  return readModelWeights(doc, readFileOrThrow(op, weightsPath), ctx);
}
