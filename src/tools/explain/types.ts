// The result of an explanation: plain data (JSON-serialisable) that formatExplanation renders as text.

/** One local derivative: an edge of the graph, from an input to the node that reads it. */
export interface ExplainStep {
  /** The input's label, e.g. `"t"`. */
  from: string;
  /** The reader's label, e.g. `"x"` or `"x^2"`. */
  to: string;
  /** Leibniz notation for this local derivative, e.g. `"∂x/∂t"`. */
  notation: string;
  /** The local derivative as a formula of the labels, e.g. `"2t"`; null when none is known for the op. */
  derivative: string | null;
  /** Its value at the point. */
  value: number;
  /** The primitive, at the ops level (`"pow"`, `"mul"`...). */
  op?: string;
  /** The primitive's generic rule, e.g. `"∂(a·b)/∂a = b"`. */
  rule?: string;
}

/** One path from the input to the output, with its product of local derivatives. */
export interface ExplainPath {
  /** Labels along the path, input first. */
  nodes: string[];
  /** The local derivatives along the path, input first. */
  steps: ExplainStep[];
  /** The product of the steps' values: this path's term in the sum. */
  product: number;
  /** The product as written from the steps, output side first, e.g. `"2x · 2t"`; null if a step has no formula. */
  chain: string | null;
  /** The product simplified in the path's own variables, e.g. `"6u"`; null when it adds nothing. */
  simplified: string | null;
  /** The product in terms of the inputs (intermediate names substituted), e.g. `"4t^3"`; null when unknown. */
  expanded: string | null;
}

/** A node's share of the gradient in a tensor graph. */
export interface ExplainNode {
  /** The node's label. */
  label: string;
  /** The primitive that made it, or `"leaf"`. */
  op: string;
  shape: number[];
  /** ‖node‖ (Frobenius norm of its value). */
  valueNorm: number;
  /** ‖∂y/∂node‖: the gradient that flows through this node. */
  gradNorm: number;
}

/** How the input's gradient splits over the edges that read it (tensor graphs). */
export interface ExplainContribution {
  /** The label of the node that reads the input. */
  via: string;
  /** Its primitive. */
  op: string;
  /** Which of the reader's inputs the edge is. */
  slot: number;
  /** ‖this edge's part of ∂y/∂x‖. */
  norm: number;
}

/** A tensor graph's breakdown: gradients grouped by node instead of enumerated paths. */
export interface ExplainTensorBreakdown {
  /** Summary of the autograd gradient ∂y/∂x. */
  gradient: { norm: number; min: number; max: number; mean: number };
  /** The parts of ∂y/∂x arriving through each edge that reads x; they sum to the gradient. */
  contributions: ExplainContribution[];
  /** max |Σ contributions - autograd gradient| over the elements (0 up to rounding). */
  contributionError: number;
  /** The nodes between x and y with the largest gradient flow, largest first (at most `top`). */
  nodes: ExplainNode[];
  /** How many nodes lie on paths from x to y. */
  nodeCount: number;
}

/** A finite-difference estimate of the derivative. */
export interface ExplainNumeric {
  /** The estimate; null when the graph could not be replayed (an op without a forward rule). */
  value: number | null;
  /** `"central"` for a scalar input; `"directional"` (along the gradient's direction) for a tensor input. */
  method: "central" | "directional";
  /** The step size. */
  h: number;
  /** Why there is no estimate, when `value` is null. */
  note?: string;
}

/** What {@link explain} and {@link explainExpression} return. */
export interface Explanation {
  /** `"scalar"`: every node on the paths has one element, paths are enumerated; `"tensor"`: grouped by node. */
  mode: "scalar" | "tensor";
  /** `"variables"`: paths through the user's named variables; `"ops"`: through recorded primitives. */
  level: "variables" | "ops";
  /** The output's label. */
  output: string;
  /** The input's label. */
  wrt: string;
  /** The point, by name (inputs and computed names), where known. */
  point: Record<string, number>;
  /** The program's definitions, as written (expression explanations). */
  definitions: string[];
  /** Labels standing for larger expressions (ops level), e.g. `{ label: "v3", definition: "matmul(x, W1)" }`. */
  legend: { label: string; definition: string }[];
  /** Every local derivative on the paths (each edge once), in path order. Scalar mode only. */
  localDerivatives: ExplainStep[];
  /** The number of paths from x to y (exact decimal string; counted by dynamic programming). */
  pathCount: string;
  /** The enumerated paths, largest |product| first (at most `limit`). */
  paths: ExplainPath[];
  /** The paths left out of `paths`: how many, and their summed products (exact: total minus listed). */
  omitted: { count: string; sum: number };
  /** Σ over all paths of the products (computed by dynamic programming over every path). */
  sum: { value: number; symbolic: string | null };
  /** The autograd derivative (scalar mode), or the directional derivative along the gradient, ‖∂y/∂x‖ (tensor mode). */
  autograd: number;
  /** A float64 finite-difference estimate of the same quantity. */
  numeric: ExplainNumeric;
  /** Tensor mode only. */
  tensor: ExplainTensorBreakdown | null;
}
