// The "predict the gradient" exercise: the learner works out ∂L/∂w for a chosen weight, types it, and the
// page checks it against autograd and a float64 central difference, then shows the chain-rule breakdown.

import type { TraceResult } from "../inspect/types.js";
import type { ParamRef } from "../protocol.js";
import { h } from "../ui/dom.js";
import { type PanelContext, registerPanel } from "../ui/panels.js";
import { renderBreakdown } from "./breakdown.js";
import { expose, fmt, inspect, paramExists, selection } from "./shared.js";

/** The parameter in words, from the network's shape and feature names (as the worker names it). */
function describeParam(p: ParamRef, sizes: number[], featureNames: string[]): string {
  const last = p.layer === sizes.length - 2;
  const to = last
    ? sizes[sizes.length - 1] === 1
      ? "the output"
      : `output ${p.to + 1}`
    : `neuron ${p.to + 1} of layer ${p.layer + 1}`;
  if (p.from < 0) return `b of ${to}`;
  const from =
    p.layer === 0
      ? (featureNames[p.from] ?? `input ${p.from + 1}`)
      : `neuron ${p.from + 1} of layer ${p.layer}`;
  return `w from ${from} to ${to}`;
}

function mount(el: HTMLElement, ctx: PanelContext): void {
  const param = h("p", { class: "ex-param", "data-testid": "exercise-param", "aria-live": "polite" }, [
    "Loading…",
  ]);
  const pick = h("button", { type: "button", class: "text-btn", "data-testid": "exercise-new" }, [
    "Another weight",
  ]);
  const useSelected = h(
    "button",
    { type: "button", class: "text-btn", "data-testid": "exercise-use-selected" },
    ["Use the clicked weight"],
  );
  const oneExample = h("input", {
    type: "checkbox",
    id: "ex-one",
    checked: true,
    "data-testid": "exercise-one-example",
  });
  const guess = h("input", {
    type: "text",
    inputmode: "decimal",
    id: "ex-guess",
    "data-testid": "exercise-guess",
    autocomplete: "off",
    placeholder: "e.g. -0.0123",
  });
  const check = h("button", { type: "submit", class: "text-btn primary", "data-testid": "exercise-check" }, [
    "Check",
  ]);
  const hintBtn = h(
    "button",
    { type: "button", class: "text-btn", "data-testid": "exercise-hint", "aria-expanded": "false" },
    ["Hint"],
  );
  const hint = h("div", { class: "ex-hint", hidden: true });
  const result = h("p", { class: "ex-result", "data-testid": "exercise-result", "aria-live": "polite" }, [
    "",
  ]);
  const after = h("div", { class: "ex-after" });
  const form = h("form", { class: "panel-controls" }, [
    h("label", { for: "ex-guess" }, ["Your ∂L/∂w:"]),
    guess,
    check,
    hintBtn,
  ]);
  el.append(
    param,
    h("div", { class: "panel-controls" }, [
      pick,
      useSelected,
      h("label", { class: "check-label" }, [oneExample, " One example (a batch of 1: doable by hand)"]),
    ]),
    form,
    hint,
    result,
    after,
  );

  let current: ParamRef | null = null;
  let exampleIndex: number | undefined;
  let trace: TraceResult | null = null;

  const sizes = () => {
    const cfg = ctx.getConfig();
    const data = ctx.client.latest.data;
    const outputs = data?.problem === "multiclass" ? data.classes : 1;
    return [cfg.features.length, ...cfg.hiddenLayers, outputs];
  };

  const randomParam = (): ParamRef => {
    const sz = sizes();
    // Prefer weights near the output at first: fewer paths, easier by hand.
    const layer = Math.random() < 0.6 ? sz.length - 2 : Math.floor(Math.random() * (sz.length - 1));
    const to = Math.floor(Math.random() * sz[layer + 1]);
    const from = Math.floor(Math.random() * (sz[layer] + 1)) - 1;
    return { layer, to, from };
  };

  /** Chooses the parameter and the example, and fetches the forward values the hint shows. */
  const setParam = async (p: ParamRef) => {
    current = p;
    const sz = sizes();
    const names = trace?.featureNames ?? ctx.getConfig().features;
    param.textContent = `Predict ∂L/∂${p.from < 0 ? "b" : "w"} for ${describeParam(p, sz, names)}.`;
    ctx.network.highlightParam(p);
    result.textContent = "";
    delete result.dataset.autograd;
    delete result.dataset.numeric;
    delete result.dataset.correct;
    delete result.dataset.step;
    delete result.dataset.examples;
    after.replaceChildren();
    guess.value = "";
    try {
      const batch = await inspect(ctx, { kind: "trace" });
      exampleIndex = oneExample.checked ? batch.examples[0] : undefined;
      trace = oneExample.checked ? await inspect(ctx, { kind: "trace", exampleIndex }) : batch;
      param.textContent = `Predict ∂L/∂${p.from < 0 ? "b" : "w"} for ${describeParam(p, sz, trace.featureNames)}${
        exampleIndex === undefined
          ? `, L = the next batch's mean loss (${trace.examples.length} examples)`
          : `, L = the loss of example #${exampleIndex}`
      }.`;
      renderHint();
    } catch (err) {
      param.textContent = `Could not prepare the exercise: ${(err as Error).message}`;
    }
  };

  const renderHint = () => {
    if (trace === null || current === null) return;
    const t = trace;
    const p = current;
    const one = t.examples.length === 1;
    const lines: (Node | string)[] = [];
    if (one) {
      const ex = 0;
      lines.push(
        h("p", {}, [
          `Example #${t.examples[0]}: inputs ${t.featureNames.map((n, i) => `${n} = ${fmt(t.inputs[ex][i])}`).join(", ")}, label y = ${t.labels[0]}.`,
        ]),
      );
      t.layers.forEach((L, l) => {
        const last = l === t.layers.length - 1;
        lines.push(
          h("p", { class: "small" }, [
            `${last ? "Output" : `Layer ${l + 1}`}: z = [${L.z[ex].map(fmt).join(", ")}]${last ? "" : `, a = [${L.a[ex].map(fmt).join(", ")}] (${L.activation})`}`,
          ]),
        );
      });
    } else
      lines.push(
        h("p", {}, [
          `L is the mean over ${t.examples.length} examples: tick "One example" to work on a single one.`,
        ]),
      );
    const target = t.layers[p.layer];
    lines.push(
      h("p", { class: "small" }, [
        `Weights into the next layers: ${t.layers
          .slice(p.layer + 1)
          .map(
            (L, i) =>
              `W⁽${p.layer + i + 2}⁾ = [${L.weight.map((r) => `[${r.map(fmt).join(", ")}]`).join(", ")}]`,
          )
          .join("; ")}${t.layers.length === p.layer + 1 ? "none (this is the output layer)" : ""}.`,
      ]),
      h("p", { class: "small" }, [
        `Chain rule: ∂L/∂w = ∂L/∂z · ∂z/∂w with ∂z/∂w = the input on the edge${p.from < 0 ? " (1 for a bias)" : ""}; ∂L/∂z of a hidden neuron = f′(z) · Σ (weight out × ∂L/∂z of the next neuron). Output: `,
        t.problem === "binary"
          ? "∂L/∂z = σ(z) − y"
          : t.problem === "multiclass"
            ? "∂L/∂zₖ = softmax(z)ₖ − [k = y]"
            : "∂L/∂ŷ = 2(ŷ − y)",
        one ? "." : ", divided by the batch size.",
        t.loss.regularization !== 0 ? " Add the regulariser's λw (L2) or λ sign(w) (L1) for weights." : "",
        ` (Layer ${p.layer + 1} has ${target.weight.length} neurons.)`,
      ]),
    );
    hint.replaceChildren(...lines);
  };

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (current === null) return;
    const text = guess.value.trim().replace("−", "-").replace(",", ".");
    const value = Number(text);
    if (text === "" || !Number.isFinite(value)) {
      result.textContent = "Type a number, e.g. -0.0123 or 1.5e-3.";
      result.dataset.correct = "invalid";
      return;
    }
    check.disabled = true;
    try {
      const r = await inspect(ctx, { kind: "check", param: current, guess: value, exampleIndex });
      expose("lastCheck", r);
      result.dataset.autograd = String(r.autograd);
      result.dataset.numeric = String(r.numeric);
      result.dataset.correct = String(r.correct);
      result.dataset.step = String(r.breakdown.step);
      result.dataset.examples = JSON.stringify(r.breakdown.examples);
      result.classList.toggle("right", r.correct);
      result.classList.toggle("wrong", !r.correct);
      result.textContent = `${r.correct ? "✓ Right" : "✗ Not quite"}: you said ${fmt(r.guess)}; autograd gives ${r.autograd.toPrecision(8)}, a central difference ${r.numeric.toPrecision(8)}${
        r.correct
          ? ""
          : ` (relative error ${(100 * r.relError).toFixed(1)} %; within 1 % or 1e-4 counts as right)`
      }.`;
      after.replaceChildren(renderBreakdown(r.breakdown, { testIds: false }));
    } catch (err) {
      result.textContent = `The check failed: ${(err as Error).message}`;
    } finally {
      check.disabled = false;
    }
  });
  hintBtn.addEventListener("click", () => {
    hint.hidden = !hint.hidden;
    hintBtn.setAttribute("aria-expanded", String(!hint.hidden));
  });
  pick.addEventListener("click", () => void setParam(randomParam()));
  useSelected.addEventListener("click", () => {
    const p = selection.get();
    if (p) void setParam(p);
    else param.textContent = "Click a weight in the network first, then press “Use the clicked weight”.";
  });
  oneExample.addEventListener("change", () => {
    if (current) void setParam(current);
  });
  // A new experiment (or the first one): start with a weight of the output layer.
  ctx.client.on("data", (msg) => {
    const outputs = msg.problem === "multiclass" ? msg.classes : 1;
    const keep = current !== null && paramExists(ctx, current, outputs);
    void setParam(keep && current ? current : { layer: sizes().length - 2, to: 0, from: 0 });
  });
  if (ctx.client.latest.data) void setParam({ layer: sizes().length - 2, to: 0, from: 0 });
}

registerPanel({
  id: "exercise",
  title: "Predict the gradient",
  explanation:
    "Work out ∂L/∂w for one weight by hand with the chain rule (tick “One example” for a batch of 1), type it, and check it against autograd and a finite difference: right within 1 % (or 1e-4).",
  mount,
});
