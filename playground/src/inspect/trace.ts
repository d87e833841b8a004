// The backprop view's data: one training step traced on the next batch (or one example): every neuron's
// z and a, the loss, then autograd's ∂L/∂a, ∂L/∂z, ∂L/∂W and ∂L/∂b, with the backward steps listed in the
// order chainrule's engine computed them (recorded by tensor hooks). The trainer's state is not changed.

import type { Tensor } from "chainrule";
import { type LayerInfo, layersOf, matrix, selectExamples, sup, vector, withSavedGrads } from "./network.js";
import type { TraceLayer, TraceQuantity, TraceResult, TraceStep, TrainerLike } from "./types.js";

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

const ACT_DERIVATIVE: Record<string, string> = {
  tanh: "tanh′(z) = 1 − a²",
  sigmoid: "σ′(z) = a(1 − a)",
  relu: "relu′(z) = 1 if z > 0, else 0",
  linear: "1",
};

const LOSS_GRAD: Record<string, string> = {
  binary: "∂L/∂z = (σ(z) − y) / B",
  multiclass: "∂L/∂zₖ = (softmax(z)ₖ − [k = y]) / B",
  regression: "∂L/∂ŷ = 2(ŷ − y) / B",
};

/** The sentence and formula of one step (layers 1-based in the text; the input layer is ⁽⁰⁾). */
function describe(
  quantity: TraceQuantity,
  layer: number,
  layers: readonly LayerInfo[],
  trainer: TrainerLike,
  batch: number,
): { text: string; formula: string } {
  const l = layer + 1;
  const last = layer === layers.length - 1;
  const act = layer >= 0 ? layers[layer].activation : "output";
  const where = last ? "the output layer" : `layer ${l}`;
  const examples = batch === 1 ? "the example" : `each of the ${batch} examples`;
  switch (quantity) {
    case "input":
      return {
        text: `The inputs a${sup(0)} = (${trainer.featureNames().join(", ")}) enter the network for ${examples}.`,
        formula: `a${sup(0)} = x`,
      };
    case "z":
      return {
        text: `${last ? "The output layer" : `Layer ${l}`} forms each neuron's weighted sum of the previous layer's activations plus its bias.`,
        formula: `z${sup(l)} = W${sup(l)} a${sup(l - 1)} + b${sup(l)}`,
      };
    case "a":
      return {
        text: `Layer ${l} applies ${act} to every z.`,
        formula: `a${sup(l)} = ${act === "linear" ? "z" : `${act}(z${sup(l)})`}`,
      };
    case "loss": {
      const reg = trainer.config.regularization;
      const r = reg === "none" ? "" : reg === "l1" ? " + λ Σ|w|" : " + λ ½Σw²";
      const data =
        trainer.problem === "binary"
          ? "mean BCE(σ(z), y)"
          : trainer.problem === "multiclass"
            ? "mean cross-entropy(softmax(z), y)"
            : "mean (ŷ − y)²";
      return {
        text: `The loss compares the outputs with the labels${r ? ", plus the regulariser" : ""}.`,
        formula: `L = ${data}${r}`,
      };
    }
    case "dZ":
      if (last)
        return {
          text: "Backward starts at the loss: the gradient with respect to each output is the loss's local derivative (the 1/B comes from the mean).",
          formula: LOSS_GRAD[trainer.problem] ?? "∂L/∂z",
        };
      return {
        text: `Chain rule through the activation: the gradient arriving at a${sup(l)} times ${act}'s local derivative.`,
        formula: `∂L/∂z${sup(l)} = ∂L/∂a${sup(l)} · ${ACT_DERIVATIVE[act] ?? "f′(z)"}`,
      };
    case "dA":
      return {
        text: `Each neuron of layer ${l} collects the gradient from every edge leaving it: a sum over paths of weight × the gradient at the next neuron.`,
        formula: `∂L/∂a${sup(l)} = W${sup(l + 1)}ᵀ ∂L/∂z${sup(l + 1)}`,
      };
    case "dW": {
      const reg = trainer.config.regularization;
      const r = reg === "none" ? "" : reg === "l1" ? " + λ sign(w)" : " + λ w";
      return {
        text: `Each weight of ${where}: the gradient at the neuron it feeds times the activation on its edge, summed over ${batch === 1 ? "the example" : "the batch"}${r ? ", plus the regulariser's part" : ""}.`,
        formula: `∂L/∂W${sup(l)} = Σₙ ∂L/∂z${sup(l)} a${sup(l - 1)}ᵀ${r}`,
      };
    }
    case "dB":
      return {
        text: `Each bias of ${where}: ∂z/∂b = 1, so it gets the gradient at its neuron, summed over ${batch === 1 ? "the example" : "the batch"}.`,
        formula: `∂L/∂b${sup(l)} = Σₙ ∂L/∂z${sup(l)}`,
      };
  }
}

/**
 * Traces the step the trainer takes next (or, with `exampleIndex`, a step on that one training example):
 * a forward pass through the trainer's own modules and loss, and one backward pass whose per-tensor
 * gradients are captured by hooks. Parameters' `.grad` are restored; nothing else is touched.
 *
 * @example
 * ```ts
 * const t = traceStep(trainer);
 * t.layers[0].dW; // ∂L/∂W of the first layer: exactly what the next SGD step applies
 * t.steps.map((s) => `${s.phase} ${s.quantity}${s.layer + 1}`);
 * ```
 */
export function traceStep(trainer: TrainerLike, exampleIndex?: number): TraceResult {
  const t0 = now();
  const { x, y, indices, scope } = selectExamples("trace", trainer, exampleIndex);
  const layers = layersOf(trainer);
  const batch = indices.length;
  const featureNames = trainer.featureNames();
  return withSavedGrads(trainer, () => {
    const zs: Tensor[] = [];
    const as: Tensor[] = [];
    const grads = new Map<string, Tensor>();
    const visited: { quantity: TraceQuantity; layer: number }[] = [];
    const handles: { remove(): void }[] = [];
    const watch = (t: Tensor, quantity: TraceQuantity, layer: number) => {
      if (!t.requiresGrad) return;
      handles.push(
        t.registerHook((g) => {
          const key = `${quantity}:${layer}`;
          if (!grads.has(key)) visited.push({ quantity, layer });
          grads.set(key, g);
        }),
      );
    };
    try {
      let h = x;
      layers.forEach((info, l) => {
        const z = info.linear.forward(h);
        const a = info.act === null ? z : (info.act.forward(z) as Tensor);
        zs.push(z);
        as.push(a);
        watch(z, "dZ", l);
        if (a !== z) watch(a, "dA", l);
        watch(info.linear.weight, "dW", l);
        if (info.linear.bias) watch(info.linear.bias, "dB", l);
        h = a;
      });
      const data = trainer.dataLoss(zs[zs.length - 1], y);
      const reg = trainer.regularizer();
      const total = reg === null ? data : data.add(reg);
      total.backward();

      const zero = (rowsN: number, cols: number) =>
        Array.from({ length: rowsN }, () => new Array<number>(cols).fill(0));
      const traced: TraceLayer[] = layers.map((info, l) => {
        const lin = info.linear;
        const gZ = grads.get(`dZ:${l}`);
        const gA = grads.get(`dA:${l}`) ?? gZ;
        const gW = grads.get(`dW:${l}`);
        const gB = grads.get(`dB:${l}`);
        return {
          activation: info.activation,
          weight: matrix(lin.weight),
          bias: lin.bias ? vector(lin.bias) : new Array<number>(lin.outFeatures).fill(0),
          z: matrix(zs[l]),
          a: matrix(as[l]),
          dA: gA ? matrix(gA) : zero(batch, lin.outFeatures),
          dZ: gZ ? matrix(gZ) : zero(batch, lin.outFeatures),
          dW: gW ? matrix(gW) : zero(lin.outFeatures, lin.inFeatures),
          dB: gB ? vector(gB) : new Array<number>(lin.outFeatures).fill(0),
        };
      });

      const steps: TraceStep[] = [];
      const add = (phase: TraceStep["phase"], quantity: TraceQuantity, layer: number) => {
        steps.push({ phase, quantity, layer, ...describe(quantity, layer, layers, trainer, batch) });
      };
      add("forward", "input", -1);
      layers.forEach((info, l) => {
        add("forward", "z", l);
        if (info.act !== null) add("forward", "a", l);
      });
      add("forward", "loss", -1);
      // The engine's order for the neurons' gradients (dZ, dA); each layer's dW and dB come from the same
      // node as its dZ (the matmul and add read dZ), so they are shown right after it, layer by layer.
      for (const v of visited) {
        if (v.quantity === "dW" || v.quantity === "dB") continue;
        add("backward", v.quantity, v.layer);
        if (v.quantity === "dZ")
          for (const q of ["dW", "dB"] as const)
            if (visited.some((u) => u.quantity === q && u.layer === v.layer)) add("backward", q, v.layer);
      }

      const dataValue = data.item();
      const regValue = reg === null ? 0 : reg.item();
      return {
        kind: "trace",
        step: trainer.step,
        scope,
        examples: indices,
        inputs: matrix(x),
        featureNames,
        labels: indices.map((i) => trainer.train.points[i].label),
        problem: trainer.problem,
        loss: { data: dataValue, regularization: regValue, total: total.item() },
        layers: traced,
        steps,
        ms: now() - t0,
      };
    } finally {
      for (const hd of handles) hd.remove();
    }
  });
}
