// `chainrule export --model model/ --onnx model.onnx`: a saved model as an ONNX file.

import { type Command, Option } from "commander";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { loadModel } from "../../io/model-dir.js";
import { exportOnnx } from "../../io/onnx/export.js";
import type { ProgramIO } from "../program.js";
import { describeLayers } from "./eval.js";
import { integerOption } from "./train.js";

const EXAMPLES = `
The ONNX graph takes the raw features (input "input", shape [batch, features], float32 as trained) and
standardises them itself with the model's saved means and standard deviations. A classifier outputs class
probabilities (a final Softmax) unless --logits is given. Class and feature names are stored in the
model's metadata_props.

Examples:
  $ chainrule export --model iris-model/ --onnx iris.onnx
  $ chainrule export --model model/ --onnx model.onnx --logits --opset 13
`;

interface ExportOptions {
  model: string;
  onnx: string;
  logits: boolean;
  opset: number;
}

/**
 * Adds `chainrule export` to the program.
 *
 * @example
 * ```ts
 * registerExportCommand(program, io);
 * ```
 */
export function registerExportCommand(program: Command, io: ProgramIO): void {
  program
    .command("export")
    .summary("export a saved model to ONNX")
    .description(
      "Write a model saved by `chainrule train` as an ONNX file that ONNX Runtime and other tools run: the " +
        "standardisation, the layers and (for classifiers) a softmax.",
    )
    .requiredOption("--model <dir>", "the model directory (model.json + model.safetensors)")
    .requiredOption("--onnx <file>", "the ONNX file to write (written whole, or not at all)")
    .option("--logits", "classifiers: output logits instead of probabilities", false)
    .addOption(new Option("--opset <n>", "the ONNX opset, 13 to 23").argParser(integerOption(13)).default(17))
    .addHelpText("after", EXAMPLES)
    .action((opts: ExportOptions) => {
      const { model, meta, layers } = loadModel(opts.model);
      const classification = meta.task.kind === "classification";
      const bytes = exportOnnx(model, {
        preprocessing: meta.preprocessing,
        appendSoftmax: classification && !opts.logits,
        opset: opts.opset,
        metadata: {
          task: JSON.stringify(meta.task),
          features: JSON.stringify(meta.preprocessing.features),
        },
      });
      writeFileAtomic("export", opts.onnx, bytes);
      const [count, outputs] =
        meta.task.kind === "classification"
          ? [
              meta.task.classes.length,
              `${opts.logits ? "logits" : "probabilities"} of ${meta.task.classes.join(", ")}`,
            ]
          : [meta.task.targets.length, meta.task.targets.join(", ")];
      io.out(
        `Wrote ${opts.onnx} (${bytes.length.toLocaleString("en-US")} bytes, opset ${opts.opset}): ${describeLayers(layers)}; ` +
          `input "input" [batch, ${meta.preprocessing.features.length}] raw features, output "output" [batch, ${count}] ${outputs}\n`,
      );
    });
}
