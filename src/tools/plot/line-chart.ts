// Line charts as self-contained SVG strings (no DOM, no fonts, no scripts): training curves, gradient norms.

import { type ScaleLinear, type ScaleLogarithmic, scaleLinear, scaleLog } from "d3-scale";
import { line } from "d3-shape";
import { ValueError } from "../../errors.js";
import { escapeXml } from "../xml.js";

/** One line of a chart: points `(x[i], y[i])`, drawn in legend order. */
export interface ChartSeries {
  /** The legend label. */
  name: string;
  /** X coordinates (same length as `y`). */
  x: readonly number[];
  /** Y values; non-finite values (and values ≤ 0 on a log axis) break the line instead of distorting it. */
  y: readonly number[];
  /** A CSS colour; defaults to a colour-blind-safe palette that also reads in greyscale. */
  color?: string;
  /** Draw dashed (for example validation curves next to training curves). */
  dashed?: boolean;
}

/** What {@link lineChart} draws. */
export interface LineChartSpec {
  /** A title above the plot. */
  title?: string;
  /** The x-axis label. */
  xLabel?: string;
  /** The y-axis label. */
  yLabel?: string;
  /** The lines to draw. */
  series: readonly ChartSeries[];
  /** A logarithmic y axis (for gradient norms that span decades). */
  logY?: boolean;
  /** Width in pixels (default 560). */
  width?: number;
  /** Height in pixels (default 340). */
  height?: number;
  /** A fixed y range instead of the data's extent. */
  yDomain?: [number, number];
}

// Okabe–Ito colours: distinguishable with colour-blindness; dashes and markers separate them in greyscale.
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];
const MARGIN = { top: 34, right: 16, bottom: 46, left: 64 };
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

/** Formats a tick value compactly: powers of ten as "1e-3" on log axes and for very large or small values. */
function formatTick(v: number, log: boolean): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (log || a >= 1e5 || a < 1e-3) {
    const e = Math.floor(Math.log10(a) + 1e-9);
    const m = v / 10 ** e;
    return Math.abs(m - 1) < 1e-9 ? `1e${e}` : `${Number(m.toPrecision(2))}e${e}`;
  }
  return String(Number(v.toPrecision(4)));
}

function validate(spec: LineChartSpec): void {
  if (spec.series.length === 0) throw new ValueError("lineChart", "expected at least one series, got none");
  for (const s of spec.series) {
    if (s.x.length !== s.y.length)
      throw new ValueError(
        "lineChart",
        `series "${s.name}" needs as many x as y values, got ${s.x.length} x and ${s.y.length} y`,
      );
  }
  for (const [key, v] of [
    ["width", spec.width],
    ["height", spec.height],
  ] as const) {
    if (v !== undefined && (!Number.isFinite(v) || v < 120))
      throw new ValueError("lineChart", `${key} must be a number >= 120, got ${v}`);
  }
}

/** The finite extent of `values` (positive values only on a log axis), or null when there are none. */
function extent(values: Iterable<number>, log: boolean): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

function* allX(spec: LineChartSpec): Iterable<number> {
  for (const s of spec.series) yield* s.x;
}
function* allY(spec: LineChartSpec): Iterable<number> {
  for (const s of spec.series) yield* s.y;
}

type YScale = ScaleLinear<number, number> | ScaleLogarithmic<number, number>;

function yTicks(y: YScale, log: boolean): number[] {
  if (!log) return (y as ScaleLinear<number, number>).ticks(6);
  const [lo, hi] = y.domain();
  const first = Math.floor(Math.log10(lo));
  const last = Math.ceil(Math.log10(hi));
  const step = Math.max(1, Math.ceil((last - first) / 7));
  const ticks: number[] = [];
  for (let e = first; e <= last; e += step) {
    const v = 10 ** e;
    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
  }
  return ticks.length >= 2 ? ticks : (y as ScaleLogarithmic<number, number>).ticks(4);
}

/**
 * Draws line series as a self-contained SVG document (inline styles, no external resources).
 *
 * @example
 * ```ts
 * const svg = lineChart({
 *   title: "loss", xLabel: "epoch", yLabel: "loss", logY: true,
 *   series: [{ name: "train", x: [1, 2, 3], y: [0.9, 0.5, 0.3] }],
 * });
 * // writeFileSync("loss.svg", svg)
 * ```
 */
export function lineChart(spec: LineChartSpec): string {
  validate(spec);
  const width = spec.width ?? 560;
  const height = spec.height ?? 340;
  const log = spec.logY === true;
  const innerW = width - MARGIN.left - MARGIN.right;
  const innerH = height - MARGIN.top - MARGIN.bottom;

  const xExt = extent(allX(spec), false) ?? [0, 1];
  if (xExt[0] === xExt[1]) xExt[1] = xExt[0] + 1;
  const x = scaleLinear().domain(xExt).range([0, innerW]);

  let yExt = spec.yDomain ?? extent(allY(spec), log) ?? (log ? [1e-3, 1] : [0, 1]);
  if (yExt[0] === yExt[1]) yExt = log ? [yExt[0] / 10, yExt[1] * 10] : [yExt[0] - 1, yExt[1] + 1];
  const y: YScale = log
    ? scaleLog().domain(yExt).range([innerH, 0]).nice()
    : scaleLinear().domain(yExt).range([innerH, 0]).nice();

  const parts: string[] = [];
  // An accessible name for screen readers: the title, or what is plotted.
  const label = spec.title ?? `line chart of ${spec.series.map((s) => s.name).join(", ")}`;
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}">`,
  );
  parts.push(`<title>${escapeXml(label)}</title>`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (spec.title !== undefined)
    parts.push(
      `<text x="${width / 2}" y="20" text-anchor="middle" ${FONT} font-size="14" font-weight="bold" fill="#222">${escapeXml(spec.title)}</text>`,
    );
  parts.push(`<g transform="translate(${MARGIN.left},${MARGIN.top})">`);

  // Grid and axes.
  for (const t of yTicks(y, log)) {
    const py = y(t).toFixed(1);
    parts.push(`<line x1="0" x2="${innerW}" y1="${py}" y2="${py}" stroke="#e5e5e5"/>`);
    parts.push(
      `<text x="-6" y="${py}" dy="0.32em" text-anchor="end" ${FONT} font-size="11" fill="#444">${escapeXml(formatTick(t, log))}</text>`,
    );
  }
  for (const t of x.ticks(Math.max(2, Math.floor(innerW / 80)))) {
    const px = x(t).toFixed(1);
    parts.push(`<line x1="${px}" x2="${px}" y1="${innerH}" y2="${innerH + 4}" stroke="#444"/>`);
    parts.push(
      `<text x="${px}" y="${innerH + 16}" text-anchor="middle" ${FONT} font-size="11" fill="#444">${escapeXml(formatTick(t, false))}</text>`,
    );
  }
  parts.push(`<rect width="${innerW}" height="${innerH}" fill="none" stroke="#888"/>`);
  if (spec.xLabel !== undefined)
    parts.push(
      `<text x="${innerW / 2}" y="${innerH + 36}" text-anchor="middle" ${FONT} font-size="12" fill="#222">${escapeXml(spec.xLabel)}</text>`,
    );
  if (spec.yLabel !== undefined)
    parts.push(
      `<text transform="translate(-50,${innerH / 2}) rotate(-90)" text-anchor="middle" ${FONT} font-size="12" fill="#222">${escapeXml(spec.yLabel)}</text>`,
    );

  // Lines: points outside the drawable domain (non-finite, or ≤ 0 on a log axis) leave gaps.
  const [yLo, yHi] = y.domain();
  const path = line<[number, number]>()
    .defined(([px, py]) => Number.isFinite(px) && Number.isFinite(py) && (!log || py > 0))
    .x(([px]) => x(px))
    .y(([, py]) => y(Math.min(Math.max(py, yLo), yHi)));
  spec.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const points = s.x.map((px, j): [number, number] => [px, s.y[j]]);
    const d = path(points) ?? "";
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : "";
    parts.push(
      `<path d="${d}" fill="none" stroke="${escapeXml(color)}" stroke-width="2"${dash}><title>${escapeXml(s.name)}</title></path>`,
    );
  });

  // Legend inside the plot, in the corner that hides the fewest data points.
  const legendW = Math.min(innerW - 8, 24 + 7 * Math.max(...spec.series.map((s) => s.name.length)));
  const legendH = spec.series.length * 16 + 6;
  const screen: [number, number][] = [];
  for (const s of spec.series)
    s.x.forEach((px, j) => {
      const py = s.y[j];
      if (Number.isFinite(px) && Number.isFinite(py) && (!log || py > 0))
        screen.push([x(px), y(Math.min(Math.max(py, yLo), yHi))]);
    });
  const corners: [number, number][] = [
    [innerW - legendW - 6, 6],
    [6, 6],
    [innerW - legendW - 6, innerH - legendH - 6],
    [6, innerH - legendH - 6],
  ];
  const hidden = ([cx, cy]: [number, number]) =>
    screen.filter(
      ([px, py]) => px >= cx - 4 && px <= cx + legendW + 4 && py >= cy - 4 && py <= cy + legendH + 4,
    ).length;
  let [lx, top] = corners[0];
  let fewest = hidden(corners[0]);
  for (const c of corners.slice(1)) {
    const n = hidden(c);
    if (n < fewest) [[lx, top], fewest] = [c, n];
  }
  parts.push(
    `<rect x="${lx}" y="${top}" width="${legendW}" height="${legendH}" fill="#ffffff" fill-opacity="0.85" stroke="#ccc"/>`,
  );
  spec.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const ly = top + 12 + i * 16;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : "";
    parts.push(
      `<line x1="${lx + 4}" x2="${lx + 20}" y1="${ly - 4}" y2="${ly - 4}" stroke="${escapeXml(color)}" stroke-width="2"${dash}/>`,
    );
    parts.push(
      `<text x="${lx + 24}" y="${ly}" ${FONT} font-size="11" fill="#222">${escapeXml(s.name)}</text>`,
    );
  });

  parts.push("</g></svg>");
  return parts.join("\n");
}

/** Width and height of an SVG produced by {@link lineChart}. */
function svgSize(svg: string): { width: number; height: number; body: string } {
  const m = /^<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"[^>]*>/.exec(svg);
  if (m === null)
    throw new ValueError("chartGrid", "expected charts made by lineChart (an <svg> with width and height)");
  return {
    width: Number(m[1]),
    height: Number(m[2]),
    body: svg.slice(m[0].length, svg.lastIndexOf("</svg>")),
  };
}

/**
 * Places charts from {@link lineChart} side by side in one SVG document, `columns` per row.
 *
 * @example
 * ```ts
 * const svg = chartGrid([lossChart, accuracyChart], { columns: 2, title: "training" });
 * ```
 */
export function chartGrid(
  charts: readonly string[],
  options: { columns?: number; title?: string } = {},
): string {
  if (charts.length === 0) throw new ValueError("chartGrid", "expected at least one chart, got none");
  const columns = options.columns ?? charts.length;
  if (!Number.isInteger(columns) || columns < 1)
    throw new ValueError("chartGrid", `columns must be a positive integer, got ${columns}`);
  const sizes = charts.map(svgSize);
  const cellW = Math.max(...sizes.map((s) => s.width));
  const cellH = Math.max(...sizes.map((s) => s.height));
  const top = options.title === undefined ? 0 : 30;
  const rows = Math.ceil(charts.length / columns);
  const width = cellW * Math.min(columns, charts.length);
  const height = top + cellH * rows;
  const titles = charts.map((c) => /<title>([^<]*)<\/title>/.exec(c)?.[1]).filter((t) => t !== undefined);
  const label = options.title === undefined ? titles.join("; ") : escapeXml(options.title);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}">`,
    `<title>${label}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  if (options.title !== undefined)
    parts.push(
      `<text x="${width / 2}" y="21" text-anchor="middle" ${FONT} font-size="16" font-weight="bold" fill="#222">${escapeXml(options.title)}</text>`,
    );
  sizes.forEach((s, i) => {
    const cx = (i % columns) * cellW;
    const cy = top + Math.floor(i / columns) * cellH;
    parts.push(`<g transform="translate(${cx},${cy})">${s.body}</g>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}
