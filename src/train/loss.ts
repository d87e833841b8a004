// Loss choice for fit/evaluate: "auto" is cross-entropy for classification and MSE for regression.

import { type Tensor, tensor } from "../core.js";
import { describeValue, ValueError } from "../errors.js";
import { crossEntropy, l1Loss, mseLoss } from "../nn/losses.js";

/** Loss names the training loop and the CLI understand. */
export const LOSS_NAMES = ["auto", "crossEntropy", "mse", "l1"] as const;

/** A loss by name: `"auto"` picks cross-entropy for classification and MSE for regression. */
export type LossName = (typeof LOSS_NAMES)[number];

/** A loss function of a batch's model outputs and its labels (classification) or targets (regression). */
export type LossFunction = (outputs: Tensor, target: Int32Array | Tensor) => Tensor;

/** The kind of task a loss serves. */
export type TaskKindName = "classification" | "regression";

function oneHotLike(labels: Int32Array, outputs: Tensor): Tensor {
  const c = outputs.shape[1];
  const out = new Float64Array(labels.length * c);
  for (let i = 0; i < labels.length; i++) out[i * c + labels[i]] = 1;
  return tensor(out, { shape: [labels.length, c], dtype: outputs.dtype });
}

/**
 * The loss function for a name and a task. `"auto"` (and `"crossEntropy"`) take the model's outputs as
 * logits for classification (`nn.crossEntropy`); `"auto"` is `nn.mseLoss` for regression. `"mse"` on a
 * classification task compares `softmax(outputs)` with one-hot labels; `"l1"` is regression only.
 *
 * @example
 * ```ts
 * const { name, fn } = resolveLoss("auto", "classification"); // name "crossEntropy"
 * const loss = fn(net.forward(x), labels);
 * ```
 */
export function resolveLoss(
  loss: LossName | LossFunction,
  kind: TaskKindName,
  op = "fit",
): { name: string; fn: LossFunction } {
  if (typeof loss === "function") return { name: loss.name || "custom", fn: loss };
  if (!LOSS_NAMES.includes(loss)) {
    throw new ValueError(
      op,
      `loss must be one of ${LOSS_NAMES.join(", ")} or a function, got ${describeValue(loss)}`,
    );
  }
  if (kind === "classification") {
    if (loss === "auto" || loss === "crossEntropy") {
      return { name: "crossEntropy", fn: (out, y) => crossEntropy(out, y as Int32Array) };
    }
    if (loss === "mse") {
      return { name: "mse", fn: (out, y) => mseLoss(out.softmax(-1), oneHotLike(y as Int32Array, out)) };
    }
    throw new ValueError(
      op,
      `loss "${loss}" is for regression, got a classification task; use "auto" or "crossEntropy"`,
    );
  }
  if (loss === "crossEntropy") {
    throw new ValueError(
      op,
      'loss "crossEntropy" is for classification, got a regression task; use "auto", "mse" or "l1"',
    );
  }
  if (loss === "l1") return { name: "l1", fn: (out, y) => l1Loss(out, y as Tensor) };
  return { name: "mse", fn: (out, y) => mseLoss(out, y as Tensor) };
}
