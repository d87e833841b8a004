// Train and test loss over the steps taken since the last reset, on a canvas; linear or log scale.

import { h, setPressed } from "./dom.js";

const TRAIN_COLOR = "#1d2f80";
const TEST_COLOR = "#b8860b";

export class LossChart {
  readonly el: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly logToggle: HTMLButtonElement;
  private readonly width: number;
  private readonly height: number;
  private steps: number[] = [];
  private train: number[] = [];
  private test: number[] = [];
  private log = false;

  constructor(width = 300, height = 90) {
    this.width = width;
    this.height = height;
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    this.canvas = h("canvas", {
      width: Math.round(width * dpr),
      height: Math.round(height * dpr),
      "data-testid": "loss-chart",
      role: "img",
      "aria-label": "Loss curves: training loss (solid) and test loss (dashed) against steps",
    });
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.ctx = this.canvas.getContext("2d")!;
    this.ctx.scale(dpr, dpr);
    this.logToggle = h("button", { type: "button", class: "chip", "data-testid": "loss-log" }, ["Log scale"]);
    setPressed(this.logToggle, false);
    this.logToggle.addEventListener("click", () => {
      this.log = !this.log;
      setPressed(this.logToggle, this.log);
      this.render();
    });
    const key = (color: string, dash: boolean, label: string): HTMLElement =>
      h("span", { class: "legend-key" }, [
        h("span", { class: `swatch${dash ? " dashed" : ""}`, style: `border-color:${color}` }),
        label,
      ]);
    this.el = h("div", { class: "loss-chart" }, [
      this.canvas,
      h("div", { class: "chart-legend" }, [
        key(TRAIN_COLOR, false, "train"),
        key(TEST_COLOR, true, "test"),
        this.logToggle,
      ]),
    ]);
  }

  reset(): void {
    this.steps = [];
    this.train = [];
    this.test = [];
  }

  append(history: { step: number; trainLoss: number; testLoss: number }[]): void {
    for (const e of history) {
      // A step the chart already has (a repeated snapshot) is skipped, so curves never fold back;
      // an earlier step means a new run started.
      const last = this.steps[this.steps.length - 1];
      if (last !== undefined && e.step === last) continue;
      if (last !== undefined && e.step < last) this.reset();
      this.steps.push(e.step);
      this.train.push(e.trainLoss);
      this.test.push(e.testLoss);
    }
  }

  render(): void {
    const { ctx, width: w, height: hgt } = this;
    ctx.clearRect(0, 0, w, hgt);
    ctx.fillStyle = "#fafbfc";
    ctx.fillRect(0, 0, w, hgt);
    const n = this.steps.length;
    if (n === 0) return;
    const tf = (v: number): number => (this.log ? Math.log10(Math.max(v, 1e-12)) : v);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      for (const v of [this.train[i]!, this.test[i]!]) {
        if (!Number.isFinite(v)) continue;
        const t = tf(v);
        lo = Math.min(lo, t);
        hi = Math.max(hi, t);
      }
    }
    if (!Number.isFinite(lo)) return;
    if (!this.log) lo = Math.min(0, lo);
    if (hi - lo < 1e-9) hi = lo + 1;
    const pad = 4;
    const x0 = this.steps[0]!;
    const x1 = Math.max(this.steps[n - 1]!, x0 + 1);
    const X = (s: number): number => pad + ((s - x0) / (x1 - x0)) * (w - 2 * pad);
    const Y = (v: number): number => hgt - pad - ((tf(v) - lo) / (hi - lo)) * (hgt - 2 * pad);
    // At most ~2 samples per pixel are drawn, however long the run.
    const stride = Math.max(1, Math.floor(n / (2 * w)));
    this.line(this.steps, this.test, X, Y, stride, TEST_COLOR, true);
    this.line(this.steps, this.train, X, Y, stride, TRAIN_COLOR, false);
  }

  private line(
    xs: number[],
    ys: number[],
    X: (s: number) => number,
    Y: (v: number) => number,
    stride: number,
    color: string,
    dashed: boolean,
  ): void {
    const ctx = this.ctx;
    ctx.beginPath();
    let started = false;
    for (let i = 0; i < xs.length; i += stride) {
      const v = ys[i]!;
      if (!Number.isFinite(v)) {
        started = false;
        continue;
      }
      if (started) ctx.lineTo(X(xs[i]!), Y(v));
      else ctx.moveTo(X(xs[i]!), Y(v));
      started = true;
    }
    const last = xs.length - 1;
    if (started && last % stride !== 0 && Number.isFinite(ys[last]!)) ctx.lineTo(X(xs[last]!), Y(ys[last]!));
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.6;
    ctx.setLineDash(dashed ? [4, 3] : []);
    ctx.stroke();
    ctx.setLineDash([]);
  }
}
