// Writes a recorded graph as a self-contained SVG document: laid out in JavaScript (dagre), inline styles,
// system monospace fonts, no scripts and no external references; every text is XML-escaped.

import type { Tensor } from "../../core.js";
import { escapeXml } from "../xml.js";
import {
  FONT_SIZE,
  type GraphLayout,
  LABEL_FONT_SIZE,
  LINE_HEIGHT,
  layoutGraph,
  PADDING_X,
  PADDING_Y,
  textLength,
} from "./layout.js";
import type { GraphNodeKind, GraphOptions } from "./model.js";
import { prepareGraph } from "./prepare.js";
import { KIND_STYLE } from "./style.js";

const FONT = "DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace";

const n2 = (v: number) => (Math.round(v * 10) / 10).toString();

function renderNodes(layout: GraphLayout, dy: number, out: string[]): void {
  for (const n of layout.nodes) {
    const s = KIND_STYLE[n.kind];
    const x = n.x;
    const y = n.y + dy;
    const dash = n.kind === "group" ? ' stroke-dasharray="5,3"' : "";
    const width = n.kind === "output" ? 2.2 : 1.2;
    const rx = n.kind === "op" || n.kind === "output" ? 6 : n.kind === "param" ? 12 : 2;
    out.push(
      `<g class="node" id="node-${n.id}" data-kind="${n.kind}" data-members="${n.members}">`,
      `<title>${escapeXml([n.title, ...n.lines].join("\n"))}</title>`,
      `<rect x="${n2(x)}" y="${n2(y)}" width="${n2(n.width)}" height="${n2(n.height)}" rx="${rx}" fill="${s.fill}" stroke="${s.stroke}" stroke-width="${width}"${dash}/>`,
    );
    [n.title, ...n.lines].forEach((line, i) => {
      const weight = i === 0 ? ' font-weight="bold"' : "";
      const fill = i === 0 ? "#111827" : "#374151";
      out.push(
        `<text x="${n2(x + PADDING_X)}" y="${n2(y + PADDING_Y + (i + 1) * LINE_HEIGHT - 4)}" fill="${fill}"${weight}>${escapeXml(line)}</text>`,
      );
    });
    out.push("</g>");
  }
}

function renderEdges(layout: GraphLayout, dy: number, out: string[]): void {
  for (const e of layout.edges) {
    if (e.points.length < 2) continue;
    const d = e.points.map((p, i) => `${i === 0 ? "M" : "L"}${n2(p.x)},${n2(p.y + dy)}`).join(" ");
    const width = Math.min(4, 1 + Math.log2(e.count)) * 1.1;
    out.push(
      `<path class="edge" d="${d}" fill="none" stroke="#64748b" stroke-width="${n2(width)}" marker-end="url(#cr-arrow)"/>`,
    );
  }
  for (const e of layout.edges) {
    if (e.label === null) continue;
    const x = e.labelX - e.labelWidth / 2;
    const y = e.labelY + dy - 8;
    out.push(
      `<g class="edge-label"><rect x="${n2(x)}" y="${n2(y)}" width="${n2(e.labelWidth)}" height="16" rx="3" fill="#ffffff" fill-opacity="0.9" stroke="#cbd5e1" stroke-width="0.6"/>`,
      `<text x="${n2(e.labelX)}" y="${n2(y + 12)}" font-size="${LABEL_FONT_SIZE}" text-anchor="middle" fill="#334155">${escapeXml(e.label)}</text></g>`,
    );
  }
}

/**
 * The graph that produced `root` as a self-contained SVG document (a string starting with `<svg`). Boxes show
 * the op (or name, or a short formula such as `x^2`), shape and dtype, a value summary (the value, or mean and
 * range) and a gradient summary (∂root/∂node computed in one backward pass when `root` has one element, else
 * leaves' `.grad`); data, parameters, ops, the output and collapsed groups have their own colours; edges between
 * one-element tensors carry the local derivative (`2x = 0.98`). Laid out in JavaScript with dagre: no Graphviz
 * program. Graphs beyond `maxNodes` (default 120) are collapsed by module, by chain and by depth, so a graph of
 * thousands of ops still gives a bounded, readable drawing.
 *
 * @example
 * ```ts
 * const t = tensor(0.7, { dtype: "float64", requiresGrad: true });
 * const x = t.pow(2), y = t.sin();
 * const f = x.pow(2).add(y.pow(2));
 * const svg = toSvg(f, { names: { t, x, y, f }, title: "f = x^2 + y^2" });
 * // write it to a file (Node): writeFileSync("f.svg", svg)
 * ```
 */
export function toSvg(root: Tensor, options: GraphOptions = {}): string {
  const graph = prepareGraph(root, options, "toSvg");
  const layout = layoutGraph(graph, options.direction ?? "TB");
  const header: string[] = [];
  if (options.title) header.push(options.title);
  const kinds = new Set<GraphNodeKind>(graph.nodes.map((n) => n.kind));
  const legendItems = (Object.keys(KIND_STYLE) as GraphNodeKind[]).filter((k) => kinds.has(k));
  const collapsed =
    graph.nodes.length < graph.rawNodes ? ` (${graph.rawNodes.toLocaleString("en-US")} tensors)` : "";
  const caption = `${graph.nodes.length} boxes${collapsed}; gradient: ∂root/∂node`;
  const legendWidth = legendItems.reduce((w, k) => w + 18 + textLength(KIND_STYLE[k].legend) * 6.4 + 14, 12);
  const headerHeight = 12 + header.length * 20 + 2 * 18;
  const width = Math.ceil(
    Math.max(
      layout.width,
      legendWidth,
      textLength(caption) * 6.4 + 24,
      ...header.map((h) => textLength(h) * 9 + 24),
    ),
  );
  const height = Math.ceil(layout.height + headerHeight);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="${FONT_SIZE}">`,
    `<title>${escapeXml(options.title ?? "chainrule graph")}</title>`,
    '<defs><marker id="cr-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#64748b"/></marker></defs>',
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  let y = 12;
  for (const h of header) {
    y += 20;
    out.push(
      `<text x="12" y="${y - 4}" font-size="15" font-weight="bold" fill="#111827">${escapeXml(h)}</text>`,
    );
  }
  y += 18;
  out.push(`<text x="12" y="${y - 4}" font-size="11" fill="#4b5563">${escapeXml(caption)}</text>`);
  y += 18;
  let x = 12;
  out.push('<g class="legend">');
  for (const k of legendItems) {
    const s = KIND_STYLE[k];
    out.push(
      `<rect x="${n2(x)}" y="${y - 13}" width="12" height="12" rx="2" fill="${s.fill}" stroke="${s.stroke}"/>`,
      `<text x="${n2(x + 18)}" y="${y - 3}" font-size="11" fill="#374151">${escapeXml(s.legend)}</text>`,
    );
    x += 18 + textLength(s.legend) * 6.4 + 14;
  }
  out.push("</g>");
  out.push('<g class="edges">');
  renderEdges(layout, headerHeight, out);
  out.push("</g>", '<g class="nodes">');
  renderNodes(layout, headerHeight, out);
  out.push("</g>", "</svg>");
  return `${out.join("\n")}\n`;
}
