// Benchmark: the tutorial's 2-4-1 sigmoid network, 1000 full-batch epochs of gradient descent in float64
// through autograd (the per-op overhead on tiny tensors dominates). Prints one JSON line.

import { NumpyRandom, nn, optim, tensor, zeros } from "../src/index.js";

function train(): number {
  const rng = new NumpyRandom(42);
  const xs = rng.randn(100, 2);
  const ys = Float64Array.from({ length: 100 }, (_, i) => (xs[2 * i] + xs[2 * i + 1] > 0 ? 1 : 0));
  const dtype = "float64";
  const X = tensor(xs, { shape: [100, 2], dtype });
  const Y = tensor(ys, { shape: [100, 1], dtype });
  const W1 = tensor(
    rng.randn(2, 4).map((v) => v * 0.01),
    { shape: [2, 4], dtype, requiresGrad: true },
  );
  const b1 = zeros([4], { dtype, requiresGrad: true });
  const W2 = tensor(
    rng.randn(4, 1).map((v) => v * 0.01),
    { shape: [4, 1], dtype, requiresGrad: true },
  );
  const b2 = zeros([1], { dtype, requiresGrad: true });
  const opt = new optim.SGD([W1, b1, W2, b2], { lr: 0.1 });
  let loss = 0;
  for (let epoch = 0; epoch < 1000; epoch++) {
    opt.zeroGrad();
    const a2 = X.matmul(W1).add(b1).sigmoid().matmul(W2).add(b2).sigmoid();
    const l = nn.bceLoss(a2, Y);
    l.backward();
    opt.step();
    loss = l.item();
  }
  return loss;
}

train();
const times: number[] = [];
let checksum = 0;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  checksum = train();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(
  JSON.stringify({ bench: "tutorial-network", backend: "js", medianMs: +times[2].toFixed(2), checksum }),
);
