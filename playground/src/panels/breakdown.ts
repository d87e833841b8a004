// The weight breakdown panel: click a weight, see ∂L/∂w built by the chain rule: autograd's value for the
// next step, a finite-difference check, each example's share, and every path from w to L (from explain).

import type { BreakdownResult } from "../inspect/types.js";
import { h } from "../ui/dom.js";
import { type PanelContext, registerPanel } from "../ui/panels.js";
import { currentStep, expose, fmt, inspect, isRunning, paramExists, selection, serial } from "./shared.js";

/** The breakdown as a block of HTML (also shown by the exercise after a check). */
export function renderBreakdown(r: BreakdownResult, options: { testIds?: boolean } = {}): HTMLElement {
  const ids = options.testIds ?? true;
  const id = (name: string) => (ids ? name : undefined);
  const sym = r.param.from < 0 ? "b" : "w";
  const B = r.examples.length;
  const lossName =
    r.scope === "batch" ? `the next batch's loss (${B} examples, mean)` : `example #${r.examples[0]}'s loss`;

  const total = h(
    "output",
    {
      class: "bd-total",
      "data-testid": id("breakdown-total"),
      "data-value": String(r.total),
      "data-step": String(r.step),
      "data-scope": r.scope,
      "data-examples": JSON.stringify(r.examples),
      "aria-label": `dL/d${sym} = ${r.total}`,
    },
    [`∂L/∂${sym} = ${fmt(r.total)}`],
  );

  const checks = h("p", { class: "bd-checks" }, [
    `autograd ${r.total.toPrecision(10)} · central difference ${r.numeric.value.toPrecision(10)} (float64, h = ${r.numeric.h.toExponential(0)})`,
    r.regularization !== 0 ? ` · of which the regulariser gives ${fmt(r.regularization)}` : "",
  ]);

  const children: (Node | string)[] = [
    h("p", { class: "bd-head" }, [
      h("strong", {}, [r.paramName]),
      ` = ${fmt(r.value)}, L = ${lossName}, at step ${r.step}: `,
      total,
    ]),
    checks,
  ];

  if (B > 1) {
    const rows = r.contributions.map((c) =>
      h("tr", {}, [h("td", {}, [`#${c.example}`]), h("td", { class: "num" }, [fmt(c.value)])]),
    );
    children.push(
      h("details", { class: "bd-contrib" }, [
        h("summary", {}, [
          `The batch's ∂L/∂${sym} is the mean of the ${B} examples' gradients: the largest shares (1/B)·∂ℓₙ/∂${sym}`,
        ]),
        h("table", { class: "data-table" }, [
          h("thead", {}, [
            h("tr", {}, [h("th", { scope: "col" }, ["example"]), h("th", { scope: "col" }, ["share"])]),
          ]),
          h("tbody", {}, rows),
        ]),
        r.contributionCount > r.contributions.length
          ? h("p", { class: "muted" }, [
              `${r.contributionCount - r.contributions.length} smaller shares not listed.`,
            ])
          : "",
      ]),
    );
  }

  const p = r.paths;
  const listed = p.list.length;
  const omitted = BigInt(p.omitted.count);
  children.push(
    h("p", { class: "bd-paths-head" }, [
      `Chain rule for example #${p.example}${B > 1 ? " (the largest share)" : ""}: ∂ℓ/∂${sym} = Σ over paths ${sym} → … → L of the product of the local derivatives. `,
      `${p.count} path${p.count === "1" ? "" : "s"}`,
      omitted > 0n
        ? `; the ${listed} largest listed, ${p.omitted.count} more sum to ${fmt(p.omitted.sum)}.`
        : ".",
    ]),
  );
  const body = p.list.map((path, i) =>
    h("tr", {}, [
      h("td", { class: "num" }, [String(i + 1)]),
      h("td", { class: "bd-path" }, [path.nodes.join(" → ")]),
      h("td", { class: "bd-factors" }, [
        h(
          "ul",
          {},
          path.factors.map((f) =>
            h("li", { class: "factor", title: `${f.note} (primitives: ${f.ops.join(", ")})` }, [
              h("span", { class: "notation" }, [f.notation]),
              " = ",
              h("span", { class: "formula-inline" }, [f.formula]),
              " = ",
              h("span", { class: "value" }, [fmt(f.value)]),
              h("span", { class: "note" }, [` (${f.note})`]),
            ]),
          ),
        ),
      ]),
      h("td", { class: "num" }, [fmt(path.product)]),
    ]),
  );
  const foot = [
    ["Sum over all paths", p.sum],
    ["Autograd (this example)", p.autograd],
    ["Finite difference (this example)", p.numeric],
  ] as const;
  children.push(
    h("div", { class: "table-scroll" }, [
      h("table", { class: "data-table bd-table", "data-testid": id("breakdown-paths") }, [
        h("caption", { class: "sr-only" }, [`Paths from ${sym} to the loss for example ${p.example}`]),
        h("thead", {}, [
          h("tr", {}, [
            h("th", { scope: "col" }, ["#"]),
            h("th", { scope: "col" }, ["path"]),
            h("th", { scope: "col" }, ["local derivatives, multiplied (w first, L last)"]),
            h("th", { scope: "col" }, ["product"]),
          ]),
        ]),
        h("tbody", {}, body),
        h(
          "tfoot",
          {},
          foot.map(([label, v]) =>
            h("tr", {}, [
              h("th", { scope: "row", colspan: "3" }, [label]),
              h("td", { class: "num" }, [v === null ? "–" : fmt(v)]),
            ]),
          ),
        ),
      ]),
    ]),
  );
  if (B > 1)
    children.push(
      h("p", { class: "muted" }, [
        `This example's ∂ℓ/∂${sym} (${fmt(p.modelAutograd)}${r.regularization !== 0 ? ", regulariser included" : ""}) enters the batch's gradient divided by ${B}.`,
      ]),
    );
  children.push(h("p", { class: "muted small" }, [`Computed in ${r.ms.toFixed(0)} ms in the worker.`]));
  return h("div", { class: "breakdown" }, children);
}

function mount(el: HTMLElement, ctx: PanelContext): void {
  const oneExample = h("input", { type: "checkbox", id: "bd-one", "data-testid": "breakdown-one-example" });
  const out = h("div", { class: "bd-out", "aria-live": "polite" }, [
    h("p", { class: "panel-empty" }, [
      "Click a weight (an edge) or a bias (a neuron) in the network, or focus an edge and press Enter.",
    ]),
  ]);
  el.append(
    h("div", { class: "panel-controls" }, [
      oneExample,
      h("label", { for: "bd-one" }, ["One example only (a batch of 1)"]),
    ]),
    out,
  );
  let last: BreakdownResult | null = null;
  let lastStep = -1;
  const refresh = serial(async () => {
    const p = selection.get();
    if (p === null) return;
    ctx.network.highlightParam(p);
    const exampleIndex = oneExample.checked && last !== null ? last.paths.example : undefined;
    try {
      const r = await inspect(ctx, { kind: "breakdown", param: p, exampleIndex });
      last = r;
      lastStep = r.step;
      expose("lastBreakdown", r);
      out.replaceChildren(renderBreakdown(r));
    } catch (err) {
      out.replaceChildren(h("p", { class: "error", role: "alert" }, [(err as Error).message]));
    }
  });
  selection.on(() => refresh());
  ctx.network.onParamClick((p) => selection.set(p));
  oneExample.addEventListener("change", () => refresh());
  // Keep the numbers those of the current state: every snapshot while paused, at most once a second
  // while training (each breakdown costs the worker a few ms).
  let lastRefresh = 0;
  ctx.client.on("snapshot", (msg) => {
    if (selection.get() === null || msg.snapshot.step === lastStep) return;
    const now = performance.now();
    if (isRunning(ctx) && now - lastRefresh < 1000) return;
    lastRefresh = now;
    refresh();
  });
  // A new experiment: keep the selected parameter if the new network still has it.
  ctx.client.on("data", (msg) => {
    lastStep = -1;
    last = null;
    const p = selection.get();
    if (p === null) return;
    if (!paramExists(ctx, p, msg.problem === "multiclass" ? msg.classes : 1)) {
      selection.clear();
      ctx.network.highlightParam(null);
      out.replaceChildren(
        h("p", { class: "panel-empty" }, ["The network changed: click a weight to inspect it."]),
      );
    } else if (currentStep(ctx) >= 0) refresh();
  });
}

registerPanel({
  id: "breakdown",
  title: "Chain-rule breakdown",
  explanation:
    "Click a weight to see how its gradient is built: by the chain rule, ∂L/∂w is the sum over every path from w to the loss of the product of the local derivatives along it. The numbers are those of the step the network takes next.",
  mount,
});
