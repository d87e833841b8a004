// The output heat map: the network's prediction over [-6, 6]² with the train (and optionally test) points.

import type { GridImage } from "../protocol.js";
import type { DataMessage } from "./client.js";
import { h, setPressed } from "./dom.js";
import { GridPainter, type HeatMode } from "./heatmap.js";
import { drawPoints, labelRange } from "./points.js";

/** Heat-map mode for the output grid of a problem. */
export function outputMode(data: DataMessage | null, grid: GridImage): HeatMode {
  if (!data || data.problem === "binary") return { kind: "unit" };
  if (data.problem === "multiclass") return { kind: "classes", classes: data.classes };
  let range = labelRange(data.train);
  for (const v of grid.values) if (Math.abs(v) > range && Number.isFinite(v)) range = Math.abs(v);
  return { kind: "signed", range };
}

export class OutputView {
  readonly el: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly painter = new GridPainter();
  private readonly testToggle: HTMLButtonElement;
  private readonly cssSize: number;
  private readonly discreteToggle: HTMLButtonElement;
  private showTest = false;
  private discrete = false;
  private data: DataMessage | null = null;
  private grid: GridImage | null = null;

  constructor(cssSize = 300) {
    this.cssSize = cssSize;
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    this.canvas = h("canvas", {
      "data-testid": "output-heatmap",
      width: Math.round(cssSize * dpr),
      height: Math.round(cssSize * dpr),
      role: "img",
      "aria-label": "Output heat map: the network's prediction over the input plane, with the data points",
      class: "output-canvas",
    });
    this.canvas.style.width = `${cssSize}px`;
    this.canvas.style.height = `${cssSize}px`;
    this.ctx = this.canvas.getContext("2d")!;
    this.ctx.scale(dpr, dpr);
    this.testToggle = h("button", { type: "button", class: "chip", "data-testid": "show-test" }, [
      "Show test data",
    ]);
    setPressed(this.testToggle, false);
    this.testToggle.addEventListener("click", () => {
      this.showTest = !this.showTest;
      setPressed(this.testToggle, this.showTest);
      this.render();
    });
    this.discreteToggle = h("button", { type: "button", class: "chip", "data-testid": "discretize" }, [
      "Discretize output",
    ]);
    setPressed(this.discreteToggle, false);
    this.discreteToggle.addEventListener("click", () => {
      this.discrete = !this.discrete;
      setPressed(this.discreteToggle, this.discrete);
      this.render();
    });
    const axis = (a: string, b: string, cls: string): HTMLElement =>
      h("div", { class: `axis ${cls}`, "aria-hidden": "true" }, [h("span", {}, [a]), h("span", {}, [b])]);
    this.el = h("div", { class: "output-view" }, [
      h("div", { class: "output-frame" }, [
        this.canvas,
        axis("6", "−6", "axis-y"),
        axis("−6", "6", "axis-x"),
      ]),
      h("div", { class: "output-controls" }, [this.testToggle, this.discreteToggle]),
    ]);
  }

  setData(data: DataMessage): void {
    this.data = data;
    this.render();
  }

  setGrid(grid: GridImage): void {
    this.grid = grid;
  }

  /** Redraws from the latest grid and data (call at most once per animation frame). */
  render(): void {
    const ctx = this.ctx;
    const size = this.cssSize;
    ctx.clearRect(0, 0, size, size);
    if (this.grid) {
      this.painter.paint(this.grid, outputMode(this.data, this.grid), 0.4, this.discrete);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this.painter.canvas, 0, 0, size, size);
    } else {
      ctx.fillStyle = "#f1f2f5";
      ctx.fillRect(0, 0, size, size);
    }
    const d = this.data;
    if (!d) return;
    const range = labelRange(d.train);
    drawPoints(ctx, d.train, size, {
      problem: d.problem,
      classes: d.classes,
      labelRange: range,
      test: false,
    });
    if (this.showTest)
      drawPoints(ctx, d.test, size, {
        problem: d.problem,
        classes: d.classes,
        labelRange: range,
        test: true,
      });
  }
}
