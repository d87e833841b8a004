// Symbolic expressions for explanations: a small tree type, its constructors, and a simplifier that brings
// products and sums to a canonical form (so 2x · 2t with x = t^2 reads 4t^3, as the tutorial writes it).

/** A symbolic expression. Subtraction, negation and division are sums, products and negative powers. */
export type Sym =
  | { readonly kind: "num"; readonly value: number }
  | { readonly kind: "var"; readonly name: string }
  | { readonly kind: "add"; readonly terms: readonly Sym[] }
  | { readonly kind: "mul"; readonly factors: readonly Sym[] }
  | { readonly kind: "pow"; readonly base: Sym; readonly exp: Sym }
  | { readonly kind: "call"; readonly fn: string; readonly args: readonly Sym[] };

/** A number. @example `printSym(num(2)) // "2"` */
export const num = (value: number): Sym => ({ kind: "num", value });
/** A variable (or a named constant such as `π`). @example `printSym(variable("t")) // "t"` */
export const variable = (name: string): Sym => ({ kind: "var", name });
/** `a + b + ...`. @example `printSym(add(variable("x"), num(1))) // "x + 1"` */
export const add = (...terms: Sym[]): Sym => ({ kind: "add", terms });
/** `a · b · ...`. @example `printSym(mul(num(2), variable("x"))) // "2x"` */
export const mul = (...factors: Sym[]): Sym => ({ kind: "mul", factors });
/** `base^exp`. @example `printSym(pow(variable("t"), 3)) // "t^3"` */
export const pow = (base: Sym, exp: Sym | number): Sym => ({
  kind: "pow",
  base,
  exp: typeof exp === "number" ? num(exp) : exp,
});
/** `fn(args...)`. @example `printSym(call("sin", variable("t"))) // "sin t"` */
export const call = (fn: string, ...args: Sym[]): Sym => ({ kind: "call", fn, args });
/** `-a`. @example `printSym(simplify(neg(variable("y")))) // "-y"` */
export const neg = (a: Sym): Sym => mul(num(-1), a);
/** `a - b`. @example `printSym(sub(num(1), variable("y"))) // "1 - y"` */
export const sub = (a: Sym, b: Sym): Sym => add(a, neg(b));
/** `a / b`. @example `printSym(div(num(1), variable("x"))) // "1/x"` */
export const div = (a: Sym, b: Sym): Sym => mul(a, pow(b, -1));

/** True when `s` is the number `v`. @example `isNum(num(0), 0) // true` */
export function isNum(s: Sym, v?: number): s is { kind: "num"; value: number } {
  return s.kind === "num" && (v === undefined || s.value === v);
}

/** True when `s` mentions variable `name`. @example `dependsOn(pow(variable("x"), 2), "x") // true` */
export function dependsOn(s: Sym, name: string): boolean {
  switch (s.kind) {
    case "num":
      return false;
    case "var":
      return s.name === name;
    case "add":
      return s.terms.some((t) => dependsOn(t, name));
    case "mul":
      return s.factors.some((f) => dependsOn(f, name));
    case "pow":
      return dependsOn(s.base, name) || dependsOn(s.exp, name);
    case "call":
      return s.args.some((a) => dependsOn(a, name));
  }
}

/**
 * An order-independent identity of `s`: equal keys mean equal expressions up to reordering of sums and products.
 *
 * @example
 * ```ts
 * symKey(mul(variable("x"), variable("t"))) === symKey(mul(variable("t"), variable("x"))); // true
 * ```
 */
export function symKey(s: Sym): string {
  switch (s.kind) {
    case "num":
      return `#${s.value}`;
    case "var":
      return `$${s.name}`;
    case "add":
      return `+(${s.terms.map(symKey).sort().join(",")})`;
    case "mul":
      return `*(${s.factors.map(symKey).sort().join(",")})`;
    case "pow":
      return `^(${symKey(s.base)},${symKey(s.exp)})`;
    case "call":
      return `${s.fn}(${s.args.map(symKey).join(",")})`;
  }
}

/** The number of tree nodes in `s` (to keep printed forms bounded). @example `symSize(add(variable("x"), num(1))) // 3` */
export function symSize(s: Sym): number {
  switch (s.kind) {
    case "num":
    case "var":
      return 1;
    case "add":
      return 1 + s.terms.reduce((n, t) => n + symSize(t), 0);
    case "mul":
      return 1 + s.factors.reduce((n, t) => n + symSize(t), 0);
    case "pow":
      return 1 + symSize(s.base) + symSize(s.exp);
    case "call":
      return 1 + s.args.reduce((n, t) => n + symSize(t), 0);
  }
}

/**
 * Replaces variables by expressions (`lookup` returns undefined to keep a variable). Returns null when the
 * result would exceed `budget` tree nodes: substitution into shared subexpressions can grow exponentially.
 *
 * @example
 * ```ts
 * const s = substitute(mul(num(2), variable("x")), (n) => (n === "x" ? pow(variable("t"), 2) : undefined));
 * printSym(simplify(s!)); // "2t^2"
 * ```
 */
export function substitute(s: Sym, lookup: (name: string) => Sym | undefined, budget = 5000): Sym | null {
  let used = 0;
  const walk = (e: Sym): Sym => {
    if (++used > budget) throw budgetExceeded;
    switch (e.kind) {
      case "num":
        return e;
      case "var": {
        const r = lookup(e.name);
        if (r === undefined) return e;
        used += symSize(r);
        if (used > budget) throw budgetExceeded;
        return r;
      }
      case "add":
        return add(...e.terms.map(walk));
      case "mul":
        return mul(...e.factors.map(walk));
      case "pow":
        return pow(walk(e.base), walk(e.exp));
      case "call":
        return call(e.fn, ...e.args.map(walk));
    }
  };
  try {
    return walk(s);
  } catch (error) {
    if (error === budgetExceeded) return null;
    throw error;
  }
}
const budgetExceeded = new Error("budget exceeded");

/** `base^exp` with exponent arithmetic: numeric folding, (a^m)^n = a^(mn) for integer n, (ab)^n = a^n b^n. */
function simplifyPow(base: Sym, exp: Sym): Sym {
  if (isNum(exp, 0)) return num(1);
  if (isNum(exp, 1)) return base;
  if (isNum(base, 1)) return num(1);
  // (e^a)^b = e^(ab): keeps e^x (the constant e is exp(1)) printing as e^x.
  if (base.kind === "call" && base.fn === "exp") return call("exp", simplifyMul([base.args[0], exp]));
  if (exp.kind === "num") {
    const e = exp.value;
    if (base.kind === "num") {
      const r = base.value ** e;
      // Fold only when the result stays exact-looking (integer powers, integer results).
      if (Number.isFinite(r) && (Number.isInteger(e) || Number.isInteger(r))) return num(r);
    }
    if (Number.isInteger(e)) {
      if (base.kind === "pow" && base.exp.kind === "num")
        return simplifyPow(base.base, num(base.exp.value * e));
      if (base.kind === "mul") return simplifyMul(base.factors.map((f) => simplifyPow(f, exp)));
    }
  }
  return pow(base, exp);
}

/** Flattens nested products, multiplies the numbers, and merges powers of the same base (first-seen order). */
function simplifyMul(factors: readonly Sym[]): Sym {
  let coef = 1;
  const groups = new Map<string, { base: Sym; exps: Sym[] }>();
  const visit = (f: Sym) => {
    if (f.kind === "mul") {
      f.factors.forEach(visit);
      return;
    }
    if (f.kind === "num") {
      coef *= f.value;
      return;
    }
    const base = f.kind === "pow" ? f.base : f;
    const exp = f.kind === "pow" ? f.exp : num(1);
    const key = symKey(base);
    const group = groups.get(key);
    if (group) group.exps.push(exp);
    else groups.set(key, { base, exps: [exp] });
  };
  factors.forEach(visit);
  if (coef === 0) return num(0);
  const out: Sym[] = [];
  for (const { base, exps } of groups.values()) {
    const exp = exps.length === 1 ? exps[0] : simplifyAdd(exps);
    const p = simplifyPow(base, exp);
    if (p.kind === "num") coef *= p.value;
    else if (p.kind === "mul")
      for (const f of p.factors) {
        if (f.kind === "num") coef *= f.value;
        else out.push(f);
      }
    else out.push(p);
  }
  if (out.length === 0) return num(coef);
  if (coef === 1 && out.length === 1) return out[0];
  return coef === 1 ? mul(...out) : mul(num(coef), ...out);
}

/** Splits a term into its numeric coefficient and the rest. */
function splitCoefficient(t: Sym): [number, Sym[]] {
  if (t.kind === "mul" && t.factors.length > 0 && t.factors[0].kind === "num")
    return [t.factors[0].value, t.factors.slice(1)];
  return [1, [t]];
}

/** Flattens nested sums, adds the numbers, and collects like terms (first-seen order). */
function simplifyAdd(terms: readonly Sym[]): Sym {
  let constant = 0;
  let constantAt = -1;
  const groups = new Map<string, { coef: number; rest: Sym[] }>();
  const order: (string | null)[] = [];
  const visit = (t: Sym) => {
    if (t.kind === "add") {
      t.terms.forEach(visit);
      return;
    }
    if (t.kind === "num") {
      constant += t.value;
      if (constantAt < 0) {
        constantAt = order.length;
        order.push(null);
      }
      return;
    }
    const [coef, rest] = splitCoefficient(t);
    const key = symKey(rest.length === 1 ? rest[0] : mul(...rest));
    const group = groups.get(key);
    if (group) group.coef += coef;
    else {
      groups.set(key, { coef, rest });
      order.push(key);
    }
  };
  terms.forEach(visit);
  const out: Sym[] = [];
  for (const key of order) {
    if (key === null) {
      if (constant !== 0) out.push(num(constant));
      continue;
    }
    const { coef, rest } = groups.get(key)!;
    if (coef === 0) continue;
    out.push(coef === 1 ? (rest.length === 1 ? rest[0] : mul(...rest)) : mul(num(coef), ...rest));
  }
  if (out.length === 0) return num(0);
  return out.length === 1 ? out[0] : add(...out);
}

/**
 * Brings `s` to a canonical form: numbers folded, sums and products flattened, like terms collected,
 * powers of the same base merged. Function calls are kept (no decimals appear for `sin 1`).
 *
 * @example
 * ```ts
 * printSym(simplify(mul(num(2), pow(variable("t"), 2), num(2), variable("t")))); // "4t^3"
 * ```
 */
export function simplify(s: Sym): Sym {
  switch (s.kind) {
    case "num":
    case "var":
      return s;
    case "call": {
      const args = s.args.map(simplify);
      // log(e^a) = a: keeps the derivative of e^x from reading e^x·log(e).
      if (s.fn === "log" && args[0].kind === "call" && args[0].fn === "exp") return args[0].args[0];
      return call(s.fn, ...args);
    }
    case "pow":
      return simplifyPow(simplify(s.base), simplify(s.exp));
    case "mul":
      return simplifyMul(s.factors.map(simplify));
    case "add":
      return simplifyAdd(s.terms.map(simplify));
  }
}
