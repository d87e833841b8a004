// From a parsed CSV table to a Dataset: pick the target and feature columns, check and convert every cell.

import { type Tensor, tensor } from "../core.js";
import type { DType } from "../dtype.js";
import { describeValue, ValueError } from "../errors.js";
import type { CsvTable } from "./csv.js";
import type { Dataset } from "./dataset.js";
import { sortClasses } from "./dataset.js";
import { DataError } from "./errors.js";

/** `"auto"` reads the target: text or a few distinct integers make classification, other numbers regression. */
export type TaskKind = "auto" | "classification" | "regression";

/** Options of {@link tableToDataset}. */
export interface TableOptions {
  /** The target column, or several (comma-free names) for multi-output regression; default: the last column. */
  target?: string | readonly string[];
  /** Feature columns, in order; default: every column except the targets. */
  features?: readonly string[];
  /** The task; default `"auto"`. */
  task?: TaskKind;
  /**
   * Known classes (from a trained model): a label outside them is an error naming its line. Default: the
   * labels found, in {@link sortClasses} order.
   */
  classes?: readonly string[];
  /** Feature dtype; default `"float32"`. */
  dtype?: DType;
  /** The operation named in errors; default `"tableToDataset"`. */
  op?: string;
}

/** At most this many distinct integer labels make `"auto"` choose classification. */
const MAX_AUTO_CLASSES = 20;

const MISSING = new Set(["", "na", "nan", "n/a", "null", "none", "?"]);

/** The index of column `name`, or a DataError listing the columns there are. */
export function columnIndex(table: CsvTable, name: string, op: string, role: string): number {
  const i = table.columns.indexOf(name);
  if (i < 0) {
    const shown = table.columns.slice(0, 12).map((c) => JSON.stringify(c));
    if (table.columns.length > 12) shown.push(`... (${table.columns.length} in all)`);
    throw new DataError(
      op,
      { source: table.source, field: name },
      `expected a ${role} column with this name, got columns ${shown.join(", ")}`,
    );
  }
  return i;
}

/** Parses one numeric cell or throws a DataError naming the line and column. */
function numberCell(table: CsvTable, row: number, col: number, op: string): number {
  const text = table.rows[row][col];
  const where = { source: table.source, line: table.lines[row], field: table.columns[col] };
  if (MISSING.has(text.toLowerCase())) {
    throw new DataError(
      op,
      where,
      `expected a number, got ${text === "" ? "an empty cell" : describeValue(text)}`,
    );
  }
  const v = Number(text);
  if (Number.isNaN(v)) throw new DataError(op, where, `expected a number, got ${describeValue(text)}`);
  if (!Number.isFinite(v))
    throw new DataError(op, where, `expected a finite number, got ${describeValue(text)}`);
  return v;
}

/**
 * The numeric columns `features` of a table as a tensor `[N, F]`; an empty, missing (`NA`, `NaN`, ...),
 * infinite or non-numeric cell is a {@link DataError} naming the line and column.
 *
 * @example
 * ```ts
 * const t = data.parseCsv("a,b,c\n1,2,x\n3,4,y\n");
 * data.tableFeatures(t, ["a", "b"]).toArray(); // [[1, 2], [3, 4]]
 * ```
 */
export function tableFeatures(
  table: CsvTable,
  features: readonly string[],
  options: { dtype?: DType; op?: string } = {},
): Tensor {
  const op = options.op ?? "tableFeatures";
  const cols = features.map((f) => columnIndex(table, f, op, "feature"));
  const n = table.rows.length;
  const out = new Float64Array(n * cols.length);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < cols.length; j++) out[r * cols.length + j] = numberCell(table, r, cols[j], op);
  }
  return tensor(out, { shape: [n, cols.length], dtype: options.dtype ?? "float32" });
}

/**
 * Canonical label text: numbers as JavaScript prints them (so "1.0" and "1" are one class), text trimmed.
 *
 * @example
 * ```ts
 * data.labelText(" 1.0 "); // "1"
 * data.labelText("cat");   // "cat"
 * ```
 */
export function labelText(cell: string): string {
  const t = cell.trim();
  const v = Number(t);
  return t !== "" && Number.isFinite(v) ? String(v) : t;
}

/** Whether `"auto"` makes this target column a classification target. */
function looksCategorical(table: CsvTable, col: number): boolean {
  const distinct = new Set<string>();
  for (const row of table.rows) {
    const cell = row[col].trim();
    if (MISSING.has(cell.toLowerCase())) continue; // reported later with its line
    const v = Number(cell);
    if (!Number.isFinite(v)) return true; // text labels
    if (!Number.isInteger(v)) return false; // fractions: a continuous target
    distinct.add(cell);
  }
  return distinct.size <= MAX_AUTO_CLASSES;
}

/**
 * Turns a parsed table into a {@link Dataset}: the target column(s), the numeric feature columns, and for
 * classification the class of each row (stable order, see {@link sortClasses}). Errors name the file, the
 * line and the column: a missing column, a non-numeric or empty cell, a label outside `classes`.
 *
 * @example
 * ```ts
 * const table = data.parseCsv("x,y,species\n1,2,cat\n3,4,dog\n", { source: "pets.csv" });
 * const ds = data.tableToDataset(table, { target: "species" });
 * ds.kind === "classification" && ds.classes; // ["cat", "dog"]
 * ```
 */
export function tableToDataset(table: CsvTable, options: TableOptions = {}): Dataset {
  const op = options.op ?? "tableToDataset";
  const task = options.task ?? "auto";
  if (!["auto", "classification", "regression"].includes(task)) {
    throw new ValueError(
      op,
      `task must be "auto", "classification" or "regression", got ${describeValue(task)}`,
    );
  }
  const targets =
    options.target === undefined
      ? [table.columns[table.columns.length - 1]]
      : typeof options.target === "string"
        ? [options.target]
        : [...options.target];
  const targetCols = targets.map((t) => columnIndex(table, t, op, "target"));
  const features = options.features
    ? [...options.features]
    : table.columns.filter((c) => !targets.includes(c));
  if (features.length === 0) {
    throw new DataError(
      op,
      { source: table.source },
      "expected at least one feature column besides the target, got none",
    );
  }
  const x = tableFeatures(table, features, { op, ...(options.dtype ? { dtype: options.dtype } : {}) });
  const classification =
    task === "classification" ||
    (task === "auto" &&
      (options.classes !== undefined || (targets.length === 1 && looksCategorical(table, targetCols[0]))));
  if (!classification) {
    const y = tableFeatures(table, targets, { op, dtype: options.dtype ?? "float32" });
    return { kind: "regression", x, y, features, targets };
  }
  if (targets.length !== 1) {
    throw new ValueError(
      op,
      `classification takes one target column, got ${targets.length}: ${targets.join(", ")}`,
    );
  }
  const col = targetCols[0];
  const texts = table.rows.map((row, r) => {
    const t = labelText(row[col]);
    if (MISSING.has(t.toLowerCase())) {
      throw new DataError(
        op,
        { source: table.source, line: table.lines[r], field: targets[0] },
        `expected a class label, got ${t === "" ? "an empty cell" : describeValue(t)}`,
      );
    }
    return t;
  });
  const classes = options.classes ? [...options.classes] : sortClasses(texts);
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = new Int32Array(texts.length);
  texts.forEach((t, r) => {
    const k = index.get(t);
    if (k === undefined) {
      throw new DataError(
        op,
        { source: table.source, line: table.lines[r], field: targets[0] },
        `expected one of the classes seen in training (${classes.join(", ")}), got ${describeValue(t)}`,
      );
    }
    y[r] = k;
  });
  return { kind: "classification", x, y, features, target: targets[0], classes };
}
