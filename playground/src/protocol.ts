// The contract between the page and the training worker: the experiment config and every message either way.

export type DatasetName =
  | "circle"
  | "xor"
  | "gauss"
  | "spiral"
  | "blobs3"
  | "spiral3"
  | "plane"
  | "gaussians"
  | "csv";
export type FeatureName = "x1" | "x2" | "x1sq" | "x2sq" | "x1x2" | "sinx1" | "sinx2";
export type ActivationName = "relu" | "tanh" | "sigmoid" | "linear";
export type RegularizationName = "none" | "l1" | "l2";
export type ProblemKind = "binary" | "multiclass" | "regression";

/** Everything that defines an experiment; all of it round-trips through the URL (hash). */
export interface ExperimentConfig {
  dataset: DatasetName;
  noise: number; // 0..50
  trainRatio: number; // 10..90 (percent)
  batchSize: number; // 1..30
  features: FeatureName[]; // at least one
  hiddenLayers: number[]; // 0..6 entries, each 1..8
  activation: ActivationName;
  learningRate: number;
  regularization: RegularizationName;
  regularizationRate: number;
  seed: number; // integer; data and init are reproducible from it
}

/** One data point: label = class index (0..K-1) for classification, the target value for regression. */
export interface Point {
  x1: number;
  x2: number;
  label: number;
}

/** Identifies one weight (from >= 0) or bias (from === -1): layer = index of the Linear (0 = first). */
export interface ParamRef {
  layer: number;
  to: number;
  from: number;
}

/** The network's parameters in plain arrays: weights[l][to][from], biases[l][to]. */
export interface NetworkParams {
  weights: number[][][];
  biases: number[][];
}

export interface GridImage {
  size: number;
  values: Float32Array;
} // size×size, row 0 = top (x2 = +6)

export interface Snapshot {
  step: number; // SGD updates done since reset
  epoch: number; // step * batchSize / trainCount
  trainLoss: number;
  testLoss: number;
  history: { step: number; trainLoss: number; testLoss: number }[]; // appended since the last snapshot
  params: NetworkParams;
  /** Decision/output heat map over [-6,6]²: p(class 1) for binary, argmax class + confidence encoded as
   *  class + confidence*0.999 for multiclass (class = floor), the prediction for regression. */
  output: GridImage;
  /** One small heat map per neuron: neurons[0] = the input features, then each hidden layer's activations. */
  neurons: GridImage[][];
  stepsPerSecond: number; // measured over the last second of training
  running: boolean;
}

export type InspectRequest =
  | { kind: "trace"; exampleIndex?: number } // one training step traced (result: TraceResult in src/inspect/types.ts)
  | { kind: "breakdown"; param: ParamRef; exampleIndex?: number } // chain-rule paths for one weight
  | { kind: "check"; param: ParamRef; guess: number; exampleIndex?: number } // the exercise
  | { kind: "health" };

export type ToWorker =
  | { type: "reset"; config: ExperimentConfig; csv?: Point[] } // rebuild data + network from the config
  | { type: "update"; config: ExperimentConfig } // live changes: learningRate, regularization(+Rate), batchSize
  | { type: "play" }
  | { type: "pause" }
  | { type: "step"; steps: number } // pause, then take exactly `steps` steps, then snapshot
  | { type: "inspect"; id: number; request: InspectRequest }
  | { type: "setParam"; param: ParamRef; value: number }; // for tests and "what if" edits

export type FromWorker =
  | { type: "ready" }
  | { type: "data"; problem: ProblemKind; classes: number; train: Point[]; test: Point[] }
  | { type: "snapshot"; snapshot: Snapshot }
  | { type: "inspectResult"; id: number; result: unknown } // typed as InspectResult in src/inspect/types.ts
  | { type: "error"; message: string; id?: number };
