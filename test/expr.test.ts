// The expression language: parsing (precedence, errors with columns), programs (order, cycles, outputs),
// symbolic derivatives checked against finite differences and autograd, and the tutorial's printed forms.

import { ExprSyntaxError, evaluateExpression, parseExpression, ValueError } from "chainrule";
import { describe, expect, it } from "vitest";
import { derive } from "../src/tools/expr/derive.js";
import { EXPR_FUNCTIONS, evaluateSym } from "../src/tools/expr/functions.js";
import { printSym } from "../src/tools/expr/print.js";
import { call, mul, num, pow, simplify, substitute, variable } from "../src/tools/expr/symbolic.js";

/** The value of a one-line program's output at `at`. */
const value = (src: string, at: Record<string, number> = {}) =>
  evaluateExpression(src, at).values[parseExpression(src).output];

/** The definition's symbolic right-hand side. */
const symOf = (src: string, name?: string) => {
  const p = parseExpression(src);
  return p.definitions.find((d) => d.name === (name ?? p.output))!.sym;
};

function syntaxError(src: string): ExprSyntaxError {
  try {
    parseExpression(src, { op: "explain" });
  } catch (error) {
    expect(error).toBeInstanceOf(ExprSyntaxError);
    return error as ExprSyntaxError;
  }
  throw new Error(`expected a syntax error for ${src}`);
}

describe("parsing and evaluation", () => {
  it("follows the usual precedence: ^ binds tightest and is right-associative, unary minus below ^", () => {
    expect(value("2 + 3 * 4^2")).toBe(50);
    expect(value("2^3^2")).toBe(512);
    expect(value("-2^2")).toBe(-4);
    expect(value("(-2)^2")).toBe(4);
    expect(value("8 / 2 / 2")).toBe(2);
    expect(value("10 - 3 - 2")).toBe(5);
    expect(value("2^-1")).toBe(0.5);
    expect(value("2 ** 3")).toBe(8);
    expect(value("--3")).toBe(3);
    expect(value("1.5e2 + .5")).toBe(150.5);
  });

  it("multiplies a number by what follows it: 3x, 2(x + 1), -3x^2", () => {
    expect(value("3x", { x: 2 })).toBe(6);
    expect(value("2(x + 1)", { x: 2 })).toBe(6);
    expect(value("-3x^2", { x: 2 })).toBe(-12);
    expect(value("2sin(x)", { x: 0.5 })).toBeCloseTo(2 * Math.sin(0.5), 15);
  });

  it("calls every function of the table with its float64 value", () => {
    const x = 0.37;
    const cases: [string, number][] = [
      ["sin(x)", Math.sin(x)],
      ["cos(x)", Math.cos(x)],
      ["tan(x)", Math.tan(x)],
      ["exp(x)", Math.exp(x)],
      ["log(x)", Math.log(x)],
      ["sqrt(x)", Math.sqrt(x)],
      ["tanh(x)", Math.tanh(x)],
      ["sigmoid(x)", 1 / (1 + Math.exp(-x))],
      ["relu(-x)", 0],
      ["abs(-x)", x],
      ["softplus(x)", Math.log1p(Math.exp(x))],
      ["max(x, 1)", 1],
      ["min(x, 1)", x],
      ["pi * x", Math.PI * x],
      ["e^x", Math.exp(x)],
    ];
    for (const [src, expected] of cases) expect(value(src, { x }), src).toBeCloseTo(expected, 14);
  });

  it("builds a float64 graph whose gradient is the tutorial's 6(3x + 1)", () => {
    const e = evaluateExpression("f = u^2; u = 3*x + 1", { x: 2 });
    expect(e.values).toEqual({ x: 2, u: 7, f: 49 });
    expect(e.output.dtype).toBe("float64");
    e.output.backward();
    expect(e.tensors.x.grad?.item()).toBe(42);
    expect(e.names.get(e.tensors.u)).toBe("u");
  });

  it("gives an alias its own node, so each name has a place in the graph", () => {
    const e = evaluateExpression("f = x * 2; x = t", { t: 3 });
    expect(e.tensors.x).not.toBe(e.tensors.t);
    expect(e.tensors.x.gradFn).toBe("identity");
    expect(e.values.f).toBe(6);
  });
});

describe("programs", () => {
  it("resolves definitions in any order, finds the inputs and the output", () => {
    const p = parseExpression("f = x^2 + y^2; x = t^2; y = sin(t)");
    expect(p.output).toBe("f");
    expect(p.inputs).toEqual(["t"]);
    expect(p.definitions.map((d) => d.name)).toEqual(["x", "y", "f"]);
    expect(p.definitions.find((d) => d.name === "f")!.refs).toEqual(["x", "y"]);
    const q = parseExpression("f = a*x\n\nx = t^2\n");
    expect(q.inputs).toEqual(["a", "t"]);
  });

  it("names a bare expression f and treats pi and e as constants unless assigned", () => {
    const p = parseExpression("x^2 + pi");
    expect(p.output).toBe("f");
    expect(p.inputs).toEqual(["x"]);
    expect(parseExpression("f = e * 2; e = x").inputs).toEqual(["x"]);
  });

  it("rejects cycles and names them", () => {
    expect(() => parseExpression("f = x + 1; x = y; y = x", { op: "explain" })).toThrow(
      /definitions must not be cyclic, got x → y → x/,
    );
    expect(() => parseExpression("x = x + 1")).toThrow(/cyclic, got x → x/);
  });

  it("asks for --output when several names are unused, and checks the choice", () => {
    expect(() => parseExpression("f = x; g = x")).toThrow(/expected one output .* got f, g; choose one/);
    expect(parseExpression("f = x; g = x", { output: "g" }).output).toBe("g");
    expect(() => parseExpression("f = x", { output: "h" })).toThrow(ValueError);
  });

  it("validates the values: every input once, nothing else, finite numbers", () => {
    expect(() => evaluateExpression("f = x + y", { x: 1 })).toThrow(/got none for y/);
    expect(() => evaluateExpression("f = x", { x: 1, z: 2 })).toThrow(
      /only be given for inputs \(x\), got z/,
    );
    expect(() => evaluateExpression("f = x; x = t", { t: 1, x: 2 })).toThrow(
      /got x, which the program defines/,
    );
    expect(() => evaluateExpression("f = x", { x: Number.NaN })).toThrow(/finite number/);
  });
});

describe("syntax errors point at the column", () => {
  it("shows the source line and a caret under the offending token", () => {
    const e = syntaxError("f = x^2 + y^2)");
    expect(e.column).toBe(14);
    const [first, line, caret] = e.message.split("\n");
    expect(first).toBe("explain: unexpected ')' at column 14");
    expect(line).toBe("  f = x^2 + y^2)");
    expect(caret).toBe(`  ${" ".repeat(13)}^`);
    expect(caret.indexOf("^")).toBe(line.indexOf(")"));
  });

  it("gives line and column in a program of several lines", () => {
    const e = syntaxError("f = x + 1\nx = (t + 2");
    expect(e.line).toBe(2);
    expect(e.message.split("\n")[0]).toBe(
      "explain: expected ')' to close the '(' at column 5 at line 2, column 11",
    );
  });

  it("names unknown functions, wrong arity, stray characters and misuse of names", () => {
    expect(syntaxError("f = foo(x)").message).toMatch(/^explain: unknown function 'foo' \(known: sin, cos/);
    expect(syntaxError("f = sin(x, y)").message).toMatch(/^explain: sin takes 1 argument, got 2 at column 5/);
    expect(syntaxError("f = x @ y").message).toMatch(/^explain: unexpected character "@" at column 7/);
    expect(syntaxError("sin = 3").message).toMatch(/cannot assign to the function name 'sin'/);
    expect(syntaxError("f = sin + 1").message).toMatch(/function 'sin' needs arguments/);
    expect(syntaxError("f = x; f = y").message).toMatch(
      /'f' is assigned twice \(first at line 1, column 1\) at column 8/,
    );
    expect(syntaxError("f = 2 3").message).toMatch(/unexpected '3' at column 7/);
    expect(syntaxError("f = ").message).toMatch(/unexpected end of input at column 5/);
    expect(syntaxError(" ; ").message).toMatch(/empty program/);
    expect(syntaxError("x + y = 2").message).toMatch(/left side must be a single name/);
  });
});

describe("symbolic derivatives", () => {
  it("prints the tutorial's terms", () => {
    const f = symOf("f = x^2 + y^2; x = t^2; y = sin(t)", "f");
    const x = symOf("f = x^2 + y^2; x = t^2; y = sin(t)", "x");
    const y = symOf("f = x^2 + y^2; x = t^2; y = sin(t)", "y");
    expect(printSym(derive(f, "x"))).toBe("2x");
    expect(printSym(derive(x, "t"))).toBe("2t");
    expect(printSym(derive(f, "y"))).toBe("2y");
    expect(printSym(derive(y, "t"))).toBe("cos t");
    const lookup = (n: string) => (n === "x" ? x : n === "y" ? y : undefined);
    const path1 = simplify(substitute(mul(derive(f, "x"), derive(x, "t")), lookup)!);
    const path2 = simplify(substitute(mul(derive(f, "y"), derive(y, "t")), lookup)!);
    expect(printSym(path1)).toBe("4t^3");
    expect(printSym(path2)).toBe("2 sin t cos t");
    const u = symOf("f = u^2; u = 3*x + 1", "u");
    const chain = mul(derive(symOf("f = u^2; u = 3*x + 1", "f"), "u"), derive(u, "x"));
    expect(printSym(simplify(chain))).toBe("6u");
    expect(printSym(simplify(substitute(chain, (n) => (n === "u" ? u : undefined))!))).toBe("6(3x + 1)");
  });

  it("writes standard derivatives in familiar forms", () => {
    const d = (src: string) => printSym(derive(symOf(src), "x"));
    expect(d("sqrt(x)")).toBe("1/(2√x)");
    expect(d("sigmoid(x)")).toBe("σ(x)(1 - σ(x))");
    expect(d("1/(x^2 + 1)")).toBe("-2x/(x^2 + 1)^2");
    expect(d("e^x")).toBe("e^x");
    expect(d("x*sin(x)")).toBe("sin x + x cos x");
    expect(d("log(x)")).toBe("1/x");
    expect(d("tanh(x)")).toBe("1 - (tanh x)^2");
    expect(d("relu(x)")).toBe("[x > 0]");
    expect(d("(2x)^2")).toBe("8x");
    expect(printSym(simplify(pow(pow(variable("t"), 2), 2)))).toBe("t^4");
    expect(printSym(simplify(mul(num(3), call("sin", variable("t")), num(2))))).toBe("6 sin t");
  });

  it("agrees with central differences and with autograd for every function, and for composites", () => {
    const programs = [
      ...Object.entries(EXPR_FUNCTIONS).map(([name, f]) =>
        f.arity === 1 ? `f = ${name}(x^2 - 0.1)` : `f = ${name}(x, 0.8 - x)`,
      ),
      "f = x^x",
      "f = 2^(sin(x))",
      "f = (x + 1)/(x^2 + 2)",
      "f = log1p(x)*expm1(x) - sqrt(x + 3)",
      "f = u*v; u = exp(-x); v = tanh(3x)",
      "f = relu(0.5 - x) + abs(0.5 - x) + sign(x)",
    ];
    for (const src of programs)
      for (const x0 of [0.45, 1.3]) {
        const p = parseExpression(src);
        // The derivative of the whole program, names substituted.
        const expanded = new Map<string, ReturnType<typeof symOf>>();
        for (const def of p.definitions) expanded.set(def.name, substitute(def.sym, (n) => expanded.get(n))!);
        const dsym = derive(expanded.get(p.output)!, "x");
        const symbolic = evaluateSym(dsym, () => x0);
        const h = 1e-6;
        const fd = (value(src, { x: x0 + h }) - value(src, { x: x0 - h })) / (2 * h);
        const ev = evaluateExpression(p, { x: x0 });
        ev.output.backward();
        const auto = ev.tensors.x.grad!.item();
        const tol = 1e-6 * (1 + Math.abs(fd));
        expect(Math.abs(symbolic - fd), `${src} at ${x0}: ${printSym(dsym)}`).toBeLessThan(tol);
        expect(Math.abs(symbolic - auto), `${src} at ${x0}: symbolic vs autograd`).toBeLessThan(
          1e-12 * (1 + Math.abs(auto)),
        );
      }
  });
});
