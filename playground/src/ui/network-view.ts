// The network diagram: feature toggles, neurons with their heat maps, and weights as SVG curves whose colour
// is the sign and width the size. Built once per architecture; each frame only updates attributes.

import type { ExperimentConfig, FeatureName, ParamRef, ProblemKind, Snapshot } from "../protocol.js";
import { classColor, signedColor } from "./colors.js";
import { fmt, h, s, setPressed } from "./dom.js";
import { GridPainter, gridOf, type HeatMode } from "./heatmap.js";
import { type Edge, neuronControls, wireEdgeEvents } from "./network-edges.js";
import { FEATURES, MAX_LAYERS, MAX_NEURONS } from "./options.js";

export interface NetworkActions {
  toggleFeature(name: FeatureName): void;
  addLayer(): void;
  removeLayer(): void;
  addNeuron(layer: number): void;
  removeNeuron(layer: number): void;
}

interface Node {
  el: HTMLButtonElement;
  painter: GridPainter | null;
  bias: HTMLElement | null;
  overlay: HTMLElement;
  label: string;
}

const NODE = 36;
const PITCH = 50;
const TOP = 58;

export class NetworkView {
  readonly el: HTMLElement;
  private readonly svg: SVGSVGElement;
  private readonly edgeGroup: SVGGElement;
  private readonly hitGroup: SVGGElement;
  private readonly halo: SVGPathElement;
  private readonly tooltip: HTMLElement;
  private readonly overlayLegend: HTMLElement;
  private readonly layerCount: HTMLElement;
  private readonly addLayerBtn: HTMLButtonElement;
  private readonly removeLayerBtn: HTMLButtonElement;
  private readonly stage: HTMLElement;
  private edges = new Map<string, Edge>();
  private edgeList: Edge[] = [];
  /** nodes[c][i]: column c (0 = all seven features, then hidden layers, then outputs). */
  private nodes: Node[][] = [];
  private archKey = "";
  private config: ExperimentConfig | null = null;
  private problem: ProblemKind = "binary";
  private outputs = 1;
  private edgeOverlay: number[][][] | null = null;
  private nodeOverlay: number[][] | null = null;
  private overlayLabel = "";
  private clickListeners = new Set<(p: ParamRef) => void>();
  private highlighted: ParamRef | null = null;
  private lastSnapshot: Snapshot | null = null;

  constructor(private readonly actions: NetworkActions) {
    this.addLayerBtn = h(
      "button",
      { type: "button", class: "icon-btn", "data-testid": "add-layer", "aria-label": "Add a hidden layer" },
      ["+"],
    );
    this.removeLayerBtn = h(
      "button",
      {
        type: "button",
        class: "icon-btn",
        "data-testid": "remove-layer",
        "aria-label": "Remove the last hidden layer",
      },
      ["−"],
    );
    this.addLayerBtn.addEventListener("click", () => actions.addLayer());
    this.removeLayerBtn.addEventListener("click", () => actions.removeLayer());
    this.layerCount = h("span", { class: "layer-count", "aria-live": "polite" });
    this.overlayLegend = h("div", { class: "overlay-legend", "aria-live": "polite" });
    this.edgeGroup = s("g", { class: "edges" });
    this.hitGroup = s("g", { class: "edge-hits" });
    this.halo = s("path", { class: "edge-halo", d: "" });
    this.svg = s(
      "svg",
      {
        "data-testid": "network",
        class: "network-svg",
        role: "group",
        tabindex: -1,
        "aria-label": "Network weights: use the arrow keys to move between weights, Enter to inspect one",
      },
      [this.hitGroup, this.halo, this.edgeGroup],
    );
    this.tooltip = h("div", { class: "tooltip", role: "tooltip", hidden: true });
    this.stage = h("div", { class: "network-stage" }, [this.svg, this.tooltip]);
    this.el = h("div", { class: "network-view" }, [
      h("div", { class: "network-head" }, [
        h("div", { class: "layer-buttons" }, [this.removeLayerBtn, this.addLayerBtn]),
        this.layerCount,
        this.overlayLegend,
      ]),
      this.stage,
    ]);
    wireEdgeEvents({
      svg: this.svg,
      stage: this.stage,
      tooltip: this.tooltip,
      list: () => this.edgeList,
      find: (l, to, from) => this.edges.get(`${l}-${to}-${from}`) ?? null,
      describe: (e) => this.describe(e),
      emit: (p) => this.emit(p),
    });
    // The diagram spreads its columns over the card's width: rebuild when that width changes.
    let lastWidth = 0;
    new ResizeObserver(() => {
      const w = this.el.clientWidth;
      if (this.config && Math.abs(w - lastWidth) > 16) {
        lastWidth = w;
        this.build(false);
      }
    }).observe(this.el);
  }

  /** Rebuilds the diagram when the features, layer sizes or outputs change; otherwise only updates toggles. */
  setArchitecture(config: ExperimentConfig, problem: ProblemKind, outputs: number): void {
    this.config = config;
    this.problem = problem;
    this.outputs = outputs;
    const key = JSON.stringify([config.features, config.hiddenLayers, outputs, problem]);
    if (key !== this.archKey) {
      this.archKey = key;
      this.build();
    }
  }

  /** Draws the latest weights and neuron heat maps (call at most once per animation frame). */
  update(snapshot: Snapshot): void {
    this.lastSnapshot = snapshot;
    const w = snapshot.params.weights;
    const ov = this.edgeOverlay;
    let range = 1;
    if (ov) {
      range = 0;
      for (const l of ov)
        for (const r of l) for (const v of r) if (Number.isFinite(v)) range = Math.max(range, Math.abs(v));
      if (range === 0) range = 1;
    }
    for (const e of this.edgeList) {
      const { layer, to, from } = e.ref;
      // An overlay that misses an edge (a stale one) leaves that edge showing its weight.
      const o = ov?.[layer]?.[to]?.[from];
      const v = o ?? w[layer]?.[to]?.[from];
      if (v === undefined) continue;
      const mag = o !== undefined ? Math.abs(v) / range : Math.min(1, Math.abs(v) / 3);
      const stroke = signedColor(v, o !== undefined ? range : 1);
      const width = (0.8 + 7 * mag).toFixed(1);
      if (stroke !== e.stroke) {
        e.stroke = stroke;
        e.path.setAttribute("stroke", stroke);
      }
      if (width !== e.width) {
        e.width = width;
        e.path.setAttribute("stroke-width", width);
      }
    }
    const L = this.config?.hiddenLayers.length ?? 0;
    for (let c = 1; c < this.nodes.length; c++) {
      const col = this.nodes[c]!;
      for (let i = 0; i < col.length; i++) {
        const node = col[i]!;
        const b = snapshot.params.biases[c - 1]?.[i];
        if (node.bias && b !== undefined) {
          const color = signedColor(b, 1);
          if (node.bias.style.background !== color) node.bias.style.background = color;
        }
        if (!node.painter) continue;
        const grid = c <= L ? snapshot.neurons[c]?.[i] : snapshot.output;
        if (!grid) continue;
        const mode: HeatMode =
          c <= L
            ? { kind: "signed", range: 1 }
            : this.problem === "binary"
              ? { kind: "unit" }
              : { kind: "signed", range: "auto" };
        node.painter.paint(grid, mode);
      }
    }
  }

  /** Per-edge values [layer][to][from] drawn instead of the weights (e.g. gradients); null restores weights.
   *  Colour and width are scaled by the largest |value|. Cleared when the architecture changes. */
  setEdgeOverlay(values: number[][][] | null, label?: string): void {
    this.edgeOverlay = values;
    this.overlayLabel = values ? (label ?? "overlay") : "";
    this.overlayLegend.textContent = values ? `Edges show: ${this.overlayLabel}` : "";
    this.svg.classList.toggle("overlaid", values !== null);
    if (this.lastSnapshot) this.update(this.lastSnapshot);
  }

  /** Per-neuron values [column][i] shown under each neuron (column 0 = the active inputs, then each hidden
   *  layer, then the outputs); null hides them. Cleared when the architecture changes. */
  setNodeOverlay(values: number[][] | null): void {
    this.nodeOverlay = values;
    this.renderNodeOverlay();
  }

  /** Calls `cb` when a weight (edge) or a bias (neuron) is clicked or chosen with the keyboard. */
  onParamClick(cb: (p: ParamRef) => void): () => void {
    this.clickListeners.add(cb);
    return () => this.clickListeners.delete(cb);
  }

  /** Marks one weight (a halo around its edge) or bias (a ring on its neuron); null clears. */
  highlightParam(p: ParamRef | null): void {
    this.highlighted = p;
    for (const col of this.nodes) for (const n of col) n.el.classList.remove("highlight");
    this.halo.setAttribute("d", "");
    if (!p) return;
    if (p.from >= 0) {
      const e = this.edges.get(`${p.layer}-${p.to}-${p.from}`);
      if (e) this.halo.setAttribute("d", e.path.getAttribute("d") ?? "");
    } else {
      this.nodes[p.layer + 1]?.[p.to]?.el.classList.add("highlight");
    }
  }

  private describe(e: Edge): string[] {
    const { layer, to, from } = e.ref;
    const w = this.lastSnapshot?.params.weights[layer]?.[to]?.[from];
    const ov = this.edgeOverlay?.[layer]?.[to]?.[from];
    const lines = [e.label, `w = ${w === undefined ? "–" : fmt(w)}`];
    if (ov !== undefined) lines.push(`${this.overlayLabel || "overlay"} = ${fmt(ov)}`);
    return lines;
  }

  private emit(p: ParamRef): void {
    for (const cb of this.clickListeners) cb(p);
  }

  private build(clearOverlays = true): void {
    const config = this.config!;
    const L = config.hiddenLayers.length;
    this.layerCount.textContent = `${L} hidden layer${L === 1 ? "" : "s"}`;
    this.addLayerBtn.disabled = L >= MAX_LAYERS;
    this.removeLayerBtn.disabled = L === 0;
    for (const child of [...this.stage.children])
      if (child !== this.svg && child !== this.tooltip) child.remove();
    this.edgeGroup.replaceChildren();
    this.hitGroup.replaceChildren();
    this.edges.clear();
    this.edgeList = [];
    this.nodes = [];

    const columns = L + 2;
    const width = Math.max(420, this.el.clientWidth || 600);
    const left = 30;
    const right = 60;
    const colX = (c: number): number => left + (c * (width - left - right - NODE)) / (columns - 1);
    const rowY = (i: number): number => TOP + i * PITCH;
    const rows = Math.max(FEATURES.length, ...config.hiddenLayers, this.outputs);
    const height = TOP + rows * PITCH;
    this.stage.style.height = `${height}px`;
    this.svg.setAttribute("width", String(width));
    this.svg.setAttribute("height", String(height));
    this.svg.setAttribute("viewBox", `0 0 ${width} ${height}`);

    // Column 0: every feature, as a toggle; the active ones feed the first layer in config order.
    const inputCol: Node[] = [];
    FEATURES.forEach((f, i) => {
      const active = config.features.includes(f.name);
      const painter = new GridPainter();
      painter.paint(gridOf(20, f.fn), { kind: "signed", range: "auto" });
      const el = h(
        "button",
        {
          type: "button",
          class: "node feature",
          "data-testid": `feature-${f.name}`,
          "aria-label": `Input feature ${f.label}`,
          title: active ? `${f.label}: click to remove this input` : `${f.label}: click to use this input`,
        },
        [painter.canvas, h("span", { class: "node-label" }, [f.label])],
      );
      setPressed(el, active);
      el.addEventListener("click", () => this.actions.toggleFeature(f.name));
      const overlay = h("span", { class: "node-overlay" });
      el.append(overlay);
      this.place(el, colX(0), rowY(i));
      const node: Node = { el, painter, bias: null, overlay, label: f.label };
      inputCol.push(node);
    });
    this.nodes.push(inputCol);

    // Hidden columns, then the output column; every non-input neuron has a bias (click the node).
    const sizes = [...config.hiddenLayers, this.outputs];
    sizes.forEach((n, l) => {
      const c = l + 1;
      const isOut = l === L;
      const col: Node[] = [];
      if (!isOut) this.stage.append(neuronControls(l, n, colX(c) + NODE / 2, MAX_NEURONS, this.actions));
      for (let i = 0; i < n; i++) {
        const name = isOut
          ? this.outputs > 1
            ? `output ${i} (class ${i})`
            : "output"
          : `neuron ${i + 1} of hidden layer ${l + 1}`;
        const painter = isOut && this.outputs > 1 ? null : new GridPainter();
        const bias = h("span", { class: "bias", "aria-hidden": "true" });
        const swatch = painter
          ? painter.canvas
          : h("span", { class: "class-swatch", style: `background:${classColor(i)}` });
        const el = h(
          "button",
          {
            type: "button",
            class: `node${isOut ? " output" : ""}`,
            "data-testid": isOut ? `output-node-${i}` : `neuron-${l}-${i}`,
            "aria-label": `${name}: show its bias`,
          },
          [swatch, bias],
        );
        const overlay = h("span", { class: "node-overlay" });
        el.append(overlay);
        el.addEventListener("click", () => this.emit({ layer: l, to: i, from: -1 }));
        this.place(el, colX(c), rowY(i));
        col.push({ el, painter, bias, overlay, label: name });
      }
      this.nodes.push(col);
    });

    // Edges of Linear layer l: from the previous column's active nodes to this column's nodes.
    const activeRows = config.features.map((f) => FEATURES.findIndex((g) => g.name === f));
    sizes.forEach((n, l) => {
      const fromRows = l === 0 ? activeRows : [...Array(sizes[l - 1]!).keys()];
      const x0 = colX(l) + NODE;
      const x1 = colX(l + 1);
      for (let to = 0; to < n; to++) {
        fromRows.forEach((row, from) => {
          const y0 = rowY(row) + NODE / 2;
          const y1 = rowY(to) + NODE / 2;
          const mx = (x0 + x1) / 2;
          const d = `M${x0},${y0} C${mx},${y0} ${mx},${y1} ${x1},${y1}`;
          const fromName =
            l === 0 ? (this.nodes[0]![row]?.label ?? "input") : `neuron ${from + 1} of hidden layer ${l}`;
          const label = `weight from ${fromName} to ${this.nodes[l + 1]![to]!.label}`;
          const path = s("path", {
            d,
            class: "edge",
            "data-testid": `edge-${l}-${to}-${from}`,
            "data-layer": l,
            "data-to": to,
            "data-from": from,
            tabindex: this.edgeList.length === 0 ? 0 : -1,
            role: "button",
            "aria-label": label,
          });
          const hit = s("path", { d, class: "edge-hit", "data-layer": l, "data-to": to, "data-from": from });
          this.edgeGroup.append(path);
          this.hitGroup.append(hit);
          const edge: Edge = { ref: { layer: l, to, from }, path, hit, label, stroke: "", width: "" };
          this.edges.set(`${l}-${to}-${from}`, edge);
          this.edgeList.push(edge);
        });
      }
    });
    // The weights come after the neurons in tab order (the svg is painted below them by z-index).
    this.stage.append(this.svg, this.tooltip);
    if (clearOverlays) {
      // Overlays describe the old network; whoever set them sets them again for the new one.
      this.edgeOverlay = null;
      this.nodeOverlay = null;
      this.overlayLabel = "";
      this.overlayLegend.textContent = "";
      this.svg.classList.remove("overlaid");
    }
    this.renderNodeOverlay();
    this.highlightParam(this.highlighted);
    if (this.lastSnapshot) this.update(this.lastSnapshot);
  }

  private place(el: HTMLElement, x: number, y: number): void {
    el.style.left = `${x}px`;
    el.style.top = `${y}px`;
    this.stage.append(el);
  }

  private renderNodeOverlay(): void {
    const ov = this.nodeOverlay;
    const active = this.config?.features ?? [];
    for (let c = 0; c < this.nodes.length; c++) {
      const col = this.nodes[c]!;
      for (let i = 0; i < col.length; i++) {
        // Overlay column 0 lists the active inputs only; map them onto their feature rows.
        const k = c === 0 ? active.indexOf(FEATURES[i]!.name) : i;
        const v = ov && k >= 0 ? ov[c]?.[k] : undefined;
        col[i]!.overlay.textContent = v === undefined ? "" : fmt(v);
        col[i]!.overlay.hidden = v === undefined;
      }
    }
  }
}
