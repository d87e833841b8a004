// Symbolic differentiation of expression trees (sum, product, power and chain rules), simplified.

import { EXPR_FUNCTIONS } from "./functions.js";
import { add, call, dependsOn, mul, num, pow, type Sym, simplify, sub } from "./symbolic.js";

function d(s: Sym, x: string): Sym {
  if (!dependsOn(s, x)) return num(0);
  switch (s.kind) {
    case "num":
      return num(0);
    case "var":
      return num(1);
    case "add":
      return add(...s.terms.map((t) => d(t, x)));
    case "mul":
      // Product rule: one term per factor, that factor differentiated.
      return add(
        ...s.factors.flatMap((f, i) =>
          dependsOn(f, x) ? [mul(...s.factors.map((g, j) => (j === i ? d(f, x) : g)))] : [],
        ),
      );
    case "pow": {
      const { base, exp } = s;
      // d/dx u^c = c u^(c-1) u'
      if (!dependsOn(exp, x)) return mul(exp, pow(base, sub(exp, num(1))), d(base, x));
      // d/dx c^v = c^v log c · v'
      if (!dependsOn(base, x)) return mul(s, call("log", base), d(exp, x));
      // d/dx u^v = u^v (v' log u + v u'/u)
      return mul(s, add(mul(d(exp, x), call("log", base)), mul(exp, d(base, x), pow(base, -1))));
    }
    case "call": {
      const f = EXPR_FUNCTIONS[s.fn];
      // Internal indicator functions (step, win, sign) are piecewise constant: derivative 0 almost everywhere.
      if (!f) return num(0);
      return add(...s.args.map((a, i) => (dependsOn(a, x) ? mul(f.partial(s.args, i), d(a, x)) : num(0))));
    }
  }
}

/**
 * The partial derivative of `s` with respect to variable `x` (other variables held fixed), simplified.
 *
 * @example
 * ```ts
 * printSym(derive(parseSym("x^2 + y^2"), "x")); // "2x"
 * ```
 */
export function derive(s: Sym, x: string): Sym {
  // A second pass settles forms the first one exposes (e.g. a product that became a power of a power).
  return simplify(simplify(d(simplify(s), x)));
}
