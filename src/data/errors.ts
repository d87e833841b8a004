// DataError: bad input in a data file, located by file, 1-based line and column name.

import { ValueError } from "../errors.js";

/** Where in a data file a problem sits; every part is optional. */
export interface DataLocation {
  /** The file (or a name for in-memory text, e.g. `"<text>"`). */
  source?: string;
  /** 1-based line number in the file. */
  line?: number;
  /** The column's name. */
  field?: string;
}

/**
 * Bad input in a data file: a ragged row, a non-numeric or empty cell, a missing column, an unseen label.
 * The message names the file, the line and the column: `loadCsv: iris.csv line 7, column "petal_width":
 * expected a number, got "abc"`; the same parts are fields for programs.
 *
 * @example
 * ```ts
 * try {
 *   data.parseCsv("a,b\n1\n", { source: "x.csv" });
 * } catch (e) {
 *   if (e instanceof data.DataError) console.log(e.source, e.line); // "x.csv" 2
 * }
 * ```
 */
export class DataError extends ValueError {
  readonly source: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(op: string, where: DataLocation, message: string) {
    const prefix = formatLocation(where);
    super(op, prefix === "" ? message : `${prefix}: ${message}`);
    this.source = where.source;
    this.line = where.line;
    this.field = where.field;
  }
}

/** `file.csv line 7, column "x"`, leaving out the parts not given. */
export function formatLocation(where: DataLocation): string {
  const parts: string[] = [];
  const head = [where.source, where.line === undefined ? undefined : `line ${where.line}`]
    .filter((s) => s !== undefined)
    .join(" ");
  if (head !== "") parts.push(head);
  if (where.field !== undefined) parts.push(`column ${JSON.stringify(where.field)}`);
  return parts.join(", ");
}
