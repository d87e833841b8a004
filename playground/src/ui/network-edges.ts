// Pointer and keyboard handling of the network diagram's weights: hover/focus tooltips, click or Enter to
// inspect, and roving focus (one tab stop for all weights, arrow keys move between them).

import type { ParamRef } from "../protocol.js";

/** One drawn weight: its parameter, the visible path and a wider invisible hit path. */
export interface Edge {
  ref: ParamRef;
  path: SVGPathElement;
  hit: SVGPathElement;
  label: string;
  /** Last stroke and width written: unchanged attributes are not written again (no style invalidation). */
  stroke: string;
  width: string;
}

export interface EdgeEventHost {
  svg: SVGSVGElement;
  stage: HTMLElement;
  tooltip: HTMLElement;
  /** The edges in tab order (read at event time: the diagram may have been rebuilt). */
  list(): Edge[];
  find(layer: string | null, to: string | null, from: string | null): Edge | null;
  /** Lines of the tooltip for an edge. */
  describe(e: Edge): string[];
  emit(p: ParamRef): void;
}

/** Attaches the diagram's edge listeners once, on the svg (delegated, so rebuilds need no rewiring). */
export function wireEdgeEvents(host: EdgeEventHost): void {
  const { svg, stage, tooltip } = host;
  const edgeAt = (target: EventTarget | null): Edge | null => {
    const el = target instanceof Element ? target.closest("[data-layer]") : null;
    if (!el) return null;
    return host.find(el.getAttribute("data-layer"), el.getAttribute("data-to"), el.getAttribute("data-from"));
  };
  const show = (e: Edge, x: number, y: number): void => {
    tooltip.textContent = host.describe(e).join("\n");
    tooltip.style.left = `${x + 12}px`;
    tooltip.style.top = `${y + 12}px`;
    tooltip.hidden = false;
  };
  const hide = (): void => {
    tooltip.hidden = true;
  };
  svg.addEventListener("click", (ev) => {
    const e = edgeAt(ev.target);
    if (e) host.emit(e.ref);
  });
  svg.addEventListener("pointermove", (ev) => {
    const e = edgeAt(ev.target);
    if (!e) return hide();
    const r = stage.getBoundingClientRect();
    show(e, ev.clientX - r.left, ev.clientY - r.top);
  });
  svg.addEventListener("pointerleave", hide);
  svg.addEventListener("focusin", (ev) => {
    const e = edgeAt(ev.target);
    if (!e) return;
    const box = e.path.getBBox();
    show(e, box.x + box.width / 2, box.y + box.height / 2);
  });
  svg.addEventListener("focusout", hide);
  svg.addEventListener("keydown", (ev) => {
    const list = host.list();
    const current = edgeAt(ev.target);
    if (!current || list.length === 0) return;
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      host.emit(current.ref);
      return;
    }
    const step =
      ev.key === "ArrowRight" || ev.key === "ArrowDown"
        ? 1
        : ev.key === "ArrowLeft" || ev.key === "ArrowUp"
          ? -1
          : 0;
    if (step === 0) return;
    ev.preventDefault();
    const i = list.indexOf(current);
    const next = list[(i + step + list.length) % list.length]!;
    current.path.setAttribute("tabindex", "-1");
    next.path.setAttribute("tabindex", "0");
    next.path.focus();
  });
}

/** The +/− buttons and the neuron count above hidden layer `l` (0-based), centred on x. */
export function neuronControls(
  l: number,
  n: number,
  x: number,
  max: number,
  actions: { addNeuron(layer: number): void; removeNeuron(layer: number): void },
): HTMLElement {
  const button = (testid: string, label: string, text: string): HTMLButtonElement => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "icon-btn small";
    b.dataset.testid = testid;
    b.setAttribute("aria-label", label);
    b.textContent = text;
    return b;
  };
  const add = button(`add-neuron-${l}`, `Add a neuron to hidden layer ${l + 1}`, "+");
  const remove = button(`remove-neuron-${l}`, `Remove a neuron from hidden layer ${l + 1}`, "−");
  add.disabled = n >= max;
  remove.disabled = n <= 1;
  add.addEventListener("click", () => actions.addNeuron(l));
  remove.addEventListener("click", () => actions.removeNeuron(l));
  const pm = document.createElement("div");
  pm.className = "pm";
  pm.append(remove, add);
  const count = document.createElement("span");
  count.textContent = `${n} neuron${n === 1 ? "" : "s"}`;
  const el = document.createElement("div");
  el.className = "neuron-controls";
  el.style.left = `${x}px`;
  el.append(pm, count);
  return el;
}
