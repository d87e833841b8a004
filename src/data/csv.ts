// CSV text to a table of trimmed string cells with the 1-based line of every row (browser-safe).

// The browser build of csv-parse: the Node build needs Node's Buffer, which browsers lack.
import { CsvError, parse } from "csv-parse/browser/esm/sync";
import { describeValue, TypeMismatchError, ValueError } from "../errors.js";
import { DataError } from "./errors.js";

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /** The field separator; default: detected among `,` `;` tab and `|` from the first lines. */
  delimiter?: string;
  /** The name of the text's file, used in error messages. Default `"<text>"`. */
  source?: string;
}

/** A parsed CSV file: a header and rows of string cells, every row as long as the header. */
export interface CsvTable {
  /** The file name (or `"<text>"`), for error messages. */
  source: string;
  /** Column names from the header row; an empty name becomes `column<k>` (1-based). */
  columns: string[];
  /** Data rows; cells are trimmed of surrounding spaces. */
  rows: string[][];
  /** The 1-based line number on which each row starts, for error messages. */
  lines: number[];
  /** The delimiter used. */
  delimiter: string;
}

const CANDIDATES = [",", ";", "\t", "|"];

/** Plain words for csv-parse's commonest errors. */
const REASONS: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: "a quote that is never closed",
  CSV_INVALID_CLOSING_QUOTE: "a closing quote followed by more characters in the same field",
};

/**
 * Guesses the field separator from the first lines: the candidate (`,` `;` tab `|`) found the same
 * non-zero number of times outside quotes on each of up to five lines, preferring the most frequent; else
 * the one most frequent on the first line; else `,` (a one-column file).
 *
 * @example
 * ```ts
 * data.detectDelimiter("a;b;c\n1;2;3\n"); // ";"
 * ```
 */
export function detectDelimiter(text: string): string {
  const lines = text
    .replace(/^\uFEFF/, "")
    .split(/\r\n|\n|\r/)
    .filter((l) => l.trim() !== "")
    .slice(0, 5);
  if (lines.length === 0) return ",";
  const counts = CANDIDATES.map((d) => lines.map((l) => countOutsideQuotes(l, d)));
  let best = -1;
  let bestCount = 0;
  counts.forEach((perLine, i) => {
    const consistent = perLine.every((c) => c === perLine[0]);
    if (consistent && perLine[0] > bestCount) {
      best = i;
      bestCount = perLine[0];
    }
  });
  if (best >= 0) return CANDIDATES[best];
  counts.forEach((perLine, i) => {
    if (perLine[0] > bestCount) {
      best = i;
      bestCount = perLine[0];
    }
  });
  return best >= 0 ? CANDIDATES[best] : ",";
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let quoted = false;
  let n = 0;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) n++;
  }
  return n;
}

/** The line of the quote that opens a field never closed (csv-parse reports where the text ends). */
function unclosedQuoteLine(text: string): number | undefined {
  let line = 1;
  let quoted = false;
  let openedAt = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      quoted = !quoted; // an escaped "" toggles twice
      if (quoted) openedAt = line;
    } else if (ch === "\n" || (ch === "\r" && text[i + 1] !== "\n")) line++;
  }
  return quoted ? openedAt : undefined;
}

/** Line breaks inside a record's quoted fields: the record starts that many lines before it ends. */
function breaksIn(record: readonly string[]): number {
  let n = 0;
  for (const cell of record) {
    const m = cell.match(/\r\n|\n|\r/g);
    if (m !== null) n += m.length;
  }
  return n;
}

/**
 * Parses CSV text (RFC 4180: quoted fields with `""` escapes and line breaks, any of `\r\n` `\n` `\r`,
 * an optional byte-order mark) into a header and rows of trimmed cells. Blank lines are skipped.
 * Throws a {@link DataError} naming the source and line for an empty file, a file with a header only,
 * a row whose field count differs from the header's, a duplicated column name or a broken quote.
 *
 * @example
 * ```ts
 * const table = data.parseCsv('x,y,label\n1,2,"a"\n3,4,b\n');
 * table.columns; // ["x", "y", "label"]
 * table.rows;    // [["1", "2", "a"], ["3", "4", "b"]]
 * table.lines;   // [2, 3]
 * ```
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const op = "parseCsv";
  if (typeof text !== "string") {
    throw new TypeMismatchError(op, `expected the CSV text as a string, got ${describeValue(text)}`);
  }
  const source = options.source ?? "<text>";
  const delimiter = options.delimiter ?? detectDelimiter(text);
  if (typeof delimiter !== "string" || delimiter.length === 0 || /["\r\n]/.test(delimiter)) {
    throw new ValueError(
      op,
      `expected a delimiter of one or more characters other than a quote or a line break, got ${describeValue(delimiter)}`,
    );
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      bom: true,
      info: true,
      trim: true,
      relax_column_count: true,
      skip_empty_lines: false,
      record_delimiter: ["\r\n", "\n", "\r"],
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line =
        error.code === "CSV_QUOTE_NOT_CLOSED"
          ? unclosedQuoteLine(text)
          : (error as CsvError & { lines?: number }).lines;
      const reason = REASONS[error.code] ?? error.message.replace(/ at line \d+/, "").replace(/\.$/, "");
      throw new DataError(op, { source, ...(line ? { line } : {}) }, `expected valid CSV, got ${reason}`);
    }
    throw error;
  }
  const nonEmpty = records.filter((r) => !(r.record.length === 1 && r.record[0] === ""));
  if (nonEmpty.length === 0) {
    throw new DataError(op, { source }, "expected a header row and data rows, got an empty file");
  }
  const [head, ...body] = nonEmpty;
  const columns = head.record.map((name, i) => (name === "" ? `column${i + 1}` : name));
  const seen = new Map<string, number>();
  columns.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new DataError(
        op,
        { source, line: head.info.lines - breaksIn(head.record), field: name },
        `expected unique column names, got this name for columns ${first + 1} and ${i + 1}`,
      );
    }
    seen.set(name, i);
  });
  if (body.length === 0) {
    throw new DataError(op, { source }, "expected data rows after the header, got none");
  }
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const { record, info } of body) {
    const line = info.lines - breaksIn(record);
    if (record.length !== columns.length) {
      throw new DataError(
        op,
        { source, line },
        `expected ${columns.length} fields (as in the header), got ${record.length}`,
      );
    }
    rows.push(record);
    lines.push(line);
  }
  return { source, columns, rows, lines, delimiter };
}
