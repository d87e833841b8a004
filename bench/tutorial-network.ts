// Benchmark: the tutorial's 2-4-1 sigmoid network, 1000 full-batch epochs of gradient descent in float64
// through autograd (the per-op overhead on tiny tensors dominates). Prints one JSON line.

import { tutorialProblem } from "../src/data/tutorial.js";
import { nn, optim } from "../src/index.js";

function train(): number {
  const { x: X, y: Y, W1, b1, W2, b2 } = tutorialProblem();
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
