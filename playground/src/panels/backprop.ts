// The backprop view: step through one training step, forward (layer by layer) then backward (in the order
// chainrule's engine computed the gradients), with the values drawn on the network diagram and one sentence
// per step saying which chain-rule product is being formed.

import type { TraceResult, TraceStep } from "../inspect/types.js";
import { h } from "../ui/dom.js";
import { type PanelContext, registerPanel } from "../ui/panels.js";
import { expose, fmt, inspect } from "./shared.js";

/** Mean over the examples of per-example rows `[example][neuron]`. */
function mean(rows: number[][]): number[] {
  const n = rows.length || 1;
  return (rows[0] ?? []).map((_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
}

/** Sum over the examples (per-example gradients of a mean loss already carry the 1/B). */
function total(rows: number[][]): number[] {
  return (rows[0] ?? []).map((_, j) => rows.reduce((s, r) => s + r[j], 0));
}

/** The per-neuron values a step shows for the chosen example (-1 = the whole batch). */
function stepValues(
  t: TraceResult,
  s: TraceStep,
  example: number,
): { label: string; values: number[] } | null {
  const pick = (rows: number[][], agg: (r: number[][]) => number[]) =>
    example < 0 ? agg(rows) : rows[example];
  if (s.quantity === "input") return { label: "x", values: pick(t.inputs, mean) };
  if (s.layer < 0) return null;
  const L = t.layers[s.layer];
  switch (s.quantity) {
    case "z":
      return { label: "z", values: pick(L.z, mean) };
    case "a":
      return { label: "a", values: pick(L.a, mean) };
    case "dZ":
      return { label: "∂L/∂z", values: pick(L.dZ, total) };
    case "dA":
      return { label: "∂L/∂a", values: pick(L.dA, total) };
    case "dB":
      return { label: "∂L/∂b", values: L.dB };
    case "dW":
      return { label: "Σ|∂L/∂w| in", values: L.dW.map((r) => r.reduce((s2, v) => s2 + Math.abs(v), 0)) };
    default:
      return null;
  }
}

/** Node overlay for step `k`: each column shows the latest quantity computed there up to this step. */
function nodeOverlay(t: TraceResult, k: number, example: number): number[][] {
  const cols: number[][] = Array.from({ length: t.layers.length + 1 }, () => []);
  for (let i = 0; i <= k; i++) {
    const s = t.steps[i];
    if (s.quantity === "loss" || s.quantity === "dW") continue;
    // Backward starts from a clean slate: forward values are hidden once the gradients start to flow.
    if (s.phase === "backward" && t.steps[i - 1]?.phase === "forward") cols.fill([]);
    const v = stepValues(t, s, example);
    if (v !== null) cols[s.quantity === "input" ? 0 : s.layer + 1] = v.values;
  }
  return cols;
}

/** Edge overlay for step `k`: forward, the mean w·a flowing along each edge; backward, ∂L/∂w. */
function edgeOverlay(t: TraceResult, k: number, example: number): { values: number[][][]; label: string } {
  const s = t.steps[k];
  const values = t.layers.map((L) => L.weight.map((r) => r.map(() => 0)));
  if (s.phase === "forward") {
    const reached = s.quantity === "loss" ? t.layers.length - 1 : s.layer;
    for (let l = 0; l <= reached; l++) {
      const inputs = l === 0 ? t.inputs : t.layers[l - 1].a;
      const a = example < 0 ? mean(inputs) : inputs[example];
      values[l] = t.layers[l].weight.map((r) => r.map((w, i) => w * a[i]));
    }
    return { values, label: example < 0 ? "w·a, mean over the batch (forward)" : "w·a (forward)" };
  }
  for (let i = 0; i <= k; i++)
    if (t.steps[i].quantity === "dW") values[t.steps[i].layer] = t.layers[t.steps[i].layer].dW;
  return { values, label: "∂L/∂w (backward)" };
}

function mount(el: HTMLElement, ctx: PanelContext): void {
  const start = h("button", { type: "button", class: "text-btn", "data-testid": "trace-start" }, ["Start"]);
  const prev = h(
    "button",
    {
      type: "button",
      class: "text-btn",
      "data-testid": "trace-prev",
      "aria-label": "Previous step",
      disabled: true,
    },
    ["◀ Prev"],
  );
  const next = h(
    "button",
    {
      type: "button",
      class: "text-btn",
      "data-testid": "trace-next",
      "aria-label": "Next step",
      disabled: true,
    },
    ["Next ▶"],
  );
  const clear = h(
    "button",
    { type: "button", class: "text-btn", "data-testid": "trace-clear", disabled: true },
    ["Clear"],
  );
  const scope = h("select", { id: "trace-scope", "data-testid": "trace-scope" }, [
    h("option", { value: "batch" }, ["the next batch"]),
    h("option", { value: "example" }, ["one example"]),
  ]);
  const phase = h("span", { class: "trace-phase", "data-testid": "trace-phase" }, [""]);
  const position = h("span", { class: "trace-pos muted" }, [""]);
  const sentence = h("p", { class: "trace-text", "aria-live": "polite" }, [
    "Press Start to trace the step the network takes next: the forward pass layer by layer, then the backward pass.",
  ]);
  const formula = h("p", { class: "trace-formula formula" }, [""]);
  const table = h("div", { class: "trace-values" });
  const stale = h("p", { class: "muted small", hidden: true }, [""]);
  el.append(
    h("div", { class: "panel-controls" }, [
      h("label", { for: "trace-scope" }, ["Trace"]),
      scope,
      start,
      prev,
      next,
      clear,
    ]),
    h("p", { class: "trace-status" }, [phase, " ", position]),
    sentence,
    formula,
    table,
    stale,
  );

  let trace: TraceResult | null = null;
  let k = 0;

  const render = () => {
    if (trace === null) return;
    const t = trace;
    const s = t.steps[k];
    const example = t.scope === "example" ? 0 : -1;
    phase.textContent = s.phase;
    phase.dataset.phase = s.phase;
    position.textContent = `step ${k + 1} of ${t.steps.length}`;
    let text = s.text;
    if (s.quantity === "loss")
      text += ` L = ${fmt(t.loss.total)}${t.loss.regularization !== 0 ? ` (data ${fmt(t.loss.data)} + regulariser ${fmt(t.loss.regularization)})` : ""}.`;
    sentence.textContent = text;
    formula.textContent = s.formula;
    prev.disabled = k === 0;
    next.disabled = k === t.steps.length - 1;
    const v = stepValues(t, s, example);
    if (v === null) table.replaceChildren();
    else {
      const names = s.quantity === "input" ? t.featureNames : v.values.map((_, j) => `${j + 1}`);
      table.replaceChildren(
        h("table", { class: "data-table" }, [
          h("caption", { class: "sr-only" }, [`${v.label} per neuron`]),
          h("thead", {}, [
            h("tr", {}, [
              h("th", { scope: "col" }, [s.quantity === "input" ? "input" : "neuron"]),
              h("th", { scope: "col" }, [
                `${v.label}${example < 0 ? (s.phase === "forward" ? " (batch mean)" : " (batch total)") : ""}`,
              ]),
            ]),
          ]),
          h(
            "tbody",
            {},
            v.values.map((x, j) =>
              h("tr", {}, [h("td", {}, [names[j] ?? String(j + 1)]), h("td", { class: "num" }, [fmt(x)])]),
            ),
          ),
        ]),
      );
    }
    ctx.network.setNodeOverlay(nodeOverlay(t, k, example));
    const e = edgeOverlay(t, k, example);
    ctx.network.setEdgeOverlay(e.values, e.label);
    expose("traceIndex", k);
  };

  const reset = () => {
    trace = null;
    k = 0;
    prev.disabled = next.disabled = clear.disabled = true;
    phase.textContent = "";
    position.textContent = "";
    formula.textContent = "";
    table.replaceChildren();
    stale.hidden = true;
    ctx.network.setNodeOverlay(null);
    ctx.network.setEdgeOverlay(null);
  };

  start.addEventListener("click", async () => {
    start.disabled = true;
    try {
      let exampleIndex: number | undefined;
      if (scope.value === "example") {
        // The first example of the next batch: ask for the batch trace's indices first.
        const b = await inspect(ctx, { kind: "trace" });
        exampleIndex = b.examples[0];
      }
      trace = await inspect(ctx, { kind: "trace", exampleIndex });
      expose("lastTrace", trace);
      k = 0;
      clear.disabled = false;
      stale.hidden = true;
      render();
    } catch (err) {
      sentence.textContent = `The trace failed: ${(err as Error).message}`;
    } finally {
      start.disabled = false;
    }
  });
  prev.addEventListener("click", () => {
    if (trace && k > 0) {
      k--;
      render();
    }
  });
  next.addEventListener("click", () => {
    if (trace && k < trace.steps.length - 1) {
      k++;
      render();
    }
  });
  clear.addEventListener("click", reset);
  // Arrow keys step too when focus is inside the panel (not in the select).
  el.addEventListener("keydown", (ev) => {
    if (trace === null || ev.target instanceof HTMLSelectElement) return;
    if (ev.key === "ArrowRight") next.click();
    else if (ev.key === "ArrowLeft") prev.click();
    else return;
    ev.preventDefault();
  });
  ctx.client.on("snapshot", (msg) => {
    if (trace === null) return;
    const moved = msg.snapshot.step !== trace.step;
    stale.hidden = !moved;
    if (moved)
      stale.textContent = `This trace is of step ${trace.step + 1}; the network has taken ${msg.snapshot.step - trace.step} step(s) since. Press Start to trace the current one.`;
  });
  ctx.client.on("data", reset);
}

registerPanel({
  id: "backprop",
  title: "Backprop view",
  explanation:
    "Step through one training step. Forward: each neuron computes z = Σ w·a + b and a = f(z). Backward: the loss's gradient flows back along every edge, multiplied by one local derivative per step (the chain rule): ∂L/∂w = ∂L/∂z · a.",
  mount,
});
