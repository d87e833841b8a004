// The `chainrule` command line: commander definitions for its subcommands (the executable is main.ts).

import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { registerBuildNativeCommand } from "./commands/build-native.js";
import { registerDemoVanishingCommand } from "./commands/demo-vanishing.js";
import { registerEvalCommand } from "./commands/eval.js";
import { registerExplainCommand } from "./commands/explain.js";
import { registerExportCommand } from "./commands/export.js";
import { registerGraphCommand } from "./commands/graph.js";
import { registerPredictCommand } from "./commands/predict.js";
import { registerTrainCommand } from "./commands/train.js";
import {
  DEMO_ACTIVATIONS,
  DEMO_LOSSES,
  type DemoActivation,
  type DemoLoss,
  runTutorialDemo,
} from "./demo.js";

/** Where the program writes; tests and embedders can capture it. */
export interface ProgramIO {
  /** Writes normal output. */
  out: (text: string) => void;
  /** Writes errors. */
  err: (text: string) => void;
}

/** Parses an integer option-argument in `[min, max]`, or fails with commander's one-line option error. */
function integerArg(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
      const range =
        max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
      throw new InvalidArgumentError(`Expected ${range}.`);
    }
    return n;
  };
}

/** Parses a positive finite number. */
function positiveNumberArg(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError("Expected a positive number.");
  }
  return n;
}

/** The package version, read from package.json (two levels up from both src/cli and dist/cli). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

const DEMO_EXAMPLES = `
Examples:
  $ chainrule demo                        # the tutorial, line for line
  $ chainrule demo --check                # also compare autograd with the tutorial's hand-written backward
  $ chainrule demo --loss mse --check     # train on the true MSE gradient; the hand-written one now differs
  $ chainrule demo --hidden 8 --activation tanh --lr 0.5 --epochs 2000
`;

/**
 * Builds the `chainrule` program. Errors in option-arguments print one line naming the option and exit 1.
 *
 * @param io Output sinks (default: process.stdout and process.stderr).
 * @example
 * ```ts
 * await createProgram().parseAsync(["node", "chainrule", "demo", "--epochs", "200"]);
 * ```
 */
export function createProgram(
  io: ProgramIO = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) },
): Command {
  const program = new Command("chainrule")
    .description("Derivatives by the chain rule and neural networks by backpropagation.")
    .version(packageVersion())
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command("demo")
    .summary("train the tutorial's network with autograd and print what its NumPy program prints")
    .description(
      "Train the tutorial's 2-4-1 sigmoid network (chain-rule-and-backpropagation.md, section 5) with autograd, " +
        "on the same NumPy seed-42 data and initial weights, and print what the tutorial's NumPy program prints.",
    )
    .option("--hidden <n>", "hidden units", integerArg(1, 100_000), 4)
    .addOption(
      new Option("--activation <name>", "hidden-layer activation (the output stays a sigmoid)")
        .choices(DEMO_ACTIVATIONS)
        .default("sigmoid"),
    )
    .option("--lr <x>", "learning rate of plain gradient descent", positiveNumberArg, 0.1)
    .option("--epochs <n>", "full-batch training epochs", integerArg(0), 1000)
    .addOption(
      new Option(
        "--loss <mode>",
        "tutorial: train on BCE's gradient (the tutorial's dz2 = a2 - y) and print MSE; mse: train on and print MSE; bce: train on and print BCE",
      )
        .choices(DEMO_LOSSES)
        .default("tutorial"),
    )
    .option("--seed <n>", "NumPy legacy seed for the data and initial weights", integerArg(0, 0xffffffff), 42)
    .option("--print-every <n>", "print the loss every n epochs", integerArg(1), 100)
    .option(
      "--check",
      "compare autograd's gradients with the tutorial's hand-written backward every epoch",
      false,
    )
    .addHelpText("after", DEMO_EXAMPLES)
    .action(
      (opts: {
        hidden: number;
        activation: DemoActivation;
        lr: number;
        epochs: number;
        loss: DemoLoss;
        seed: number;
        printEvery: number;
        check: boolean;
      }) => {
        const result = runTutorialDemo(opts);
        io.out(`${result.lines.join("\n")}\n`);
      },
    );

  registerDemoVanishingCommand(program, io);
  registerExplainCommand(program, io);
  registerGraphCommand(program, io);
  registerTrainCommand(program, io);
  registerEvalCommand(program, io);
  registerPredictCommand(program, io);
  registerExportCommand(program, io);
  registerBuildNativeCommand(program, io);

  program.addHelpText(
    "after",
    `
Examples:
  $ chainrule demo                  # the tutorial's network, line for line
  $ chainrule demo vanishing        # vanishing gradients: deep sigmoid vs ReLU with He init
  $ chainrule explain "f = x^2 + y^2; x = t^2; y = sin(t)" --wrt t --at t=0.7
  $ chainrule graph --tutorial --svg net.svg
  $ chainrule train --data iris --out iris-model/
  $ chainrule predict --model iris-model/ --data flowers.csv
  $ chainrule build-native          # compile the optional native backend (C++ addon) for Node
  $ chainrule <command> --help      # every command's options and examples
`,
  );
  return program;
}
