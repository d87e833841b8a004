// `chainrule predict --model model/ --data new.csv [--out predictions.csv]`: predictions as CSV.

import type { Command } from "commander";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { loadModel } from "../../io/model-dir.js";
import { predict, predictClasses } from "../../train/evaluate.js";
import { predictionInputs } from "../../train/node/model-data.js";
import type { ProgramIO } from "../program.js";
import { delimiterOption } from "./train.js";

/** Quotes a CSV field when it holds the delimiter, a quote or a line break (RFC 4180). */
export function csvField(text: string, delimiter = ","): string {
  return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A number with at most 7 significant digits, shortest form (float32 noise removed). */
function short(v: number): string {
  return String(Number(v.toPrecision(7)));
}

const EXAMPLES = `
Output: one row per input row, in order. Classification: the predicted class, then one probability column
per class (p_<class>). Regression: one column per target. The CSV needs the model's feature columns (by
name); other columns, the target included, are ignored.

Examples:
  $ chainrule predict --model iris-model/ --data flowers.csv
  $ chainrule predict --model model/ --data new.csv --out predictions.csv
`;

interface PredictOptions {
  model: string;
  data: string;
  out?: string;
  delimiter?: string;
}

/**
 * Adds `chainrule predict` to the program.
 *
 * @example
 * ```ts
 * registerPredictCommand(program, io);
 * ```
 */
export function registerPredictCommand(program: Command, io: ProgramIO): void {
  program
    .command("predict")
    .summary("predict with a saved model; CSV to stdout or a file")
    .description(
      "Load a model saved by `chainrule train`, run it on the rows of a CSV file (or a built-in set) and " +
        "write the predictions as CSV: class labels and probabilities for classification, values for regression.",
    )
    .requiredOption("--model <dir>", "the model directory (model.json + model.safetensors)")
    .requiredOption(
      "--data <file|name>",
      "a CSV file with the model's feature columns, or a built-in set name",
    )
    .option("--out <file>", "write the CSV here instead of stdout (written whole, or not at all)")
    .option("--delimiter <char>", "the input CSV's field separator (default: detected)", delimiterOption)
    .addHelpText("after", EXAMPLES)
    .action((opts: PredictOptions) => {
      const { model, meta } = loadModel(opts.model);
      const { x } = predictionInputs(opts.data, meta, {
        op: "predict",
        ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
      });
      const lines: string[] = [];
      if (meta.task.kind === "classification") {
        const { classes } = meta.task;
        const { classes: predicted, probabilities } = predictClasses(model, x);
        const p = probabilities._storage;
        const c = classes.length;
        lines.push([meta.task.target, ...classes.map((k) => `p_${k}`)].map((s) => csvField(s)).join(","));
        for (let i = 0; i < predicted.length; i++) {
          const probs = Array.from(p.subarray(i * c, (i + 1) * c), (v) => v.toFixed(6));
          lines.push([csvField(classes[predicted[i]]), ...probs].join(","));
        }
      } else {
        const y = predict(model, x);
        const t = meta.task.targets.length;
        lines.push(meta.task.targets.map((s) => csvField(s)).join(","));
        const s = y._storage;
        for (let i = 0; i < y.shape[0]; i++)
          lines.push(Array.from(s.subarray(i * t, (i + 1) * t), short).join(","));
      }
      const text = `${lines.join("\n")}\n`;
      if (opts.out === undefined) io.out(text);
      else {
        writeFileAtomic("predict", opts.out, text);
        io.err(`Wrote ${lines.length - 1} predictions to ${opts.out}\n`);
      }
    });
}
