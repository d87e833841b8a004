// Per-op overhead on tiny tensors (not part of bench/): the tutorial's 2-4-1 network (1000 full-batch
// epochs, float64, through autograd) and a 10,000-op scalar graph, timed in CPU time of this process
// (process.cpuUsage), which a busy shared machine disturbs far less than wall time. Medians of 7 runs.
// Run: CHAINRULE_BACKEND=js|wasm npx tsx scripts/bench-small-ops.ts [path to a chainrule src/index.ts]

import { pathToFileURL } from "node:url";

const entry = process.argv[2] ?? new URL("../src/index.ts", import.meta.url).pathname;
const tutorialEntry = entry.replace(/index\.ts$/, "data/tutorial.ts");
const lib = await import(pathToFileURL(entry).href);
const { tutorialProblem } = await import(pathToFileURL(tutorialEntry).href);

function tutorial(): number {
  const { x: X, y: Y, W1, b1, W2, b2 } = tutorialProblem();
  const opt = new lib.optim.SGD([W1, b1, W2, b2], { lr: 0.1 });
  let loss = 0;
  for (let epoch = 0; epoch < 1000; epoch++) {
    opt.zeroGrad();
    const a2 = X.matmul(W1).add(b1).sigmoid().matmul(W2).add(b2).sigmoid();
    const l = lib.nn.bceLoss(a2, Y);
    l.backward();
    opt.step();
    loss = l.item();
  }
  return loss;
}

function scalarGraph(): number {
  // 10,000 ops on 0-d float64 tensors: a chain of mul/add/tanh, then backward.
  const x = lib.tensor(0.5, { dtype: "float64", requiresGrad: true });
  let y = x;
  for (let i = 0; i < 3333; i++) y = y.mul(0.999).add(0.001).tanh();
  y.backward();
  return x.grad.item();
}

function cpuMs(fn: () => number): { ms: number; checksum: number } {
  const c0 = process.cpuUsage();
  const checksum = fn();
  const c = process.cpuUsage(c0);
  return { ms: (c.user + c.system) / 1000, checksum };
}

for (const [name, fn] of [
  ["tutorial-network", tutorial],
  ["scalar-graph", scalarGraph],
] as const) {
  fn();
  const runs = Array.from({ length: 7 }, () => cpuMs(fn));
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      bench: name,
      backend: lib.getBackend().name,
      cpuMsMedian: +ms[3].toFixed(1),
      cpuMsBest: +ms[0].toFixed(1),
      checksum: runs[0].checksum,
    }),
  );
}
process.exit(0);
