// Prints symbolic expressions the way the tutorial writes them: 4t^3 + 2 sin t cos t, 6(3x + 1), 1/(2√x).

import { num, type Sym } from "./symbolic.js";

/** Formats a number for a formula: integers exactly, others to 6 significant digits. @example `formatNumber(0.70710678) // "0.707107"` */
export function formatNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

/** Functions printed as `sin t` when their argument is a single symbol or number. */
const PREFIX = new Set(["sin", "cos", "tan", "tanh", "log"]);

const isAtom = (s: Sym): boolean => s.kind === "var" || (s.kind === "num" && s.value >= 0);

/** How a printed factor starts and ends, for choosing what goes between two factors. */
type Tag = "num" | "letter" | "word" | "pow" | "paren" | "prefix" | "call";

interface Piece {
  text: string;
  tag: Tag;
}

function printCall(s: Extract<Sym, { kind: "call" }>): Piece {
  const [a, b] = s.args;
  switch (s.fn) {
    case "exp":
      if (a.kind === "num" && a.value === 1) return { text: "e", tag: "letter" };
      return { text: `e^${isAtom(a) ? printSym(a) : `(${printSym(a)})`}`, tag: "call" };
    case "sqrt":
      return { text: `√${isAtom(a) ? printSym(a) : `(${printSym(a)})`}`, tag: "call" };
    case "sigmoid":
      return { text: `σ(${printSym(a)})`, tag: "call" };
    case "step":
      return { text: `[${printSym(a)} > 0]`, tag: "call" };
    case "win":
      return { text: `[${printSym(a)} > ${printSym(b)}]`, tag: "call" };
  }
  if (PREFIX.has(s.fn) && s.args.length === 1 && isAtom(a))
    return { text: `${s.fn} ${printSym(a)}`, tag: "prefix" };
  return { text: `${s.fn}(${s.args.map(printSym).join(", ")})`, tag: "call" };
}

function printPow(base: Sym, exp: Sym): string {
  let b = printSym(base);
  const bareBase =
    base.kind === "var" ||
    (base.kind === "num" && base.value >= 0) ||
    (base.kind === "call" && printCall(base).tag === "call" && !["exp", "sqrt"].includes(base.fn));
  if (!bareBase) b = `(${b})`;
  const e = printSym(exp);
  return `${b}^${isAtom(exp) ? e : `(${e})`}`;
}

function piece(s: Sym): Piece {
  switch (s.kind) {
    case "num":
      return { text: formatNumber(s.value), tag: "num" };
    case "var":
      return { text: s.name, tag: [...s.name].length === 1 ? "letter" : "word" };
    case "add":
      return { text: `(${printSym(s)})`, tag: "paren" };
    case "pow":
      return { text: printPow(s.base, s.exp), tag: "pow" };
    case "call":
      return printCall(s);
    case "mul":
      return { text: `(${printSym(s)})`, tag: "paren" };
  }
}

function separator(left: Piece, right: Piece): string {
  if (left.tag === "num") {
    if (/^[\d.-]/.test(right.text)) return "·";
    return right.tag === "prefix" ? " " : "";
  }
  if (left.tag === "prefix" || right.tag === "prefix")
    return right.tag === "paren" || right.tag === "num" ? "·" : " ";
  if (left.tag === "letter" && (right.tag === "letter" || right.tag === "paren")) return "";
  if ((left.tag === "paren" || left.tag === "call") && right.tag === "paren") return "";
  return "·";
}

function joinPieces(pieces: Piece[]): string {
  let out = "";
  pieces.forEach((p, i) => {
    out += i === 0 ? p.text : separator(pieces[i - 1], p) + p.text;
  });
  return out;
}

/** Prints a product: coefficient first, then symbols and their powers, then the rest; negative powers below a bar. */
function printProduct(factors: readonly Sym[]): string {
  let coef = 1;
  const top: Sym[] = [];
  const bottom: Sym[] = [];
  for (const f of factors) {
    if (f.kind === "num") coef *= f.value;
    else if (f.kind === "pow" && f.exp.kind === "num" && f.exp.value < 0)
      bottom.push(f.exp.value === -1 ? f.base : { kind: "pow", base: f.base, exp: num(-f.exp.value) });
    else top.push(f);
  }
  const sign = coef < 0 ? "-" : "";
  let c = Math.abs(coef);
  let bottomCoef = 1;
  if (!Number.isInteger(c) && c > 1e-6 && Math.abs(1 / c - Math.round(1 / c)) < 1e-9) {
    bottomCoef = Math.round(1 / c);
    c = 1;
  }
  const symbolFirst = (s: Sym) => s.kind === "var" || (s.kind === "pow" && s.base.kind === "var");
  const ordered = [...top.filter(symbolFirst), ...top.filter((s) => !symbolFirst(s))];
  const topPieces = ordered.map(piece);
  if (c !== 1 || topPieces.length === 0) topPieces.unshift({ text: formatNumber(c), tag: "num" });
  let text = joinPieces(topPieces);
  if (bottom.length > 0 || bottomCoef !== 1) {
    const bottomPieces = bottom.map(piece);
    if (bottomCoef !== 1) bottomPieces.unshift({ text: formatNumber(bottomCoef), tag: "num" });
    const below = joinPieces(bottomPieces);
    text += bottomPieces.length > 1 ? `/(${below})` : `/${below}`;
  }
  return sign + text;
}

/** `t` with its sign flipped, when it prints with a leading minus (for `a - b` in sums). */
function negated(t: Sym): Sym | null {
  if (t.kind === "num" && t.value < 0) return num(-t.value);
  if (t.kind === "mul" && t.factors[0]?.kind === "num" && t.factors[0].value < 0) {
    const c = -t.factors[0].value;
    const rest = t.factors.slice(1);
    if (c === 1) return rest.length === 1 ? rest[0] : { kind: "mul", factors: rest };
    return { kind: "mul", factors: [num(c), ...rest] };
  }
  return null;
}

/**
 * Prints a symbolic expression in the tutorial's notation: juxtaposed products (`4t^3`, `6(3x + 1)`),
 * `sin t` for a function of a single symbol, `e^x`, `√x`, `σ(x)`, fractions for negative powers.
 *
 * @example
 * ```ts
 * printSym(simplify(mul(num(2), call("sin", variable("t")), call("cos", variable("t"))))); // "2 sin t cos t"
 * ```
 */
export function printSym(s: Sym): string {
  switch (s.kind) {
    case "num":
      return formatNumber(s.value);
    case "var":
      return s.name;
    case "call":
      return printCall(s).text;
    case "pow":
      return s.exp.kind === "num" && s.exp.value < 0 ? printProduct([s]) : printPow(s.base, s.exp);
    case "mul":
      return printProduct(s.factors);
    case "add": {
      let out = "";
      s.terms.forEach((t, i) => {
        const n = i === 0 ? null : negated(t);
        if (i === 0) out = printSym(t);
        else if (n !== null) out += ` - ${printSym(n)}`;
        else out += ` + ${printSym(t)}`;
      });
      return out;
    }
  }
}
