// End to end: `chainrule train`, `eval`, `predict` and `export` on small data in temporary directories,
// their --help, and every bad input as a one-line error with exit code 1 (nothing overwritten on failure).
// biome-ignore-all lint/suspicious/noFocusedTests: `fit` is the training loop here, not a focused test
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callbacks, data, fit, getBackend, mlp } from "chainrule";
import { loadModel, modelCheckpoint } from "chainrule/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProgram } from "../src/cli/program.js";
import { runChainrule as spawn } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "chainrule-cli-train-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);

/** Runs the program in this process; resolves with its output, or the message of what it threw. */
async function run(...args: string[]): Promise<{ out: string; err: string; error: string | null }> {
  let out = "";
  let err = "";
  const program = createProgram({ out: (s) => (out += s), err: (s) => (err += s) });
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(["node", "chainrule", ...args]);
    return { out, err, error: null };
  } catch (e) {
    return { out, err, error: (e as Error).message };
  }
}

/** Writes a data set as CSV with named classes (and a column the model must ignore). */
function writeMoonsCsv(path: string, seed: number): void {
  const ds = data.moons({ samples: 160, noise: 0.1, seed });
  const xs = ds.x.toArray() as number[][];
  const names = ["upper moon", "lower, moon"];
  const rows = xs.map(([a, b], i) => `row${i},${a},${b},"${names[ds.y[i]]}"`);
  writeFileSync(path, `id_text,"x 0",x1,shape\n${rows.join("\n")}\n`);
}

beforeAll(() => {
  writeMoonsCsv(at("moons.csv"), 0);
  writeMoonsCsv(at("moons-new.csv"), 1);
  const reg = Array.from({ length: 120 }, (_, i) => {
    const a = Math.sin(i);
    const b = Math.cos(3 * i);
    return `${a};${b};${(2 * a - b + 0.5).toFixed(6)}`;
  });
  writeFileSync(at("reg.csv"), `a;b;y\n${reg.join("\n")}\n`);
});

describe("chainrule train", () => {
  it("trains on a CSV, prints a line per epoch and a report, and saves the model and the plot", async () => {
    const r = await run(
      "train",
      "--data",
      at("moons.csv"),
      "--target",
      "shape",
      "--features",
      "x 0,x1",
      "--layers",
      "16,16",
      "--epochs",
      "25",
      "--out",
      at("moons-model"),
    );
    expect(r.error).toBeNull();
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toBe(
      `Data: ${at("moons.csv")}, 160 rows, 2 features, 2 classes of "shape" (lower, moon, upper moon)`,
    );
    expect(lines[1]).toBe("Model: 2-16-16-2 MLP, relu, dropout 0.2, 354 parameters");
    expect(lines[2]).toBe(
      `Training: adam, lr 0.002 cosine-annealed, batch 32, 25 epochs, loss crossEntropy, ${getBackend().name} backend`,
    );
    expect(lines[3]).toBe(
      "Split (seed 0): 112 train, 16 validation, 32 test; features standardised per feature on the training rows",
    );
    const epochs = lines.filter((l) => l.startsWith("epoch "));
    expect(epochs).toHaveLength(25);
    expect(epochs[0]).toMatch(
      /^epoch {2}1\/25 {2}loss \S+ {2}accuracy \S+ {2}valLoss \S+ {2}valAccuracy \S+ {2}lr 2\.00e-3 {2}\S+s$/,
    );
    const test = lines.find((l) => l.startsWith("Test (32 rows): accuracy "));
    expect(test).toBeDefined();
    expect(Number(/accuracy (\S+)%/.exec(test!)![1])).toBeGreaterThanOrEqual(90);
    expect(lines.at(-2)).toMatch(/^Wall time: \d+\.\d s \(training \d+\.\d s\)$/);
    expect(lines.at(-1)).toBe(
      `Saved ${at("moons-model")} (model.json, model.safetensors) and the plot ${join(at("moons-model"), "training.svg")}`,
    );
    expect(readdirSync(at("moons-model")).sort()).toEqual([
      "model.json",
      "model.safetensors",
      "training.svg",
    ]);
    const svg = readFileSync(join(at("moons-model"), "training.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain(">Loss<");
    expect(svg).toContain(">Accuracy<");
    expect(svg).toContain(">validation<");
    // No temporary directory is left beside the model.
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
    const { meta, layers } = loadModel(at("moons-model"));
    expect(meta.task).toEqual({
      kind: "classification",
      target: "shape",
      classes: ["lower, moon", "upper moon"],
    });
    expect(meta.preprocessing.features).toEqual(["x 0", "x1"]);
    expect(meta.loss).toBe("crossEntropy");
    expect(layers.map((l) => l.type)).toEqual([
      "linear",
      "relu",
      "dropout",
      "linear",
      "relu",
      "dropout",
      "linear",
    ]);
    expect((meta.training as { history: unknown[] }).history).toHaveLength(25);
  });

  it("trains a regression and reports MSE, MAE and R²; --quiet prints only the report", async () => {
    const r = await run(
      "train",
      "--data",
      at("reg.csv"),
      "--target",
      "y",
      "--epochs",
      "40",
      "--quiet",
      "--out",
      at("reg-model"),
    );
    expect(r.error).toBeNull();
    expect(r.out).toContain('regression of "y"');
    expect(r.out).not.toContain("epoch ");
    expect(r.out).toContain("loss mse");
    const m = /Test \(24 rows\): mse (\S+) {2}mae (\S+) {2}r2 (\S+)/.exec(r.out);
    expect(m).not.toBeNull();
    expect(Number(m![3])).toBeGreaterThan(0.9);
    const e = await run("eval", "--model", at("reg-model"), "--data", at("reg.csv"));
    expect(e.error).toBeNull();
    expect(e.out).toContain(`Data: ${at("reg.csv")}, 120 rows`);
    expect(e.out).toMatch(/\nmse \S+ {2}mae \S+ {2}r2 \S+ {2}loss \S+\n$/);
    const p = await run("predict", "--model", at("reg-model"), "--data", at("reg.csv"));
    const rows = p.out.trimEnd().split("\n");
    expect(rows[0]).toBe("y");
    expect(rows).toHaveLength(121);
    expect(Number.isFinite(Number(rows[1]))).toBe(true);
  });

  it("refuses an --out that is a file before training, and writes nothing without --out", async () => {
    writeFileSync(at("a-file"), "x");
    const r = await run("train", "--data", "xor", "--out", at("a-file"));
    expect(r.error).toBe(
      `train: --out must be a directory for the model, got the existing file ${at("a-file")}`,
    );
    expect(r.out).toBe("");
    const n = await run("train", "--data", "tutorial", "--epochs", "2", "--quiet");
    expect(n.error).toBeNull();
    expect(n.out.trimEnd().split("\n").at(-1)).toBe("Not saved (no --out)");
  });

  it("does not touch an existing model when training fails", async () => {
    const before = readFileSync(join(at("moons-model"), "model.safetensors"));
    const mtime = statSync(join(at("moons-model"), "model.json")).mtimeMs;
    const r = await run(
      "train",
      "--data",
      at("reg.csv"),
      "--task",
      "regression",
      "--lr",
      "1e30",
      "--epochs",
      "3",
      "--out",
      at("moons-model"),
    );
    expect(r.error).toMatch(/^fit: expected a finite training loss, got \S+ at epoch \d+, batch \d+;/);
    expect(readFileSync(join(at("moons-model"), "model.safetensors")).equals(before)).toBe(true);
    expect(statSync(join(at("moons-model"), "model.json")).mtimeMs).toBe(mtime);
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });
});

describe("chainrule eval / predict / export", () => {
  it("eval on a built-in set uses the training's test split and reproduces the test line", async () => {
    const t = await run("train", "--data", "iris", "--epochs", "40", "--quiet", "--out", at("iris-model"));
    expect(t.error).toBeNull();
    const testLine = t.out.split("\n").find((l) => l.startsWith("Test (30 rows): "))!;
    const e = await run("eval", "--model", at("iris-model"), "--data", "iris");
    expect(e.error).toBeNull();
    const lines = e.out.trimEnd().split("\n");
    expect(lines[0]).toBe(`Model: ${at("iris-model")} (4-128-3 MLP; classifies "species" into 3 classes)`);
    expect(lines[1]).toBe("Data: iris (the 30-row test split of training, seed 0)");
    expect(lines[2]).toBe(testLine.replace("Test (30 rows): ", ""));
    expect(lines[3]).toBe("Confusion matrix (rows: true class, columns: predicted class):");
    const counts = lines.slice(5).map((l) => l.trim().split(/\s+/).slice(1).map(Number));
    expect(counts.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([10, 10, 10]);
    const j = await run("eval", "--model", at("iris-model"), "--data", "iris", "--json");
    const parsed = JSON.parse(j.out) as { accuracy: number; n: number; confusion: number[][] };
    expect(parsed.n).toBe(30);
    expect(parsed.confusion.flat().reduce((a, b) => a + b, 0)).toBe(30);
  });

  it("eval on a CSV with the model's columns (in another order, with extra columns)", async () => {
    const e = await run("eval", "--model", at("moons-model"), "--data", at("moons-new.csv"));
    expect(e.error).toBeNull();
    expect(e.out).toContain(`Data: ${at("moons-new.csv")}, 160 rows`);
    expect(Number(/accuracy (\S+)%/.exec(e.out)![1])).toBeGreaterThan(85);
  });

  it("predict writes labels and probabilities to stdout or, whole, to --out", async () => {
    const p = await run("predict", "--model", at("moons-model"), "--data", at("moons-new.csv"));
    expect(p.error).toBeNull();
    const rows = p.out.trimEnd().split("\n");
    expect(rows[0]).toBe('shape,"p_lower, moon",p_upper moon');
    expect(rows).toHaveLength(161);
    for (const row of rows.slice(1)) {
      const m = /^(?:"lower, moon"|upper moon),(\d\.\d{6}),(\d\.\d{6})$/.exec(row);
      expect(m).not.toBeNull();
      const [a, b] = [Number(m![1]), Number(m![2])];
      expect(a + b).toBeCloseTo(1, 5);
      expect(row.startsWith('"lower')).toBe(a >= b);
    }
    const f = await run(
      "predict",
      "--model",
      at("moons-model"),
      "--data",
      at("moons-new.csv"),
      "--out",
      at("pred.csv"),
    );
    expect(f.out).toBe("");
    expect(f.err).toBe(`Wrote 160 predictions to ${at("pred.csv")}\n`);
    expect(readFileSync(at("pred.csv"), "utf8")).toBe(p.out);
  });

  it("export writes an ONNX file whose probabilities match predict's (ONNX Runtime, to 1e-5)", async () => {
    const x = await run("export", "--model", at("moons-model"), "--onnx", at("moons.onnx"));
    expect(x.error).toBeNull();
    expect(x.out).toMatch(
      /^Wrote .*moons\.onnx \([\d,]+ bytes, opset 17\): 2-16-16-2 MLP; input "input" \[batch, 2\] raw features, output "output" \[batch, 2\] probabilities of lower, moon, upper moon\n$/,
    );
    let ort: typeof import("onnxruntime-node");
    try {
      ort = await import("onnxruntime-node");
    } catch {
      return; // no runtime for this platform: the export itself is checked above
    }
    const session = await ort.InferenceSession.create(readFileSync(at("moons.onnx")), {
      intraOpNumThreads: 1,
    });
    const raw = data.parseCsv(readFileSync(at("moons-new.csv"), "utf8"));
    const feats = data.tableFeatures(raw, ["x 0", "x1"]);
    const result = (
      await session.run({ input: new ort.Tensor("float32", feats._storage as Float32Array, [160, 2]) })
    ).output;
    const onnx = Array.from(result.data as Float32Array);
    const p = await run("predict", "--model", at("moons-model"), "--data", at("moons-new.csv"));
    const probs = p.out
      .trimEnd()
      .split("\n")
      .slice(1)
      .flatMap((row) => row.split(",").slice(-2).map(Number));
    const worst = Math.max(...onnx.map((v, i) => Math.abs(v - probs[i])));
    // predict prints 6 decimals: half a unit of the last place plus float32 differences.
    expect(worst).toBeLessThanOrEqual(1e-5 + 5e-7);
  });

  it("every command has --help with examples", async () => {
    for (const command of ["train", "eval", "predict", "export"]) {
      const r = await run(command, "--help");
      expect(r.out).toContain(`Usage: chainrule ${command} [options]`);
      expect(r.out).toContain("Examples:");
      expect(r.out).toContain(`$ chainrule ${command} `);
    }
    const t = await run("train", "--help");
    for (const flag of [
      "--data",
      "--target",
      "--layers",
      "--activation",
      "--loss",
      "--optimizer",
      "--epochs",
      "--batch-size",
      "--out",
      "--lr",
      "--seed",
      "--val-split",
      "--test-split",
      "--patience",
      "--quiet",
    ]) {
      expect(t.out).toContain(flag);
    }
  });
});

describe("modelCheckpoint", () => {
  it("saves a loadable model directory after each improving epoch", () => {
    const ds = data.moons({ samples: 100, seed: 0 });
    const net = mlp({ inputs: 2, hidden: [8], outputs: 2, seed: 0 });
    const meta = {
      task: data.taskOf(ds),
      preprocessing: data.identityPreprocessing(ds.features),
      loss: "crossEntropy",
    };
    const saved: number[] = [];
    const history = fit(net, ds, {
      epochs: 4,
      lr: 0.01,
      validationData: ds,
      callbacks: [
        modelCheckpoint(at("ckpt"), meta, { saveBestOnly: true }),
        callbacks.checkpoint((_m, logs) => saved.push(logs.epoch), { saveBestOnly: true }),
      ],
    });
    const { model, meta: loaded } = loadModel(at("ckpt"));
    const last = saved.at(-1)!;
    expect((loaded.training as { checkpoint: { epoch: number } }).checkpoint.epoch).toBe(last);
    if (last === history.stoppedEpoch) {
      expect(model.stateDict()["0.weight"].toArray()).toEqual(net.stateDict()["0.weight"].toArray());
    }
  });
});

describe("bad input: one line naming the file, row and field; exit code 1", () => {
  beforeAll(() => {
    writeFileSync(at("ragged.csv"), "a,b,label\n1,2,x\n3,4\n");
    writeFileSync(at("nonnum.csv"), "a,b,label\n1,2,x\n3,oops,y\n");
    writeFileSync(at("empty.csv"), "");
    writeFileSync(at("unseen.csv"), 'id_text,"x 0",x1,shape\nr0,0.1,0.2,"upper moon"\nr1,0.3,0.4,triangle\n');
    writeFileSync(at("missing-col.csv"), "x1,shape\n0.1,upper moon\n");
  });

  it.each([
    [
      ["train", "--data", "ragged.csv"],
      "parseCsv: ragged.csv line 3: expected 3 fields (as in the header), got 2",
    ],
    [
      ["train", "--data", "nonnum.csv"],
      'loadCsv: nonnum.csv line 3, column "b": expected a number, got "oops"',
    ],
    [
      ["train", "--data", "empty.csv"],
      "parseCsv: empty.csv: expected a header row and data rows, got an empty file",
    ],
    [
      ["train", "--data", "nonnum.csv", "--target", "kind"],
      'loadCsv: nonnum.csv, column "kind": expected a target column with this name, got columns "a", "b", "label"',
    ],
    [
      ["eval", "--model", "moons-model", "--data", "unseen.csv"],
      'eval: unseen.csv line 3, column "shape": expected one of the classes seen in training (lower, moon, upper moon), got "triangle"',
    ],
    [
      ["predict", "--model", "moons-model", "--data", "missing-col.csv"],
      'predict: missing-col.csv, column "x 0": expected a feature column with this name, got columns "x1", "shape"',
    ],
    [
      ["eval", "--model", "no-model", "--data", "iris"],
      "loadModel: no-model/model.json: expected a readable file, got ENOENT: no such file or directory",
    ],
  ])("%j", async (args, message) => {
    const r = await run(
      ...args.map((a) => (!a.startsWith("--") && (a.endsWith(".csv") || a.endsWith("model")) ? at(a) : a)),
    );
    expect(r.error).toBe(message.replaceAll(/(\S+\.csv|no-model|moons-model)/g, (m) => at(m)));
  });

  it("as a process: stderr is one line and the exit code is 1 (CSV error, corrupt model, bad option)", async () => {
    // A model whose weights file is cut short.
    rmSync(at("broken-model"), { recursive: true, force: true });
    await run("train", "--data", "xor", "--epochs", "1", "--quiet", "--out", at("broken-model"));
    const weights = join(at("broken-model"), "model.safetensors");
    writeFileSync(weights, readFileSync(weights).subarray(0, 100));
    const results = await Promise.all([
      spawn("train", "--data", at("nonnum.csv")),
      spawn("predict", "--model", at("broken-model"), "--data", "xor"),
      spawn("train", "--data", "iris", "--batch-size", "0"),
    ]);
    for (const r of results) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
    expect(results[0].stderr).toBe(
      `error: loadCsv: ${at("nonnum.csv")} line 3, column "b": expected a number, got "oops"\n`,
    );
    expect(results[1].stderr).toMatch(/^error: loadModel: .*model\.safetensors: .+\n$/);
    expect(results[2].stderr).toBe(
      "error: option '--batch-size <n>' argument '0' is invalid. Expected an integer >= 1.\n",
    );
    expect(existsSync(at("broken-model"))).toBe(true);
  });
});
