// chainrule's side of the four workloads, written as a user would: tensors, autograd, nn losses and optim.SGD.

import { tutorialProblem } from "../../src/data/tutorial.js";
import { nn, optim, type Tensor, tensor } from "../../src/index.js";
import { matmulChecksum, matmulData, mlpData, scalarChecksum, scalarInputs } from "../lib/data.js";
import {
  type Case,
  type Cases,
  MLP_LR,
  mlpCheckLoss,
  type Sizes,
  TUTORIAL_HIDDEN,
  TUTORIAL_LR,
  TUTORIAL_SEED,
} from "../lib/spec.js";

function matmulCase(sizes: Sizes): Case {
  const n = sizes.matmulN;
  const { a, b } = matmulData(n);
  const ta = tensor(a, { shape: [n, n] });
  const tb = tensor(b, { shape: [n, n] });
  return {
    dtype: "float32",
    run: () => ta.matmul(tb),
    checksum: (last) => matmulChecksum((last as Tensor).data, n),
  };
}

/** A 784-256-128-10 ReLU MLP trained with softmax cross-entropy and plain SGD; `step()` returns the loss. */
function mlpTrainer(sizes: Sizes): () => number {
  const data = mlpData(sizes);
  const dims = sizes.mlpSizes;
  const x = tensor(data.x, { shape: [sizes.mlpBatch, dims[0]] });
  const params: Tensor[] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    params.push(tensor(data.weights[l], { shape: [dims[l], dims[l + 1]], requiresGrad: true }));
    params.push(tensor(data.biases[l], { shape: [dims[l + 1]], requiresGrad: true }));
  }
  const opt = new optim.SGD(params, { lr: MLP_LR });
  const layers = params.length / 2;
  return () => {
    opt.zeroGrad();
    let h = x;
    for (let l = 0; l < layers; l++) {
      h = h.matmul(params[2 * l]).add(params[2 * l + 1]);
      if (l + 1 < layers) h = h.relu();
    }
    const loss = nn.crossEntropy(h, data.labels);
    loss.backward();
    opt.step();
    return loss.item();
  };
}

function mlpCase(sizes: Sizes): Case {
  const step = mlpTrainer(sizes);
  return {
    dtype: "float32",
    run: step,
    checksum: () => mlpCheckLoss(() => mlpTrainer(sizes)),
  };
}

/** Trains the tutorial's 2-4-1 sigmoid network from its initial weights; returns the sum of the final parameters. */
function tutorialTrainer(sizes: Sizes): () => number {
  const p = tutorialProblem({ seed: TUTORIAL_SEED, hidden: TUTORIAL_HIDDEN });
  const init = [p.W1, p.b1, p.W2, p.b2].map((t) => ({ data: t.data, shape: t.shape }));
  return () => {
    const params = init.map((t) => tensor(t.data, { shape: t.shape, dtype: "float64", requiresGrad: true }));
    const [W1, b1, W2, b2] = params;
    const opt = new optim.SGD(params, { lr: TUTORIAL_LR });
    for (let epoch = 0; epoch < sizes.tutorialEpochs; epoch++) {
      opt.zeroGrad();
      const a2 = p.x.matmul(W1).add(b1).sigmoid().matmul(W2).add(b2).sigmoid();
      nn.bceLoss(a2, p.y).backward();
      opt.step();
    }
    let s = 0;
    for (const t of params) for (const v of t.data) s += v;
    return s;
  };
}

function tutorialCase(sizes: Sizes): Case {
  const train = tutorialTrainer(sizes);
  return { dtype: "float64", run: train, checksum: (last) => last as number };
}

/** The scalar graph over 0-d float64 tensors; returns [h, dh/dx_0..3]. */
function scalarGraph(sizes: Sizes): () => number[] {
  const xs = scalarInputs().map((v) => tensor(v, { dtype: "float64", requiresGrad: true }));
  return () => {
    let h = xs[0];
    for (let k = 0; k < sizes.scalarOps / 5; k++) {
      const p = h.mul(xs[k % 4]);
      const r = p.add(xs[(k + 1) % 4]).tanh();
      h = r.mul(xs[(k + 2) % 4]).add(p);
    }
    for (const x of xs) x.grad = null;
    h.backward();
    return [h.item(), ...xs.map((x) => x.grad!.item())];
  };
}

function scalarCase(sizes: Sizes): Case {
  const run = scalarGraph(sizes);
  return {
    dtype: "float64",
    run,
    checksum: (last) => {
      const [h, ...grads] = last as number[];
      return scalarChecksum(h, grads);
    },
  };
}

/** chainrule's cases on whatever backend is active when they are built and run. */
export const chainruleCases: Cases = {
  matmul: matmulCase,
  mlp: mlpCase,
  tutorial: tutorialCase,
  scalar: scalarCase,
};

/** `steps` MLP training steps, for the memory check; returns the last loss. */
export function chainruleMlpSteps(sizes: Sizes): () => number {
  return mlpTrainer(sizes);
}
