// The playground's loss and gradient recomputed in Node with chainrule's public API, independently of the
// playground's own engine: features, network, loss and regulariser written from the spec
// (/work/notes/s2/interfaces.md "Semantics"), so the e2e test can check the gradient the page displays.

import { nn, type Tensor, tensor } from "chainrule";

/** What the page's state gives us (plain JSON from `window.__playground`). */
export interface ReferenceState {
  features: string[];
  activation: "relu" | "tanh" | "sigmoid" | "linear";
  regularization: "none" | "l1" | "l2";
  regularizationRate: number;
  problem: "binary" | "multiclass" | "regression";
  params: { weights: number[][][]; biases: number[][] };
  /** The batch the gradient is taken over. */
  points: { x1: number; x2: number; label: number }[];
}

/** The value of feature `name` at (x1, x2), as TensorFlow Playground defines its inputs. */
export function featureValue(name: string, x1: number, x2: number): number {
  switch (name) {
    case "x1":
      return x1;
    case "x2":
      return x2;
    case "x1sq":
      return x1 * x1;
    case "x2sq":
      return x2 * x2;
    case "x1x2":
      return x1 * x2;
    case "sinx1":
      return Math.sin(x1);
    case "sinx2":
      return Math.sin(x2);
    default:
      throw new Error(`featureValue: expected a feature name, got ${JSON.stringify(name)}`);
  }
}

function activation(name: ReferenceState["activation"]): nn.Module | null {
  switch (name) {
    case "relu":
      return new nn.ReLU();
    case "tanh":
      return new nn.Tanh();
    case "sigmoid":
      return new nn.Sigmoid();
    case "linear":
      return null;
  }
}

/** The network with the given parameters (float64): Linear, act, ..., Linear. */
export function buildNetwork(state: ReferenceState): { net: nn.Sequential; linears: nn.Linear[] } {
  const layers: nn.Module[] = [];
  const linears: nn.Linear[] = [];
  state.params.weights.forEach((w, l) => {
    const lin = new nn.Linear(w[0].length, w.length, { dtype: "float64" });
    lin.weight = tensor(w, { dtype: "float64", requiresGrad: true });
    lin.bias = tensor(state.params.biases[l], { dtype: "float64", requiresGrad: true });
    layers.push(lin);
    linears.push(lin);
    const act = l < state.params.weights.length - 1 ? activation(state.activation) : null;
    if (act) layers.push(act);
  });
  return { net: new nn.Sequential(...layers), linears };
}

/** The data loss (mean over the points) plus the regulariser, and the network it was computed on. */
export function referenceLoss(state: ReferenceState): { loss: Tensor; data: Tensor; linears: nn.Linear[] } {
  const { net, linears } = buildNetwork(state);
  const x = tensor(
    state.points.map((p) => state.features.map((f) => featureValue(f, p.x1, p.x2))),
    { dtype: "float64" },
  );
  const out = net.forward(x);
  let data: Tensor;
  if (state.problem === "binary")
    data = nn.bceWithLogits(
      out,
      tensor(
        state.points.map((p) => [p.label]),
        { dtype: "float64" },
      ),
    );
  else if (state.problem === "regression")
    data = nn.mseLoss(
      out,
      tensor(
        state.points.map((p) => [p.label]),
        { dtype: "float64" },
      ),
    );
  else
    data = nn.crossEntropy(
      out,
      state.points.map((p) => p.label),
    );
  let loss = data;
  if (state.regularization !== "none" && state.regularizationRate > 0) {
    let sum: Tensor | null = null;
    for (const lin of linears) {
      const term = state.regularization === "l1" ? lin.weight.abs().sum() : lin.weight.pow(2).sum().mul(0.5);
      sum = sum === null ? term : sum.add(term);
    }
    if (sum) loss = loss.add(sum.mul(state.regularizationRate));
  }
  return { loss, data, linears };
}

/** ∂L/∂(weight or bias) by chainrule's autograd for `param` ({ layer, to, from }, from = -1: the bias). */
export function referenceGradient(
  state: ReferenceState,
  param: { layer: number; to: number; from: number },
): { grad: number; loss: number } {
  const { loss, linears } = referenceLoss(state);
  loss.backward();
  const lin = linears[param.layer];
  const g = param.from < 0 ? lin.bias!.grad! : lin.weight.grad!;
  const index = param.from < 0 ? param.to : param.to * lin.inFeatures + param.from;
  return { grad: g._storage[index], loss: loss.item() };
}
