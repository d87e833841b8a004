// Tests of ONNX export: the exported graphs run in ONNX Runtime for Node and agree with chainrule's forward
// pass to 1e-5, for every supported layer, both dtypes, batch sizes 1 and 7, preprocessing and a final softmax.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ChainruleError,
  exportOnnx,
  type ModelMeta,
  nn,
  noGrad,
  randn,
  type Tensor,
  tensor,
} from "chainrule";
import { loadModel, saveModel } from "chainrule/node";
import { afterAll, describe, expect, it } from "vitest";
import { modelProtoType } from "../src/io/onnx/proto.js";

/** Layer `i` of a Sequential, as the Linear it is. */
const lin = (net: nn.Sequential, i: number): nn.Linear => net.at(i) as nn.Linear;

type Ort = typeof import("onnxruntime-node");
let ort: Ort | null = null;
try {
  ort = await import("onnxruntime-node");
} catch (e) {
  // The CPU runtime ships inside the npm package; without it (an unsupported platform) these tests are skipped.
  console.warn(`onnx-export tests skipped: onnxruntime-node failed to load (${(e as Error).message})`);
}

type DTypeName = "float32" | "float64";

/** Runs exported bytes in ONNX Runtime on `x`, returning the output's values and dims. */
async function runOnnx(bytes: Uint8Array, x: Tensor, names = { input: "input", output: "output" }) {
  const rt = ort as Ort;
  // One thread: the tests run beside others on few cores, and these graphs are tiny.
  const session = await rt.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const feeds = { [names.input]: new rt.Tensor(x.dtype, x._storage, [...x.shape]) };
  const result = (await session.run(feeds))[names.output];
  return {
    values: Array.from(result.data as Float32Array | Float64Array),
    dims: [...result.dims],
    type: result.type,
  };
}

function expectWithin(actual: number[], expected: Tensor, tol = 1e-5): void {
  const e = Array.from(expected._storage);
  expect(actual.length).toBe(e.length);
  let worst = 0;
  actual.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(v - e[i]));
  });
  expect(worst).toBeLessThanOrEqual(tol);
}

/** The decoded ModelProto, as a plain object (int64 as numbers). */
// biome-ignore lint/suspicious/noExplicitAny: a decoded protobuf message, read field by field
function decode(bytes: Uint8Array): Record<string, any> {
  const type = modelProtoType();
  return type.toObject(type.decode(bytes), { longs: Number, enums: Number, bytes: Array, defaults: false });
}

const activations: [string, () => nn.TensorModule][] = [
  ["ReLU", () => new nn.ReLU()],
  ["Sigmoid", () => new nn.Sigmoid()],
  ["Tanh", () => new nn.Tanh()],
  ["LeakyReLU", () => new nn.LeakyReLU(0.07)],
  ["GELU", () => new nn.GELU()],
  ["Softmax", () => new nn.Softmax(-1)],
  ["Dropout", () => new nn.Dropout(0.5)],
];

const dir = mkdtempSync(join(tmpdir(), "chainrule-onnx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(ort === null)("exportOnnx in ONNX Runtime", () => {
  for (const dtype of ["float32", "float64"] as DTypeName[]) {
    for (const [name, make] of activations) {
      for (const bias of [true, false]) {
        it(`${name}, ${dtype}, bias ${bias}: matches chainrule for batch sizes 1 and 7`, async () => {
          const net = new nn.Sequential(
            new nn.Linear(5, 6, { dtype, seed: 1, bias }),
            make(),
            new nn.Linear(6, 3, { dtype, seed: 2, bias }),
          );
          const bytes = exportOnnx(net);
          for (const batch of [1, 7]) {
            const x = randn([batch, 5], { dtype, seed: 10 + batch }).mul(2);
            const { values, dims, type } = await runOnnx(bytes, x);
            expect(dims).toEqual([batch, 3]);
            expect(type).toBe(dtype);
            expectWithin(
              values,
              noGrad(() => net.eval().forward(x)),
            );
          }
        });
      }
    }
  }

  it("a deep model with every layer type, with preprocessing and a final softmax, in both dtypes", async () => {
    for (const dtype of ["float32", "float64"] as DTypeName[]) {
      const net = new nn.Sequential(
        new nn.Linear(4, 16, { dtype, seed: 3 }),
        new nn.GELU(),
        new nn.Dropout(0.3),
        new nn.Linear(16, 12, { dtype, seed: 4 }),
        new nn.LeakyReLU(0.2),
        new nn.Linear(12, 8, { dtype, seed: 5, bias: false }),
        new nn.Tanh(),
        new nn.Linear(8, 8, { dtype, seed: 6 }),
        new nn.Sigmoid(),
        new nn.Linear(8, 6, { dtype, seed: 7 }),
        new nn.ReLU(),
        new nn.Linear(6, 4, { dtype, seed: 8 }),
      );
      const preprocessing = {
        features: ["a", "b", "c", "d"],
        mean: [5.8, 3.05, 3.76, 1.2],
        std: [0.83, 0.43, 1.76, 0.76],
      };
      const bytes = exportOnnx(net, { preprocessing, appendSoftmax: true });
      const raw = randn([7, 4], { dtype, seed: 9 }).mul(2).add(4);
      const standardized = raw
        .sub(tensor(preprocessing.mean, { dtype }))
        .div(tensor(preprocessing.std, { dtype }));
      const expected = noGrad(() => net.eval().forward(standardized).softmax(-1));
      const { values } = await runOnnx(bytes, raw);
      expectWithin(values, expected);
      const sums = [0, 1, 2, 3, 4, 5, 6].map((r) =>
        values.slice(4 * r, 4 * r + 4).reduce((a, b) => a + b, 0),
      );
      for (const s of sums) expect(Math.abs(s - 1)).toBeLessThan(1e-6);
    }
  });

  it("GELU at opsets 13, 17, 20 and 23: Erf below 20, the Gelu op from 20 (float32)", async () => {
    const net = new nn.Sequential(
      new nn.Linear(3, 5, { seed: 1 }),
      new nn.GELU(),
      new nn.Linear(5, 2, { seed: 2 }),
    );
    const x = randn([7, 3], { seed: 3 }).mul(3);
    const expected = noGrad(() => net.forward(x));
    for (const opset of [13, 17, 20, 23]) {
      const bytes = exportOnnx(net, { opset });
      const ops = decode(bytes).graph.node.map((n: { opType: string }) => n.opType);
      expect(ops.includes("Gelu"), `opset ${opset}`).toBe(opset >= 20);
      expect(ops.includes("Erf"), `opset ${opset}`).toBe(opset < 20);
      expectWithin((await runOnnx(bytes, x)).values, expected);
    }
  });

  it("appendSigmoid for a single-logit classifier, custom input and output names", async () => {
    const net = new nn.Sequential(
      new nn.Linear(3, 4, { seed: 1 }),
      new nn.Tanh(),
      new nn.Linear(4, 1, { seed: 2 }),
    );
    const bytes = exportOnnx(net, { appendSigmoid: true, inputName: "features", outputName: "probability" });
    const x = randn([7, 3], { seed: 4 });
    const { values, dims } = await runOnnx(bytes, x, { input: "features", output: "probability" });
    expect(dims).toEqual([7, 1]);
    expectWithin(
      values,
      noGrad(() => net.forward(x).sigmoid()),
    );
  });

  it("exports a model in training mode as at inference (dropout off) and leaves its mode alone", async () => {
    const net = new nn.Sequential(
      new nn.Linear(3, 8, { seed: 1 }),
      new nn.Dropout(0.9),
      new nn.Linear(8, 2, { seed: 2 }),
    );
    net.train();
    const bytes = exportOnnx(net);
    expect(net.training).toBe(true);
    expect(decode(bytes).graph.node.map((n: { opType: string }) => n.opType)).toEqual(["Gemm", "Gemm"]);
    const x = randn([7, 3], { seed: 5 });
    const expected = noGrad(() => net.eval().forward(x));
    expectWithin((await runOnnx(bytes, x)).values, expected);
  });

  it("an empty Sequential with preprocessing is the standardisation alone", async () => {
    const preprocessing = { features: ["u", "v"], mean: [1, -2], std: [2, 0.5] };
    const bytes = exportOnnx(new nn.Sequential(), { preprocessing });
    const { values } = await runOnnx(
      bytes,
      tensor([
        [3, -1],
        [1, -2],
      ]),
    );
    expect(values).toEqual([1, 2, 0, 0]);
    const identity = exportOnnx(new nn.Sequential());
    const model = decode(identity);
    expect(model.graph.node.map((n: { opType: string }) => n.opType)).toEqual(["Identity"]);
    expect(model.graph.input[0].type.tensorType.shape.dim).toEqual([
      { dimParam: "batch" },
      { dimParam: "features" },
    ]);
    expect((await runOnnx(identity, tensor([[1, 2, 3]]))).values).toEqual([1, 2, 3]);
  });

  it("round trip: saveModel, loadModel, exportOnnx with the saved preprocessing", async () => {
    const net = new nn.Sequential(
      new nn.Linear(4, 10, { seed: 11 }),
      new nn.ReLU(),
      new nn.Dropout(0.2),
      new nn.Linear(10, 3, { seed: 12 }),
    );
    const meta: ModelMeta = {
      task: { kind: "classification", target: "species", classes: ["setosa", "versicolor", "virginica"] },
      preprocessing: {
        features: ["a", "b", "c", "d"],
        mean: [5.8, 3.05, 3.76, 1.2],
        std: [0.83, 0.43, 1.76, 0.76],
      },
      loss: "crossEntropy",
    };
    saveModel(join(dir, "iris"), net, meta);
    const loaded = loadModel(join(dir, "iris"));
    const bytes = exportOnnx(loaded.model, { preprocessing: loaded.meta.preprocessing, appendSoftmax: true });
    const raw = randn([7, 4], { seed: 13 }).add(4);
    const { mean, std } = meta.preprocessing;
    const expected = noGrad(() =>
      net
        .eval()
        .forward(raw.sub(tensor(mean)).div(tensor(std)))
        .softmax(-1),
    );
    expectWithin((await runOnnx(bytes, raw)).values, expected);
  });
});

describe("exportOnnx's ModelProto", () => {
  it("declares opset and IR version, a dynamic batch, and weights named as the parameters", () => {
    const net = new nn.Sequential(
      new nn.Linear(3, 4, { seed: 1 }),
      new nn.ReLU(),
      new nn.Linear(4, 2, { seed: 2, bias: false }),
    );
    const model = decode(exportOnnx(net, { metadata: { classes: "a,b" } }));
    expect(model.irVersion).toBe(8);
    expect(model.opsetImport).toEqual([{ domain: "", version: 17 }]);
    expect(model.producerName).toBe("chainrule");
    expect(model.metadataProps).toEqual([{ key: "classes", value: "a,b" }]);
    const { graph } = model;
    expect(graph.input[0].name).toBe("input");
    expect(graph.input[0].type.tensorType.elemType).toBe(1);
    expect(graph.input[0].type.tensorType.shape.dim).toEqual([{ dimParam: "batch" }, { dimValue: 3 }]);
    expect(graph.output[0].type.tensorType.shape.dim).toEqual([{ dimParam: "batch" }, { dimValue: 2 }]);
    expect(graph.node.map((n: { opType: string }) => n.opType)).toEqual(["Gemm", "Relu", "Gemm"]);
    expect(graph.node[0].attribute).toEqual([{ name: "transB", type: 2, i: 1 }]);
    expect(graph.node[2].output).toEqual(["output"]);
    expect(graph.initializer.map((t: { name: string; dims: number[] }) => [t.name, t.dims])).toEqual([
      ["0.weight", [4, 3]],
      ["0.bias", [4]],
      ["2.weight", [2, 4]],
    ]);
    // raw_data holds the weights little-endian, bit for bit.
    const raw = Uint8Array.from(graph.initializer[0].rawData as number[]);
    expect(Array.from(new Float32Array(raw.buffer))).toEqual(
      Array.from((lin(net, 0).weight as Tensor)._storage),
    );
    expect(decode(exportOnnx(net, { opset: 21 })).irVersion).toBe(10);
    const f64 = new nn.Sequential(new nn.Linear(2, 2, { dtype: "float64" }));
    expect(decode(exportOnnx(f64)).graph.initializer[0].dataType).toBe(11);
  });

  it("rejects what it cannot export, naming the layer or option", () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(ChainruleError);
        return (e as Error).message;
      }
      throw new Error("expected an error");
    };
    const net = new nn.Sequential(new nn.Linear(3, 2));
    expect(err(() => exportOnnx(new nn.Sequential(new nn.Linear(2, 2), new nn.Softplus())))).toBe(
      "exportOnnx: expected layers of type Linear, ReLU, Sigmoid, Tanh, GELU, LeakyReLU, Softmax or Dropout, got Softplus at layer 1",
    );
    expect(err(() => exportOnnx(new nn.Linear(2, 2) as unknown as nn.Sequential))).toBe(
      "exportOnnx: expected an nn.Sequential, got a Linear",
    );
    expect(err(() => exportOnnx(net, { opset: 12 }))).toBe(
      "exportOnnx: expected opset to be an integer in [13, 23], got 12",
    );
    expect(err(() => exportOnnx(net, { preprocessing: { features: ["a"], mean: [0], std: [1] } }))).toBe(
      "exportOnnx: expected preprocessing for 3 features (the first Linear's inFeatures), got 1",
    );
    expect(
      err(() =>
        exportOnnx(net, { preprocessing: { features: ["a", "b", "c"], mean: [0, 0, 0], std: [1, 0, 1] } }),
      ),
    ).toBe(
      "exportOnnx: preprocessing.std[1]: expected a positive standard deviation (1 for a constant feature), got 0",
    );
    expect(err(() => exportOnnx(new nn.Sequential(new nn.Linear(3, 1)), { appendSoftmax: true }))).toMatch(
      /^exportOnnx: expected a model with at least 2 outputs for appendSoftmax, got 1/,
    );
    expect(err(() => exportOnnx(net, { appendSoftmax: true, appendSigmoid: true }))).toBe(
      "exportOnnx: expected at most one of appendSoftmax and appendSigmoid, got both",
    );
    expect(err(() => exportOnnx(new nn.Sequential(new nn.Linear(3, 2), new nn.Softmax(2))))).toMatch(
      /^exportOnnx: expected Softmax at layer 1 to use dim -2, -1, 0 or 1/,
    );
    expect(err(() => exportOnnx(net, { inputName: "x", outputName: "x" }))).toBe(
      'exportOnnx: expected different input and output names, got "x" for both',
    );
  });

  it("does not append a second softmax to a model that ends with one", () => {
    const net = new nn.Sequential(new nn.Linear(3, 2), new nn.Softmax(-1), new nn.Dropout(0.1));
    const ops = decode(exportOnnx(net, { appendSoftmax: true })).graph.node.map(
      (n: { opType: string }) => n.opType,
    );
    expect(ops).toEqual(["Gemm", "Softmax"]);
  });
});
