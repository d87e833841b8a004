// Paints GridImage values into canvases: one reusable ImageData per canvas, coloured through the scale's LUT.

import type { GridImage } from "../protocol.js";
import { CLASS_COLORS, SCALE_LUT } from "./colors.js";

/** How grid values become colours. */
export type HeatMode =
  | { kind: "signed"; range: number | "auto" } // v in [-range, range] -> scale (auto: max |v|, at least 1)
  | { kind: "unit" } // v in [0, 1] -> scale (binary p(class 1))
  | { kind: "classes"; classes: number }; // floor(v) = class, frac(v)/0.999 = confidence

/** Paints grids of one size onto a canvas whose pixel size equals the grid size (CSS scales it up). */
export class GridPainter {
  readonly canvas: HTMLCanvasElement;
  private image: ImageData | null = null;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(canvas?: HTMLCanvasElement) {
    this.canvas = canvas ?? document.createElement("canvas");
    this.ctx = this.canvas.getContext("2d")!;
  }

  /** Paints `grid`; `fade` mixes toward white (0 = full colour) so points drawn on top stand out;
   *  `discrete` shows only the decision (which side of 0.5 / 0, which class), not the confidence. */
  paint(grid: GridImage, mode: HeatMode, fade = 0, discrete = false): void {
    const n = grid.size;
    if (!this.image || this.image.width !== n) {
      this.canvas.width = n;
      this.canvas.height = n;
      this.image = this.ctx.createImageData(n, n);
    }
    fillPixels(this.image.data, grid.values, mode, fade, discrete);
    this.ctx.putImageData(this.image, 0, 0);
  }
}

function fillPixels(
  px: Uint8ClampedArray,
  values: Float32Array,
  mode: HeatMode,
  fade: number,
  discrete: boolean,
): void {
  const keep = 1 - fade;
  const white = 255 * fade;
  const count = values.length;
  if (mode.kind === "classes") {
    const k = Math.max(2, mode.classes);
    const floor = 1 / k;
    for (let i = 0; i < count; i++) {
      const v = values[i]!;
      const cls = Math.min(k - 1, Math.max(0, Math.floor(v)));
      const conf = (v - Math.floor(v)) / 0.999;
      // Confidence from 1/k (a coin toss) to 1 sets how much of the class colour shows.
      const a = discrete ? 0.85 : Math.max(0, Math.min(1, (conf - floor) / (1 - floor))) * 0.85 + 0.15;
      const c = CLASS_COLORS[cls % CLASS_COLORS.length]!;
      const o = i * 4;
      for (let ch = 0; ch < 3; ch++) px[o + ch] = (c[ch]! * a + 245 * (1 - a)) * keep + white;
      px[o + 3] = 255;
    }
    return;
  }
  let scale = 1;
  let offset = 0;
  if (mode.kind === "signed") {
    let range = mode.range === "auto" ? 0 : mode.range;
    if (mode.range === "auto") {
      for (let i = 0; i < count; i++) {
        const a = Math.abs(values[i]!);
        if (a > range && Number.isFinite(a)) range = a;
      }
      range = Math.max(1, range);
    }
    scale = 0.5 / range;
    offset = 0.5;
  }
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    let t = v * scale + offset;
    t = Number.isNaN(t) ? 0.5 : Math.min(1, Math.max(0, t));
    if (discrete) t = t >= 0.5 ? 1 : 0;
    const l = Math.round(t * 255) * 3;
    const o = i * 4;
    px[o] = SCALE_LUT[l]! * keep + white;
    px[o + 1] = SCALE_LUT[l + 1]! * keep + white;
    px[o + 2] = SCALE_LUT[l + 2]! * keep + white;
    px[o + 3] = 255;
  }
}

/** A grid computed on the page from a function of (x1, x2) over [-6, 6]² (the input features' maps). */
export function gridOf(size: number, fn: (x1: number, x2: number) => number): GridImage {
  const values = new Float32Array(size * size);
  for (let r = 0; r < size; r++) {
    const x2 = 6 - (12 * (r + 0.5)) / size;
    for (let c = 0; c < size; c++) values[r * size + c] = fn(-6 + (12 * (c + 0.5)) / size, x2);
  }
  return { size, values };
}
