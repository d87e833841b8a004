// Node only: read a CSV file and turn it into a Dataset, with errors naming the file, line and column.

import { readFileSync, statSync } from "node:fs";
import { ValueError } from "../../errors.js";
import { type CsvOptions, type CsvTable, parseCsv } from "../csv.js";
import type { Dataset } from "../dataset.js";
import { type TableOptions, tableToDataset } from "../table.js";

/**
 * Reads and parses a CSV file (see `data.parseCsv`); a missing or unreadable file is a one-line error.
 *
 * @example
 * ```ts
 * import { readCsvTable } from "chainrule/node";
 * const table = readCsvTable("iris.csv");
 * table.columns; // ["sepal_length", ..., "species"]
 * ```
 */
export function readCsvTable(path: string, options: Omit<CsvOptions, "source"> = {}): CsvTable {
  const op = "loadCsv";
  let text: string;
  try {
    if (statSync(path).isDirectory())
      throw new ValueError(op, `expected a CSV file, got the directory ${path}`);
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof ValueError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(code ?? error);
    throw new ValueError(op, `expected a readable CSV file, got ${path}: ${why}`);
  }
  return parseCsv(text, { ...options, source: path });
}

/** Options of {@link loadCsv}: how to parse the file and how to make a data set of it. */
export type LoadCsvOptions = Omit<CsvOptions, "source"> & Omit<TableOptions, "op">;

/**
 * Loads a CSV file as a {@link Dataset}: header row, delimiter detected (or `delimiter`), quoted fields;
 * the `target` column (default: the last) becomes class labels or regression targets, the other columns
 * (or `features`) numeric features. Bad input throws a one-line error naming the file, line and column.
 *
 * @example
 * ```ts
 * import { loadCsv } from "chainrule/node";
 * const ds = loadCsv("iris.csv", { target: "species" });
 * ds.kind; // "classification"
 * ```
 */
export function loadCsv(path: string, options: LoadCsvOptions = {}): Dataset {
  const { delimiter, ...tableOptions } = options;
  const table = readCsvTable(path, delimiter === undefined ? {} : { delimiter });
  return tableToDataset(table, { ...tableOptions, op: "loadCsv" });
}
