// Tests of model files: layer specs <-> Sequential, model.json + model.safetensors round trips (exact), and
// the validation that turns every corrupt or mismatched file into one clear error naming the file and field.

import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ChainruleError,
  decodeSafetensors,
  deserializeModel,
  encodeSafetensors,
  type LayerSpec,
  type ModelMeta,
  nn,
  noGrad,
  randn,
  sequentialFromSpec,
  sequentialToSpec,
  serializeModel,
  type Tensor,
  tensor,
  ValueError,
} from "chainrule";
import { loadModel, saveModel } from "chainrule/node";
import { afterAll, describe, expect, it } from "vitest";
import { crc32 } from "../src/io/model-files.js";

/** Layer `i` of a Sequential, as the Linear it is. */
const lin = (net: nn.Sequential, i: number): nn.Linear => net.at(i) as nn.Linear;

// biome-ignore lint/suspicious/noExplicitAny: the tests edit parsed model.json documents field by field
type JsonDoc = any;

const root = mkdtempSync(join(tmpdir(), "chainrule-model-io-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = (): string => join(root, `m${dirCount++}`);

function bits(t: Tensor): number[] {
  return Array.from(new Uint8Array(t._storage.buffer, t._storage.byteOffset, t._storage.byteLength));
}

const meta3: ModelMeta = {
  task: { kind: "classification", target: "species", classes: ["setosa", "versicolor", "virginica"] },
  preprocessing: {
    features: ["a", "b", "c", "d"],
    mean: [5.8, 3.05, 3.76, 1.2],
    std: [0.83, 0.43, 1.76, 0.76],
  },
  loss: "crossEntropy",
  training: { epochs: 30, optimizer: { name: "adam", lr: 0.01 }, history: [0.9, 0.5, 0.25] },
};

function irisNet(dtype: "float32" | "float64" = "float32"): nn.Sequential {
  return new nn.Sequential(
    new nn.Linear(4, 8, { dtype, seed: 1 }),
    new nn.LeakyReLU(0.05),
    new nn.Dropout(0.25),
    new nn.Linear(8, 6, { dtype, seed: 3, bias: false }),
    new nn.GELU(),
    new nn.Linear(6, 3, { dtype, seed: 5 }),
    new nn.Softmax(-1),
  );
}

function errorOf(fn: () => unknown): ChainruleError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ChainruleError);
    return e as ChainruleError;
  }
  throw new Error("expected an error");
}

describe("sequentialToSpec / sequentialFromSpec", () => {
  const layers: LayerSpec[] = [
    { type: "linear", inFeatures: 3, outFeatures: 5, bias: true },
    { type: "relu" },
    { type: "sigmoid" },
    { type: "tanh" },
    { type: "gelu" },
    { type: "leakyRelu", negativeSlope: 0.2 },
    { type: "dropout", p: 0.1 },
    { type: "linear", inFeatures: 5, outFeatures: 2, bias: false },
    { type: "softmax", dim: 1 },
  ];

  it("describes every supported layer and builds it back", () => {
    const net = sequentialFromSpec(layers, { dtype: "float64", seed: 7 });
    expect(sequentialToSpec(net)).toEqual(layers);
    expect(net.namedParameters().map(([n, p]) => [n, p.shape, p.dtype])).toEqual([
      ["0.weight", [5, 3], "float64"],
      ["0.bias", [5], "float64"],
      ["7.weight", [2, 5], "float64"],
    ]);
    // Seeded: the same spec and seed give the same weights; linear layer i uses seed + 2i, as nn.Linear does.
    const again = sequentialFromSpec(layers, { dtype: "float64", seed: 7 });
    expect(bits(lin(again, 0).weight as Tensor)).toEqual(bits(lin(net, 0).weight as Tensor));
    expect(bits(lin(net, 7).weight as Tensor)).toEqual(
      bits(new nn.Linear(5, 2, { dtype: "float64", seed: 21 }).weight),
    );
  });

  it("names the unsupported layer", () => {
    const net = new nn.Sequential(new nn.Linear(2, 2), new nn.SiLU());
    expect(() => sequentialToSpec(net)).toThrow(
      "sequentialToSpec: expected layers of type Linear, ReLU, Sigmoid, Tanh, GELU, LeakyReLU, Softmax or Dropout, got SiLU at layer 1",
    );
    class Scaled extends nn.Linear {}
    expect(() => sequentialToSpec(new nn.Sequential(new Scaled(2, 2)))).toThrow("got Scaled at layer 0");
    expect(() => sequentialToSpec(new nn.Sequential(new nn.Sequential()))).toThrow(
      "got Sequential at layer 0",
    );
    expect(() => sequentialToSpec(new nn.Linear(2, 2) as unknown as nn.Sequential)).toThrow(
      "sequentialToSpec: expected an nn.Sequential, got a Linear",
    );
  });

  it("validates specs with the path of the bad field", () => {
    const bad: [unknown, string][] = [
      [
        [{ type: "linear", inFeatures: 0, outFeatures: 2, bias: true }],
        "layers[0].inFeatures: expected a positive integer, got 0",
      ],
      [[{ type: "linear", inFeatures: 2, outFeatures: 2 }], 'layers[0]: expected a field "bias", got none'],
      [
        [
          { type: "linear", inFeatures: 2, outFeatures: 3, bias: true },
          { type: "relu" },
          { type: "linear", inFeatures: 4, outFeatures: 1, bias: true },
        ],
        "layers[2].inFeatures: expected 3 (layers[0].outFeatures), got 4",
      ],
      [
        [{ type: "relu", slope: 1 }],
        'layers[0]: expected only the fields type, got an unknown field "slope"',
      ],
      [[{ type: "dropout", p: 1.5 }], "layers[0].p: expected a probability in [0, 1], got 1.5"],
      [[{ type: "softmax", dim: 0.5 }], "layers[0].dim: expected an integer, got 0.5"],
      [
        [{ type: "leakyRelu", negativeSlope: "0.1" }],
        'layers[0].negativeSlope: expected a finite number, got "0.1"',
      ],
      [
        [{ type: "conv" }],
        'layers[0].type: expected one of "linear", "relu", "sigmoid", "tanh", "gelu", "leakyRelu", "softmax", "dropout", got "conv"',
      ],
      [[null], "layers[0]: expected a layer object, got null"],
      ["relu", 'layers: expected an array of layers, got "relu"'],
    ];
    for (const [spec, message] of bad) {
      const e = errorOf(() => sequentialFromSpec(spec as LayerSpec[]));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.message).toBe(`sequentialFromSpec: ${message}`);
    }
  });
});

describe("saveModel / loadModel", () => {
  it("round-trips a float32 and a float64 model exactly: weights, outputs, layers and meta", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const net = irisNet(dtype);
      const dir = freshDir();
      saveModel(dir, net, meta3);
      expect(readdirSync(dir).sort()).toEqual(["model.json", "model.safetensors"]);
      const loaded = loadModel(dir);
      expect(loaded.dtype).toBe(dtype);
      expect(loaded.layers).toEqual(sequentialToSpec(net));
      expect(loaded.meta).toEqual(meta3);
      expect(loaded.model.training).toBe(false);
      const names = loaded.model.namedParameters().map(([n]) => n);
      expect(names).toEqual(net.namedParameters().map(([n]) => n));
      for (const [name, p] of net.namedParameters()) {
        const q = loaded.model.namedParameters().find(([n]) => n === name)?.[1] as Tensor;
        expect(bits(q), name).toEqual(bits(p));
      }
      net.eval();
      const x = randn([5, 4], { dtype, seed: 11 });
      const expected = noGrad(() => net.forward(x));
      expect(bits(noGrad(() => loaded.model.forward(x)))).toEqual(bits(expected));
    }
  });

  it("writes PyTorch's parameter names, so the weights load into torch.nn.Sequential as they are", () => {
    const dir = freshDir();
    saveModel(dir, irisNet(), meta3);
    const { tensors, metadata } = decodeSafetensors(
      new Uint8Array(readFileSync(join(dir, "model.safetensors"))),
    );
    expect(Object.keys(tensors).sort()).toEqual(["0.bias", "0.weight", "3.weight", "5.bias", "5.weight"]);
    expect(tensors["0.weight"].shape).toEqual([8, 4]); // [out, in], as torch.nn.Linear
    expect(metadata).toEqual({ format: "pt", producer: "chainrule" });
  });

  it("records the weights' size and CRC-32 in model.json", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe("cbf43926"); // the standard check value
    const dir = freshDir();
    saveModel(dir, irisNet(), meta3);
    const weights = new Uint8Array(readFileSync(join(dir, "model.safetensors")));
    const doc = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    expect(doc.format).toBe("chainrule-model");
    expect(doc.version).toBe(1);
    expect(doc.weights).toEqual({ file: "model.safetensors", bytes: weights.length, crc32: crc32(weights) });
  });

  it("keeps awkward strings in the metadata intact through the compact JSON layout", () => {
    const meta: ModelMeta = {
      task: { kind: "regression", targets: ["y[0]", "{z}"] },
      preprocessing: {
        features: ['a"]', "b,\n  c", "ü ]}"],
        mean: [0, -1e-300, 1e300],
        std: [1, 2.5, 5e-324],
      },
      loss: "mse",
      training: { note: "{ [ ] }", nested: { list: [[1, 2], { a: "]" }] } },
    };
    const net = new nn.Sequential(new nn.Linear(3, 2, { seed: 1 }));
    const { json, weights } = serializeModel(net, meta);
    expect(json).toContain('"mean": [0, -1e-300, 1e+300]');
    expect(deserializeModel(json, weights).meta).toEqual(meta);
  });

  it("refuses to save what it could not load, and then writes nothing", () => {
    const dir = freshDir();
    const unsupported = new nn.Sequential(new nn.Linear(4, 3), new nn.SiLU());
    expect(() => saveModel(dir, unsupported, meta3)).toThrow(
      "saveModel: expected layers of type Linear, ReLU, Sigmoid, Tanh, GELU, LeakyReLU, Softmax or Dropout, got SiLU at layer 1",
    );
    expect(() => saveModel(dir, new nn.Sequential(new nn.Linear(5, 3)), meta3)).toThrow(
      "saveModel: meta.preprocessing.features: expected 5 features (layers[0].inFeatures), got 4",
    );
    expect(() => saveModel(dir, new nn.Sequential(new nn.Linear(4, 2)), meta3)).toThrow(
      "saveModel: meta.task.classes: expected 2 classes (layers[0].outFeatures is 2), got 3",
    );
    expect(() => saveModel(dir, irisNet(), { ...meta3, loss: "" })).toThrow(
      'saveModel: meta.loss: expected a non-empty string, got ""',
    );
    expect(() =>
      saveModel(dir, irisNet(), { ...meta3, training: { n: 10n } as unknown as Record<string, unknown> }),
    ).toThrow(/^saveModel: meta\.training: expected JSON-serialisable values/);
    const diverged = irisNet();
    (lin(diverged, 0).weight as Tensor)._storage[3] = Number.NaN;
    expect(() => saveModel(dir, diverged, meta3)).toThrow(
      'saveModel: expected finite parameters, got NaN in "0.weight" at index 3; did training diverge?',
    );
    expect(() => readdirSync(dir)).toThrow(); // never created
  });

  it("replaces a model whole and leaves an existing model untouched when a save fails", () => {
    const dir = freshDir();
    saveModel(dir, irisNet(), meta3);
    writeFileSync(join(dir, "plot.svg"), "<svg/>");
    const before = readFileSync(join(dir, "model.safetensors"));
    const diverged = irisNet();
    (lin(diverged, 5).bias as Tensor)._storage[0] = Number.POSITIVE_INFINITY;
    expect(() => saveModel(dir, diverged, meta3)).toThrow(ChainruleError);
    expect(readFileSync(join(dir, "model.safetensors")).equals(before)).toBe(true);
    const binary = new nn.Sequential(new nn.Linear(4, 1, { seed: 9 }), new nn.Sigmoid());
    const metaBinary: ModelMeta = {
      ...meta3,
      task: { kind: "classification", target: "t", classes: ["no", "yes"] },
      loss: "bce",
    };
    saveModel(dir, binary, metaBinary);
    expect(loadModel(dir).layers).toEqual([
      { type: "linear", inFeatures: 4, outFeatures: 1, bias: true },
      { type: "sigmoid" },
    ]);
    expect(readdirSync(dir).sort()).toEqual(["model.json", "model.safetensors", "plot.svg"]);
  });

  it("removes its temporary files when a write fails", () => {
    const dir = freshDir();
    mkdirSync(join(dir, "model.json", "blocker"), { recursive: true }); // a directory where model.json goes
    const e = errorOf(() => saveModel(dir, irisNet(), meta3));
    expect(e.message).toMatch(/^saveModel: .*model\.json: expected a writable location, got E/);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(() => loadModel(dir)).toThrow(/^loadModel: .*model\.json: expected a readable file, got EISDIR/);
  });
});

describe("loadModel validation", () => {
  const source = freshDir();
  saveModel(source, irisNet(), meta3);
  const goodJson = readFileSync(join(source, "model.json"), "utf8");
  const goodWeights = new Uint8Array(readFileSync(join(source, "model.safetensors")));

  /** A model directory with edited files; `json` edits the parsed model.json. */
  function variant(edit: (doc: JsonDoc) => void, weights: Uint8Array = goodWeights, raw?: string): string {
    const dir = freshDir();
    mkdirSync(dir);
    const doc = JSON.parse(goodJson);
    edit(doc);
    writeFileSync(join(dir, "model.json"), raw ?? JSON.stringify(doc));
    writeFileSync(join(dir, "model.safetensors"), weights);
    return dir;
  }
  const noCheck = (doc: JsonDoc) => {
    delete doc.weights;
  };

  const jsonCases: [string, (doc: JsonDoc) => void, string][] = [
    [
      "a wrong format",
      (d) => {
        d.format = "keras";
      },
      'format: expected "chainrule-model", got "keras"',
    ],
    [
      "a newer version",
      (d) => {
        d.version = 2;
      },
      "version: expected 1, got 2; it was written by a newer chainrule",
    ],
    [
      "an unknown dtype",
      (d) => {
        d.dtype = "float16";
      },
      'dtype: expected "float32" or "float64", got "float16"',
    ],
    [
      "a missing field",
      (d) => {
        delete d.meta;
      },
      '(top level): expected a field "meta", got none',
    ],
    [
      "an unknown field",
      (d) => {
        d.extra = 1;
      },
      '(top level): expected only the fields format, version, dtype, layers, meta, weights, got an unknown field "extra"',
    ],
    [
      "a broken chain",
      (d) => {
        d.layers[3].inFeatures = 7;
      },
      "layers[3].inFeatures: expected 8 (layers[0].outFeatures), got 7",
    ],
    [
      "a negative size",
      (d) => {
        d.layers[0].outFeatures = -8;
      },
      "layers[0].outFeatures: expected a positive integer, got -8",
    ],
    [
      "an unknown layer",
      (d) => {
        d.layers[1].type = "swish";
      },
      "layers[1].type: expected one of",
    ],
    [
      "a zero std",
      (d) => {
        d.meta.preprocessing.std[2] = 0;
      },
      "meta.preprocessing.std[2]: expected a positive standard deviation (1 for a constant feature), got 0",
    ],
    [
      "a short mean",
      (d) => {
        d.meta.preprocessing.mean.pop();
      },
      "meta.preprocessing.mean: expected 4 numbers (one per feature), got 3",
    ],
    [
      "a non-numeric mean",
      (d) => {
        d.meta.preprocessing.mean[0] = "5.8";
      },
      'meta.preprocessing.mean[0]: expected a finite number, got "5.8"',
    ],
    [
      "too few features",
      (d) => {
        d.meta.preprocessing = { features: ["a"], mean: [0], std: [1] };
      },
      "meta.preprocessing.features: expected 4 features (layers[0].inFeatures), got 1",
    ],
    [
      "duplicate classes",
      (d) => {
        d.meta.task.classes[1] = "setosa";
      },
      'meta.task.classes[1]: expected distinct names, got "setosa" twice',
    ],
    [
      "too few classes",
      (d) => {
        d.meta.task.classes.pop();
      },
      "meta.task.classes: expected 3 classes (layers[5].outFeatures is 3), got 2",
    ],
    [
      "an unknown task",
      (d) => {
        d.meta.task.kind = "ranking";
      },
      'meta.task.kind: expected "classification" or "regression", got "ranking"',
    ],
    [
      "a bad CRC record",
      (d) => {
        d.weights.crc32 = "xyz";
      },
      'weights.crc32: expected 8 lowercase hex digits, got "xyz"',
    ],
    [
      "a non-object training",
      (d) => {
        d.meta.training = [1];
      },
      "meta.training: expected an object, got [1]",
    ],
  ];
  for (const [what, edit, message] of jsonCases) {
    it(`names model.json and the field for ${what}`, () => {
      const dir = variant(edit);
      const e = errorOf(() => loadModel(dir));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.message.startsWith(`loadModel: ${join(dir, "model.json")}: ${message}`), e.message).toBe(true);
    });
  }

  it("rejects model.json that is not JSON or not UTF-8, and missing files", () => {
    let dir = variant(() => {}, goodWeights, "{ not json");
    expect(() => loadModel(dir)).toThrow(
      new RegExp(`^loadModel: ${join(dir, "model.json")}: expected JSON, got a syntax error`),
    );
    dir = freshDir();
    mkdirSync(dir);
    writeFileSync(join(dir, "model.json"), new Uint8Array([0x7b, 0xff, 0x7d]));
    expect(() => loadModel(dir)).toThrow(
      `loadModel: ${join(dir, "model.json")}: expected UTF-8 text, got invalid bytes`,
    );
    expect(() => loadModel(join(root, "missing"))).toThrow(
      `loadModel: ${join(root, "missing", "model.json")}: expected a readable file, got ENOENT: no such file or directory`,
    );
    dir = freshDir();
    mkdirSync(dir);
    writeFileSync(join(dir, "model.json"), goodJson);
    expect(() => loadModel(dir)).toThrow(
      `loadModel: ${join(dir, "model.safetensors")}: expected a readable file, got ENOENT`,
    );
  });

  /** Weights for the same architecture with edits, as a safetensors file. */
  function weightsWith(edit: (t: Record<string, Tensor>) => void): Uint8Array {
    const tensors = decodeSafetensors(goodWeights).tensors;
    edit(tensors);
    return encodeSafetensors(tensors);
  }

  const weightCases: [string, Uint8Array, string][] = [
    [
      "a truncated file",
      goodWeights.slice(0, goodWeights.length - 10),
      'tensor "5.weight": expected data_offsets to be [begin, end] with 0 <= begin <= end <= ',
    ],
    [
      "a wrong shape",
      weightsWith((t) => {
        t["3.weight"] = randn([6, 9]);
      }),
      'tensor "3.weight": expected shape [6, 8] (layers[3]: linear 8 → 6), got [6, 9]',
    ],
    [
      "a missing tensor",
      weightsWith((t) => {
        delete t["5.bias"];
      }),
      'expected a tensor "5.bias" (layers[5]: linear 6 → 3), got none',
    ],
    [
      "an extra tensor",
      weightsWith((t) => {
        t["3.bias"] = randn([6]);
      }),
      'expected only the model\'s parameters (0.weight, 0.bias, 3.weight, 5.weight, 5.bias), got an extra tensor "3.bias"',
    ],
    [
      "a wrong dtype",
      weightsWith((t) => {
        t["0.bias"] = randn([8], { dtype: "float64" });
      }),
      `tensor "0.bias": expected dtype F32 (${"model.json"}'s dtype is float32), got F64`,
    ],
    [
      "a NaN weight",
      weightsWith((t) => {
        t["0.weight"] = tensor([...new Array(31).fill(0), Number.NaN]).reshape([8, 4]);
      }),
      'tensor "0.weight": expected finite values, got NaN at index 31',
    ],
    [
      "a header length past the end",
      (() => {
        const w = goodWeights.slice();
        w[0] = 0xff;
        w[1] = 0xff;
        return w;
      })(),
      "expected a header length of at most",
    ],
  ];
  for (const [what, weights, message] of weightCases) {
    it(`names model.safetensors and the tensor for ${what}`, () => {
      const dir = variant(noCheck, weights);
      const e = errorOf(() => loadModel(dir));
      expect(e).toBeInstanceOf(ValueError);
      const expected = message.replace("model.json", join(dir, "model.json"));
      expect(e.message.startsWith(`loadModel: ${join(dir, "model.safetensors")}: `), e.message).toBe(true);
      expect(e.message).toContain(expected);
    });
  }

  it("notices weights that do not belong to model.json (size or CRC-32), before reading them", () => {
    // The same architecture retrained: a weights file of the same size with other values.
    const other = freshDir();
    const retrained = irisNet();
    (lin(retrained, 0).weight as Tensor)._storage[0] += 0.5;
    saveModel(other, retrained, meta3);
    const dir = variant(() => {}, new Uint8Array(readFileSync(join(other, "model.safetensors"))));
    expect(() => loadModel(dir)).toThrow(
      new RegExp(
        `^loadModel: ${join(dir, "model.safetensors")}: expected CRC-32 [0-9a-f]{8} \\(weights\\.crc32\\), got [0-9a-f]{8}; .* does not belong to`,
      ),
    );
    const truncated = variant(() => {}, goodWeights.slice(0, 100));
    expect(() => loadModel(truncated)).toThrow(
      `loadModel: ${join(truncated, "model.safetensors")}: expected ${goodWeights.length} bytes (weights.bytes), got 100;`,
    );
    copyFileSync(join(source, "model.safetensors"), join(dir, "model.safetensors"));
    expect(loadModel(dir).layers.length).toBe(7);
  });
});

describe("serializeModel / deserializeModel (no files)", () => {
  it("round-trips in memory and reports problems under its own name", () => {
    const net = irisNet("float64");
    const { json, weights } = serializeModel(net, meta3);
    const back = deserializeModel(json, weights);
    expect(back.dtype).toBe("float64");
    expect(bits(lin(back.model, 5).weight as Tensor)).toEqual(bits(lin(net, 5).weight as Tensor));
    expect(() => deserializeModel(json.replace('"version": 1', '"version": 0'), weights)).toThrow(
      "deserializeModel: model.json: version: expected 1, got 0",
    );
    expect(() => deserializeModel(json, weights.slice(1))).toThrow(
      /^deserializeModel: model\.safetensors: expected \d+ bytes/,
    );
  });
});

// PyTorch reads model.safetensors into the equivalent torch.nn.Sequential (strict load_state_dict: same
// names, shapes and dtypes) and computes the same outputs. Parsed with struct/json, as the `safetensors`
// package may be absent. Skipped where torch is not installed.
const python = "/usr/bin/python3";
// find_spec looks the package up without importing it (importing torch takes seconds).
const hasTorch =
  spawnSync(
    python,
    [
      "-c",
      "import importlib.util as u, sys; sys.exit(0 if u.find_spec('torch') and u.find_spec('numpy') else 1)",
    ],
    {
      timeout: 60_000,
    },
  ).status === 0;

describe.skipIf(!hasTorch)("PyTorch loads saved weights", () => {
  it("torch.nn.Sequential.load_state_dict(strict=True) accepts them and gives chainrule's outputs", () => {
    const dir = freshDir();
    const net = new nn.Sequential(
      new nn.Linear(4, 8, { seed: 1 }),
      new nn.Tanh(),
      new nn.Dropout(0.5),
      new nn.Linear(8, 6, { seed: 2, bias: false }),
      new nn.GELU(),
      new nn.Linear(6, 3, { seed: 3 }),
    );
    saveModel(dir, net, meta3);
    const x = randn([5, 4], { seed: 4 });
    const script = `
import json, struct, sys
import numpy as np, torch
raw = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
header = json.loads(raw[8:8 + n])
header.pop("__metadata__", None)
state = {k: torch.from_numpy(np.frombuffer(raw[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]], dtype="<f4").reshape(v["shape"]).copy()) for k, v in header.items()}
net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Dropout(0.5), torch.nn.Linear(8, 6, bias=False), torch.nn.GELU(), torch.nn.Linear(6, 3))
net.load_state_dict(state, strict=True)
net.eval()
x = torch.tensor(json.loads(sys.argv[2]), dtype=torch.float32)
with torch.no_grad():
    print(json.dumps(net(x).double().flatten().tolist()))
`;
    const r = spawnSync(python, ["-c", script, join(dir, "model.safetensors"), JSON.stringify(x.toArray())], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const theirs = JSON.parse(r.stdout) as number[];
    const ours = Array.from(noGrad(() => net.eval().forward(x))._storage);
    expect(theirs.length).toBe(15);
    theirs.forEach((v, i) => {
      expect(Math.abs(v - ours[i])).toBeLessThan(1e-5);
    });
  });
});
