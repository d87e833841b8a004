// `chainrule demo vanishing`: a deep sigmoid network and a ReLU network with He init, trained side by side.

import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { runVanishingDemo } from "../../tools/health/vanishing-demo.js";
import type { ProgramIO } from "../program.js";

function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`Expected an integer in [${min}, ${max}].`);
    return n;
  };
}

function positive(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError("Expected a positive number.");
  return n;
}

function momentumArg(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n >= 0 && n < 1))
    throw new InvalidArgumentError("Expected a number in [0, 1).");
  return n;
}

const EXAMPLES = `
Examples:
  $ chainrule demo vanishing                       # 10 layers, 150 epochs, chart in ./vanishing.svg
  $ chainrule demo vanishing --depth 6 --epochs 300 --svg out/grad-norms.svg
  $ chainrule demo vanishing --no-svg              # numbers only
`;

/**
 * Adds `vanishing` under the existing `demo` command (`chainrule demo` alone still runs the tutorial demo).
 *
 * @example
 * ```ts
 * const program = createProgram(); // calls registerDemoVanishingCommand(program, io)
 * await program.parseAsync(["node", "chainrule", "demo", "vanishing", "--epochs", "50", "--no-svg"]);
 * ```
 */
export function registerDemoVanishingCommand(program: Command, io: ProgramIO): void {
  const demo = program.commands.find((c) => c.name() === "demo");
  if (demo === undefined)
    throw new Error("registerDemoVanishingCommand: the demo command must be registered first");
  // `demo` has options of the same names (--epochs, --lr, --seed): after the word `vanishing` they must be
  // its own. Commander needs positional options on every level above for that (the root has only
  // --version and --help, which still work before a command and as each command's own --help).
  program.enablePositionalOptions();
  demo.enablePositionalOptions();
  demo
    .command("vanishing")
    .summary(
      "train a deep sigmoid net and a ReLU net with He init side by side; print and plot gradient norms",
    )
    .description(
      "Train two networks of the same depth and width on the same seeded two-circles data (full-batch SGD, " +
        "momentum 0.9, BCE with logits): one with sigmoid activations and PyTorch's default init, one with ReLU and " +
        "He (Kaiming normal) init. Print each layer's gradient norm at a few epochs, the health flags and the final " +
        "losses, and write an SVG chart of per-layer gradient norms (log scale) and the loss curves.",
    )
    .option("--depth <n>", "Linear layers per network", integerIn(2, 50), 10)
    .option("--width <n>", "units per hidden layer", integerIn(1, 512), 16)
    .option("--epochs <n>", "full-batch training epochs", integerIn(1, 100_000), 150)
    .option("--lr <x>", "SGD learning rate", positive, 0.02)
    .option("--momentum <x>", "SGD momentum, in [0, 1)", momentumArg, 0.9)
    .option("--samples <n>", "points in the data set", integerIn(4, 100_000), 200)
    .option("--seed <n>", "seed of the data and the initial weights", integerIn(0, 0xffffffff), 0)
    .option("--svg <path>", "where to write the chart", "vanishing.svg")
    .option("--no-svg", "do not write a chart")
    .addHelpText("after", EXAMPLES)
    .action(
      (opts: {
        depth: number;
        width: number;
        epochs: number;
        lr: number;
        momentum: number;
        samples: number;
        seed: number;
        svg: string | false;
      }) => {
        const result = runVanishingDemo(opts);
        const lines = [...result.lines];
        if (opts.svg !== false) {
          const path = resolve(opts.svg);
          try {
            writeFileSync(path, result.svg);
          } catch (e) {
            throw new Error(`demo vanishing: cannot write the chart to ${path}: ${(e as Error).message}`);
          }
          lines.push(`Chart: ${path}`);
        }
        io.out(`${lines.join("\n")}\n`);
      },
    );
}
