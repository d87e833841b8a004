// The steps both writers share: the raw graph of a tensor, then what to draw within the node budget.

import type { Tensor } from "../../core.js";
import { describeValue, ValueError } from "../../errors.js";
import { collapseGraph, type VisibleGraph } from "./collapse.js";
import { buildRawGraph, type GraphOptions } from "./model.js";

/** Validates the options and returns the graph to draw. @example `prepareGraph(loss, { maxNodes: 60 }, "toSvg").nodes.length <= 60` */
export function prepareGraph(root: Tensor, options: GraphOptions, op: string): VisibleGraph {
  const maxNodes = options.maxNodes ?? 120;
  if (!Number.isInteger(maxNodes) || maxNodes < 4)
    throw new ValueError(op, `maxNodes must be an integer >= 4, got ${describeValue(maxNodes)}`);
  const collapse = options.collapse ?? "auto";
  if (!["auto", "modules", "none"].includes(collapse))
    throw new ValueError(op, `collapse must be "auto", "modules" or "none", got ${describeValue(collapse)}`);
  const direction = options.direction ?? "TB";
  if (direction !== "TB" && direction !== "LR")
    throw new ValueError(op, `direction must be "TB" or "LR", got ${describeValue(direction)}`);
  return collapseGraph(buildRawGraph(root, options, op), collapse, maxNodes);
}
