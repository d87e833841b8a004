// The colour key under the output heat map: what dark and light mean for the current problem.

import type { ProblemKind } from "../protocol.js";
import { binaryClassColor, classColor, scaleColor } from "./colors.js";
import { h } from "./dom.js";

const MARKERS = ["●", "■", "▲", "◆"];

/** A key that switches between a gradient bar (binary, regression) and class swatches (multi-class). */
export function colorLegend(): { el: HTMLElement; setProblem(problem: ProblemKind, classes: number): void } {
  const el = h("div", { class: "color-legend", "data-testid": "color-legend" });
  const bar = (): HTMLElement => {
    const stops = Array.from({ length: 11 }, (_, i) => `${scaleColor(i / 10)} ${i * 10}%`).join(",");
    return h("div", {
      class: "legend-bar",
      style: `background:linear-gradient(to right,${stops})`,
      "aria-hidden": "true",
    });
  };
  const swatch = (color: string, marker: string, label: string): HTMLElement =>
    h("span", { class: "legend-class" }, [
      h("span", { class: "legend-marker", style: `color:${color}`, "aria-hidden": "true" }, [marker]),
      label,
    ]);
  return {
    el,
    setProblem(problem, classes) {
      if (problem === "multiclass") {
        const items = Array.from({ length: classes }, (_, k) =>
          swatch(classColor(k), MARKERS[k % 4]!, `class ${k}`),
        );
        el.replaceChildren(
          h("div", { class: "legend-classes" }, items),
          h("p", { class: "legend-note" }, ["Paler colour = less confident."]),
        );
      } else if (problem === "binary") {
        el.replaceChildren(
          h("div", { class: "legend-ends" }, [
            swatch(binaryClassColor(0), MARKERS[0]!, "class 0"),
            swatch(binaryClassColor(1), MARKERS[1]!, "class 1"),
          ]),
          bar(),
          h("div", { class: "legend-ends small" }, [
            h("span", {}, ["p(class 1) = 0"]),
            h("span", {}, ["0.5"]),
            h("span", {}, ["1"]),
          ]),
        );
      } else {
        el.replaceChildren(
          bar(),
          h("div", { class: "legend-ends small" }, [
            h("span", {}, ["low target"]),
            h("span", {}, ["0"]),
            h("span", {}, ["high target"]),
          ]),
        );
      }
    },
  };
}
