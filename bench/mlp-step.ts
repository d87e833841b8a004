// Benchmark: one SGD training step of a 784-256-128-10 ReLU MLP with softmax cross-entropy, batch 128.
// Prints one JSON line: {"bench":"mlp-step", "backend", "medianMs", "checksum"}.

import { noGrad, randn, type Tensor, tensor } from "../src/index.js";

const batch = 128;
const sizes = [784, 256, 128, 10];
const x = randn([batch, 784], { seed: 1 });
const labels = tensor(Array.from({ length: batch }, (_, i) => [i % 10]));
const params: Tensor[] = [];
for (let l = 0; l < 3; l++) {
  const w = randn([sizes[l], sizes[l + 1]], { seed: 10 + l })
    .mul(Math.sqrt(2 / sizes[l]))
    .detach();
  w.requiresGrad = true;
  const b = randn([sizes[l + 1]], { seed: 20 + l })
    .mul(0)
    .detach();
  b.requiresGrad = true;
  params.push(w, b);
}

function step(): number {
  let h: Tensor = x;
  for (let l = 0; l < 3; l++) {
    h = h.matmul(params[2 * l]).add(params[2 * l + 1]);
    if (l < 2) h = h.relu();
  }
  const loss = h.logSoftmax(1).gather(1, labels).mean().neg();
  for (const p of params) p.grad = null;
  loss.backward();
  noGrad(() => {
    for (const p of params) {
      const s = p._storage;
      const g = p.grad!._storage;
      for (let i = 0; i < s.length; i++) s[i] -= 0.01 * g[i];
    }
  });
  return loss.item();
}

for (let i = 0; i < 3; i++) step();
const times: number[] = [];
let checksum = 0;
for (let i = 0; i < 10; i++) {
  const t0 = performance.now();
  checksum = step();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ bench: "mlp-step", backend: "js", medianMs: +times[5].toFixed(2), checksum }));
