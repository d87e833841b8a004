// The gradient-health panel: per-layer gradient norms over training on a log scale (one line per layer,
// told apart by dash pattern and lightness, labelled at the end), the current norms as bars, dead ReLU and
// saturated sigmoid/tanh shares per layer, and vanishing/exploding flags, from chainrule's gradientHealth.

import type { HealthResult } from "../inspect/types.js";
import { scaleColor } from "../ui/colors.js";
import { h, s } from "../ui/dom.js";
import { type PanelContext, registerPanel } from "../ui/panels.js";
import { expose, isRunning, pct, sci, serial } from "./shared.js";

const W = 420;
const H = 200;
const M = { left: 46, right: 64, top: 10, bottom: 26 };
const DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 2 1 2"];

/** Line colour of layer i of n: first layers dark, last light (reads in greyscale too). */
function lineColor(i: number, n: number): string {
  return scaleColor(n <= 1 ? 0.2 : 0.05 + (0.8 * i) / (n - 1));
}

/** The log-scale line chart of gradient norms per layer over the steps. */
function chart(r: HealthResult): SVGSVGElement {
  const names = r.layers.map((l) => l.name);
  const pts = r.history.filter((p) => p.norms.some((v) => v !== null && v > 0));
  const all = pts.flatMap((p) => p.norms.filter((v): v is number => v !== null && v > 0));
  const svg = s("svg", {
    viewBox: `0 0 ${W} ${H}`,
    class: "health-chart",
    "data-testid": "health-chart",
    role: "img",
    "aria-label": `Gradient norm per layer over training, log scale: ${r.layers.map((l) => `${l.name} ${sci(l.gradNorm)}`).join(", ")}`,
  });
  if (all.length === 0) {
    svg.append(
      s("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "muted" }, [
        "No gradients yet: train a few steps.",
      ]),
    );
    return svg;
  }
  let lo = Math.floor(Math.log10(Math.min(...all)));
  let hi = Math.ceil(Math.log10(Math.max(...all)));
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const s0 = pts[0].step;
  const s1 = Math.max(pts[pts.length - 1].step, s0 + 1);
  const x = (step: number) => M.left + ((step - s0) / (s1 - s0)) * (W - M.left - M.right);
  const y = (v: number) => M.top + ((hi - Math.log10(v)) / (hi - lo)) * (H - M.top - M.bottom);
  // Decades as grid lines.
  const stepDecade = Math.max(1, Math.ceil((hi - lo) / 6));
  for (let d = lo; d <= hi; d += stepDecade) {
    svg.append(
      s("line", { x1: M.left, x2: W - M.right, y1: y(10 ** d), y2: y(10 ** d), class: "grid" }),
      s("text", { x: M.left - 4, y: y(10 ** d) + 3, "text-anchor": "end", class: "tick" }, [`1e${d}`]),
    );
  }
  svg.append(
    s("text", { x: M.left, y: H - 6, class: "tick" }, [`step ${s0}`]),
    s("text", { x: W - M.right, y: H - 6, "text-anchor": "end", class: "tick" }, [`step ${s1}`]),
  );
  const n = names.length;
  const labels: { y: number; text: string; color: string }[] = [];
  names.forEach((name, i) => {
    const seg = pts.filter((p) => p.norms[i] !== null && p.norms[i]! > 0);
    if (seg.length === 0) return;
    const d = seg
      .map((p, k) => `${k === 0 ? "M" : "L"}${x(p.step).toFixed(1)},${y(p.norms[i]!).toFixed(1)}`)
      .join("");
    const color = lineColor(i, n);
    svg.append(
      s("path", {
        d: seg.length === 1 ? `${d}h2` : d,
        fill: "none",
        stroke: color,
        "stroke-width": 2,
        "stroke-dasharray": DASHES[i % DASHES.length] || undefined,
        class: "series",
      }),
    );
    labels.push({ y: y(seg[seg.length - 1].norms[i]!), text: name, color });
  });
  // End labels, nudged apart so they never overlap.
  labels.sort((a, b) => a.y - b.y);
  for (let i = 1; i < labels.length; i++) labels[i].y = Math.max(labels[i].y, labels[i - 1].y + 10);
  for (const l of labels)
    svg.append(s("text", { x: W - M.right + 4, y: l.y + 3, class: "series-label" }, [l.text]));
  return svg;
}

/** Current per-layer gradient norms as horizontal bars on a log scale, with dead/saturated shares. */
function layerTable(r: HealthResult): HTMLElement {
  const norms = r.layers.map((l) => l.gradNorm).filter((v): v is number => v !== null && v > 0);
  const lo = norms.length ? Math.floor(Math.log10(Math.min(...norms))) : -8;
  const hi = norms.length ? Math.ceil(Math.log10(Math.max(...norms))) : 0;
  const span = Math.max(1, hi - lo);
  const rows = r.layers.map((l, i) => {
    const frac = l.gradNorm !== null && l.gradNorm > 0 ? (Math.log10(l.gradNorm) - lo) / span : 0;
    const flags = l.flags.length ? l.flags.join(", ") : "ok";
    return h("tr", { class: l.flags.length ? "flagged" : "" }, [
      h("th", { scope: "row" }, [l.name]),
      h("td", { class: "bar-cell" }, [
        h("span", {
          class: "bar",
          style: `width:${Math.max(2, 100 * frac).toFixed(0)}px;background:${lineColor(i, r.layers.length)}`,
          "aria-hidden": "true",
        }),
        h("span", { class: "num" }, [sci(l.gradNorm)]),
      ]),
      h("td", { class: "num" }, [l.activation === "relu" ? pct(l.deadShare) : "–"]),
      h("td", { class: "num" }, [
        l.activation === "sigmoid" || l.activation === "tanh" ? pct(l.saturatedShare) : "–",
      ]),
      h("td", {}, [flags]),
    ]);
  });
  return h("table", { class: "data-table health-table" }, [
    h("caption", { class: "sr-only" }, ["Gradient health per layer now"]),
    h("thead", {}, [
      h("tr", {}, [
        h("th", { scope: "col" }, ["layer"]),
        h("th", { scope: "col" }, ["‖∂L/∂(W, b)‖ (log scale)"]),
        h("th", { scope: "col" }, ["dead ReLU"]),
        h("th", { scope: "col" }, ["saturated"]),
        h("th", { scope: "col" }, ["flags"]),
      ]),
    ]),
    h("tbody", {}, rows),
  ]);
}

function summary(r: HealthResult): HTMLElement {
  const sm = r.summary;
  const verdict = sm.vanishing
    ? "Vanishing gradients"
    : sm.exploding
      ? "Exploding gradients"
      : "Gradients look healthy";
  const ratio =
    sm.firstToLastRatio === null
      ? ""
      : ` The first layer gets ${sci(sm.firstToLastRatio)} × the output layer's gradient norm.`;
  return h(
    "div",
    {
      class: `health-summary ${sm.vanishing || sm.exploding ? "bad" : "good"}`,
      "data-testid": "health-summary",
    },
    [
      h("p", {}, [h("strong", {}, [verdict]), `.${ratio}`]),
      h(
        "ul",
        { class: "small" },
        sm.messages.filter((m) => m !== "no problems found").map((m) => h("li", {}, [m])),
      ),
    ],
  );
}

function mount(el: HTMLElement, ctx: PanelContext): void {
  const body = h("div", { class: "health-body", "aria-live": "off" }, [
    h("p", { class: "panel-empty" }, ["Waiting for the network…"]),
  ]);
  const refreshBtn = h("button", { type: "button", class: "text-btn", "data-testid": "health-refresh" }, [
    "Refresh",
  ]);
  el.append(
    h("p", { class: "muted small" }, [
      "Each layer's gradient is a product of one local derivative per layer above it (σ′ ≤ ¼), so in deep sigmoid networks the first layers get orders of magnitude less.",
    ]),
    body,
    h("div", { class: "panel-controls" }, [refreshBtn]),
  );
  let lastStep = -1;
  const refresh = serial(async () => {
    try {
      const r = (await ctx.client.inspect({ kind: "health" })) as HealthResult;
      lastStep = r.step;
      expose("lastHealth", r);
      body.replaceChildren(summary(r), chart(r), layerTable(r));
    } catch (err) {
      body.replaceChildren(h("p", { class: "error", role: "alert" }, [(err as Error).message]));
    }
  });
  refreshBtn.addEventListener("click", () => refresh());
  let lastRefresh = 0;
  ctx.client.on("snapshot", (msg) => {
    if (msg.snapshot.step === lastStep) return;
    const now = performance.now();
    // While training, twice a second is plenty (the history itself is sampled in the worker).
    if (isRunning(ctx) && now - lastRefresh < 500) return;
    lastRefresh = now;
    refresh();
  });
  ctx.client.on("data", () => {
    lastStep = -1;
  });
}

registerPanel({
  id: "health",
  title: "Gradient health",
  explanation:
    "How big each layer's gradient is over training (log scale), and how many units are dead (ReLU stuck at 0) or saturated (sigmoid/tanh flat, f′ ≈ 0): vanishing gradients show up here first.",
  mount,
});
