// TensorFlow.js's side of the four workloads (float32 throughout: tfjs has no float64), on whichever backend is active.

import type * as TF from "@tensorflow/tfjs-core";
import { tutorialProblem } from "../../src/data/tutorial.js";
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

type Tf = typeof TF;

/** The workloads written with `tf`, which must already have its backend set. */
export function tfjsCases(tf: Tf): Cases {
  return {
    matmul: (sizes) => matmulCase(tf, sizes),
    mlp: (sizes) => mlpCase(tf, sizes),
    tutorial: (sizes) => tutorialCase(tf, sizes),
    scalar: (sizes) => scalarCase(tf, sizes),
  };
}

function matmulCase(tf: Tf, sizes: Sizes): Case {
  const n = sizes.matmulN;
  const { a, b } = matmulData(n);
  const ta = tf.tensor2d(a, [n, n]);
  const tb = tf.tensor2d(b, [n, n]);
  let previous: TF.Tensor | null = null;
  return {
    dtype: "float32",
    notes: "result left in the backend (no read-back)",
    run: () => {
      previous?.dispose();
      previous = tf.matMul(ta, tb);
      return previous;
    },
    checksum: (last) => matmulChecksum((last as TF.Tensor).dataSync(), n),
  };
}

function mlpTrainer(tf: Tf, sizes: Sizes): () => number {
  const data = mlpData(sizes);
  const dims = sizes.mlpSizes;
  const layers = dims.length - 1;
  const x = tf.tensor2d(data.x, [sizes.mlpBatch, dims[0]]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(data.labels, "int32"), dims[layers]), "float32"));
  const W = data.weights.map((w, l) => tf.variable(tf.tensor2d(w, [dims[l], dims[l + 1]])));
  const B = data.biases.map((b) => tf.variable(tf.tensor1d(b)));
  const opt = tf.train.sgd(MLP_LR);
  const loss = (): TF.Scalar => {
    let h: TF.Tensor = x;
    for (let l = 0; l < layers; l++) {
      h = tf.add(tf.matMul(h, W[l]), B[l]);
      if (l + 1 < layers) h = tf.relu(h);
    }
    return tf.losses.softmaxCrossEntropy(y, h) as TF.Scalar;
  };
  return () => {
    const cost = opt.minimize(loss, true)!;
    const value = cost.dataSync()[0];
    cost.dispose();
    return value;
  };
}

function mlpCase(tf: Tf, sizes: Sizes): Case {
  const step = mlpTrainer(tf, sizes);
  return {
    dtype: "float32",
    notes: "tf.train.sgd minimize, tf.losses.softmaxCrossEntropy on one-hot labels",
    run: step,
    checksum: () => mlpCheckLoss(() => mlpTrainer(tf, sizes)),
  };
}

function tutorialCase(tf: Tf, sizes: Sizes): Case {
  const p = tutorialProblem({ seed: TUTORIAL_SEED, hidden: TUTORIAL_HIDDEN });
  const x = tf.tensor2d(Float32Array.from(p.x.data), [p.x.shape[0], 2]);
  const y = tf.tensor2d(Float32Array.from(p.y.data), [p.y.shape[0], 1]);
  const init = [p.W1, p.b1, p.W2, p.b2].map((t) => ({ data: Float32Array.from(t.data), shape: t.shape }));
  const vars = init.map((t) => tf.variable(tf.tensor(t.data, t.shape)));
  const [W1, b1, W2, b2] = vars;
  const opt = tf.train.sgd(TUTORIAL_LR);
  // sigmoid + binary cross-entropy, from the logits: the same gradient (a2 - y) / m as the tutorial.
  const loss = (): TF.Scalar => {
    const a1 = tf.sigmoid(tf.add(tf.matMul(x, W1), b1));
    const z2 = tf.add(tf.matMul(a1, W2), b2);
    return tf.losses.sigmoidCrossEntropy(y, z2) as TF.Scalar;
  };
  const train = (): number => {
    tf.tidy(() => {
      for (let i = 0; i < vars.length; i++) vars[i].assign(tf.tensor(init[i].data, init[i].shape));
    });
    for (let epoch = 0; epoch < sizes.tutorialEpochs; epoch++) opt.minimize(loss);
    let s = 0;
    for (const v of vars) for (const value of v.dataSync()) s += value;
    return s;
  };
  return {
    dtype: "float32",
    notes: "float32; tf.losses.sigmoidCrossEntropy",
    run: train,
    checksum: (last) => last as number,
  };
}

function scalarCase(tf: Tf, sizes: Sizes): Case {
  const xs = scalarInputs().map((v) => tf.scalar(v));
  const f = (...inputs: TF.Tensor[]): TF.Tensor => {
    let h = inputs[0];
    for (let k = 0; k < sizes.scalarOps / 5; k++) {
      const p = tf.mul(h, inputs[k % 4]);
      const r = tf.tanh(tf.add(p, inputs[(k + 1) % 4]));
      h = tf.add(tf.mul(r, inputs[(k + 2) % 4]), p);
    }
    return h;
  };
  const vg = tf.valueAndGrads(f);
  const run = (): number[] =>
    tf.tidy(() => {
      const { value, grads } = vg(xs);
      return [value.dataSync()[0], ...grads.map((g) => g.dataSync()[0])];
    });
  return {
    dtype: "float32",
    notes: "0-d float32 tensors, tf.valueAndGrads",
    run,
    checksum: (last) => {
      const [h, ...grads] = last as number[];
      return scalarChecksum(h, grads);
    },
  };
}
