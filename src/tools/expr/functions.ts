// The functions the expression language knows, in one table: how each builds the graph, evaluates in
// float64, and differentiates symbolically (its partial derivative per argument).

import type { Tensor } from "../../core.js";
import * as ops from "../../core.js";
import { add, call, mul, neg, num, pow, type Sym, sub, variable } from "./symbolic.js";

/** One function of the expression language. */
export interface ExprFunction {
  /** How many arguments it takes. */
  readonly arity: number;
  /** One line for help texts. */
  readonly summary: string;
  /** Builds the chainrule graph. */
  apply(args: Tensor[]): Tensor;
  /** Its value in float64 (for checks of the symbolic forms). */
  evaluate(args: number[]): number;
  /** The symbolic partial derivative with respect to argument `i`. */
  partial(args: readonly Sym[], i: number): Sym;
}

const SQRT_PI = call("sqrt", variable("π"));

/** Evaluates a library function on one float64 number (so checks compare against the same kernels). */
function viaTensor(f: (x: Tensor) => Tensor): (x: number) => number {
  return (x) => f(ops.tensor(x, { dtype: "float64" })).item();
}
const erfNumber = viaTensor(ops.erf);

const sigmoidNumber = (x: number): number =>
  x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));

const unary = (
  summary: string,
  apply: (x: Tensor) => Tensor,
  evaluate: (x: number) => number,
  derivative: (x: Sym) => Sym,
): ExprFunction => ({
  arity: 1,
  summary,
  apply: ([x]) => apply(x),
  evaluate: ([x]) => evaluate(x),
  partial: ([x]) => derivative(x),
});

/** Indicator `[x > 0]` (the derivative of relu), and sign (of abs); internal to symbolic derivatives. */
const step = (x: Sym): Sym => call("step", x);
const sigma = (x: Sym): Sym => call("sigmoid", x);

/**
 * The functions, by name. Each derivative is the one chainrule's primitive (or composite) computes; NOTE: as
 * PyTorch, relu'(0) = 0 and abs'(0) = 0, and max/min share the gradient equally at ties.
 */
export const EXPR_FUNCTIONS: Readonly<Record<string, ExprFunction>> = {
  // d/dx sin x = cos x
  sin: unary("sine", ops.sin, Math.sin, (x) => call("cos", x)),
  // d/dx cos x = -sin x
  cos: unary("cosine", ops.cos, Math.cos, (x) => neg(call("sin", x))),
  // d/dx tan x = 1/cos² x (tan is composed as sin/cos)
  tan: unary(
    "tangent (sin/cos)",
    (x) => ops.div(ops.sin(x), ops.cos(x)),
    Math.tan,
    (x) => pow(call("cos", x), -2),
  ),
  // d/dx e^x = e^x
  exp: unary("e^x", ops.exp, Math.exp, (x) => call("exp", x)),
  // d/dx log x = 1/x
  log: unary("natural logarithm", ops.log, Math.log, (x) => pow(x, -1)),
  // d/dx log(1 + x) = 1/(1 + x)
  log1p: unary("log(1 + x)", ops.log1p, Math.log1p, (x) => pow(add(num(1), x), -1)),
  // d/dx (e^x - 1) = e^x
  expm1: unary("e^x - 1", ops.expm1, Math.expm1, (x) => call("exp", x)),
  // d/dx √x = 1/(2√x)
  sqrt: unary("square root", ops.sqrt, Math.sqrt, (x) => mul(num(0.5), pow(call("sqrt", x), -1))),
  // d/dx tanh x = 1 - tanh² x
  tanh: unary("hyperbolic tangent", ops.tanh, Math.tanh, (x) => sub(num(1), pow(call("tanh", x), 2))),
  // d/dx σ(x) = σ(x)(1 - σ(x))
  sigmoid: unary("logistic sigmoid σ", ops.sigmoid, sigmoidNumber, (x) =>
    mul(sigma(x), sub(num(1), sigma(x))),
  ),
  // NOTE: relu'(0) = 0
  relu: unary("max(x, 0)", ops.relu, (x) => Math.max(x, 0), step),
  // NOTE: abs'(0) = sign(0) = 0
  abs: unary("|x|", ops.abs, Math.abs, (x) => call("sign", x)),
  // d/dx log(1 + e^x) = σ(x)
  softplus: unary(
    "log(1 + e^x)",
    ops.softplus,
    (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
    sigma,
  ),
  // d/dx erf x = 2/√π e^(-x²)
  erf: unary("error function", ops.erf, erfNumber, (x) =>
    mul(num(2), call("exp", neg(pow(x, 2))), pow(SQRT_PI, -1)),
  ),
  // d/dx erfc x = -2/√π e^(-x²)
  erfc: unary("1 - erf(x)", ops.erfc, viaTensor(ops.erfc), (x) =>
    mul(num(-2), call("exp", neg(pow(x, 2))), pow(SQRT_PI, -1)),
  ),
  // d/dx x Φ(x) = Φ(x) + x φ(x), with Φ(x) = erfc(-x/√2)/2 and φ(x) = e^(-x²/2)/√(2π)
  gelu: unary("x Φ(x), exact (erf) form", ops.gelu, viaTensor(ops.gelu), (x) =>
    add(
      mul(num(0.5), call("erfc", mul(num(-Math.SQRT1_2), x))),
      mul(x, call("exp", mul(num(-0.5), pow(x, 2))), pow(call("sqrt", mul(num(2), variable("π"))), -1)),
    ),
  ),
  // d/dx x σ(x) = σ(x)(1 + x(1 - σ(x)))
  silu: unary(
    "x σ(x) (swish)",
    ops.silu,
    (x) => x * sigmoidNumber(x),
    (x) => mul(sigma(x), add(num(1), mul(x, sub(num(1), sigma(x))))),
  ),
  // sign x has derivative 0 almost everywhere
  sign: unary(
    "-1, 0 or 1",
    ops.sign,
    (x) => (Number.isNaN(x) ? x : Math.sign(x)),
    () => num(0),
  ),
  // NOTE: max/min share the gradient equally at ties: ∂max(a, b)/∂a = [a > b] + [a = b]/2
  max: {
    arity: 2,
    summary: "elementwise maximum of two values",
    apply: ([a, b]) => ops.maximum(a, b),
    evaluate: ([a, b]) => Math.max(a, b),
    partial: ([a, b], i) => call("win", i === 0 ? a : b, i === 0 ? b : a),
  },
  min: {
    arity: 2,
    summary: "elementwise minimum of two values",
    apply: ([a, b]) => ops.minimum(a, b),
    evaluate: ([a, b]) => Math.min(a, b),
    partial: ([a, b], i) => call("win", i === 0 ? b : a, i === 0 ? a : b),
  },
};

/** Functions that only appear in symbolic derivatives (the user cannot call them). */
const INTERNAL: Readonly<Record<string, (args: number[]) => number>> = {
  step: ([x]) => (x > 0 ? 1 : 0),
  win: ([a, b]) => (a > b ? 1 : a === b ? 0.5 : 0),
};

/** Named constants of the language (unless the program assigns the name). */
export const EXPR_CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, π: Math.PI, e: Math.E };

/**
 * Evaluates a symbolic expression in float64; `env` gives variables' values (π is known).
 *
 * @example
 * ```ts
 * evaluateSym(call("cos", variable("t")), () => 0); // 1
 * ```
 */
export function evaluateSym(s: Sym, env: (name: string) => number): number {
  switch (s.kind) {
    case "num":
      return s.value;
    case "var":
      return s.name === "π" ? Math.PI : env(s.name);
    case "add":
      return s.terms.reduce((acc, t) => acc + evaluateSym(t, env), 0);
    case "mul":
      return s.factors.reduce((acc, t) => acc * evaluateSym(t, env), 1);
    case "pow":
      return evaluateSym(s.base, env) ** evaluateSym(s.exp, env);
    case "call": {
      const args = s.args.map((a) => evaluateSym(a, env));
      const f = EXPR_FUNCTIONS[s.fn];
      if (f) return f.evaluate(args);
      const g = INTERNAL[s.fn];
      if (g) return g(args);
      throw new Error(`evaluateSym: unknown function ${s.fn}`);
    }
  }
}
