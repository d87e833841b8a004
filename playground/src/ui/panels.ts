// The panel host: chainrule's own panels (backprop view, breakdown, exercise, health) register here and get
// a titled, explained section of the page to fill, plus the worker client and the network diagram.

import type { ExperimentConfig } from "../protocol.js";
import type { WorkerClient } from "./client.js";
import { h } from "./dom.js";
import type { NetworkView } from "./network-view.js";

/** What a panel gets when it is mounted. */
export interface PanelContext {
  client: WorkerClient;
  network: NetworkView;
  getConfig(): ExperimentConfig;
}

/** A panel: `mount` fills `el` (the panel's body) once; the host draws the title and explanation. */
export interface PanelSpec {
  id: string;
  title: string;
  explanation: string;
  mount(el: HTMLElement, ctx: PanelContext): void;
}

/** The panels the page lays out, in order; a registered panel with another id is appended after them. */
export const PANEL_SLOTS: { id: string; title: string; explanation: string }[] = [
  {
    id: "backprop",
    title: "Backprop view",
    explanation:
      "Step through one training step: the forward pass computes each neuron's value, the backward pass sends the loss's gradient back along every edge.",
  },
  {
    id: "breakdown",
    title: "Chain-rule breakdown",
    explanation:
      "Click a weight in the network to see how its gradient is built: every path from the loss back to the weight, and the product of local derivatives along it.",
  },
  {
    id: "exercise",
    title: "Predict the gradient",
    explanation:
      "Work out a partial derivative yourself, then check it against autograd and a finite-difference estimate.",
  },
  {
    id: "health",
    title: "Gradient health",
    explanation:
      "Gradient size per layer over time, and how many units are dead or saturated: vanishing gradients show up here first.",
  },
];

const registered: PanelSpec[] = [];
let host: { root: HTMLElement; ctx: PanelContext } | null = null;
const slots = new Map<string, HTMLElement>();

/** Registers a panel; mounts it at once if the page is up, else when it is. Registering an id twice throws. */
export function registerPanel(spec: PanelSpec): void {
  if (registered.some((p) => p.id === spec.id))
    throw new Error(`registerPanel: expected a new panel id, got "${spec.id}" twice`);
  registered.push(spec);
  if (host) mountPanel(spec);
}

/** Builds the panel area into `root` and mounts every panel registered so far (called once by the app). */
export function startPanels(root: HTMLElement, ctx: PanelContext): void {
  host = { root, ctx };
  for (const slot of PANEL_SLOTS) root.append(section(slot.id, slot.title, slot.explanation));
  for (const spec of registered) mountPanel(spec);
}

function section(id: string, title: string, explanation: string): HTMLElement {
  const body = h("div", { class: "panel-body" }, [h("p", { class: "panel-empty" }, ["Loading…"])]);
  const el = h(
    "section",
    { class: "panel card", "data-testid": `panel-${id}`, "aria-labelledby": `panel-title-${id}` },
    [h("h2", { id: `panel-title-${id}` }, [title]), h("p", { class: "explain" }, [explanation]), body],
  );
  slots.set(id, el);
  return el;
}

function mountPanel(spec: PanelSpec): void {
  const { root, ctx } = host!;
  let el = slots.get(spec.id);
  if (!el) {
    el = section(spec.id, spec.title, spec.explanation);
    root.append(el);
  }
  el.querySelector("h2")!.textContent = spec.title;
  el.querySelector(".explain")!.textContent = spec.explanation;
  const body = el.querySelector<HTMLElement>(".panel-body")!;
  body.replaceChildren();
  try {
    spec.mount(body, ctx);
  } catch (err) {
    body.replaceChildren(
      h("p", { class: "error", role: "alert" }, [`This panel failed to start: ${(err as Error).message}`]),
    );
  }
}
