// The expression language's lexer and recursive-descent parser: numbers, names, + - * / ^ (right-assoc),
// unary minus, parentheses, function calls and `name = expr` statements separated by `;` or newlines.

import { ValueError } from "../../errors.js";
import { EXPR_FUNCTIONS } from "./functions.js";

/** A syntax tree node; `line` and `column` (1-based) point at its first character. */
export type ExprNode =
  | { readonly type: "number"; readonly value: number; readonly line: number; readonly column: number }
  | { readonly type: "name"; readonly name: string; readonly line: number; readonly column: number }
  | { readonly type: "neg"; readonly arg: ExprNode; readonly line: number; readonly column: number }
  | {
      readonly type: "binary";
      readonly op: "+" | "-" | "*" | "/" | "^";
      readonly left: ExprNode;
      readonly right: ExprNode;
      readonly line: number;
      readonly column: number;
    }
  | {
      readonly type: "call";
      readonly fn: string;
      readonly args: readonly ExprNode[];
      readonly line: number;
      readonly column: number;
    };

/** One statement: `name = expr`, or a bare expression (`name` null). */
export interface Statement {
  readonly name: string | null;
  readonly expr: ExprNode;
  /** The statement's source text, trimmed. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A syntax error in an expression program. The message names the column (and the line, for programs of
 * several lines) and ends with the offending source line and a caret under the position.
 *
 * @example
 * ```ts
 * try {
 *   parseExpression("f = x^2 + y^2)", { op: "explain" });
 * } catch (e) {
 *   (e as ExprSyntaxError).column; // 14
 *   (e as Error).message; // "explain: unexpected ')' at column 14\n  f = x^2 + y^2)\n               ^"
 * }
 * ```
 */
export class ExprSyntaxError extends ValueError {
  /** 1-based line of the error. */
  readonly line: number;
  /** 1-based column of the error. */
  readonly column: number;
  constructor(op: string, what: string, source: string, line: number, column: number) {
    const lines = source.split(/\r?\n/);
    const where = lines.length > 1 ? `line ${line}, column ${column}` : `column ${column}`;
    const text = lines[line - 1] ?? "";
    super(op, `${what} at ${where}\n  ${text}\n  ${" ".repeat(Math.max(0, column - 1))}^`);
    this.line = line;
    this.column = column;
  }
}

type TokenType = "number" | "name" | "op" | "end" | "eof";

interface Token {
  type: TokenType;
  text: string;
  value: number;
  line: number;
  column: number;
  offset: number;
}

const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[\p{L}_][\p{L}\p{N}_]*/u;

function tokenize(source: string, op: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    const column = i - lineStart + 1;
    const at = (type: TokenType, text: string, value = 0) => {
      tokens.push({ type, text, value, line, column, offset: i });
      i += text.length;
    };
    if (ch === "\n" || ch === ";") {
      at("end", ch);
      if (ch === "\n") {
        line++;
        lineStart = i;
      }
      continue;
    }
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const rest = source.slice(i);
    const n = NUMBER.exec(rest);
    if (n) {
      at("number", n[0], Number(n[0]));
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      at("name", name[0]);
      continue;
    }
    if (rest.startsWith("**")) {
      at("op", "**");
      continue;
    }
    if ("+-*/^(),=".includes(ch)) {
      at("op", ch);
      continue;
    }
    throw new ExprSyntaxError(op, `unexpected character ${JSON.stringify(ch)}`, source, line, column);
  }
  tokens.push({
    type: "eof",
    text: "",
    value: 0,
    line,
    column: source.length - lineStart + 1,
    offset: source.length,
  });
  return tokens;
}

/** Parses a program: statements separated by `;` or newlines. */
class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
    private readonly op: string,
  ) {}

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)];
  }

  private next(): Token {
    return this.tokens[this.pos++];
  }

  private isOp(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === "op" && t.text === text;
  }

  fail(token: Token, what?: string): never {
    const found =
      token.type === "eof" ? "end of input" : token.type === "end" ? "end of statement" : `'${token.text}'`;
    throw new ExprSyntaxError(this.op, what ?? `unexpected ${found}`, this.source, token.line, token.column);
  }

  program(): Statement[] {
    const statements: Statement[] = [];
    while (this.peek().type !== "eof") {
      if (this.peek().type === "end") {
        this.next();
        continue;
      }
      const first = this.peek();
      let name: string | null = null;
      if (first.type === "name" && this.isOp("=", 1)) {
        name = first.text;
        if (EXPR_FUNCTIONS[name]) this.fail(first, `cannot assign to the function name '${name}'`);
        this.pos += 2;
      }
      const expr = this.expression();
      const after = this.peek();
      if (after.type !== "end" && after.type !== "eof") {
        if (after.type === "op" && after.text === "=")
          this.fail(after, "unexpected '='; an assignment's left side must be a single name");
        this.fail(after);
      }
      const text = this.source.slice(first.offset, after.offset).trim();
      statements.push({ name, expr, text, line: first.line, column: first.column });
    }
    if (statements.length === 0) this.fail(this.peek(), "expected an expression, got an empty program");
    return statements;
  }

  private expression(): ExprNode {
    let left = this.term();
    while (this.isOp("+") || this.isOp("-")) {
      const t = this.next();
      left = {
        type: "binary",
        op: t.text as "+" | "-",
        left,
        right: this.term(),
        line: t.line,
        column: t.column,
      };
    }
    return left;
  }

  private term(): ExprNode {
    let left = this.unary();
    for (;;) {
      if (this.isOp("*") || this.isOp("/")) {
        const t = this.next();
        left = {
          type: "binary",
          op: t.text as "*" | "/",
          left,
          right: this.unary(),
          line: t.line,
          column: t.column,
        };
        continue;
      }
      // Implicit multiplication after a number literal: 3x, 2(x + 1), 2sin(t).
      const t = this.peek();
      if (isNumberLiteral(left) && (t.type === "name" || (t.type === "op" && t.text === "("))) {
        left = { type: "binary", op: "*", left, right: this.power(), line: t.line, column: t.column };
        continue;
      }
      return left;
    }
  }

  private unary(): ExprNode {
    if (this.isOp("-")) {
      const t = this.next();
      return { type: "neg", arg: this.unary(), line: t.line, column: t.column };
    }
    if (this.isOp("+")) {
      this.next();
      return this.unary();
    }
    return this.power();
  }

  // `^` binds tighter than unary minus on its left (-x^2 = -(x^2)) and is right-associative (a^b^c = a^(b^c)).
  private power(): ExprNode {
    const base = this.primary();
    if (this.isOp("^") || this.isOp("**")) {
      const t = this.next();
      return { type: "binary", op: "^", left: base, right: this.unary(), line: t.line, column: t.column };
    }
    return base;
  }

  private primary(): ExprNode {
    const t = this.peek();
    if (t.type === "number") {
      this.next();
      return { type: "number", value: t.value, line: t.line, column: t.column };
    }
    if (t.type === "name") {
      this.next();
      if (this.isOp("(")) return this.call(t);
      if (EXPR_FUNCTIONS[t.text]) this.fail(t, `function '${t.text}' needs arguments in parentheses`);
      return { type: "name", name: t.text, line: t.line, column: t.column };
    }
    if (this.isOp("(")) {
      this.next();
      const inner = this.expression();
      if (!this.isOp(")")) this.fail(this.peek(), `expected ')' to close the '(' at column ${t.column}`);
      this.next();
      return inner;
    }
    return this.fail(t);
  }

  private call(name: Token): ExprNode {
    const f = EXPR_FUNCTIONS[name.text];
    if (!f)
      this.fail(name, `unknown function '${name.text}' (known: ${Object.keys(EXPR_FUNCTIONS).join(", ")})`);
    this.next(); // (
    const args: ExprNode[] = [];
    if (!this.isOp(")")) {
      args.push(this.expression());
      while (this.isOp(",")) {
        this.next();
        args.push(this.expression());
      }
    }
    if (!this.isOp(")")) this.fail(this.peek(), `expected ')' or ',' in the arguments of ${name.text}`);
    this.next();
    if (args.length !== f.arity)
      this.fail(
        name,
        `${name.text} takes ${f.arity} argument${f.arity === 1 ? "" : "s"}, got ${args.length}`,
      );
    return { type: "call", fn: name.text, args, line: name.line, column: name.column };
  }
}

function isNumberLiteral(e: ExprNode): boolean {
  return e.type === "number" || (e.type === "neg" && isNumberLiteral(e.arg));
}

/**
 * Parses a program of statements (`name = expr`, or one bare expression) separated by `;` or newlines.
 * `op` names the caller in error messages.
 *
 * @example
 * ```ts
 * parseStatements("f = x^2 + y^2; x = t^2").map((s) => s.name); // ["f", "x"]
 * ```
 */
export function parseStatements(source: string, op = "expr"): Statement[] {
  if (typeof source !== "string")
    throw new ValueError(op, `expected the program as a string, got ${typeof source}`);
  return new Parser(tokenize(source, op), source, op).program();
}

/** A syntax error pointing at a node (used by later checks: names, cycles). @example `throw syntaxErrorAt("expr", src, def, "cyclic")` */
export function syntaxErrorAt(
  op: string,
  source: string,
  node: { line: number; column: number },
  what: string,
) {
  return new ExprSyntaxError(op, what, source, node.line, node.column);
}
