// Node only: the data a saved model is evaluated or run on, read with the model's own columns and classes.

import type { Tensor } from "../../core.js";
import { type Dataset, subset } from "../../data/dataset.js";
import { readCsvTable } from "../../data/node/load-csv.js";
import { isBuiltinName, loadBuiltin } from "../../data/node/source.js";
import { standardize } from "../../data/preprocess.js";
import { splitIndices } from "../../data/split.js";
import { tableFeatures, tableToDataset } from "../../data/table.js";
import { ValueError } from "../../errors.js";
import type { ModelMeta } from "../../io/model-spec.js";

/** Reads a numeric field of `meta.training`, if it is one. */
function trainingNumber(meta: ModelMeta, key: string): number | undefined {
  const v = meta.training?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/**
 * A built-in set for a saved model: its test split when the model was trained on that set (the split
 * recorded in `meta.training`), else all of it. Checks the set's columns and classes against the model's.
 */
function builtinForModel(
  name: string,
  meta: ModelMeta,
  op: string,
): { dataset: Dataset; description: string } {
  if (!isBuiltinName(name)) throw new ValueError(op, `expected a built-in data set name, got "${name}"`);
  const seed = trainingNumber(meta, "seed") ?? 0;
  const full = loadBuiltin(name, { seed });
  const features = meta.preprocessing.features;
  if (full.features.length !== features.length || full.features.some((c, i) => c !== features[i])) {
    throw new ValueError(
      op,
      `the built-in set "${name}" has the features ${full.features.slice(0, 5).join(", ")}${full.features.length > 5 ? ", ..." : ""}, but the model expects ${features.slice(0, 5).join(", ")}${features.length > 5 ? ", ..." : ""}`,
    );
  }
  if (full.kind === "classification" && meta.task.kind === "classification") {
    const same =
      full.classes.length === meta.task.classes.length &&
      full.classes.every((c, i) => c === (meta.task as { classes: string[] }).classes[i]);
    if (!same) {
      throw new ValueError(
        op,
        `the built-in set "${name}" has the classes ${full.classes.join(", ")}, but the model predicts ${meta.task.classes.join(", ")}`,
      );
    }
  }
  const valSplit = trainingNumber(meta, "valSplit");
  const testSplit = trainingNumber(meta, "testSplit");
  if (meta.training?.builtin === name && valSplit !== undefined && testSplit !== undefined && testSplit > 0) {
    const stratify = full.kind === "classification" ? full.y : null;
    const { test } = splitIndices(full.x.shape[0], { valSplit, testSplit, seed, stratify });
    return {
      dataset: subset(full, test),
      description: `${name} (the ${test.length}-row test split of training, seed ${seed})`,
    };
  }
  return { dataset: full, description: `${name} (all ${full.x.shape[0]} rows)` };
}

/**
 * Loads labelled rows to evaluate a saved model on: a CSV file with the model's feature columns and
 * target column(s), labels checked against the model's classes (an unseen label names its line), or a
 * built-in set (its test split when the model was trained on it). Features come back standardised with
 * the model's preprocessing.
 *
 * @example
 * ```ts
 * const { model, meta } = loadModel("model");
 * const { dataset } = evaluationData("test.csv", meta);
 * evaluate(model, dataset);
 * ```
 */
export function evaluationData(
  spec: string,
  meta: ModelMeta,
  options: { delimiter?: string; op?: string } = {},
): { dataset: Dataset; description: string } {
  const op = options.op ?? "eval";
  let dataset: Dataset;
  let description: string;
  if (isBuiltinName(spec)) {
    ({ dataset, description } = builtinForModel(spec, meta, op));
  } else {
    const table = readCsvTable(spec, options.delimiter === undefined ? {} : { delimiter: options.delimiter });
    dataset = tableToDataset(table, {
      op,
      features: meta.preprocessing.features,
      ...(meta.task.kind === "classification"
        ? { target: meta.task.target, task: "classification", classes: meta.task.classes }
        : { target: meta.task.targets, task: "regression" }),
    });
    description = `${spec}, ${dataset.x.shape[0]} rows`;
  }
  return { dataset: { ...dataset, x: standardize(dataset.x, meta.preprocessing) }, description };
}

/**
 * Loads the rows to predict for a saved model: the model's feature columns of a CSV file (any other
 * columns, the target included, are ignored) or of a built-in set (all rows), standardised with the
 * model's preprocessing.
 *
 * @example
 * ```ts
 * const { x } = predictionInputs("new.csv", meta); // [N, F], standardised
 * ```
 */
export function predictionInputs(
  spec: string,
  meta: ModelMeta,
  options: { delimiter?: string; op?: string } = {},
): { x: Tensor; description: string } {
  const op = options.op ?? "predict";
  let x: Tensor;
  let description: string;
  if (isBuiltinName(spec)) {
    const full = loadBuiltin(spec, { seed: trainingNumber(meta, "seed") ?? 0 });
    const features = meta.preprocessing.features;
    if (full.features.length !== features.length || full.features.some((c, i) => c !== features[i])) {
      throw new ValueError(
        op,
        `the built-in set "${spec}" does not have the model's features (${features.slice(0, 5).join(", ")}${features.length > 5 ? ", ..." : ""})`,
      );
    }
    x = full.x;
    description = `${spec} (all ${full.x.shape[0]} rows)`;
  } else {
    const table = readCsvTable(spec, options.delimiter === undefined ? {} : { delimiter: options.delimiter });
    x = tableFeatures(table, meta.preprocessing.features, { op });
    description = `${spec}, ${x.shape[0]} rows`;
  }
  return { x: standardize(x, meta.preprocessing), description };
}
