// Renders an Explanation as text: local derivatives, paths with their products, the sum, autograd, numeric.

import { formatShape } from "../../errors.js";
import type { ExplainPath, ExplainStep, Explanation } from "./types.js";

/** A value to 7 significant digits (local derivatives, products). */
function short(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(7))) : String(v);
}

/** A value to 12 significant digits (sums and checks, where agreement matters). */
function long(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(12))) : String(v);
}

/** Thousands separators for path counts, which can be astronomically large. */
function count(n: string): string {
  return n.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function pad(s: string, width: number): string {
  return s + " ".repeat(Math.max(0, width - [...s].length));
}

function stepLine(s: ExplainStep): string {
  const formula = s.derivative === null ? "" : ` = ${s.derivative}`;
  return `${s.notation}${formula}`;
}

/** Longest formula printed on a path line; longer ones are left to the JSON result. */
const MAX_SHOWN = 160;
/** Most lines of one list (local derivatives, legend) before the rest is summarised. */
const MAX_LINES = 40;

function pathFormula(p: ExplainPath): string {
  const notation = [...p.steps]
    .reverse()
    .map((s) => s.notation)
    .join(" · ");
  const forms: string[] = [];
  for (const f of [notation, p.chain, p.simplified, p.expanded])
    if (f !== null && f.length <= MAX_SHOWN && !forms.includes(f)) forms.push(f);
  return forms.length === 0 ? short(p.product) : `${forms.join(" = ")} = ${short(p.product)}`;
}

function pathNodes(nodes: readonly string[]): string {
  if (nodes.length <= 8) return nodes.join(" → ");
  return `${nodes.slice(0, 3).join(" → ")} → … (${nodes.length - 6} more) → ${nodes.slice(-3).join(" → ")}`;
}

function capped<T>(items: readonly T[], what: string, render: (item: T) => string, into: string[]): void {
  items.slice(0, MAX_LINES).forEach((item) => {
    into.push(render(item));
  });
  if (items.length > MAX_LINES) into.push(`  ... ${items.length - MAX_LINES} more ${what}`);
}

/**
 * Renders an {@link Explanation} as the text `chainrule explain` prints: the program, each local derivative
 * with its value, every listed path with its product, the sum over paths, autograd and the finite difference.
 *
 * @example
 * ```ts
 * console.log(formatExplanation(explainExpression("f = u^2; u = 3*x + 1", { wrt: "x", at: { x: 2 } })));
 * // df/dx at x = 2: ... 1. x → u → f   df/du · du/dx = 2u · 3 = 6u = 6(3x + 1) = 42 ...
 * ```
 */
export function formatExplanation(e: Explanation): string {
  const lines: string[] = [];
  const d = e.mode === "scalar" ? "d" : "∂";
  const total = `${d}${e.output}/${d}${e.wrt}`;
  const at = Object.hasOwn(e.point, e.wrt) ? ` at ${e.wrt} = ${short(e.point[e.wrt])}` : "";
  if (e.mode === "scalar") {
    lines.push(
      `${total}${at}, by the chain rule: each path from ${e.wrt} to ${e.output} contributes the product of the local derivatives along it, and ${total} is the sum over paths.`,
    );
  } else {
    lines.push(
      `${total} for a tensor graph: ${count(e.pathCount)} path${e.pathCount === "1" ? "" : "s"} from ${e.wrt} to ${e.output}, grouped by node (the gradient that flows through each).`,
    );
  }
  if (e.definitions.length > 0) {
    lines.push("", "Program");
    for (const def of e.definitions) lines.push(`  ${def}`);
    const values = Object.entries(e.point).map(([k, v]) => `${k} = ${short(v)}`);
    if (values.length > 0) lines.push(`  at ${values.join(", ")}`);
  }
  if (e.legend.length > 0) {
    lines.push("", "Where");
    capped(e.legend, "labels", (l) => `  ${l.label} = ${l.definition}`, lines);
  }
  if (e.mode === "scalar") {
    if (e.localDerivatives.length > 0) {
      lines.push("", "Local derivatives");
      const texts = e.localDerivatives.map(stepLine);
      const values = e.localDerivatives.map((s) => short(s.value));
      const width = Math.min(60, Math.max(...texts.map((t) => [...t].length)));
      const valueWidth = Math.max(...values.map((v) => v.length));
      capped(
        e.localDerivatives.map((s, i) => ({ s, i })),
        "local derivatives",
        ({ s, i }) => {
          const op = e.level === "ops" && s.rule ? `   ${s.op}: ${s.rule}` : "";
          return `  ${pad(texts[i], width)} = ${pad(values[i], valueWidth)}${op}`.trimEnd();
        },
        lines,
      );
    }
    lines.push("", `Paths from ${e.wrt} to ${e.output}: ${count(e.pathCount)}`);
    const heads = e.paths.map((p, i) => `${i + 1}. ${pathNodes(p.nodes)}`);
    const width = Math.min(40, Math.max(0, ...heads.map((h) => [...h].length)));
    e.paths.forEach((p, i) => {
      const head =
        [...heads[i]].length > width ? `${heads[i]}\n  ${" ".repeat(width)}` : pad(heads[i], width);
      lines.push(`  ${head}   ${pathFormula(p)}`);
    });
    if (e.omitted.count !== "0")
      lines.push(
        `  ... ${count(e.omitted.count)} more path${e.omitted.count === "1" ? "" : "s"} (smaller |product|), together ${short(e.omitted.sum)}`,
      );
    lines.push("");
    const symbolic = e.sum.symbolic === null ? "" : ` = ${e.sum.symbolic}`;
    lines.push(`Sum over paths      ${total}${symbolic} = ${long(e.sum.value)}`);
    lines.push(`Autograd            ${long(e.autograd)}`);
  } else if (e.tensor !== null) {
    const t = e.tensor;
    const g = t.gradient;
    lines.push(
      "",
      `Autograd ${total}: ‖g‖ = ${short(g.norm)}, min ${short(g.min)}, max ${short(g.max)}, mean ${short(g.mean)}`,
    );
    if (t.contributions.length > 0) {
      lines.push(
        "",
        `How ${total} arrives: one part per op that reads ${e.wrt}; the parts sum to the gradient (max error ${short(t.contributionError)})`,
      );
      for (const c of t.contributions)
        lines.push(`  via ${c.via} (${c.op}, input ${c.slot})   ‖part‖ = ${short(c.norm)}`);
    }
    lines.push("", `Largest gradient flow ‖∂${e.output}/∂node‖ (${t.nodes.length} of ${t.nodeCount} nodes)`);
    const rows = [
      ["node", "op", "shape", "‖grad‖", "‖value‖"],
      ...t.nodes.map((n) => [n.label, n.op, formatShape(n.shape), short(n.gradNorm), short(n.valueNorm)]),
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...r[c]].length)));
    for (const r of rows) lines.push(`  ${r.map((cell, c) => pad(cell, widths[c])).join("   ")}`.trimEnd());
    lines.push("", `Directional derivative along ${total}/‖${total}‖`);
    lines.push(`Sum of the parts    ${long(e.sum.value)}`);
    lines.push(`Autograd            ${long(e.autograd)}`);
  }
  const n = e.numeric;
  lines.push(
    n.value === null
      ? `Finite difference   unavailable: ${n.note ?? "graph cannot be replayed"}`
      : `Finite difference   ${long(n.value)}   (${n.method}, h = ${Number(n.h.toPrecision(3)).toExponential()}, float64)`,
  );
  return `${lines.join("\n")}\n`;
}
