// Where the time of one MLP training step goes, per backend method (a wrapping Backend that times each
// call). Run: npx tsx scripts/profile-mlp-step.ts [js|wasm]. Noisy on a shared machine: compare medians.

import { type Backend, getBackend, noGrad, randn, setBackend, type Tensor, tensor } from "../src/index.js";

const name = (process.argv[2] ?? "wasm") as "js" | "wasm";
setBackend(name);
const inner = getBackend();
const spent = new Map<string, number[]>();
const wrapped = Object.fromEntries(
  Object.entries(inner).map(([key, value]) => {
    if (typeof value !== "function") return [key, value];
    return [
      key,
      (...args: unknown[]) => {
        const label =
          key === "matmul"
            ? `matmul ${args[5]}x${args[6]}x${args[7]}${args[8] ? " tA" : ""}${args[9] ? " tB" : ""}`
            : key === "unary" || key === "binary" || key === "reduce"
              ? `${key} ${args[0]} ${(args[key === "reduce" ? 1 : 1] as Float32Array).length}`
              : key;
        const t0 = performance.now();
        (value as (...a: unknown[]) => void).apply(inner, args);
        const list = spent.get(label) ?? [];
        list.push(performance.now() - t0);
        spent.set(label, list);
      },
    ];
  }),
) as unknown as Backend;
setBackend(wrapped);

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
const steps = 30;
const total: number[] = [];
for (let i = 0; i < steps; i++) {
  if (i === 5) spent.clear();
  const t0 = performance.now();
  step();
  if (i >= 5) total.push(performance.now() - t0);
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
total.sort((a, b) => a - b);
console.log(`${name}: step median ${median(total).toFixed(2)} ms, best ${total[0].toFixed(2)} ms`);
const rows = [...spent.entries()].map(
  ([k, v]) => [k, (median(v) * v.length) / (steps - 5), v.length / (steps - 5)] as const,
);
rows.sort((a, b) => b[1] - a[1]);
let sum = 0;
for (const [k, ms, n] of rows) {
  sum += ms;
  console.log(`${ms.toFixed(3).padStart(8)} ms  x${n}  ${k}`);
}
console.log(`${sum.toFixed(2)} ms in backend calls per step (sum of per-call medians)`);
const inBackend = [...spent.values()].flat().reduce((a, b) => a + b, 0) / (steps - 5);
const mean = total.reduce((a, b) => a + b, 0) / total.length;
console.log(
  `mean step ${mean.toFixed(2)} ms: ${inBackend.toFixed(2)} ms in backend calls, ${(mean - inBackend).toFixed(2)} ms outside`,
);
process.exit(0);
