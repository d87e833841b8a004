// `chainrule graph "<program>" --svg out.svg`: draws an expression's (or the tutorial network's) recorded graph.

import { writeFileSync } from "node:fs";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { Tensor } from "../../core.js";
import { tutorialProblem } from "../../data/tutorial.js";
import { ValueError } from "../../errors.js";
import { evaluateExpression } from "../../tools/expr/program.js";
import { toDot } from "../../tools/graph/dot.js";
import type { GraphOptions } from "../../tools/graph/model.js";
import { toSvg } from "../../tools/graph/svg.js";
import type { ProgramIO } from "../program.js";
import { parseAssignments, resolveInputs } from "./explain.js";

/**
 * The tutorial's 2-layer network (section 5) on its data, with the loss its `compute_loss` prints:
 * `z1 = X W1 + b1, a1 = σ(z1), z2 = a1 W2 + b2, a2 = σ(z2), loss = mean((a2 - y)^2)`, every tensor named.
 *
 * @example
 * ```ts
 * const { loss, names } = tutorialLossGraph();
 * toSvg(loss, { names });
 * ```
 */
export function tutorialLossGraph(hidden = 4): { loss: Tensor; names: Map<Tensor, string> } {
  const { x, y, W1, b1, W2, b2 } = tutorialProblem({ hidden });
  const z1 = x.matmul(W1).add(b1);
  const a1 = z1.sigmoid();
  const z2 = a1.matmul(W2).add(b2);
  const a2 = z2.sigmoid();
  const loss = a2.sub(y).pow(2).mean();
  const named: [string, Tensor][] = [
    ["X", x],
    ["y", y],
    ["W1", W1],
    ["b1", b1],
    ["W2", W2],
    ["b2", b2],
    ["z1", z1],
    ["a1", a1],
    ["z2", z2],
    ["a2", a2],
    ["loss", loss],
  ];
  return { loss, names: new Map(named.map(([n, t]) => [t, n])) };
}

const EXAMPLES = `
Examples:
  $ chainrule graph "f = x^2 + y^2; x = t^2; y = sin(t)" --at t=0.7 --svg f.svg
  $ chainrule graph "f = u^2; u = 3*x + 1" --at x=2 --dot            # DOT text on stdout
  $ chainrule graph --tutorial --svg net.svg                         # the tutorial's 2-layer network and its loss
  $ chainrule graph --tutorial --dot net.dot --direction LR
`;

function positiveInteger(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("Expected an integer >= 1.");
  return n;
}

interface GraphCommandOptions {
  at?: Record<string, number>;
  output?: string;
  tutorial: boolean;
  hidden: number;
  svg?: string;
  dot?: string | boolean;
  title?: string;
  maxNodes?: number;
  collapse: "auto" | "modules" | "none";
  direction: "TB" | "LR";
  edgeLabels: boolean;
  gradients: boolean;
}

/** Writes `text` to `path` (or stdout for `-`), as a one-line error when the file cannot be written. */
function emit(io: ProgramIO, path: string, text: string, what: string): void {
  if (path === "-") {
    io.out(text);
    return;
  }
  try {
    writeFileSync(path, text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValueError("graph", `could not write ${path}, got ${reason}`);
  }
  io.out(`wrote ${path} (${what}, ${(Buffer.byteLength(text) / 1024).toFixed(1)} kB)\n`);
}

/**
 * Registers `chainrule graph`.
 *
 * @example
 * ```ts
 * registerGraphCommand(program, io);
 * await program.parseAsync(["node", "chainrule", "graph", "--tutorial", "--svg", "net.svg"]);
 * ```
 */
export function registerGraphCommand(program: Command, io: ProgramIO): void {
  program
    .command("graph")
    .summary("draw the recorded graph of an expression or of the tutorial's network as SVG or DOT")
    .description(
      "Draw the graph chainrule records for an expression program (see `chainrule explain --help` for the language) " +
        "or for the tutorial's 2-layer network: boxes show op, shape, value and gradient; edges between scalars show " +
        "the local derivative. The SVG is laid out in JavaScript and self-contained (no Graphviz needed).",
    )
    .argument(
      "[program]",
      'assignments separated by ";" or newlines, e.g. "f = x^2 + y^2; x = t^2; y = sin(t)"',
    )
    .option(
      "--at <values>",
      "input values, name=number pairs separated by commas (repeatable)",
      parseAssignments,
    )
    .option("--output <name>", "the output (default: the name nothing else reads)")
    .option("--tutorial", "draw the tutorial's 2-layer network and its loss instead of a program", false)
    .option("--hidden <n>", "hidden units of the tutorial network", positiveInteger, 4)
    .option("--svg <file>", "write a self-contained SVG ('-' for stdout)")
    .option("--dot [file]", "write Graphviz DOT (stdout without a file; the default when --svg is not given)")
    .option("--title <text>", "a title above the drawing")
    .option("--max-nodes <n>", "node budget before collapsing (default 120)", positiveInteger)
    .addOption(
      new Option("--collapse <mode>", "collapse large graphs")
        .choices(["auto", "modules", "none"])
        .default("auto"),
    )
    .addOption(new Option("--direction <dir>", "layout direction").choices(["TB", "LR"]).default("TB"))
    .option("--no-edge-labels", "no local derivatives on edges")
    .option("--no-gradients", "no gradient summaries")
    .addHelpText("after", EXAMPLES)
    .action((source: string | undefined, opts: GraphCommandOptions) => {
      let root: Tensor;
      let names: Map<Tensor, string>;
      let title = opts.title;
      if (opts.tutorial) {
        if (source !== undefined)
          throw new ValueError(
            "graph",
            `expected a program or --tutorial, got both (program ${JSON.stringify(source)})`,
          );
        ({ loss: root, names } = tutorialLossGraph(opts.hidden));
        title ??= "The tutorial's network: loss = mean((σ(σ(X W1 + b1) W2 + b2) - y)^2)";
      } else {
        if (source === undefined)
          throw new ValueError("graph", "expected a program or --tutorial, got neither");
        const { output } = resolveInputs("graph", source, opts.at ?? {}, opts.output);
        const ev = evaluateExpression(source, opts.at ?? {}, { output, op: "graph" });
        root = ev.output;
        names = new Map(ev.names);
        title ??= source.replace(/\s*\n\s*/g, "; ");
      }
      const options: GraphOptions = {
        names,
        title,
        collapse: opts.collapse,
        direction: opts.direction,
        edgeLabels: opts.edgeLabels,
        gradients: opts.gradients ? "auto" : false,
        ...(opts.maxNodes === undefined ? {} : { maxNodes: opts.maxNodes }),
      };
      if (opts.svg !== undefined) emit(io, opts.svg, toSvg(root, options), "SVG");
      if (opts.dot !== undefined || opts.svg === undefined) {
        const path = typeof opts.dot === "string" ? opts.dot : "-";
        emit(io, path, toDot(root, options), "DOT");
      }
    });
}
