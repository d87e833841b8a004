// Colours of the drawings, by node kind (shared by the SVG and DOT writers).

import type { GraphNodeKind } from "./model.js";

/** Fill, stroke and a word for the legend, per kind. */
export const KIND_STYLE: Readonly<Record<GraphNodeKind, { fill: string; stroke: string; legend: string }>> = {
  data: { fill: "#f3f4f6", stroke: "#6b7280", legend: "data (no grad)" },
  param: { fill: "#fef3c7", stroke: "#b45309", legend: "parameter / input (requires grad)" },
  op: { fill: "#e0f2fe", stroke: "#0369a1", legend: "op" },
  output: { fill: "#dcfce7", stroke: "#15803d", legend: "output" },
  group: { fill: "#f3e8ff", stroke: "#7e22ce", legend: "group (collapsed)" },
};
