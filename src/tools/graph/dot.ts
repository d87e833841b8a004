// Writes a recorded graph as Graphviz DOT text (for users who have Graphviz; chainrule itself never runs it).

import type { Tensor } from "../../core.js";
import type { GraphOptions } from "./model.js";
import { prepareGraph } from "./prepare.js";
import { KIND_STYLE } from "./style.js";

/** Quotes a string for DOT: backslashes and quotes escaped, newlines as `\n` (centred line breaks). */
function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}

/**
 * The graph that produced `root` as Graphviz DOT: one box per tensor (op, shape, value summary, gradient
 * summary), data, parameters, ops and the output in different colours, edges labelled with local derivatives
 * where both ends have one element. Large graphs are collapsed as {@link toSvg} does. Render it with Graphviz
 * (`dot -Tsvg`) if you have it; {@link toSvg} needs nothing.
 *
 * @example
 * ```ts
 * const t = tensor(0.7, { dtype: "float64", requiresGrad: true });
 * const f = t.pow(2).pow(2).add(t.sin().pow(2));
 * const dot = toDot(f, { names: { t, f } }); // "digraph chainrule {\n  graph [rankdir=TB ..."
 * ```
 */
export function toDot(root: Tensor, options: GraphOptions = {}): string {
  const graph = prepareGraph(root, options, "toDot");
  const lines = [
    "digraph chainrule {",
    `  graph [rankdir=${options.direction ?? "TB"}, fontname="monospace"${options.title ? `, label=${quote(options.title)}, labelloc=t` : ""}];`,
    '  node [shape=box, style="rounded,filled", fontname="monospace", fontsize=11];',
    '  edge [fontname="monospace", fontsize=9, color="#64748b"];',
  ];
  for (const n of graph.nodes) {
    const s = KIND_STYLE[n.kind];
    const style =
      n.kind === "group" ? ', style="rounded,filled,dashed"' : n.kind === "output" ? ", penwidth=2" : "";
    lines.push(
      `  ${n.id} [label=${quote([n.title, ...n.lines].join("\n"))}, fillcolor=${quote(s.fill)}, color=${quote(s.stroke)}${style}];`,
    );
  }
  for (const e of graph.edges)
    lines.push(`  ${e.from} -> ${e.to}${e.label === null ? "" : ` [label=${quote(e.label)}]`};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
