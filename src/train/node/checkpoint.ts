// Node only: a fit callback that saves the model directory (saveModel) after epochs that improved.

import { describeValue, TypeMismatchError } from "../../errors.js";
import { saveModel } from "../../io/model-dir.js";
import type { ModelMeta } from "../../io/model-spec.js";
import { Sequential } from "../../nn/sequential.js";
import { type Callback, type CheckpointOptions, checkpoint } from "../callbacks.js";

/**
 * Saves the model with {@link saveModel} into `dir` after every epoch, or with `saveBestOnly` after each
 * epoch that improved `monitor` (default `"valLoss"`); the epoch's logs go into `meta.training.checkpoint`.
 * Each save replaces the files whole (temporary files, then renames).
 *
 * @example
 * ```ts
 * import { modelCheckpoint } from "chainrule/node";
 * fit(net, train, { validationData: val, callbacks: [modelCheckpoint("best-model", meta, { saveBestOnly: true })] });
 * ```
 */
export function modelCheckpoint(dir: string, meta: ModelMeta, options: CheckpointOptions = {}): Callback {
  return checkpoint((model, logs) => {
    if (!(model instanceof Sequential)) {
      throw new TypeMismatchError(
        "modelCheckpoint",
        `expected an nn.Sequential to save, got ${describeValue(model)}`,
      );
    }
    const clean = Object.fromEntries(Object.entries(logs).filter(([, v]) => v !== undefined));
    saveModel(dir, model, { ...meta, training: { ...(meta.training ?? {}), checkpoint: clean } });
  }, options);
}
