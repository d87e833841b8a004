// The vanishing-gradient demo: a deep sigmoid network and a ReLU network with He init trained side by side.

import { type Tensor, tensor } from "../../core.js";
import { circles as twoCircles } from "../../data/synthetic.js";
import { ValueError } from "../../errors.js";
import { ReLU, Sigmoid } from "../../nn/activations.js";
import { Linear } from "../../nn/linear.js";
import { bceWithLogits } from "../../nn/losses.js";
import { Sequential } from "../../nn/sequential.js";
import { SGD } from "../../optim/sgd.js";
import { chartGrid, lineChart } from "../plot/line-chart.js";
import { HealthMonitor, type HealthReport } from "./monitor.js";

/** Options of {@link runVanishingDemo}. */
export interface VanishingDemoOptions {
  /** Linear layers per network (default 10). */
  depth?: number;
  /** Units per hidden layer (default 16). */
  width?: number;
  /** Full-batch epochs (default 150). */
  epochs?: number;
  /** SGD learning rate (default 0.02). */
  lr?: number;
  /** SGD momentum (default 0.9). */
  momentum?: number;
  /** Seed of the data and the initial weights (default 0). */
  seed?: number;
  /** Points in the data set (default 200). */
  samples?: number;
  /** Epochs at which per-layer gradient norms are printed (default: 0, a quarter, half, and the last). */
  printAt?: number[];
}

/** One network's run. */
export interface VanishingRun {
  /** `"sigmoid"` (PyTorch's default init) or `"relu-he"` (Kaiming normal init). */
  name: "sigmoid" | "relu-he";
  /** Loss after each epoch's forward pass (before its step). */
  losses: number[];
  /** Per epoch, per Linear layer (first to last): ‖∂L/∂(W, b)‖. */
  layerGradNorms: number[][];
  /** The health report at each printed epoch. */
  reports: Map<number, HealthReport>;
  /** Accuracy on the training data after the last step. */
  accuracy: number;
}

/** What {@link runVanishingDemo} returns: the runs, the printed lines and the SVG chart. */
export interface VanishingDemoResult {
  sigmoid: VanishingRun;
  relu: VanishingRun;
  lines: string[];
  svg: string;
}

/**
 * The demo's data: `data.circles` (two noisy concentric circles, noise 0.1, labels alternating, seeded) as
 * float32 tensors, with the labels as a `[samples, 1]` column for BCE. Not linearly separable, so the network
 * needs its hidden layers.
 *
 * @example
 * ```ts
 * const { x, y } = circles(200, 0); // x [200, 2], y [200, 1]
 * ```
 */
export function circles(samples: number, seed: number): { x: Tensor; y: Tensor } {
  const ds = twoCircles({ samples, noise: 0.1, seed });
  return { x: ds.x, y: tensor(Float32Array.from(ds.y), { shape: [samples, 1] }) };
}

function network(kind: VanishingRun["name"], depth: number, width: number, seed: number): Sequential {
  const net = new Sequential();
  for (let i = 0; i < depth; i++) {
    const inF = i === 0 ? 2 : width;
    const outF = i === depth - 1 ? 1 : width;
    net.append(
      new Linear(inF, outF, {
        seed: seed * 1000 + 2 * i,
        init: kind === "relu-he" ? "kaiming-normal" : "default",
      }),
    );
    if (i < depth - 1) net.append(kind === "relu-he" ? new ReLU() : new Sigmoid());
  }
  return net;
}

function train(
  kind: VanishingRun["name"],
  data: { x: Tensor; y: Tensor },
  o: Required<Omit<VanishingDemoOptions, "printAt">> & { printAt: number[] },
): VanishingRun {
  const net = network(kind, o.depth, o.width, o.seed);
  const opt = new SGD(net.parameters(), { lr: o.lr, momentum: o.momentum });
  const monitor = new HealthMonitor(net);
  const run: VanishingRun = { name: kind, losses: [], layerGradNorms: [], reports: new Map(), accuracy: 0 };
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    opt.zeroGrad();
    const loss = bceWithLogits(net.forward(data.x), data.y);
    loss.backward();
    monitor.beforeStep();
    opt.step();
    const report = monitor.report();
    run.losses.push(loss.item());
    run.layerGradNorms.push(report.layers.map((l) => l.gradNorm ?? Number.NaN));
    if (o.printAt.includes(epoch)) run.reports.set(epoch, report);
  }
  monitor.remove();
  const logits = net.forward(data.x)._storage;
  const labels = data.y._storage;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (logits[i] > 0 === (labels[i] === 1)) correct++;
  run.accuracy = correct / labels.length;
  return run;
}

const e = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : String(v));

/**
 * Trains a deep sigmoid network (PyTorch's default init) and a ReLU network with He (Kaiming normal) init,
 * same depth and width, on the same seeded two-circles data with full-batch SGD (momentum 0.9) and BCE with
 * logits, and returns what `chainrule demo vanishing` prints and draws: per-layer gradient norms at a few
 * epochs (the sigmoid network's first layers get gradients orders of magnitude smaller than its last: each
 * sigmoid multiplies the backward signal by at most 1/4), loss curves, and an SVG chart.
 *
 * @example
 * ```ts
 * const r = runVanishingDemo({ epochs: 100 });
 * r.lines.join("\n");   // the printed report
 * r.sigmoid.layerGradNorms[0][0] / r.sigmoid.layerGradNorms[0].at(-1)!; // ~1e-7
 * ```
 */
export function runVanishingDemo(options: VanishingDemoOptions = {}): VanishingDemoResult {
  const o = {
    depth: options.depth ?? 10,
    width: options.width ?? 16,
    epochs: options.epochs ?? 150,
    lr: options.lr ?? 0.02,
    momentum: options.momentum ?? 0.9,
    seed: options.seed ?? 0,
    samples: options.samples ?? 200,
    printAt: [] as number[],
  };
  if (!Number.isInteger(o.depth) || o.depth < 2)
    throw new ValueError("demo vanishing", `depth must be an integer >= 2, got ${o.depth}`);
  if (!Number.isInteger(o.epochs) || o.epochs < 1)
    throw new ValueError("demo vanishing", `epochs must be an integer >= 1, got ${o.epochs}`);
  const last = o.epochs - 1;
  o.printAt = (options.printAt ?? [0, Math.floor(last / 4), Math.floor(last / 2), last]).filter(
    (v, i, a) => v >= 0 && v <= last && a.indexOf(v) === i,
  );
  const data = circles(o.samples, o.seed);
  const sigmoid = train("sigmoid", data, o);
  const relu = train("relu-he", data, o);

  const lines: string[] = [
    `Vanishing gradients: ${o.depth} Linear layers of width ${o.width}, sigmoid (default init) vs ReLU (He init)`,
    `Data: ${o.samples} points on two noisy circles (seed ${o.seed}); full-batch SGD, lr ${o.lr}, momentum ${o.momentum}, ${o.epochs} epochs; loss: BCE with logits`,
  ];
  for (const epoch of o.printAt) {
    lines.push("", `Epoch ${epoch}: gradient norm per layer, ‖∂L/∂(W, b)‖`);
    lines.push(`${"layer".padEnd(7)}${"sigmoid".padStart(11)}${"relu+He".padStart(11)}`);
    const s = sigmoid.layerGradNorms[epoch];
    const r = relu.layerGradNorms[epoch];
    for (let i = 0; i < s.length; i++)
      lines.push(`${String(i + 1).padEnd(7)}${e(s[i]).padStart(11)}${e(r[i]).padStart(11)}`);
    const ratio = (v: number[]) => e(v[0] / v[v.length - 1]);
    lines.push(`${"1/last".padEnd(7)}${ratio(s).padStart(11)}${ratio(r).padStart(11)}`);
    lines.push(
      `loss: sigmoid ${sigmoid.losses[epoch].toFixed(4)}, relu+He ${relu.losses[epoch].toFixed(4)}; ` +
        `flags: sigmoid ${flags(sigmoid.reports.get(epoch))}, relu+He ${flags(relu.reports.get(epoch))}`,
    );
  }
  lines.push(
    "",
    `Final loss: sigmoid ${sigmoid.losses[last].toFixed(4)} (accuracy ${(100 * sigmoid.accuracy).toFixed(1)}%), ` +
      `relu+He ${relu.losses[last].toFixed(4)} (accuracy ${(100 * relu.accuracy).toFixed(1)}%)`,
  );

  const layersX = sigmoid.layerGradNorms[0].map((_, i) => i + 1);
  const epochsX = sigmoid.losses.map((_, i) => i);
  const byLayer = lineChart({
    title: "Gradient norm per layer, epoch 0",
    xLabel: "layer (input → output)",
    yLabel: "‖∂L/∂(W, b)‖",
    logY: true,
    series: [
      { name: "sigmoid", x: layersX, y: sigmoid.layerGradNorms[0] },
      { name: "ReLU + He", x: layersX, y: relu.layerGradNorms[0] },
    ],
  });
  const firstLayer = lineChart({
    title: "First layer's gradient norm during training",
    xLabel: "epoch",
    yLabel: "‖∂L/∂(W1, b1)‖",
    logY: true,
    series: [
      { name: "sigmoid", x: epochsX, y: sigmoid.layerGradNorms.map((v) => v[0]) },
      { name: "ReLU + He", x: epochsX, y: relu.layerGradNorms.map((v) => v[0]) },
    ],
  });
  const loss = lineChart({
    title: "Training loss",
    xLabel: "epoch",
    yLabel: "BCE",
    // Headroom above the largest loss, so the sigmoid net's flat log 2 line does not sit on the frame.
    yDomain: [0, 1.08 * Math.max(...sigmoid.losses, ...relu.losses)],
    series: [
      { name: "sigmoid", x: epochsX, y: sigmoid.losses },
      { name: "ReLU + He", x: epochsX, y: relu.losses },
    ],
  });
  const svg = chartGrid([byLayer, firstLayer, loss], {
    columns: 3,
    title: `Vanishing gradients: ${o.depth}-layer sigmoid vs ReLU + He init`,
  });
  return { sigmoid, relu, lines, svg };
}

function flags(report: HealthReport | undefined): string {
  if (report === undefined) return "-";
  const s = report.summary;
  const out: string[] = [];
  if (s.vanishing) out.push("vanishing");
  if (s.exploding) out.push("exploding");
  if (s.deadReluShare !== null && s.deadReluShare > 0)
    out.push(`${(100 * s.deadReluShare).toFixed(0)}% dead ReLUs`);
  if (s.saturatedShare !== null && s.saturatedShare > 0)
    out.push(`${(100 * s.saturatedShare).toFixed(0)}% saturated`);
  return out.length > 0 ? out.join(", ") : "healthy";
}
