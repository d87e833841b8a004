// The data column: the data-set picker with thumbnails, train ratio, noise, batch size and "regenerate".

import { generateDataset } from "../engine/datasets.js";
import type { DatasetName, ExperimentConfig } from "../protocol.js";
import { h, setPressed } from "./dom.js";
import { DATASETS } from "./options.js";
import { drawPoints, labelRange } from "./points.js";

export interface DataPanelActions {
  set(patch: Partial<ExperimentConfig>): void;
}

interface Slider {
  el: HTMLElement;
  input: HTMLInputElement;
  value: HTMLElement;
  show: (v: number) => string;
}

export class DataPanel {
  readonly el: HTMLElement;
  private readonly buttons = new Map<DatasetName, HTMLButtonElement>();
  private readonly thumbs: { name: Exclude<DatasetName, "csv">; canvas: HTMLCanvasElement }[] = [];
  private readonly ratio: Slider;
  private readonly noise: Slider;
  private readonly batch: Slider;
  private readonly regen: HTMLButtonElement;

  constructor(actions: DataPanelActions, csvLoader: HTMLElement) {
    const grid = h("div", { class: "dataset-grid", role: "group", "aria-label": "Data set" });
    let group = "";
    for (const d of DATASETS) {
      if (d.group !== group) {
        group = d.group;
        grid.append(h("div", { class: "dataset-group" }, [group]));
      }
      const canvas = h("canvas", { width: 96, height: 96, "aria-hidden": "true" });
      const btn = h(
        "button",
        {
          type: "button",
          class: "dataset",
          "data-testid": `dataset-${d.name}`,
          "aria-label": `${d.label} data set`,
          title: d.label,
        },
        [canvas, h("span", {}, [d.label])],
      );
      btn.addEventListener("click", () => actions.set({ dataset: d.name }));
      this.buttons.set(d.name, btn);
      this.thumbs.push({ name: d.name, canvas });
      grid.append(btn);
    }
    this.ratio = slider("train-ratio", "Ratio of training to test data", 10, 90, (v) => `${v}%`);
    this.noise = slider("noise", "Noise", 0, 50, (v) => `${v}`);
    this.batch = slider("batch-size", "Batch size", 1, 30, (v) => `${v}`);
    this.ratio.input.addEventListener("change", () =>
      actions.set({ trainRatio: Number(this.ratio.input.value) }),
    );
    this.noise.input.addEventListener("change", () => actions.set({ noise: Number(this.noise.input.value) }));
    this.batch.input.addEventListener("change", () =>
      actions.set({ batchSize: Number(this.batch.input.value) }),
    );
    const regen = h("button", { type: "button", class: "text-btn", "data-testid": "regenerate" }, [
      "Regenerate data",
    ]);
    // A new seed draws new points (and new initial weights); it is part of the URL, so runs stay reproducible.
    regen.addEventListener("click", () =>
      actions.set({ seed: (Number(regen.dataset.seed ?? 1) + 1) % 4294967296 }),
    );
    this.regen = regen;
    this.el = h("div", { class: "data-panel" }, [
      grid,
      this.ratio.el,
      this.noise.el,
      this.batch.el,
      regen,
      csvLoader,
    ]);
    // Thumbnails are drawn after first paint: the page shows up first.
    setTimeout(() => this.drawThumbs(), 0);
  }

  setConfig(c: ExperimentConfig): void {
    for (const [name, btn] of this.buttons) setPressed(btn, name === c.dataset);
    setSlider(this.ratio, c.trainRatio);
    setSlider(this.noise, c.noise);
    setSlider(this.batch, c.batchSize);
    this.regen.dataset.seed = String(c.seed);
  }

  private drawThumbs(): void {
    for (const { name, canvas } of this.thumbs) {
      const data = generateDataset(name, 0, 1);
      const ctx = canvas.getContext("2d")!;
      ctx.fillStyle = "#f4f5f8";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      // Every other point keeps thumbnails light to draw; enough to show the shape.
      const pts = data.points.filter((_, i) => i % 2 === 0);
      drawPoints(ctx, pts, canvas.width, {
        problem: data.problem,
        classes: data.classes,
        labelRange: labelRange(pts),
        test: false,
      });
    }
  }
}

/** A labelled range input (integer steps, so any value a URL holds shows exactly) with its value beside it. */
function slider(
  testid: string,
  label: string,
  min: number,
  max: number,
  show: (v: number) => string,
): Slider {
  const id = `range-${testid}`;
  const input = h("input", { type: "range", id, min, max, step: 1, "data-testid": testid });
  const value = h("output", { for: id, class: "slider-value" });
  input.addEventListener("input", () => {
    value.textContent = show(Number(input.value));
  });
  const el = h("div", { class: "field slider" }, [
    h("div", { class: "slider-head" }, [h("label", { for: id }, [label]), value]),
    input,
  ]);
  return { el, input, value, show };
}

function setSlider(s: Slider, v: number): void {
  s.input.value = String(v);
  s.value.textContent = s.show(v);
}
