// Tests of the nn modules: discovery and naming, train/eval, state dicts, Linear, Sequential, activations,
// Dropout and the initialisers. Reference values were computed independently in float64 (NumPy).

import { describe, expect, it } from "vitest";
import { manualSeed, ones, randn, type Tensor, tensor, zeros } from "../src/core.js";
import { ShapeError, TypeMismatchError, ValueError } from "../src/errors.js";
import * as nn from "../src/nn/index.js";
import { expectClose, expectGradcheck, values } from "./support/numeric.js";

const f64 = { dtype: "float64" as const };

class MLP extends nn.Module {
  fc1 = new nn.Linear(2, 4, { seed: 1 });
  act = new nn.Tanh();
  fc2 = new nn.Linear(4, 1, { seed: 2 });
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
  }
}

describe("Module discovery and naming", () => {
  it("names the parameters of a custom module by field, in declaration order", () => {
    const net = new MLP();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      "fc1.weight",
      "fc1.bias",
      "fc2.weight",
      "fc2.bias",
    ]);
    expect(net.parameters()).toEqual([net.fc1.weight, net.fc1.bias, net.fc2.weight, net.fc2.bias]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(["fc1", "act", "fc2"]);
    expect(net.children()).toEqual([net.fc1, net.act, net.fc2]);
    expect(net.modules()).toEqual([net, net.fc1, net.act, net.fc2]);
    expect(net.namedModules().map(([n]) => n)).toEqual(["", "fc1", "act", "fc2"]);
  });

  it("names nested Sequential parameters PyTorch-style", () => {
    const net = new nn.Sequential(
      new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU()),
      new nn.Linear(4, 2),
      new nn.Sequential(new nn.Sigmoid(), new nn.Linear(2, 1, { bias: false })),
    );
    expect(net.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ["0.0.weight", [4, 3]],
      ["0.0.bias", [4]],
      ["1.weight", [2, 4]],
      ["1.bias", [2]],
      ["2.1.weight", [1, 2]],
    ]);
    expect(net.namedModules().map(([n]) => n)).toEqual(["", "0", "0.0", "0.1", "1", "2", "2.0", "2.1"]);
    expect(Object.keys(net.stateDict())).toEqual([
      "0.0.weight",
      "0.0.bias",
      "1.weight",
      "1.bias",
      "2.1.weight",
    ]);
  });

  it("deduplicates shared parameters and modules but keeps every name in the state dict", () => {
    const shared = new nn.Linear(3, 3);
    const net = new nn.Sequential(shared, new nn.Tanh(), shared);
    expect(net.parameters()).toHaveLength(2);
    expect(net.namedParameters().map(([n]) => n)).toEqual(["0.weight", "0.bias"]);
    expect(net.modules()).toHaveLength(3);
    expect(Object.keys(net.stateDict())).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
  });

  it("discovers arrays of modules and tensors, frozen parameters, buffers and run-time names", () => {
    class Net extends nn.Module {
      scale = tensor([1, 2], { requiresGrad: true });
      frozen = tensor([3]);
      layers = [new nn.Linear(2, 2), new nn.Linear(2, 2)];
      extra = [tensor([0], { requiresGrad: true })];
      count = 3;
      label = "net";
      nothing = null;
      constructor() {
        super();
        this.registerBuffer("runningMean", zeros([2]));
        this.registerModule("head", new nn.Linear(2, 1));
        this.registerParameter("w0", ones([1], { requiresGrad: true }));
      }
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      "scale",
      "frozen",
      "extra.0",
      "w0",
      "layers.0.weight",
      "layers.0.bias",
      "layers.1.weight",
      "layers.1.bias",
      "head.weight",
      "head.bias",
    ]);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(["runningMean"]);
    expect(Object.keys(net.stateDict())).toContain("runningMean");
    expect(net.namedChildren().map(([n]) => n)).toEqual(["layers.0", "layers.1", "head"]);
    expect(() => net.registerModule("a.b", new nn.ReLU())).toThrow(ValueError);
    expect(() => net.registerParameter("p", 3 as unknown as Tensor)).toThrow(TypeMismatchError);
  });

  it("types forward by its generic parameters (several inputs)", () => {
    class Bilinear extends nn.Module<[Tensor, Tensor], Tensor> {
      w = tensor([[2]], { requiresGrad: true });
      forward(a: Tensor, b: Tensor): Tensor {
        return a.matmul(this.w).mul(b);
      }
    }
    const m = new Bilinear();
    expect(m.forward(tensor([[3]]), tensor([[4]])).item()).toBe(24);
    const holder = new nn.Sequential();
    holder.registerModule("bilinear", m);
    expect(holder.namedParameters().map(([n]) => n)).toEqual(["bilinear.w"]);
  });

  it("survives a module that holds its parent (a cycle)", () => {
    const inner = new nn.Sequential(new nn.Linear(1, 1));
    const outer = new nn.Sequential(inner);
    (inner as unknown as { parent: nn.AnyModule }).parent = outer;
    expect(outer.parameters()).toHaveLength(2);
    expect(Object.keys(outer.stateDict())).toEqual(["0.0.weight", "0.0.bias"]);
  });

  it("prints the module tree", () => {
    const net = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Dropout(0.1));
    expect(String(net)).toBe(
      "Sequential(\n  (0): Linear(inFeatures=2, outFeatures=3, bias=true)\n  (1): ReLU()\n  (2): Dropout(p=0.1)\n)",
    );
  });
});

describe("Module train/eval and zeroGrad", () => {
  it("propagates the training flag to every submodule", () => {
    const net = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.Dropout()));
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.train(false);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    expect(() => net.train("yes" as unknown as boolean)).toThrow(TypeMismatchError);
  });

  it("zeroGrad sets gradients to null by default, or to zeros", () => {
    const net = new MLP();
    net
      .forward(tensor([[1, 2]]))
      .sum()
      .backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad(false);
    expect(net.parameters().every((p) => p.grad !== null && values(p.grad).every((v) => v === 0))).toBe(true);
    expect(net.fc1.weight.grad?.shape).toEqual([4, 2]);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });
});

describe("Module state dicts", () => {
  it("returns detached copies that share no storage", () => {
    const layer = new nn.Linear(2, 3, { seed: 0 });
    const state = layer.stateDict();
    expect(Object.keys(state)).toEqual(["weight", "bias"]);
    expect(state.weight).not.toBe(layer.weight);
    expect(state.weight.requiresGrad).toBe(false);
    expect(state.weight.toArray()).toEqual(layer.weight.toArray());
    layer.weight._storage[0] += 1;
    expect(state.weight._storage[0]).not.toBe(layer.weight._storage[0]);
  });

  it("round-trips between modules in place, keeping tensor identity", () => {
    const a = new MLP();
    const b = new nn.Sequential();
    class Same extends nn.Module {
      fc1 = new nn.Linear(2, 4, { seed: 10 });
      act = new nn.Tanh();
      fc2 = new nn.Linear(4, 1, { seed: 11 });
      forward(x: Tensor): Tensor {
        return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
      }
    }
    const c = new Same();
    const weight = c.fc1.weight;
    const x = randn([5, 2], { seed: 3 });
    expect(c.forward(x).toArray()).not.toEqual(a.forward(x).toArray());
    const result = c.loadStateDict(new Map(Object.entries(a.stateDict())));
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(c.fc1.weight).toBe(weight);
    expect(c.fc1.weight.requiresGrad).toBe(true);
    expect(c.forward(x).toArray()).toEqual(a.forward(x).toArray());
    expect(b.stateDict()).toEqual({});
  });

  it("rejects missing and unexpected keys in strict mode, naming them", () => {
    const layer = new nn.Linear(2, 3);
    const { weight } = layer.stateDict();
    expect(() => layer.loadStateDict({ weight })).toThrow(ValueError);
    expect(() => layer.loadStateDict({ weight })).toThrow(/nn\.Module\.loadStateDict: .*missing keys "bias"/);
    const extra = { ...layer.stateDict(), "fc.bias": zeros([3]) };
    expect(() => layer.loadStateDict(extra)).toThrow(/unexpected keys "fc\.bias"/);
  });

  it("loads a subset with strict: false and reports the differences", () => {
    const layer = new nn.Linear(2, 3);
    const bias = tensor([1, 2, 3]);
    const result = layer.loadStateDict({ bias, other: zeros([1]) }, { strict: false });
    expect(result).toEqual({ missingKeys: ["weight"], unexpectedKeys: ["other"] });
    expect(layer.bias?.toArray()).toEqual([1, 2, 3]);
    expect(layer.bias).not.toBe(bias);
  });

  it("rejects shape and dtype mismatches naming the key, and writes nothing then", () => {
    const layer = new nn.Linear(2, 3, { seed: 0 });
    const before = layer.stateDict();
    const badShape = { weight: zeros([2, 3]), bias: zeros([3]) };
    expect(() => layer.loadStateDict(badShape)).toThrow(ShapeError);
    expect(() => layer.loadStateDict(badShape)).toThrow(
      'nn.Module.loadStateDict: expected shape [3, 2] for key "weight", got [2, 3]',
    );
    expect(layer.bias?.toArray()).toEqual(before.bias.toArray());
    const badDtype = { weight: zeros([3, 2]), bias: zeros([3], f64) };
    expect(() => layer.loadStateDict(badDtype)).toThrow(
      'nn.Module.loadStateDict: expected dtype float32 for key "bias", got float64',
    );
    expect(layer.weight.toArray()).toEqual(before.weight.toArray());
    expect(() =>
      layer.loadStateDict({ weight: zeros([3, 2]), bias: [0, 0, 0] as unknown as Tensor }),
    ).toThrow(TypeMismatchError);
    expect(() => layer.loadStateDict(null as unknown as Record<string, Tensor>)).toThrow(TypeMismatchError);
  });
});

describe("nn.Linear", () => {
  const W = [
    [0.1, -0.2, 0.3],
    [0.4, 0.5, -0.6],
  ];
  const b = [0.01, -0.02];
  function fixed(): nn.Linear {
    const layer = new nn.Linear(3, 2, f64);
    layer.loadStateDict({ weight: tensor(W, f64), bias: tensor(b, f64) });
    return layer;
  }

  it("computes x W^T + b for batches, extra batch dims and 1-D inputs", () => {
    const layer = fixed();
    const x = tensor(
      [
        [1, 2, 3],
        [-1, 0.5, 2],
      ],
      f64,
    );
    const expected = [0.6099999999999999, -0.42000000000000004, 0.41, -1.37];
    const y = layer.forward(x);
    expect(y.shape).toEqual([2, 2]);
    expectClose(y, expected);
    const y3 = layer.forward(x.reshape([1, 2, 3]));
    expect(y3.shape).toEqual([1, 2, 2]);
    expectClose(y3, expected);
    const y1 = layer.forward(tensor([1, 2, 3], f64));
    expect(y1.shape).toEqual([2]);
    expectClose(y1, expected.slice(0, 2));
  });

  it("has PyTorch's parameter shapes and default init bound 1/sqrt(inFeatures)", () => {
    const layer = new nn.Linear(16, 8, { seed: 0 });
    expect(layer.weight.shape).toEqual([8, 16]);
    expect(layer.bias?.shape).toEqual([8]);
    expect(layer.weight.requiresGrad && layer.bias?.requiresGrad).toBe(true);
    expect(layer.weight.dtype).toBe("float32");
    const bound = 1 / Math.sqrt(16);
    expect(values(layer.weight).every((v) => Math.abs(v) <= bound)).toBe(true);
    expect(values(layer.bias!).every((v) => Math.abs(v) <= bound)).toBe(true);
    expect(Math.max(...values(layer.weight).map(Math.abs))).toBeGreaterThan(0.8 * bound);
    expect(new nn.Linear(2, 2, { bias: false }).bias).toBeNull();
    expect(new nn.Linear(2, 2, { bias: false }).parameters()).toHaveLength(1);
  });

  it("is reproducible with a seed", () => {
    const a = new nn.Linear(4, 3, { seed: 7 });
    const b = new nn.Linear(4, 3, { seed: 7 });
    const c = new nn.Linear(4, 3, { seed: 8 });
    expect(a.weight.toArray()).toEqual(b.weight.toArray());
    expect(a.bias?.toArray()).toEqual(b.bias?.toArray());
    expect(a.weight.toArray()).not.toEqual(c.weight.toArray());
  });

  it("supports the named init schemes", () => {
    const big = (init: nn.LinearInit) => new nn.Linear(200, 100, { init, seed: 1, dtype: "float64" });
    const std = (t: Tensor) => Math.sqrt(values(t).reduce((s, v) => s + v * v, 0) / t.size);
    const maxAbs = (t: Tensor) => Math.max(...values(t).map(Math.abs));
    expect(maxAbs(big("xavier-uniform").weight)).toBeLessThanOrEqual(Math.sqrt(6 / 300));
    expect(maxAbs(big("xavier-uniform").weight)).toBeGreaterThan(0.95 * Math.sqrt(6 / 300));
    expect(maxAbs(big("kaiming-uniform").weight)).toBeLessThanOrEqual(Math.sqrt(6 / 200));
    expect(std(big("kaiming-normal").weight)).toBeCloseTo(Math.sqrt(2 / 200), 2);
    expect(std(big("xavier-normal").weight)).toBeCloseTo(Math.sqrt(2 / 300), 2);
    expect(std(big("normal").weight)).toBeCloseTo(0.01, 3);
    const z = big("zeros");
    expect(values(z.weight).every((v) => v === 0) && values(z.bias!).every((v) => v === 0)).toBe(true);
    expect(big("default").weight.dtype).toBe("float64");
  });

  it("has gradients that match central differences", () => {
    const x = randn([3, 4], { seed: 1, dtype: "float64" });
    const w = randn([2, 4], { seed: 2, dtype: "float64" });
    const bias = randn([2], { seed: 3, dtype: "float64" });
    const layer = new nn.Linear(4, 2, f64);
    expectGradcheck(
      (xx, ww, bb) => {
        layer.weight = ww;
        layer.bias = bb;
        return layer.forward(xx).tanh().sum();
      },
      [x, w, bias],
    );
  });

  it("validates its arguments and its input", () => {
    expect(() => new nn.Linear(0, 2)).toThrow("nn.Linear: inFeatures must be an integer >= 1, got 0");
    expect(() => new nn.Linear(2, 1.5)).toThrow(ValueError);
    expect(() => new nn.Linear("3" as unknown as number, 2)).toThrow(TypeMismatchError);
    expect(() => new nn.Linear(2, 2, { init: "he" as nn.LinearInit })).toThrow(/init must be one of/);
    expect(() => new nn.Linear(2, 2, { bias: 1 as unknown as boolean })).toThrow(TypeMismatchError);
    const layer = new nn.Linear(3, 2);
    expect(() => layer.forward(zeros([2, 4]))).toThrow(ShapeError);
    expect(() => layer.forward(zeros([2, 4]))).toThrow(
      "nn.Linear: expected input with last dimension 3, got shape [2, 4]",
    );
    expect(() => layer.forward(tensor(1))).toThrow(ShapeError);
    expect(() => layer.forward([1, 2, 3] as unknown as Tensor)).toThrow(TypeMismatchError);
  });
});

describe("nn.Sequential", () => {
  it("chains its modules and is indexable", () => {
    const l1 = new nn.Linear(3, 4, { seed: 0 });
    const l2 = new nn.Linear(4, 2, { seed: 1 });
    const net = new nn.Sequential(l1, new nn.ReLU(), l2);
    const x = randn([5, 3], { seed: 2 });
    expect(net.forward(x).toArray()).toEqual(l2.forward(l1.forward(x).relu()).toArray());
    expect(net.length).toBe(3);
    expect(net.at(0)).toBe(l1);
    expect(net.at(-1)).toBe(l2);
    expect(net[2]).toBe(l2);
    expect([...net]).toHaveLength(3);
    expect(() => net.at(3)).toThrow(ValueError);
    expect(() => net.at(-4)).toThrow("nn.Sequential.at: index must be an integer in [-3, 3), got -4");
  });

  it("appends, and is the identity when empty", () => {
    const x = tensor([1, -2]);
    expect(new nn.Sequential().forward(x)).toBe(x);
    const net = new nn.Sequential().append(new nn.ReLU());
    expect(net.length).toBe(1);
    expect(net.forward(x).toArray()).toEqual([1, 0]);
    expect(() => new nn.Sequential(((t: Tensor) => t) as unknown as nn.TensorModule)).toThrow(
      TypeMismatchError,
    );
  });
});

describe("activation modules", () => {
  const xs = [-3, -1, -0.5, 0, 0.5, 1, 3];
  const x = () => tensor(xs, f64);
  it.each([
    [
      "Sigmoid",
      () => new nn.Sigmoid(),
      [
        0.04742587317756678, 0.2689414213699951, 0.3775406687981454, 0.5, 0.6224593312018546,
        0.7310585786300049, 0.9525741268224334,
      ],
    ],
    [
      "Tanh",
      () => new nn.Tanh(),
      [
        -0.9950547536867305, -0.7615941559557649, -0.46211715726000974, 0, 0.46211715726000974,
        0.7615941559557649, 0.9950547536867305,
      ],
    ],
    ["ReLU", () => new nn.ReLU(), [0, 0, 0, 0, 0.5, 1, 3]],
    ["LeakyReLU(0.1)", () => new nn.LeakyReLU(0.1), [-0.30000000000000004, -0.1, -0.05, 0, 0.5, 1, 3]],
    ["LeakyReLU()", () => new nn.LeakyReLU(), [-0.03, -0.01, -0.005, 0, 0.5, 1, 3]],
    [
      "GELU",
      () => new nn.GELU(),
      [
        -0.00404969409489031, -0.15865525393145707, -0.15426876936299344, 0, 0.34573123063700656,
        0.8413447460685429, 2.99595030590511,
      ],
    ],
    [
      "Softplus",
      () => new nn.Softplus(),
      [
        0.04858735157374206,
        0.31326168751822286,
        0.4740769841801067,
        Math.LN2,
        0.9740769841801067,
        1.3132616875182228,
        3.048587351573742,
      ],
    ],
    [
      "Softplus(beta=2)",
      () => new nn.Softplus({ beta: 2 }),
      [
        0.0012378425688652247, 0.06346400552148625, 0.15663084375911143, 0.34657359027997264,
        0.6566308437591114, 1.0634640055214863, 3.001237842568865,
      ],
    ],
    [
      "SiLU",
      () => new nn.SiLU(),
      [
        -0.14227761953270035, -0.2689414213699951, -0.1887703343990727, 0, 0.3112296656009273,
        0.7310585786300049, 2.8577223804673,
      ],
    ],
    ["Identity", () => new nn.Identity(), xs],
  ] as const)("%s matches the reference", (_name, make, expected) => {
    const module = make();
    expect(module.parameters()).toEqual([]);
    expectClose(module.forward(x()), [...expected], 1e-7);
  });

  it("Softmax and LogSoftmax normalise along dim (default last)", () => {
    const m = tensor(
      [
        [1, 2, 0.5],
        [0.1, -1, 3],
      ],
      f64,
    );
    expectClose(
      new nn.Softmax().forward(m),
      [
        0.23122389762214907, 0.6285317192117624, 0.14024438316608848, 0.05126360570834367,
        0.017064171986407414, 0.9316722223052489,
      ],
    );
    expectClose(
      new nn.LogSoftmax().forward(m),
      [
        -1.464368784107945, -0.46436878410794485, -1.964368784107945, -2.970774218960491, -4.070774218960492,
        -0.07077421896049137,
      ],
    );
    expectClose(
      new nn.Softmax(0).forward(m),
      [
        0.7109495026250039, 0.9525741268224334, 0.07585818002124356, 0.289050497374996, 0.04742587317756679,
        0.9241418199787566,
      ],
    );
    expect(() => new nn.Softmax(0.5)).toThrow(ValueError);
  });

  it("take their arguments positionally or by name", () => {
    expect(new nn.Softmax({ dim: 0 }).dim).toBe(0);
    expect(new nn.LogSoftmax({}).dim).toBe(-1);
    expect(new nn.LeakyReLU({ negativeSlope: 0.2 }).negativeSlope).toBe(0.2);
    expect(new nn.Softplus(2).beta).toBe(2);
    const drop = new nn.Dropout({ p: 0.3, seed: 1 });
    expect(drop.p).toBe(0.3);
    expect(drop.forward(ones([8])).toArray()).toEqual(
      new nn.Dropout(0.3, { seed: 1 }).forward(ones([8])).toArray(),
    );
    expect(() => new nn.LeakyReLU(Number.NaN)).toThrow(ValueError);
    expect(() => new nn.Softplus({ beta: 0 })).toThrow(ValueError);
  });

  it("Identity returns its input; Flatten keeps the batch dim", () => {
    const t = zeros([2, 3, 4]);
    expect(new nn.Identity().forward(t)).toBe(t);
    expect(new nn.Flatten().forward(t).shape).toEqual([2, 12]);
    expect(new nn.Flatten(0).forward(t).shape).toEqual([24]);
  });

  it("activation gradients match central differences", () => {
    const input = tensor([-1.3, -0.2, 0.4, 2.1], f64);
    for (const module of [
      new nn.Sigmoid(),
      new nn.Tanh(),
      new nn.GELU(),
      new nn.Softplus({ beta: 3 }),
      new nn.LeakyReLU(0.2),
      new nn.SiLU(),
    ]) {
      expectGradcheck(
        (t) =>
          module
            .forward(t)
            .mul(tensor([1, -2, 3, 0.5], f64))
            .sum(),
        [input],
      );
    }
    const logits = tensor([[0.3, -1, 2]], f64);
    expectGradcheck(
      (t) =>
        new nn.Softmax()
          .forward(t)
          .mul(tensor([[1, 2, -3]], f64))
          .sum(),
      [logits],
    );
    expectGradcheck(
      (t) =>
        new nn.LogSoftmax()
          .forward(t)
          .mul(tensor([[1, 2, -3]], f64))
          .sum(),
      [logits],
    );
  });
});

describe("nn.Dropout", () => {
  it("zeroes about p of the elements and scales the rest by 1 / (1 - p) in training mode", () => {
    const drop = new nn.Dropout(0.25, { seed: 42 });
    const y = drop.forward(ones([100, 100]));
    const kept = values(y).filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(kept.length / 10000).toBeGreaterThan(0.73);
    expect(kept.length / 10000).toBeLessThan(0.77);
  });

  it("is the identity in eval mode and at p = 0", () => {
    const x = randn([4, 4], { seed: 0 });
    const drop = new nn.Dropout(0.5);
    drop.eval();
    expect(drop.forward(x)).toBe(x);
    expect(new nn.Dropout(0).forward(x)).toBe(x);
  });

  it("zeroes everything at p = 1", () => {
    const y = new nn.Dropout(1).forward(randn([3, 3], { seed: 0 }));
    expect(values(y).every((v) => v === 0)).toBe(true);
  });

  it("is reproducible with a seed, with a new mask at each call", () => {
    const a = new nn.Dropout(0.5, { seed: 3 });
    const b = new nn.Dropout(0.5, { seed: 3 });
    const x = ones([64]);
    const a1 = a.forward(x).toArray();
    const a2 = a.forward(x).toArray();
    expect(b.forward(x).toArray()).toEqual(a1);
    expect(b.forward(x).toArray()).toEqual(a2);
    expect(a1).not.toEqual(a2);
  });

  it("draws from the global generator without a seed (reproducible with manualSeed)", () => {
    const x = ones([32]);
    manualSeed(123);
    const a = new nn.Dropout(0.5).forward(x).toArray();
    manualSeed(123);
    const b = new nn.Dropout(0.5).forward(x).toArray();
    expect(a).toEqual(b);
  });

  it("passes the gradient through the mask", () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], { requiresGrad: true });
    const y = new nn.Dropout(0.5, { seed: 1 }).forward(x);
    y.sum().backward();
    expect(x.grad?.toArray()).toEqual(values(y).map((v, i) => v / (i + 1)));
  });

  it("validates p", () => {
    expect(() => new nn.Dropout(1.5)).toThrow("nn.Dropout: p must be a number in [0, 1], got 1.5");
    expect(() => new nn.Dropout(-0.1)).toThrow(ValueError);
    expect(() => new nn.Dropout(Number.NaN)).toThrow(ValueError);
    expect(() => new nn.Dropout(0.5, { seed: -1 })).toThrow(ValueError);
  });
});

describe("nn.init", () => {
  it("computes gains and fans as PyTorch", () => {
    expect(nn.init.calculateGain("linear")).toBe(1);
    expect(nn.init.calculateGain("sigmoid")).toBe(1);
    expect(nn.init.calculateGain("tanh")).toBeCloseTo(5 / 3, 15);
    expect(nn.init.calculateGain("relu")).toBeCloseTo(Math.SQRT2, 15);
    expect(nn.init.calculateGain("leakyRelu")).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(nn.init.calculateGain("leakyRelu", 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 15);
    expect(nn.init.calculateGain("selu")).toBe(0.75);
    expect(() => nn.init.calculateGain("swish" as nn.init.Nonlinearity)).toThrow(ValueError);
    expect(nn.init.computeFans([3, 2])).toEqual({ fanIn: 2, fanOut: 3 });
    expect(nn.init.computeFans([8, 4, 3, 3])).toEqual({ fanIn: 36, fanOut: 72 });
    expect(() => nn.init.computeFans([3])).toThrow(ShapeError);
  });

  it("draws within bounds and with the right spread, reproducibly", () => {
    const w = nn.init.kaimingUniform([400, 100], { seed: 0, dtype: "float64" });
    const bound = Math.sqrt(6 / 100);
    expect(values(w).every((v) => Math.abs(v) <= bound)).toBe(true);
    const fanOut = nn.init.kaimingNormal([400, 100], { seed: 0, mode: "fanOut", dtype: "float64" });
    const sd = Math.sqrt(values(fanOut).reduce((s, v) => s + v * v, 0) / fanOut.size);
    expect(sd).toBeCloseTo(Math.sqrt(2 / 400), 3);
    const u = nn.init.uniform([1000], 2, 3, { seed: 5 });
    expect(values(u).every((v) => v >= 2 && v <= 3)).toBe(true);
    const n = nn.init.normal([20000], 1, 2, { seed: 5, dtype: "float64" });
    const mean = values(n).reduce((s, v) => s + v, 0) / n.size;
    expect(mean).toBeCloseTo(1, 1);
    expect(nn.init.xavierUniform([3, 4], { seed: 9 }).toArray()).toEqual(
      nn.init.xavierUniform([3, 4], { seed: 9 }).toArray(),
    );
    expect(nn.init.xavierNormal([3, 4], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(nn.init.zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(() => nn.init.uniform([2], 1, 0)).toThrow(ValueError);
    expect(() => nn.init.normal([2], 0, -1)).toThrow(ValueError);
    expect(() => nn.init.zeros([2], { dtype: "int32" as "float32" })).toThrow(TypeMismatchError);
  });
});
