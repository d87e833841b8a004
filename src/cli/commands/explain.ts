// `chainrule explain "<program>" --wrt t --at t=0.7`: the chain rule path by path for a small expression program.

import { type Command, InvalidArgumentError } from "commander";
import { ValueError } from "../../errors.js";
import { explainExpression } from "../../tools/explain/expression.js";
import { formatExplanation } from "../../tools/explain/format.js";
import { parseExpression } from "../../tools/expr/program.js";
import type { ProgramIO } from "../program.js";

const NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;

/**
 * Collects `--at a=1,b=2` option-arguments (repeatable) into one record; a malformed pair is commander's
 * one-line option error.
 *
 * @example
 * ```ts
 * parseAssignments("a=1,b=2", {}); // { a: 1, b: 2 }
 * ```
 */
export function parseAssignments(value: string, previous?: Record<string, number>): Record<string, number> {
  const out = { ...(previous ?? {}) };
  for (const part of value.split(",")) {
    const m = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(part);
    if (!m || !NAME.test(m[1]))
      throw new InvalidArgumentError(`Expected name=number pairs separated by commas, got "${part.trim()}".`);
    const n = Number(m[2]);
    if (!Number.isFinite(n))
      throw new InvalidArgumentError(`Expected a finite number for ${m[1]}, got "${m[2]}".`);
    out[m[1]] = n;
  }
  return out;
}

/** Parses the program and names missing --at values before evaluating. @example `resolveInputs("explain", "f = t^2", { t: 1 }, undefined) // { inputs: ["t"], output: "f" }` */
export function resolveInputs(
  op: string,
  source: string,
  at: Record<string, number>,
  output: string | undefined,
): { inputs: readonly string[]; output: string } {
  const program = parseExpression(source, { output, op });
  const missing = program.inputs.filter((n) => !Object.hasOwn(at, n));
  if (missing.length > 0)
    throw new ValueError(
      op,
      `expected a value for every input (${program.inputs.join(", ")}), got none for ${missing.join(", ")}; pass --at ${missing.map((n) => `${n}=<number>`).join(",")}`,
    );
  return { inputs: program.inputs, output: program.output };
}

const EXAMPLES = `
The language: numbers, names, + - * / ^ (right-associative), unary minus, parentheses, 3x for 3*x, the
functions sin cos tan exp log log1p expm1 sqrt tanh sigmoid relu abs softplus erf erfc gelu silu sign max min,
the constants pi and e, and assignments separated by ';' or newlines, in any order.

Examples:
  $ chainrule explain "f = x^2 + y^2; x = t^2; y = sin(t)" --wrt t --at t=0.7
  $ chainrule explain "f = u^2; u = 3*x + 1" --wrt x --at x=2
  $ chainrule explain "L = (w*x + b - y)^2" --wrt w --at w=0.5,x=2,b=0.1,y=1
  $ chainrule explain "f = x^2 + y^2; x = t^2; y = sin(t)" --at t=0.7 --ops     # through the primitives
  $ chainrule explain "f = x^2 + y^2; x = t^2; y = sin(t)" --at t=0.7 --json
`;

/**
 * Registers `chainrule explain`.
 *
 * @example
 * ```ts
 * registerExplainCommand(program, io);
 * await program.parseAsync(["node", "chainrule", "explain", "f = u^2; u = 3*x + 1", "--wrt", "x", "--at", "x=2"]);
 * ```
 */
export function registerExplainCommand(program: Command, io: ProgramIO): void {
  program
    .command("explain")
    .summary(
      "show the chain rule path by path for an expression, with values, autograd and a finite difference",
    )
    .description(
      "Differentiate a small program by the chain rule and show every path from --wrt to the output: each local " +
        "derivative symbolically and its value, the product per path, the sum over paths, the autograd result and a " +
        "float64 central difference.",
    )
    .argument(
      "<program>",
      'assignments separated by ";" or newlines, e.g. "f = x^2 + y^2; x = t^2; y = sin(t)"',
    )
    .option("--wrt <name>", "the variable to differentiate with respect to (default: the only input)")
    .option(
      "--at <values>",
      "input values, name=number pairs separated by commas (repeatable)",
      parseAssignments,
    )
    .option("--output <name>", "the output (default: the name nothing else reads)")
    .option("--ops", "paths through the recorded primitives instead of the named variables", false)
    .option("--limit <n>", "the most paths to list (largest |product| first)", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("Expected an integer >= 1.");
      return n;
    })
    .option("--json", "print the explanation as JSON", false)
    .addHelpText("after", EXAMPLES)
    .action(
      (
        source: string,
        opts: {
          wrt?: string;
          at?: Record<string, number>;
          output?: string;
          ops: boolean;
          limit?: number;
          json: boolean;
        },
      ) => {
        const { inputs, output } = resolveInputs("explain", source, opts.at ?? {}, opts.output);
        let wrt = opts.wrt;
        if (wrt === undefined) {
          if (inputs.length !== 1)
            throw new ValueError(
              "explain",
              `expected --wrt <name> when the program has ${inputs.length === 0 ? "no inputs" : `several inputs (${inputs.join(", ")})`}`,
            );
          wrt = inputs[0];
        }
        const result = explainExpression(source, {
          wrt,
          at: opts.at ?? {},
          output,
          ops: opts.ops,
          limit: opts.limit,
        });
        io.out(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatExplanation(result));
      },
    );
}
