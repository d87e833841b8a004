// CSV parsing and CSV-to-dataset conversion: edge cases, and every bad input named by file, line and column.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { data } from "chainrule";
import { loadCsv } from "chainrule/node";
import { afterAll, describe, expect, it } from "vitest";

const { parseCsv, tableToDataset, detectDelimiter, DataError } = data;

/** The message of what `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected a throw");
}

describe("parseCsv", () => {
  it("reads quoted fields, escaped quotes, mixed line endings, a BOM and blank lines, with each row's start line", () => {
    const text = '\uFEFFa,b,"c d"\r\n1,2,"x, ""y"""\n\n3,4,5\r5,"multi\nline",6\n7,8,9\n';
    const t = parseCsv(text, { source: "t.csv" });
    expect(t.columns).toEqual(["a", "b", "c d"]);
    expect(t.rows).toEqual([
      ["1", "2", 'x, "y"'],
      ["3", "4", "5"],
      ["5", "multi\nline", "6"],
      ["7", "8", "9"],
    ]);
    // Line 3 is blank; the multi-line record starts on line 5 and ends on 6.
    expect(t.lines).toEqual([2, 4, 5, 7]);
    expect(t.delimiter).toBe(",");
  });

  it("trims spaces around cells and names empty header cells column<k>", () => {
    const t = parseCsv(" ,x , y\n0, 1 ,2\n");
    expect(t.columns).toEqual(["column1", "x", "y"]);
    expect(t.rows).toEqual([["0", "1", "2"]]);
  });

  it("detects the delimiter among , ; tab and |, ignoring delimiters inside quotes", () => {
    expect(detectDelimiter("a;b;c\n1;2;3\n")).toBe(";");
    expect(detectDelimiter("a\tb\n1\t2\n")).toBe("\t");
    expect(detectDelimiter("a|b\n1|2\n")).toBe("|");
    expect(detectDelimiter('"x,y";z\n"1,2";3\n')).toBe(";");
    expect(detectDelimiter("single\n1\n")).toBe(",");
    // European decimals: the semicolon is consistent on every line, the comma is not.
    expect(detectDelimiter("a;b\n1,5;2\n3;4,25\n")).toBe(";");
    const t = parseCsv("a;b\n1,5;2\n", {});
    expect(t.rows).toEqual([["1,5", "2"]]);
  });

  it("takes an explicit delimiter", () => {
    expect(parseCsv("a:b\n1:2\n", { delimiter: ":" }).rows).toEqual([["1", "2"]]);
  });

  it.each([
    ["", "parseCsv: e.csv: expected a header row and data rows, got an empty file"],
    ["\n\n  \n", "parseCsv: e.csv: expected a header row and data rows, got an empty file"],
    ["a,b\n", "parseCsv: e.csv: expected data rows after the header, got none"],
    ["a,b\n1,2\n3\n", "parseCsv: e.csv line 3: expected 2 fields (as in the header), got 1"],
    ["a,b\n1,2,3\n", "parseCsv: e.csv line 2: expected 2 fields (as in the header), got 3"],
    [
      "a,b,a\n1,2,3\n",
      'parseCsv: e.csv line 1, column "a": expected unique column names, got this name for columns 1 and 3',
    ],
    ['a,b\n1,"2\n3,4\n', "parseCsv: e.csv line 2: expected valid CSV, got a quote that is never closed"],
    [
      'a,b\n1,"2"x\n',
      "parseCsv: e.csv line 2: expected valid CSV, got a closing quote followed by more characters in the same field",
    ],
  ])("rejects %j with a one-line error", (text, message) => {
    expect(thrown(() => parseCsv(text, { source: "e.csv" }))).toBe(message);
  });

  it("throws DataError with the location as fields", () => {
    try {
      parseCsv("a,b\n1\n", { source: "x.csv" });
    } catch (e) {
      expect(e).toBeInstanceOf(DataError);
      const d = e as InstanceType<typeof DataError>;
      expect([d.source, d.line, d.field]).toEqual(["x.csv", 2, undefined]);
      return;
    }
    throw new Error("expected a throw");
  });
});

describe("tableToDataset", () => {
  const csv = "x,y,species\n1,2,dog\n3,4,cat\n5,6,dog\n";

  it("makes a classification set with sorted classes and index labels", () => {
    const ds = tableToDataset(parseCsv(csv), { target: "species" });
    expect(ds.kind).toBe("classification");
    if (ds.kind !== "classification") return;
    expect(ds.classes).toEqual(["cat", "dog"]);
    expect(Array.from(ds.y)).toEqual([1, 0, 1]);
    expect(ds.features).toEqual(["x", "y"]);
    expect(ds.x.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(data.oneHot(ds.y, 2).toArray()).toEqual([
      [0, 1],
      [1, 0],
      [0, 1],
    ]);
  });

  it("defaults the target to the last column and keeps a given class order", () => {
    const ds = tableToDataset(parseCsv(csv), { classes: ["dog", "cat"] });
    expect(ds.kind === "classification" && Array.from(ds.y)).toEqual([0, 1, 0]);
  });

  it("orders numeric labels numerically and treats 1.0 and 1 as one class", () => {
    const ds = tableToDataset(parseCsv("f,label\n0,10\n1,2\n2,1.0\n3,1\n"));
    expect(ds.kind).toBe("classification");
    if (ds.kind !== "classification") return;
    expect(ds.classes).toEqual(["1", "2", "10"]);
    expect(Array.from(ds.y)).toEqual([2, 1, 0, 0]);
  });

  it("auto-detects regression for fractional targets and for many distinct integers", () => {
    const frac = tableToDataset(parseCsv("f,t\n1,0.5\n2,1.5\n"));
    expect(frac.kind).toBe("regression");
    const many = Array.from({ length: 30 }, (_, i) => `${i},${i * 7}`).join("\n");
    expect(tableToDataset(parseCsv(`f,t\n${many}\n`)).kind).toBe("regression");
    const few = Array.from({ length: 30 }, (_, i) => `${i},${i % 3}`).join("\n");
    expect(tableToDataset(parseCsv(`f,t\n${few}\n`)).kind).toBe("classification");
    expect(tableToDataset(parseCsv(`f,t\n${few}\n`), { task: "regression" }).kind).toBe("regression");
  });

  it("reads several regression targets and chosen features in the given order", () => {
    const ds = tableToDataset(parseCsv("a,b,c,t1,t2\n1,2,3,0.5,1\n4,5,6,1.5,2\n"), {
      target: ["t1", "t2"],
      features: ["c", "a"],
    });
    expect(ds.kind).toBe("regression");
    if (ds.kind !== "regression") return;
    expect(ds.targets).toEqual(["t1", "t2"]);
    expect(ds.x.toArray()).toEqual([
      [3, 1],
      [6, 4],
    ]);
    expect(ds.y.toArray()).toEqual([
      [0.5, 1],
      [1.5, 2],
    ]);
  });

  const bad = (text: string) => parseCsv(text, { source: "d.csv" });
  it.each([
    ["a,b,label\n1,2,x\n3,oops,y\n", {}, 'loadX: d.csv line 3, column "b": expected a number, got "oops"'],
    ["a,b,label\n1,,x\n", {}, 'loadX: d.csv line 2, column "b": expected a number, got an empty cell'],
    ["a,b,label\n1,NaN,x\n", {}, 'loadX: d.csv line 2, column "b": expected a number, got "NaN"'],
    ["a,b,label\n1,NA,x\n", {}, 'loadX: d.csv line 2, column "b": expected a number, got "NA"'],
    [
      "a,b,label\n1,Infinity,x\n",
      {},
      'loadX: d.csv line 2, column "b": expected a finite number, got "Infinity"',
    ],
    [
      "a,b,label\n1,2,\n",
      { task: "classification" },
      'loadX: d.csv line 2, column "label": expected a class label, got an empty cell',
    ],
    [
      "a,b,label\n1,2,x\n",
      { target: "kind" },
      'loadX: d.csv, column "kind": expected a target column with this name, got columns "a", "b", "label"',
    ],
    [
      "a,b,label\n1,2,x\n",
      { features: ["a", "z"] },
      'loadX: d.csv, column "z": expected a feature column with this name, got columns "a", "b", "label"',
    ],
    [
      "a,b,label\n1,2,x\n\n3,4,y\n",
      { classes: ["x", "z"] },
      'loadX: d.csv line 4, column "label": expected one of the classes seen in training (x, z), got "y"',
    ],
    ["label\nx\n", {}, "loadX: d.csv: expected at least one feature column besides the target, got none"],
    ["a,t\n1,0.5\n2,\n", {}, 'loadX: d.csv line 3, column "t": expected a number, got an empty cell'],
  ] as [string, data.TableOptions, string][])(
    "rejects %j (%j) naming the file, line and column",
    (text, options, message) => {
      expect(thrown(() => tableToDataset(bad(text), { ...options, op: "loadX" }))).toBe(message);
    },
  );
});

describe("loadCsv (Node)", () => {
  const dir = mkdtempSync(join(tmpdir(), "chainrule-csv-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loads a semicolon file with a quoted header and a target", () => {
    const path = join(dir, "flowers.csv");
    writeFileSync(path, '"petal length";"petal width";kind\n1.4;0.2;"setosa"\n4.7;1.4;versicolor\n');
    const ds = loadCsv(path, { target: "kind" });
    expect(ds.kind).toBe("classification");
    if (ds.kind !== "classification") return;
    expect(ds.features).toEqual(["petal length", "petal width"]);
    expect(ds.classes).toEqual(["setosa", "versicolor"]);
    expect(ds.x.shape).toEqual([2, 2]);
  });

  it("names the file in errors, and a missing file or a directory in one line", () => {
    const path = join(dir, "bad.csv");
    writeFileSync(path, "a,b\n1,2\n3,x\n");
    expect(thrown(() => loadCsv(path, { target: "b", task: "regression" }))).toBe(
      `loadCsv: ${path} line 3, column "b": expected a number, got "x"`,
    );
    expect(thrown(() => loadCsv(join(dir, "nope.csv")))).toBe(
      `loadCsv: expected a readable CSV file, got ${join(dir, "nope.csv")}: no such file`,
    );
    expect(thrown(() => loadCsv(dir))).toBe(`loadCsv: expected a CSV file, got the directory ${dir}`);
  });
});
