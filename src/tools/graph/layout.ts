// Lays out the visible graph with dagre (pure JavaScript, layered drawing): box sizes from the text they hold.

import dagre from "@dagrejs/dagre";
import type { VisibleEdge, VisibleGraph, VisibleNode } from "./collapse.js";

/** Font size of box text, px. */
export const FONT_SIZE = 12;
/** Estimated advance per character at FONT_SIZE (DejaVu Sans Mono measures 7.2 px; the margin covers fallbacks). */
export const CHAR_WIDTH = 7.6;
/** Baseline-to-baseline distance in boxes, px. */
export const LINE_HEIGHT = 15;
/** Font size of edge labels, px. */
export const LABEL_FONT_SIZE = 10;
/** Estimated advance per character of edge labels. */
export const LABEL_CHAR_WIDTH = 6.4;
/** Inner padding of boxes, px. */
export const PADDING_X = 10;
/** Inner padding of boxes, px. */
export const PADDING_Y = 7;

/** A box with its top-left corner and size. */
export interface PlacedNode extends VisibleNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An arrow with its polyline and the centre of its label. */
export interface PlacedEdge extends VisibleEdge {
  points: { x: number; y: number }[];
  labelX: number;
  labelY: number;
  labelWidth: number;
}

/** The placed drawing. */
export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/** Characters as a terminal counts them (code points), for width estimates. @example `textLength("∂f/∂x") // 5` */
export function textLength(s: string): number {
  return [...s].length;
}

/**
 * Places boxes and arrows. Graphs of more than 60 boxes use dagre's faster tight-tree ranking and skip its
 * slowest crossing-reduction pass: the drawing stays layered, and layout stays well under a second.
 *
 * @example
 * ```ts
 * const layout = layoutGraph(collapseGraph(raw, "auto", 120), "TB");
 * layout.nodes[0].x; // top-left corner
 * ```
 */
export function layoutGraph(graph: VisibleGraph, direction: "TB" | "LR"): GraphLayout {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  const large = graph.nodes.length > 60;
  g.setGraph({
    rankdir: direction,
    nodesep: 22,
    ranksep: 34,
    edgesep: 12,
    marginx: 12,
    marginy: 12,
    ranker: large ? "tight-tree" : "network-simplex",
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) {
    const chars = Math.max(textLength(n.title), ...n.lines.map(textLength));
    g.setNode(n.id, {
      width: Math.max(48, chars * CHAR_WIDTH + 2 * PADDING_X),
      height: (1 + n.lines.length) * LINE_HEIGHT + 2 * PADDING_Y,
    });
  }
  for (const e of graph.edges) {
    const labelWidth = e.label === null ? 0 : textLength(e.label) * LABEL_CHAR_WIDTH + 8;
    g.setEdge(e.from, e.to, e.label === null ? {} : { width: labelWidth, height: 16, labelpos: "c" });
  }
  dagre.layout(g, { disableOptimalOrderHeuristic: large });
  const nodes = graph.nodes.map((n) => {
    const p = g.node(n.id);
    return { ...n, x: p.x! - p.width / 2, y: p.y! - p.height / 2, width: p.width, height: p.height };
  });
  const edges = graph.edges.map((e) => {
    const p = g.edge(e.from, e.to);
    return {
      ...e,
      points: (p.points ?? []).map((q: { x: number; y: number }) => ({ x: q.x, y: q.y })),
      labelX: p.x ?? 0,
      labelY: p.y ?? 0,
      labelWidth: e.label === null ? 0 : textLength(e.label) * LABEL_CHAR_WIDTH + 8,
    };
  });
  const info = g.graph();
  return { nodes, edges, width: info.width ?? 0, height: info.height ?? 0 };
}
