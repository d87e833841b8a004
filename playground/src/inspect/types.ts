// The results of the worker's inspect requests (backprop trace, weight breakdown, gradient exercise, health):
// plain JSON-serialisable data that crosses postMessage and that the panels render.

import type { nn, Tensor } from "chainrule";
import type { ExperimentConfig, NetworkParams, ParamRef, Point, ProblemKind } from "../protocol.js";

/**
 * What the inspect functions read from the engine's Trainer (a structural subset of it, so the inspect code and its
 * tests depend on the documented members only). Nothing here is ever written by the inspect code.
 */
export interface TrainerLike {
  readonly config: ExperimentConfig;
  readonly problem: ProblemKind;
  readonly classes: number;
  readonly model: nn.Sequential;
  readonly linears: nn.Linear[];
  readonly step: number;
  readonly train: { x: Tensor; y: Tensor; points: Point[] };
  nextBatch(): { x: Tensor; y: Tensor; indices: number[] };
  dataLoss(logits: Tensor, y: Tensor): Tensor;
  regularizer(): Tensor | null;
  featureNames(): string[];
  params(): NetworkParams;
}

/** A hidden layer's activation, or `"output"` for the last Linear (its z are the logits / predictions). */
export type LayerActivation = "relu" | "tanh" | "sigmoid" | "linear" | "output";

/** One Linear layer of a traced step. Per-example arrays are `[example][neuron]`; weights `[to][from]`. */
export interface TraceLayer {
  activation: LayerActivation;
  /** The weights and biases the step starts from. */
  weight: number[][];
  bias: number[];
  /** Pre-activations z = W a_prev + b, per example. */
  z: number[][];
  /** Activations a = f(z) per example (a = z for the output layer and for "linear"). */
  a: number[][];
  /** ∂L/∂a per example (the gradient arriving at the neuron's output), from autograd. */
  dA: number[][];
  /** ∂L/∂z per example, from autograd (for the output layer: ∂L/∂logits). */
  dZ: number[][];
  /** ∂L/∂W of the whole loss (data loss + regulariser), `[to][from]`: what the SGD step applies. */
  dW: number[][];
  /** ∂L/∂b of the whole loss. */
  dB: number[];
}

/** What a trace step computes (for the panel's sentence and the network overlays). */
export type TraceQuantity = "input" | "z" | "a" | "loss" | "dZ" | "dA" | "dW" | "dB";

/**
 * One step of the backprop animation. `layer` is the Linear index (0 = first) for z, a, dZ, dA, dW, dB;
 * -1 for the input and the loss. `text` is one sentence saying which chain-rule product is formed.
 */
export interface TraceStep {
  phase: "forward" | "backward";
  quantity: TraceQuantity;
  layer: number;
  text: string;
  /** The formula, e.g. "∂L/∂W⁽²⁾ = Σₙ ∂L/∂z⁽²⁾ · a⁽¹⁾ᵀ". */
  formula: string;
}

/** One training step traced: forward values, loss and autograd's backward values, in visiting order. */
export interface TraceResult {
  kind: "trace";
  /** The trainer's step count: the trace is the step that takes it to `step + 1`. */
  step: number;
  /** "batch" = the next minibatch; "example" = one training example (a batch of one). */
  scope: "batch" | "example";
  /** Indices into the training set of the examples traced. */
  examples: number[];
  /** Input feature values per example, `[example][feature]`. */
  inputs: number[][];
  featureNames: string[];
  /** Labels per example (class index or target). */
  labels: number[];
  problem: ProblemKind;
  loss: { data: number; regularization: number; total: number };
  layers: TraceLayer[];
  /** Forward steps (input, then z and a layer by layer, then the loss), then backward steps in the order
   *  chainrule's engine computed the gradients (recorded by tensor hooks). */
  steps: TraceStep[];
  /** Wall time of the trace in the worker, ms. */
  ms: number;
}

/** One factor of a chain-rule path between two named quantities (several primitive ops collapsed). */
export interface BreakdownFactor {
  /** E.g. "∂z₁⁽¹⁾/∂w". */
  notation: string;
  /** What it equals in the network's symbols, e.g. "x₁", "1 − a₁⁽¹⁾²", "w₂₁⁽²⁾", "σ(z) − y". */
  formula: string;
  /** What it is, in words: "the input on the edge", "tanh′", "the weight on the edge", "BCE with logits". */
  note: string;
  value: number;
  /** The primitive ops explain walked for this factor, e.g. ["mul", "add"]. */
  ops: string[];
}

/** One path from w to L: nodes (named quantities) and its factors, output side last. */
export interface BreakdownPath {
  nodes: string[];
  factors: BreakdownFactor[];
  product: number;
}

/** A per-example contribution to the batch gradient: (1/B) ∂ℓₙ/∂w. */
export interface ExampleContribution {
  /** Index into the training set. */
  example: number;
  /** ∂ℓₙ/∂w / B, from autograd (the regulariser's part is counted once, in `regularization`). */
  value: number;
}

/** The chain-rule breakdown of ∂L/∂w (or ∂L/∂b) for one parameter. */
export interface BreakdownResult {
  kind: "breakdown";
  step: number;
  param: ParamRef;
  /** The parameter in words, e.g. "w from x₁ to neuron 1 of layer 1". */
  paramName: string;
  /** The parameter's current value. */
  value: number;
  /** "batch": L is the next minibatch's loss; "example": L is one example's loss (a batch of one). */
  scope: "batch" | "example";
  /** Indices into the training set of the examples L is taken over. */
  examples: number[];
  /** Autograd ∂L/∂w for the state the next step starts from (data loss + regulariser), full precision. */
  total: number;
  /** A float64 central difference of the same L (params perturbed and restored), and its step. */
  numeric: { value: number; h: number };
  /** The regulariser's part of `total` (rate·sign w or rate·w; 0 for biases and "none"). */
  regularization: number;
  /** Per-example parts of `total - regularization`, largest |value| first (at most 8; `contributionCount` all). */
  contributions: ExampleContribution[];
  contributionCount: number;
  /** The paths for one example, from chainrule's `explain` on a scalar graph of the network. */
  paths: {
    /** The example (index into the training set) whose loss ℓ (+ regulariser) the scalar graph computes. */
    example: number;
    /** The number of paths from w to L (exact, as a decimal string). */
    count: string;
    /** The listed paths, largest |product| first. */
    list: BreakdownPath[];
    /** Paths left out of `list` and the sum of their products. */
    omitted: { count: string; sum: number };
    /** Σ over all paths (dynamic programming in explain). */
    sum: number;
    /** Autograd on the scalar graph, and explain's float64 central difference on it. */
    autograd: number;
    numeric: number | null;
    /** Autograd on the real network (tensor graph) for this one example: equals `sum` up to rounding. */
    modelAutograd: number;
  };
  ms: number;
}

/** The "predict the gradient" exercise: the learner's guess against autograd and a central difference. */
export interface CheckResult {
  kind: "check";
  param: ParamRef;
  paramName: string;
  guess: number;
  autograd: number;
  numeric: number;
  /** |guess - autograd| ≤ max(absTol, relTol · |autograd|). */
  correct: boolean;
  tolerance: { rel: number; abs: number };
  /** |guess - autograd| / max(|autograd|, tiny). */
  relError: number;
  /** The breakdown to show after checking. */
  breakdown: BreakdownResult;
}

/** One Linear layer's health at one moment. */
export interface LayerHealthPoint {
  /** Display name, e.g. "layer 1" (hidden) or "output". */
  name: string;
  /** ‖∂L/∂(W, b)‖ of the layer. */
  gradNorm: number | null;
  weightNorm: number;
  /** The activation after the layer (null for the output layer) and its dead / saturated shares. */
  activation: "relu" | "tanh" | "sigmoid" | "linear" | null;
  /** ReLU: share of units that output 0 for every example of the batch. */
  deadShare: number | null;
  /** Sigmoid/tanh: share of outputs within 0.01 of the asymptotes. */
  saturatedShare: number | null;
  flags: string[];
}

/** The health history and the latest report (from chainrule's `gradientHealth`). */
export interface HealthResult {
  kind: "health";
  step: number;
  /** The per-layer health now: chainrule's gradientHealth on the next batch (data loss only). */
  layers: LayerHealthPoint[];
  summary: {
    vanishing: boolean;
    exploding: boolean;
    /** first layer's gradient norm / the last layer's. */
    firstToLastRatio: number | null;
    deadReluShare: number | null;
    saturatedShare: number | null;
    messages: string[];
  };
  /** ‖∂L/∂(W, b)‖ per layer of the SGD steps taken (regulariser included), every `every` steps, oldest first. */
  history: { step: number; norms: (number | null)[] }[];
  every: number;
}

/** What `handleInspect` returns, by request kind. */
export type InspectResult = TraceResult | BreakdownResult | CheckResult | HealthResult;
