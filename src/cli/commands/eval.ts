// `chainrule eval --model model/ --data test.csv`: a saved model's metrics on labelled data.

import type { Command } from "commander";
import { loadModel } from "../../io/model-dir.js";
import type { LayerSpec } from "../../io/model-spec.js";
import { type Evaluation, evaluate } from "../../train/evaluate.js";
import { LOSS_NAMES, type LossName } from "../../train/loss.js";
import { evaluationData } from "../../train/node/model-data.js";
import type { ProgramIO } from "../program.js";
import { delimiterOption, formatEvaluation } from "./train.js";

/** `4-128-3 MLP` from a saved model's layers. */
export function describeLayers(layers: readonly LayerSpec[]): string {
  const linear = layers.filter((l): l is Extract<LayerSpec, { type: "linear" }> => l.type === "linear");
  if (linear.length === 0) return "no linear layers";
  return `${[linear[0].inFeatures, ...linear.map((l) => l.outFeatures)].join("-")} MLP`;
}

/** The confusion matrix as aligned text, rows the true classes and columns the predicted ones. */
export function formatConfusion(r: Extract<Evaluation, { kind: "classification" }>): string {
  const names = r.classes;
  const width = Math.max(
    6,
    ...names.map((c) => c.length),
    ...r.confusion.flat().map((v) => String(v).length),
  );
  const pad = (s: string) => s.padStart(width);
  const lines = [`${"".padEnd(width)}  ${names.map(pad).join("  ")}`];
  r.confusion.forEach((row, i) => {
    lines.push(`${names[i].padEnd(width)}  ${row.map((v) => pad(String(v))).join("  ")}`);
  });
  return lines.join("\n");
}

const EXAMPLES = `
The CSV needs the model's feature columns (by name; other columns are ignored) and its target column;
labels must be classes the model was trained on. A built-in set name evaluates on the test split the
model was trained with (same seed), or on the whole set for a model trained elsewhere.

Examples:
  $ chainrule eval --model iris-model/ --data iris
  $ chainrule eval --model model/ --data test.csv
  $ chainrule eval --model model/ --data test.csv --json
`;

interface EvalOptions {
  model: string;
  data: string;
  delimiter?: string;
  json: boolean;
}

/**
 * Adds `chainrule eval` to the program.
 *
 * @example
 * ```ts
 * registerEvalCommand(program, io);
 * ```
 */
export function registerEvalCommand(program: Command, io: ProgramIO): void {
  program
    .command("eval")
    .summary("evaluate a saved model on labelled data (a CSV file or a built-in set)")
    .description(
      "Load a model saved by `chainrule train` and report its loss and accuracy with the confusion matrix " +
        "(classification) or its MSE, MAE and R² (regression) on a CSV file or a built-in data set.",
    )
    .requiredOption("--model <dir>", "the model directory (model.json + model.safetensors)")
    .requiredOption("--data <file|name>", "a CSV file with the model's columns, or a built-in set name")
    .option("--delimiter <char>", "the CSV's field separator (default: detected)", delimiterOption)
    .option("--json", "print the metrics as JSON", false)
    .addHelpText("after", EXAMPLES)
    .action((opts: EvalOptions) => {
      const { model, meta, layers } = loadModel(opts.model);
      const { dataset, description } = evaluationData(opts.data, meta, {
        op: "eval",
        ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
      });
      const loss = (LOSS_NAMES as readonly string[]).includes(meta.loss) ? (meta.loss as LossName) : "auto";
      const r = evaluate(model, dataset, { loss });
      if (opts.json) {
        io.out(`${JSON.stringify({ model: opts.model, data: opts.data, ...r }, null, 2)}\n`);
        return;
      }
      const task =
        meta.task.kind === "classification"
          ? `classifies "${meta.task.target}" into ${meta.task.classes.length} classes`
          : `predicts ${meta.task.targets.join(", ")}`;
      io.out(`Model: ${opts.model} (${describeLayers(layers)}; ${task})\n`);
      io.out(`Data: ${description}\n`);
      io.out(`${formatEvaluation(r)}\n`);
      if (r.kind === "classification") {
        io.out(`Confusion matrix (rows: true class, columns: predicted class):\n${formatConfusion(r)}\n`);
      }
    });
}
