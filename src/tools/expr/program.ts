// Expression programs: statements resolved into a dependency graph (definitions may come in any order;
// cycles are errors), their symbolic forms, and their evaluation as a chainrule graph of float64 scalars.

import type { Tensor } from "../../core.js";
import * as ops from "../../core.js";
import { describeValue, ValueError } from "../../errors.js";
import { EXPR_CONSTANTS, EXPR_FUNCTIONS } from "./functions.js";
import { type ExprNode, parseStatements, type Statement, syntaxErrorAt } from "./parse.js";
import { add, call, div, mul, neg, num, pow, type Sym, sub, variable } from "./symbolic.js";

/** One assignment `name = expr` of a program. */
export interface ExprDefinition {
  /** The assigned name. */
  readonly name: string;
  /** The right-hand side's syntax tree. */
  readonly expr: ExprNode;
  /** The right-hand side as a symbolic expression (other names appear as variables). */
  readonly sym: Sym;
  /** The names it reads, in order of first appearance (constants excluded). */
  readonly refs: readonly string[];
  /** The statement as written, e.g. `"x = t^2"`. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/** A parsed, resolved program. */
export interface ExprProgram {
  /** The source text. */
  readonly source: string;
  /** Every definition, inputs-first (each after the names it reads). */
  readonly definitions: readonly ExprDefinition[];
  /** Free variables (read but never assigned), in order of first appearance: they need values. */
  readonly inputs: readonly string[];
  /** The output's name. */
  readonly output: string;
}

/** Options of {@link parseExpression}. */
export interface ParseExpressionOptions {
  /** The output's name; default: the one defined name nothing else reads (or the bare expression). */
  output?: string;
  /** The operation named in error messages (default `"expr"`). */
  op?: string;
}

function toSym(node: ExprNode, isConstant: (name: string) => boolean): Sym {
  switch (node.type) {
    case "number":
      return num(node.value);
    case "name":
      if (isConstant(node.name)) return node.name === "e" ? call("exp", num(1)) : variable("π");
      return variable(node.name);
    case "neg":
      return neg(toSym(node.arg, isConstant));
    case "call":
      return call(node.fn, ...node.args.map((a) => toSym(a, isConstant)));
    case "binary": {
      const a = toSym(node.left, isConstant);
      const b = toSym(node.right, isConstant);
      switch (node.op) {
        case "+":
          return add(a, b);
        case "-":
          return sub(a, b);
        case "*":
          return mul(a, b);
        case "/":
          return div(a, b);
        case "^":
          return pow(a, b);
      }
    }
  }
}

/** Name nodes of a tree, in order. */
function nameNodes(node: ExprNode, out: Extract<ExprNode, { type: "name" }>[] = []) {
  if (node.type === "name") out.push(node);
  else if (node.type === "neg") nameNodes(node.arg, out);
  else if (node.type === "binary") {
    nameNodes(node.left, out);
    nameNodes(node.right, out);
  } else if (node.type === "call") for (const a of node.args) nameNodes(a, out);
  return out;
}

/**
 * Parses and resolves an expression program: statements `name = expr` separated by `;` or newlines, in any
 * order (a definition may read names defined later). Names never assigned are inputs. `pi` (`π`) and `e` are
 * constants unless assigned. Syntax errors point at the column with a caret; cyclic definitions are named.
 *
 * @example
 * ```ts
 * const p = parseExpression("f = x^2 + y^2; x = t^2; y = sin(t)");
 * p.output; // "f"
 * p.inputs; // ["t"]
 * p.definitions.map((d) => d.name); // ["x", "y", "f"]
 * ```
 */
export function parseExpression(source: string, options: ParseExpressionOptions = {}): ExprProgram {
  const op = options.op ?? "expr";
  const statements = parseStatements(source, op);
  const assigned = new Map<string, Statement>();
  let bare: Statement | null = null;
  for (const s of statements) {
    if (s.name === null) {
      if (bare !== null)
        throw syntaxErrorAt(op, source, s, "only one statement may be a bare expression (the output)");
      bare = s;
      continue;
    }
    const previous = assigned.get(s.name);
    if (previous)
      throw syntaxErrorAt(
        op,
        source,
        s,
        `'${s.name}' is assigned twice (first at line ${previous.line}, column ${previous.column})`,
      );
    assigned.set(s.name, s);
  }
  let bareName: string | null = null;
  if (bare !== null) {
    bareName = ["f", "y", "out", "_out"].find((n) => !assigned.has(n))!;
    assigned.set(bareName, { ...bare, name: bareName });
  }
  const isConstant = (name: string) => Object.hasOwn(EXPR_CONSTANTS, name) && !assigned.has(name);

  const raw = new Map<string, ExprDefinition>();
  const inputs: string[] = [];
  for (const [name, s] of assigned) {
    const refs: string[] = [];
    for (const n of nameNodes(s.expr)) {
      if (isConstant(n.name) || refs.includes(n.name)) continue;
      refs.push(n.name);
    }
    raw.set(name, {
      name,
      expr: s.expr,
      sym: toSym(s.expr, isConstant),
      refs,
      text: s.name === null ? `${name} = ${s.text}` : s.text,
      line: s.line,
      column: s.column,
    });
  }
  for (const d of raw.values())
    for (const r of d.refs) if (!raw.has(r) && !inputs.includes(r)) inputs.push(r);

  // Depth-first order with an explicit stack (no recursion); a grey node met again closes a cycle.
  const state = new Map<string, "grey" | "black">();
  const ordered: ExprDefinition[] = [];
  for (const root of raw.keys()) {
    if (state.has(root)) continue;
    const stack: [string, number][] = [[root, 0]];
    state.set(root, "grey");
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const def = raw.get(top[0])!;
      if (top[1] < def.refs.length) {
        const next = def.refs[top[1]++];
        if (!raw.has(next)) continue;
        const st = state.get(next);
        if (st === "grey") {
          const names = stack.map(([n]) => n);
          const cycle = [...names.slice(names.indexOf(next)), next].join(" → ");
          throw syntaxErrorAt(op, source, raw.get(next)!, `definitions must not be cyclic, got ${cycle}`);
        }
        if (st === undefined) {
          state.set(next, "grey");
          stack.push([next, 0]);
        }
      } else {
        state.set(top[0], "black");
        ordered.push(def);
        stack.pop();
      }
    }
  }

  let output: string;
  if (options.output !== undefined) {
    if (!raw.has(options.output))
      throw new ValueError(
        op,
        `output must be a defined name (${[...raw.keys()].join(", ")}), got ${describeValue(options.output)}`,
      );
    output = options.output;
  } else if (bareName !== null) output = bareName;
  else {
    const read = new Set(ordered.flatMap((d) => d.refs));
    const sinks = ordered.filter((d) => !read.has(d.name)).map((d) => d.name);
    if (sinks.length !== 1)
      throw new ValueError(
        op,
        `expected one output (a name nothing else reads), got ${sinks.length === 0 ? "none" : sinks.join(", ")}; choose one with the output option (--output)`,
      );
    output = sinks[0];
  }
  return { source, definitions: ordered, inputs, output };
}

/** A program evaluated at a point, as a chainrule graph of 0-d float64 tensors. */
export interface EvaluatedExpression {
  /** The resolved program. */
  readonly program: ExprProgram;
  /** Each name's tensor: inputs are leaves that require grad, definitions are recorded results. */
  readonly tensors: Readonly<Record<string, Tensor>>;
  /** Each name's value. */
  readonly values: Readonly<Record<string, number>>;
  /** The output's tensor. */
  readonly output: Tensor;
  /** Tensor → name, for explanations and graph drawings. */
  readonly names: ReadonlyMap<Tensor, string>;
}

/** The definitions the output depends on, inputs-first, and the inputs it reads. @example `outputClosure(parseExpression("f = x; g = y", { output: "f" })).inputs // ["x"]` */
export function outputClosure(program: ExprProgram): { definitions: ExprDefinition[]; inputs: string[] } {
  const byName = new Map(program.definitions.map((d) => [d.name, d]));
  const needed = new Set<string>([program.output]);
  for (let i = program.definitions.length - 1; i >= 0; i--) {
    const d = program.definitions[i];
    if (needed.has(d.name)) for (const r of d.refs) needed.add(r);
  }
  return {
    definitions: program.definitions.filter((d) => needed.has(d.name)),
    inputs: program.inputs.filter((n) => needed.has(n) && !byName.has(n)),
  };
}

/** Builds the graph of one syntax tree, reading names from `env`. @example `buildTensor(def.expr, (n) => tensors[n])` */
export function buildTensor(node: ExprNode, env: (name: string) => Tensor): Tensor {
  const constant = (v: number) => ops.tensor(v, { dtype: "float64" });
  switch (node.type) {
    case "number":
      return constant(node.value);
    case "name":
      return env(node.name);
    case "neg":
      return ops.neg(buildTensor(node.arg, env));
    case "call":
      return EXPR_FUNCTIONS[node.fn].apply(node.args.map((a) => buildTensor(a, env)));
    case "binary": {
      const a = buildTensor(node.left, env);
      const b = buildTensor(node.right, env);
      const f = { "+": ops.add, "-": ops.sub, "*": ops.mul, "/": ops.div, "^": ops.pow }[node.op];
      return f(a, b);
    }
  }
}

/**
 * Evaluates a program at a point: every input gets a float64 leaf that requires grad, every definition is
 * built with chainrule's ops (so `explain`, `grad` and the graph drawings work on it).
 *
 * @param at a value for every input the output depends on.
 * @example
 * ```ts
 * const e = evaluateExpression("f = u^2; u = 3*x + 1", { x: 2 });
 * e.values.f; // 49
 * e.output.backward();
 * e.tensors.x.grad?.item(); // 42 = 6(3x + 1)
 * ```
 */
export function evaluateExpression(
  program: string | ExprProgram,
  at: Readonly<Record<string, number>>,
  options: ParseExpressionOptions = {},
): EvaluatedExpression {
  const op = options.op ?? "expr";
  const p = typeof program === "string" ? parseExpression(program, options) : program;
  const { definitions, inputs } = outputClosure(p);
  const defined = new Set(p.definitions.map((d) => d.name));
  for (const [name, value] of Object.entries(at ?? {})) {
    if (defined.has(name))
      throw new ValueError(
        op,
        `values may only be given for inputs (${p.inputs.join(", ") || "none"}), got ${name}, which the program defines`,
      );
    if (!p.inputs.includes(name))
      throw new ValueError(
        op,
        `values may only be given for inputs (${p.inputs.join(", ") || "none"}), got ${name}`,
      );
    if (typeof value !== "number" || !Number.isFinite(value))
      throw new ValueError(op, `the value of ${name} must be a finite number, got ${describeValue(value)}`);
  }
  const tensors: Record<string, Tensor> = {};
  const values: Record<string, number> = {};
  const names = new Map<Tensor, string>();
  for (const name of inputs) {
    if (!Object.hasOwn(at ?? {}, name))
      throw new ValueError(
        op,
        `expected a value for every input (${inputs.join(", ")}), got none for ${name}`,
      );
    tensors[name] = ops.tensor(at[name], { dtype: "float64", requiresGrad: true });
  }
  const constants: Record<string, number> = EXPR_CONSTANTS;
  for (const d of definitions) {
    let t = buildTensor(d.expr, (n) => tensors[n] ?? ops.tensor(constants[n], { dtype: "float64" }));
    // An alias (x = t) gets its own node, so the name has a place in the graph.
    if (Object.values(tensors).includes(t)) t = ops.identity(t);
    tensors[d.name] = t;
  }
  for (const [name, t] of Object.entries(tensors)) {
    values[name] = t.item();
    names.set(t, name);
  }
  return { program: p, tensors, values, output: tensors[p.output], names };
}
