// `chainrule train --data file.csv|mnist|iris|... --out model/`: trains an MLP, reports, saves it and a plot.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { getBackend } from "../../backend/registry.js";
import { BUILTIN_DATASETS, loadDataSource } from "../../data/node/source.js";
import type { TaskKind } from "../../data/table.js";
import { ValueError } from "../../errors.js";
import { saveModel } from "../../io/model-dir.js";
import type { Sequential } from "../../nn/sequential.js";
import { type Callback, formatEpochLogs, formatNumber } from "../../train/callbacks.js";
import type { Evaluation } from "../../train/evaluate.js";
import { LOSS_NAMES, type LossName } from "../../train/loss.js";
import { ACTIVATIONS, type ActivationName } from "../../train/mlp.js";
import { progressBar } from "../../train/node/progress.js";
import { OPTIMIZER_NAMES, type OptimizerName } from "../../train/optimizers.js";
import { historyChart } from "../../train/plot.js";
import { type StandardizeMode, trainModel } from "../../train/train-model.js";
import type { ProgramIO } from "../program.js";

/** Parses an integer option-argument `>= min`. */
export function integerOption(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`Expected an integer >= ${min}.`);
    }
    return n;
  };
}

/** Parses a fraction in [0, 1). */
export function fractionOption(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n >= 0 && n < 1))
    throw new InvalidArgumentError("Expected a number in [0, 1).");
  return n;
}

/** Parses a positive finite number. */
export function positiveOption(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError("Expected a positive number.");
  return n;
}

/** Parses a comma-separated list of names. */
export function listOption(value: string): string[] {
  const names = value.split(",").map((s) => s.trim());
  if (names.some((s) => s === ""))
    throw new InvalidArgumentError("Expected comma-separated names, e.g. a,b,c.");
  return names;
}

/** Parses hidden layer sizes `32,16` (or `none` for a linear model). */
function layersOption(value: string): number[] {
  if (value.trim() === "none") return [];
  const sizes = value.split(",").map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError('Expected positive integers separated by commas, e.g. 32,16 (or "none").');
  }
  return sizes;
}

/** Parses `--epochs`: a positive integer or `auto`. */
function epochsOption(value: string): number | "auto" {
  return value === "auto" ? "auto" : integerOption(1)(value);
}

/** Parses a one-character delimiter (`\t` or `tab` for a tab). */
export function delimiterOption(value: string): string {
  const d = value === "\\t" || value === "tab" ? "\t" : value;
  if (d.length !== 1 || d === '"' || d === "\n" || d === "\r") {
    throw new InvalidArgumentError('Expected one character, e.g. ";" or "tab".');
  }
  return d;
}

/** Renames `from` over `to` (files) or moves `from`'s files into `to` (directories), so each file lands whole. */
function commitDir(from: string, to: string): void {
  if (!existsSync(to)) {
    renameSync(from, to);
    return;
  }
  for (const name of readdirSync(from)) renameSync(join(from, name), join(to, name));
  rmSync(from, { recursive: true, force: true });
}

/** Checks before training that `--out` can become a model directory (so a bad path fails in seconds). */
function checkOut(out: string): void {
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new ValueError("train", `--out must be a directory for the model, got the existing file ${out}`);
  }
  const parent = dirname(resolve(out));
  if (existsSync(parent) && !statSync(parent).isDirectory()) {
    throw new ValueError("train", `--out must be inside a directory, got ${out} inside the file ${parent}`);
  }
}

/** Counts a model's parameters. */
function parameterCount(model: Sequential): number {
  return model.parameters().reduce((n, p) => n + p.size, 0);
}

/** `accuracy 96.67% (29/30)  loss 0.0897` or `mse 0.12  mae 0.25  r2 0.91`. */
export function formatEvaluation(r: Evaluation): string {
  if (r.kind === "classification") {
    const correct = Math.round(r.accuracy * r.n);
    return `accuracy ${(100 * r.accuracy).toFixed(2)}% (${correct}/${r.n})  loss ${formatNumber(r.loss)}`;
  }
  return `mse ${formatNumber(r.mse)}  mae ${formatNumber(r.mae)}  r2 ${formatNumber(r.r2)}  loss ${formatNumber(r.loss)}`;
}

/** The command's options after commander parsed them. */
export interface TrainCommandOptions {
  data: string;
  target?: string[];
  features?: string[];
  task: TaskKind;
  delimiter?: string;
  layers: number[];
  activation: ActivationName;
  dropout: number;
  loss: LossName;
  optimizer: OptimizerName;
  lr?: number;
  schedule: "cosine" | "none";
  epochs: number | "auto";
  batchSize: number;
  seed: number;
  valSplit: number;
  testSplit: number;
  patience: number;
  standardize: "auto" | StandardizeMode;
  out?: string;
  plot: boolean;
  logEvery?: number;
  quiet: boolean;
}

/**
 * Runs `chainrule train`: loads the data, trains with {@link trainModel}, prints a line per epoch (a
 * progress bar on a terminal) and a final report, then saves the model and `training.svg` into `--out`
 * through a temporary directory, so nothing is written unless training finished.
 *
 * @example
 * ```ts
 * runTrain({ data: "iris", out: "model", ...defaults }, { out: console.log, err: console.error });
 * ```
 */
export function runTrain(opts: TrainCommandOptions, io: ProgramIO): void {
  const started = performance.now();
  if (opts.out !== undefined) checkOut(opts.out);
  if (opts.valSplit + opts.testSplit >= 1) {
    throw new ValueError(
      "train",
      `--val-split + --test-split must be below 1, got ${opts.valSplit} + ${opts.testSplit}`,
    );
  }
  const { dataset, builtin } = loadDataSource(opts.data, {
    op: "train",
    seed: opts.seed,
    task: opts.task,
    ...(opts.target ? { target: opts.target } : {}),
    ...(opts.features ? { features: opts.features } : {}),
    ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
  });
  const standardize: StandardizeMode =
    opts.standardize === "auto" ? (builtin === "mnist" ? "global" : "feature") : opts.standardize;
  const n = dataset.x.shape[0];
  const f = dataset.x.shape[1];
  const what =
    dataset.kind === "classification"
      ? `${dataset.classes.length} classes of "${dataset.target}" (${dataset.classes.slice(0, 10).join(", ")}${dataset.classes.length > 10 ? ", ..." : ""})`
      : `regression of ${dataset.targets.map((t) => `"${t}"`).join(", ")}`;
  const say = (line: string) => io.out(`${line}\n`);
  say(`Data: ${opts.data}, ${n} rows, ${f} features, ${what}`);

  const quiet = opts.quiet;
  const bar = !quiet && process.stderr.isTTY ? progressBar(process.stderr) : null;
  let logEvery = opts.logEvery ?? 1;
  const callbacks: Callback[] = [];
  if (bar !== null) callbacks.push(bar);
  callbacks.push({
    onTrainBegin(ctx) {
      logEvery = opts.logEvery ?? (ctx.epochs <= 30 ? 1 : Math.ceil(ctx.epochs / 30));
    },
    onEpochEnd(logs, ctx) {
      const last = logs.epoch === ctx.epochs || ctx.stopTraining;
      if (!quiet && (logs.epoch === 1 || logs.epoch % logEvery === 0 || last)) {
        say(formatEpochLogs(logs, ctx.epochs));
      }
    },
  });
  const outputs = dataset.kind === "classification" ? dataset.classes.length : dataset.targets.length;
  const describeStandardize = { feature: "per feature", global: "globally", none: "not at all" }[standardize];
  let result: ReturnType<typeof trainModel>;
  try {
    result = trainModel(dataset, {
      layers: opts.layers,
      activation: opts.activation,
      dropout: opts.dropout,
      loss: opts.loss,
      optimizer: opts.optimizer,
      ...(opts.lr === undefined ? {} : { lr: opts.lr }),
      schedule: opts.schedule,
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      seed: opts.seed,
      valSplit: opts.valSplit,
      testSplit: opts.testSplit,
      patience: opts.patience,
      standardize,
      callbacks,
      describe: { data: builtin ?? basename(opts.data), ...(builtin ? { builtin } : {}) },
      onReady(plan) {
        const arch = [f, ...opts.layers, outputs].join("-");
        const params = parameterCount(plan.model).toLocaleString("en-US");
        const dropout = opts.dropout > 0 && opts.layers.length > 0 ? `, dropout ${opts.dropout}` : "";
        say(`Model: ${arch} MLP, ${opts.activation}${dropout}, ${params} parameters`);
        say(
          `Training: ${opts.optimizer}, lr ${Number(plan.lr.toPrecision(4))}${opts.schedule === "cosine" ? " cosine-annealed" : ""}, ` +
            `batch ${opts.batchSize}, ${plan.epochs} epochs, loss ${plan.loss}, ${getBackend().name} backend`,
        );
        say(
          `Split (seed ${opts.seed}): ${plan.sizes.train} train, ${plan.sizes.val} validation, ${plan.sizes.test} test; ` +
            `features standardised ${describeStandardize} on the training rows`,
        );
      },
    });
  } finally {
    bar?.stop();
  }
  const { model, meta, history, test } = result;
  if (history.restoredEpoch !== null) {
    say(
      `Early stopping after epoch ${history.stoppedEpoch}; restored the weights of epoch ${history.restoredEpoch} (lowest validation loss)`,
    );
  }
  if (test !== null) say(`Test (${test.n} rows): ${formatEvaluation(test)}`);
  const wall = (performance.now() - started) / 1000;
  if (opts.out !== undefined) {
    const out = opts.out;
    const temp = join(dirname(resolve(out)), `.${basename(resolve(out))}.tmp-${process.pid}-${Date.now()}`);
    try {
      mkdirSync(dirname(resolve(out)), { recursive: true });
      saveModel(temp, model, { ...meta, training: { ...meta.training, wallSeconds: wall } });
      if (opts.plot) {
        writeFileSync(
          join(temp, "training.svg"),
          historyChart(history, { title: `chainrule train --data ${builtin ?? basename(opts.data)}` }),
        );
      }
      commitDir(temp, out);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    say(`Wall time: ${wall.toFixed(1)} s (training ${history.seconds.toFixed(1)} s)`);
    say(
      `Saved ${out} (model.json, model.safetensors)${opts.plot ? ` and the plot ${join(out, "training.svg")}` : ""}`,
    );
  } else {
    say(`Wall time: ${wall.toFixed(1)} s (training ${history.seconds.toFixed(1)} s)`);
    say("Not saved (no --out)");
  }
}

const EXAMPLES = `
Built-in data sets (never downloaded): ${BUILTIN_DATASETS.join(", ")}.
  mnist: the mnist package's 10,000 digits (784 pixels); iris: 150 flowers (4 features);
  circles, moons, xor, spirals: seeded 2-D toy sets; tutorial: the tutorial's 100 points.

Defaults: one hidden layer of 128 ReLU units with dropout 0.2; Adam with a peak learning rate of 2e-3,
cosine-annealed to 0; batch 32; epochs "auto" (about 2,000 steps, 15 to 300 epochs); a seeded stratified
split of 70% train, 10% validation, 20% test; features standardised on the training rows (mnist: one
mean and std for all pixels).

Examples:
  $ chainrule train --data iris --out iris-model/
  $ chainrule train --data mnist --out mnist-model/                      # 784-128-10, 8,000/2,000 split
  $ chainrule train --data flowers.csv --target species --layers 32,16 --activation relu \\
      --loss auto --optimizer adam --epochs 50 --batch-size 32 --out model/
  $ chainrule train --data houses.csv --target price --task regression --patience 10 --out houses/
  $ chainrule train --data spirals --layers 64,64 --epochs 300 --quiet
`;

/**
 * Adds `chainrule train` to the program.
 *
 * @example
 * ```ts
 * registerTrainCommand(program, io);
 * ```
 */
export function registerTrainCommand(program: Command, io: ProgramIO): void {
  program
    .command("train")
    .summary("train a network on a CSV file or a built-in data set and save it")
    .description(
      "Train a multilayer perceptron on a CSV file (a header row; numeric feature columns; a target column) " +
        "or a built-in data set. Prints metrics per epoch (and a progress bar on a terminal), then the test " +
        "metrics and the wall time, and saves the model (model.json + model.safetensors) with a plot of the " +
        "training and validation loss and accuracy (training.svg) into --out. Nothing is written unless " +
        "training finished.",
    )
    .requiredOption("--data <file|name>", `a CSV file, or one of ${BUILTIN_DATASETS.join(", ")}`)
    .option(
      "--target <column>",
      "the CSV's target column; several (comma-separated) for regression (default: the last column)",
      listOption,
    )
    .option(
      "--features <columns>",
      "the CSV's feature columns, comma-separated (default: all but the target)",
      listOption,
    )
    .addOption(
      new Option(
        "--task <kind>",
        "classification or regression; auto: text or at most 20 distinct integers mean classes",
      )
        .choices(["auto", "classification", "regression"])
        .default("auto"),
    )
    .option(
      "--delimiter <char>",
      "the CSV's field separator (default: detected among , ; tab |)",
      delimiterOption,
    )
    .option("--layers <sizes>", 'hidden layer sizes, comma-separated, or "none"', layersOption, [128])
    .addOption(
      new Option("--activation <name>", "hidden-layer activation").choices(ACTIVATIONS).default("relu"),
    )
    .option("--dropout <p>", "dropout after each hidden layer, in [0, 1)", fractionOption, 0.2)
    .addOption(
      new Option("--loss <name>", "auto: cross-entropy for classes, MSE for regression")
        .choices(LOSS_NAMES)
        .default("auto"),
    )
    .addOption(new Option("--optimizer <name>", "the optimizer").choices(OPTIMIZER_NAMES).default("adam"))
    .option("--lr <rate>", "peak learning rate (default: 2e-3; 0.05 for sgd)", positiveOption)
    .addOption(
      new Option("--schedule <name>", "learning-rate schedule over the epochs")
        .choices(["cosine", "none"])
        .default("cosine"),
    )
    .option(
      "--epochs <n>",
      'epochs, or "auto" (about 2,000 optimizer steps, 15 to 300 epochs)',
      epochsOption,
      "auto",
    )
    .option("--batch-size <n>", "rows per mini-batch", integerOption(1), 32)
    .option("--seed <n>", "seed of the split, the weights, dropout and shuffling", integerOption(0), 0)
    .option("--val-split <fraction>", "fraction of the rows for validation", fractionOption, 0.1)
    .option("--test-split <fraction>", "fraction of the rows for the final test", fractionOption, 0.2)
    .option(
      "--patience <n>",
      "stop after n epochs without a lower validation loss and restore the best weights (0: off)",
      integerOption(0),
      0,
    )
    .addOption(
      new Option(
        "--standardize <mode>",
        "feature standardisation fitted on the training rows; auto: global for mnist, else per feature",
      )
        .choices(["auto", "feature", "global", "none"])
        .default("auto"),
    )
    .option("--out <dir>", "save the model and training.svg into this directory")
    .option("--no-plot", "do not write training.svg")
    .option(
      "--log-every <n>",
      "print every n-th epoch (default: every epoch up to 30, else about 30 lines)",
      integerOption(1),
    )
    .option("--quiet", "print only the final report", false)
    .addHelpText("after", EXAMPLES)
    .action((opts: TrainCommandOptions) => {
      runTrain(opts, io);
    });
}
