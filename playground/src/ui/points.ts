// Draws data points on a canvas: colour by class (or target value) and a marker shape per class.

import type { Point, ProblemKind } from "../protocol.js";
import { binaryClassColor, classColor, scaleColor } from "./colors.js";

export interface PointStyle {
  problem: ProblemKind;
  classes: number;
  /** |label| that saturates the colour scale for regression. */
  labelRange: number;
  /** Test points get a dark outline, train points a white one. */
  test: boolean;
}

/** Largest |label|, at least a tiny positive number (regression's colour range). */
export function labelRange(points: Point[]): number {
  let m = 1e-9;
  for (const p of points) m = Math.max(m, Math.abs(p.label));
  return m;
}

/** Draws `points` (coordinates in [-6, 6]²) onto a `size`×`size` CSS-pixel area of `ctx`. */
export function drawPoints(
  ctx: CanvasRenderingContext2D,
  points: Point[],
  size: number,
  style: PointStyle,
): void {
  // Dense sets (regression's 1200 points) get smaller markers so the heat map stays readable.
  const dense = points.length > 600;
  const r = Math.max(2.5, size / 110) * (dense ? 0.75 : 1);
  ctx.lineWidth = (style.test ? 1.4 : 1) * (dense ? 0.7 : 1);
  ctx.strokeStyle = style.test ? "#111" : "#fff";
  for (const p of points) {
    const x = ((p.x1 + 6) / 12) * size;
    const y = ((6 - p.x2) / 12) * size;
    let shape = 0;
    if (style.problem === "regression") {
      ctx.fillStyle = scaleColor(0.5 + (0.5 * p.label) / style.labelRange);
    } else if (style.problem === "binary") {
      ctx.fillStyle = binaryClassColor(p.label);
      shape = p.label;
    } else {
      ctx.fillStyle = classColor(p.label);
      shape = p.label;
    }
    marker(ctx, shape, x, y, r);
  }
}

/** Marker shapes by class: circle, square, triangle, diamond, then again. */
function marker(ctx: CanvasRenderingContext2D, shape: number, x: number, y: number, r: number): void {
  ctx.beginPath();
  switch (shape % 4) {
    case 0:
      ctx.arc(x, y, r, 0, Math.PI * 2);
      break;
    case 1:
      ctx.rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
      break;
    case 2:
      ctx.moveTo(x, y - r * 1.2);
      ctx.lineTo(x + r * 1.1, y + r * 0.8);
      ctx.lineTo(x - r * 1.1, y + r * 0.8);
      ctx.closePath();
      break;
    default:
      ctx.moveTo(x, y - r * 1.25);
      ctx.lineTo(x + r * 1.25, y);
      ctx.lineTo(x, y + r * 1.25);
      ctx.lineTo(x - r * 1.25, y);
      ctx.closePath();
  }
  ctx.fill();
  ctx.stroke();
}
