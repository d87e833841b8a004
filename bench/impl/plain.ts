// Plain-JavaScript baselines: a cache-blocked float32 matmul, a hand-written MLP step, the tutorial network in float64.

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
import { Value } from "./micrograd.js";

/** Depth of a packed panel of B: 256 rows x 4 columns of float32 (4 KiB) stay in L1. */
const KC = 256;
const panel = new Float32Array(KC * 4);

/**
 * `C[n, m] = A[n, k] @ B[k, m]`, row-major float32. Cache-blocked: for each 256-deep slice of k, a 4-column
 * panel of B is packed contiguously, and 4 x 4 tiles of C are accumulated in 16 local variables (registers),
 * so each loaded element of A or B feeds four multiply-adds. Edge rows and columns take plain loops.
 */
// biome-ignore format: the 4 x 4 tile reads best laid out as a grid
export function matmulNN(a: Float32Array, b: Float32Array, c: Float32Array, n: number, k: number, m: number): void {
  c.fill(0);
  for (let kk = 0; kk < k; kk += KC) {
    const kc = Math.min(KC, k - kk);
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      for (let p = 0; p < kc; p++) {
        const r = (kk + p) * m + j;
        panel[4 * p] = b[r];
        panel[4 * p + 1] = b[r + 1];
        panel[4 * p + 2] = b[r + 2];
        panel[4 * p + 3] = b[r + 3];
      }
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        const a0 = i * k + kk;
        const a1 = a0 + k;
        const a2 = a1 + k;
        const a3 = a2 + k;
        for (let p = 0; p < kc; p++) {
          const b0 = panel[4 * p], b1 = panel[4 * p + 1], b2 = panel[4 * p + 2], b3 = panel[4 * p + 3];
          const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
          c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
          c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
          c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
          c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
        }
        let o = i * m + j;
        c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03;
        o += m;
        c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13;
        o += m;
        c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23;
        o += m;
        c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
      }
      for (; i < n; i++) {
        let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
        const ai = i * k + kk;
        for (let p = 0; p < kc; p++) {
          const x = a[ai + p];
          c0 += x * panel[4 * p]; c1 += x * panel[4 * p + 1]; c2 += x * panel[4 * p + 2]; c3 += x * panel[4 * p + 3];
        }
        const o = i * m + j;
        c[o] += c0; c[o + 1] += c1; c[o + 2] += c2; c[o + 3] += c3;
      }
    }
    for (; j < m; j++) {
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let p = 0; p < kc; p++) sum += a[i * k + kk + p] * b[(kk + p) * m + j];
        c[i * m + j] += sum;
      }
    }
  }
}

let scratch = new Float32Array(0);

/** `rows x cols` row-major `src` transposed into a reused scratch buffer. */
function transposed(src: Float32Array, rows: number, cols: number): Float32Array {
  if (scratch.length < rows * cols) scratch = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) scratch[c * rows + r] = src[r * cols + c];
  return scratch;
}

/** `C[n, m] = A[k, n]^T @ B[k, m]` (the weight gradient `X^T dZ`): transpose A once, then the blocked kernel. */
export function matmulTN(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  n: number,
  k: number,
  m: number,
): void {
  matmulNN(transposed(a, k, n), b, c, n, k, m);
}

/** `C[n, m] = A[n, k] @ B[m, k]^T` (the input gradient `dZ W^T`): transpose B once, then the blocked kernel. */
export function matmulNT(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  n: number,
  k: number,
  m: number,
): void {
  matmulNN(a, transposed(b, m, k), c, n, k, m);
}

function matmulCase(sizes: Sizes): Case {
  const n = sizes.matmulN;
  const { a, b } = matmulData(n);
  const c = new Float32Array(n * n);
  return {
    dtype: "float32",
    notes: "cache-blocked: packed 256x4 panels of B, 4x4 register tiles, single thread",
    run: () => matmulNN(a, b, c, n, n, n),
    checksum: () => matmulChecksum(c, n),
  };
}

/** A hand-written forward, backward and SGD update of the ReLU MLP; `step()` returns the loss. */
function mlpTrainer(sizes: Sizes): () => number {
  const data = mlpData(sizes);
  const dims = sizes.mlpSizes;
  const batch = sizes.mlpBatch;
  const layers = dims.length - 1;
  const W = data.weights.map((w) => w.slice());
  const B = data.biases.map((b) => b.slice());
  // acts[l] is the input of layer l (acts[0] = x), zs[l] its pre-activation output.
  const acts = [data.x, ...dims.slice(1, -1).map((d) => new Float32Array(batch * d))];
  const zs = dims.slice(1).map((d) => new Float32Array(batch * d));
  const dz = dims.slice(1).map((d) => new Float32Array(batch * d));
  const dW = W.map((w) => new Float32Array(w.length));
  const classes = dims[layers];
  return () => {
    for (let l = 0; l < layers; l++) {
      const z = zs[l];
      const out = dims[l + 1];
      matmulNN(acts[l], W[l], z, batch, dims[l], out);
      for (let i = 0; i < batch; i++) for (let j = 0; j < out; j++) z[i * out + j] += B[l][j];
      if (l + 1 < layers) {
        const act = acts[l + 1];
        for (let i = 0; i < z.length; i++) act[i] = Math.max(z[i], 0);
      }
    }
    // Softmax cross-entropy, mean over the batch; dz = (softmax - onehot) / batch.
    const logits = zs[layers - 1];
    const g = dz[layers - 1];
    let loss = 0;
    for (let i = 0; i < batch; i++) {
      const row = i * classes;
      let mx = -Infinity;
      for (let j = 0; j < classes; j++) mx = Math.max(mx, logits[row + j]);
      let sum = 0;
      for (let j = 0; j < classes; j++) sum += Math.exp(logits[row + j] - mx);
      const label = data.labels[i];
      loss += Math.log(sum) + mx - logits[row + label];
      for (let j = 0; j < classes; j++) {
        g[row + j] = (Math.exp(logits[row + j] - mx) / sum - (j === label ? 1 : 0)) / batch;
      }
    }
    for (let l = layers - 1; l >= 0; l--) {
      const out = dims[l + 1];
      matmulTN(acts[l], dz[l], dW[l], dims[l], batch, out);
      if (l > 0) {
        matmulNT(dz[l], W[l], dz[l - 1], batch, out, dims[l]);
        const z = zs[l - 1];
        const d = dz[l - 1];
        for (let i = 0; i < d.length; i++) if (z[i] <= 0) d[i] = 0;
      }
      const b = B[l];
      for (let j = 0; j < out; j++) {
        let s = 0;
        for (let i = 0; i < batch; i++) s += dz[l][i * out + j];
        b[j] -= MLP_LR * s;
      }
      const w = W[l];
      const gw = dW[l];
      for (let i = 0; i < w.length; i++) w[i] -= MLP_LR * gw[i];
    }
    return loss / batch;
  };
}

function mlpCase(sizes: Sizes): Case {
  const step = mlpTrainer(sizes);
  return {
    dtype: "float32",
    notes: "hand-written backprop on the blocked kernel (transposed operands copied first)",
    run: step,
    checksum: () => mlpCheckLoss(() => mlpTrainer(sizes)),
  };
}

/** The tutorial's NumPy program, loop by loop in float64; returns the sum of the final parameters. */
function tutorialTrainer(sizes: Sizes): () => number {
  const p = tutorialProblem({ seed: TUTORIAL_SEED, hidden: TUTORIAL_HIDDEN });
  const X = Float64Array.from(p.x.data);
  const Y = Float64Array.from(p.y.data);
  const init = [p.W1, p.b1, p.W2, p.b2].map((t) => Float64Array.from(t.data));
  const m = Y.length;
  const H = TUTORIAL_HIDDEN;
  const a1 = new Float64Array(m * H);
  const a2 = new Float64Array(m);
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  return () => {
    const [W1, b1, W2, b2] = init.map((t) => t.slice());
    for (let epoch = 0; epoch < sizes.tutorialEpochs; epoch++) {
      for (let i = 0; i < m; i++) {
        let z2 = b2[0];
        for (let h = 0; h < H; h++) {
          const a = sigmoid(X[2 * i] * W1[h] + X[2 * i + 1] * W1[H + h] + b1[h]);
          a1[i * H + h] = a;
          z2 += a * W2[h];
        }
        a2[i] = sigmoid(z2);
      }
      // dz2 = a2 - y; dW2 = a1^T dz2 / m; dz1 = dz2 W2^T * a1 (1 - a1); dW1 = X^T dz1 / m.
      const dW2 = new Float64Array(H);
      const dW1 = new Float64Array(2 * H);
      const db1 = new Float64Array(H);
      let db2 = 0;
      for (let i = 0; i < m; i++) {
        const d2 = a2[i] - Y[i];
        db2 += d2;
        for (let h = 0; h < H; h++) {
          const a = a1[i * H + h];
          dW2[h] += a * d2;
          const d1 = d2 * W2[h] * a * (1 - a);
          dW1[h] += X[2 * i] * d1;
          dW1[H + h] += X[2 * i + 1] * d1;
          db1[h] += d1;
        }
      }
      for (let h = 0; h < H; h++) {
        W2[h] -= (TUTORIAL_LR * dW2[h]) / m;
        W1[h] -= (TUTORIAL_LR * dW1[h]) / m;
        W1[H + h] -= (TUTORIAL_LR * dW1[H + h]) / m;
        b1[h] -= (TUTORIAL_LR * db1[h]) / m;
      }
      b2[0] -= (TUTORIAL_LR * db2) / m;
    }
    let s = 0;
    for (const t of [W1, b1, W2, b2]) for (const v of t) s += v;
    return s;
  };
}

function tutorialCase(sizes: Sizes): Case {
  const train = tutorialTrainer(sizes);
  return { dtype: "float64", notes: "hand-written, float64", run: train, checksum: (last) => last as number };
}

/** Plain-JS baselines for the matmul, the MLP and the tutorial network. */
export const plainCases: Cases = { matmul: matmulCase, mlp: mlpCase, tutorial: tutorialCase };

/** The scalar graph on the micrograd-style engine; returns [h, dh/dx_0..3]. */
function microgradGraph(sizes: Sizes): () => number[] {
  const inputs = scalarInputs();
  return () => {
    const xs = inputs.map((v) => new Value(v));
    let h = xs[0];
    for (let k = 0; k < sizes.scalarOps / 5; k++) {
      const p = h.mul(xs[k % 4]);
      const r = p.add(xs[(k + 1) % 4]).tanh();
      h = r.mul(xs[(k + 2) % 4]).add(p);
    }
    h.backward();
    return [h.data, ...xs.map((x) => x.grad)];
  };
}

/** The micrograd-style engine on the scalar graph. */
export const microgradCases: Cases = {
  scalar: (sizes) => {
    const run = microgradGraph(sizes);
    return {
      dtype: "float64",
      notes: "micrograd-style engine: JS numbers, closures, iterative topological sort",
      run,
      checksum: (last) => {
        const [h, ...grads] = last as number[];
        return scalarChecksum(h, grads);
      },
    };
  },
};
