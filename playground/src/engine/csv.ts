// Loading the user's own points: CSV parsing with row/column errors, problem detection and rescaling.

import type { Point, ProblemKind } from "../protocol.js";
import { DOMAIN } from "./datasets.js";

/** Fewest and most data rows a CSV may have. */
export const CSV_MIN_ROWS = 10;
export const CSV_MAX_ROWS = 10_000;
/** Most classes a label column may have to count as classification. */
export const CSV_MAX_CLASSES = 8;

/** A CSV the playground cannot use; the message names the row (line of the file) and column. */
export class CsvError extends Error {
  override name = "CsvError";
}

/** What {@link parseCsvPoints} returns. */
export interface CsvResult {
  /** The points, coordinates rescaled into [-6, 6]² (and regression targets into [-1, 1]). */
  points: Point[];
  problem: ProblemKind;
  /** 2 for binary, K for multi-class, 0 for regression. */
  classes: number;
  /** The data's original ranges, which were mapped onto [-6, 6] (labels onto [-1, 1] for regression). */
  ranges: { x1: [number, number]; x2: [number, number]; label: [number, number] | null };
}

const COLUMNS = ["x1", "x2", "label"] as const;

function splitRow(line: string, delimiter: string): string[] {
  return line.split(delimiter).map((cell) =>
    cell
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .trim(),
  );
}

/**
 * Decides the problem from the labels: integers in 0..K-1 with 2 ≤ K ≤ 8 (K = largest label + 1) are
 * classes (binary when K = 2); anything else is a regression target.
 *
 * @example
 * ```ts
 * inferProblem([{ x1: 0, x2: 0, label: 2 }, { x1: 1, x2: 1, label: 0 }]); // { problem: "multiclass", classes: 3 }
 * ```
 */
export function inferProblem(points: readonly Point[]): { problem: ProblemKind; classes: number } {
  let max = -1;
  let integral = true;
  for (const p of points) {
    if (!Number.isInteger(p.label) || p.label < 0 || p.label >= CSV_MAX_CLASSES) {
      integral = false;
      break;
    }
    max = Math.max(max, p.label);
  }
  if (integral && max >= 1) return { problem: max === 1 ? "binary" : "multiclass", classes: max + 1 };
  return { problem: "regression", classes: 0 };
}

/**
 * Checks points sent to the worker (already parsed): 10 to 10,000 of them, finite coordinates and labels.
 * Throws a {@link CsvError} naming the first bad point.
 *
 * @example
 * ```ts
 * validatePoints(points); // throws CsvError("csv: point 3: expected finite x1, x2 and label, got ...")
 * ```
 */
export function validatePoints(points: readonly Point[]): void {
  if (!Array.isArray(points) || points.length < CSV_MIN_ROWS || points.length > CSV_MAX_ROWS)
    throw new CsvError(
      `csv: expected ${CSV_MIN_ROWS} to ${CSV_MAX_ROWS} points, got ${Array.isArray(points) ? points.length : typeof points}`,
    );
  points.forEach((p, i) => {
    if (
      p === null ||
      typeof p !== "object" ||
      !Number.isFinite(p.x1) ||
      !Number.isFinite(p.x2) ||
      !Number.isFinite(p.label)
    )
      throw new CsvError(`csv: point ${i}: expected finite x1, x2 and label, got ${JSON.stringify(p)}`);
  });
}

function range(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Maps [lo, hi] linearly onto [-half, half]; a constant column maps to 0. */
function rescale(v: number, [lo, hi]: [number, number], half: number): number {
  return hi > lo ? ((v - lo) / (hi - lo)) * 2 * half - half : 0;
}

/**
 * Parses the user's CSV of points: a header `x1,x2,label` (any order, any case) or no header and three
 * numeric columns in that order; commas, semicolons or tabs separate cells; blank lines are skipped.
 * Every cell must be a finite number, with 10 to 10,000 data rows. The label column decides the problem
 * (see {@link inferProblem}). Each coordinate is rescaled by the data's min/max onto [-6, 6] so the points
 * fill the heat map, and regression targets onto [-1, 1] like the built-in sets'. Errors are
 * {@link CsvError}s naming the row (the file's line number) and the column.
 *
 * @example
 * ```ts
 * const { points, problem, classes } = parseCsvPoints("x1,x2,label\n0,0,1\n1,2,0\n...");
 * ```
 */
export function parseCsvPoints(text: string): CsvResult {
  if (typeof text !== "string") throw new CsvError(`csv: expected text, got ${typeof text}`);
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const rows: { line: number; cells: string[] }[] = [];
  let delimiter: string | null = null;
  lines.forEach((raw, i) => {
    if (raw.trim() === "") return;
    delimiter ??= raw.includes(",") ? "," : raw.includes(";") ? ";" : "\t";
    rows.push({ line: i + 1, cells: splitRow(raw, delimiter) });
  });
  if (rows.length === 0)
    throw new CsvError("csv: expected a header x1,x2,label and data rows, got an empty file");
  let order: number[] = [0, 1, 2];
  const first = rows[0];
  if (first.cells.some((cell) => cell === "" || !Number.isFinite(Number(cell)))) {
    const names = first.cells.map((c) => c.toLowerCase());
    order = COLUMNS.map((name) => names.indexOf(name));
    if (first.cells.length !== 3 || order.includes(-1))
      throw new CsvError(
        `csv: row ${first.line}: expected the header x1,x2,label or three numeric columns, got "${first.cells.join(",")}"`,
      );
    rows.shift();
  }
  if (rows.length < CSV_MIN_ROWS || rows.length > CSV_MAX_ROWS)
    throw new CsvError(`csv: expected ${CSV_MIN_ROWS} to ${CSV_MAX_ROWS} data rows, got ${rows.length}`);
  const raw: Point[] = rows.map(({ line, cells }) => {
    if (cells.length !== 3)
      throw new CsvError(`csv: row ${line}: expected 3 columns (x1, x2, label), got ${cells.length}`);
    const values = COLUMNS.map((name, k) => {
      const cell = cells[order[k]];
      const v = cell === "" ? Number.NaN : Number(cell);
      if (Number.isNaN(v))
        throw new CsvError(`csv: row ${line}, column ${name}: expected a number, got "${cell}"`);
      if (!Number.isFinite(v))
        throw new CsvError(`csv: row ${line}, column ${name}: expected a finite number, got "${cell}"`);
      return v;
    });
    return { x1: values[0], x2: values[1], label: values[2] };
  });
  const { problem, classes } = inferProblem(raw);
  const x1Range = range(raw.map((p) => p.x1));
  const x2Range = range(raw.map((p) => p.x2));
  const labelRange = problem === "regression" ? range(raw.map((p) => p.label)) : null;
  const points = raw.map((p) => ({
    x1: rescale(p.x1, x1Range, DOMAIN),
    x2: rescale(p.x2, x2Range, DOMAIN),
    label: labelRange ? rescale(p.label, labelRange, 1) : p.label,
  }));
  return { points, problem, classes, ranges: { x1: x1Range, x2: x2Range, label: labelRange } };
}
