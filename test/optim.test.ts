// Optimizers end to end with autograd, parameter groups, zeroGrad, state dicts, clipping and error cases.

import { describe, expect, it } from "vitest";
import { ShapeError, TypeMismatchError, ValueError } from "../src/errors.js";
import * as chainrule from "../src/index.js";
import { type NestedArray, type Tensor, tensor } from "../src/index.js";
import * as optim from "../src/optim/index.js";

const f64 = { dtype: "float64" as const };

function param(data: NestedArray, dtype: "float32" | "float64" = "float64"): Tensor {
  return tensor(data, { dtype, requiresGrad: true });
}

describe("optim namespace", () => {
  it("is exported from the package entry point as `optim`", () => {
    // Typed loosely so this file compiles before src/index.ts re-exports the namespace.
    const lib = chainrule as unknown as { optim?: typeof optim };
    expect(lib.optim?.SGD).toBe(optim.SGD);
    expect(lib.optim?.clipGradNorm).toBe(optim.clipGradNorm);
    expect(lib.optim?.StepLR).toBe(optim.StepLR);
  });
});

describe("end to end with autograd", () => {
  for (const dtype of ["float64", "float32"] as const) {
    it(`one SGD step on (w x + b - y)^2 is w - lr 2(wx+b-y)x, b - lr 2(wx+b-y) (${dtype})`, () => {
      const [w0, b0, x, y, lr] = [2, 0.5, 3, 4, 0.01];
      const w = param(w0, dtype);
      const b = param(b0, dtype);
      const opt = new optim.SGD([w, b], { lr });
      opt.zeroGrad();
      w.mul(x).add(b).sub(y).pow(2).backward();
      opt.step();
      const r = w0 * x + b0 - y;
      const tol = dtype === "float64" ? 1e-15 : 1e-6;
      expect(Math.abs(w.item() - (w0 - lr * 2 * r * x))).toBeLessThanOrEqual(tol);
      expect(Math.abs(b.item() - (b0 - lr * 2 * r))).toBeLessThanOrEqual(tol);
      expect(w.requiresGrad).toBe(true);
      expect(w.isLeaf).toBe(true);
    });
  }

  it("SGD with momentum fits a line by gradient descent", () => {
    const xs = tensor([0, 1, 2, 3, 4], f64);
    const ys = tensor([1, 3, 5, 7, 9], f64); // y = 2x + 1
    const w = param(0);
    const b = param(0);
    const opt = new optim.SGD([w, b], { lr: 0.02, momentum: 0.9 });
    for (let i = 0; i < 500; i++) {
      opt.zeroGrad();
      xs.mul(w).add(b).sub(ys).pow(2).mean().backward();
      opt.step();
    }
    expect(w.item()).toBeCloseTo(2, 6);
    expect(b.item()).toBeCloseTo(1, 6);
  });

  for (const [name, make] of [
    ["Adam", (p: Tensor[]) => new optim.Adam(p, { lr: 0.05 })],
    ["AdamW", (p: Tensor[]) => new optim.AdamW(p, { lr: 0.05, weightDecay: 0 })],
    ["Adam amsgrad", (p: Tensor[]) => new optim.Adam(p, { lr: 0.05, amsgrad: true })],
    ["RMSprop", (p: Tensor[]) => new optim.RMSprop(p, { lr: 0.01, momentum: 0.5 })],
  ] as const) {
    it(`${name} minimises an ill-conditioned quadratic`, () => {
      const target = tensor([1, -2, 3], f64);
      const scale = tensor([1, 10, 100], f64);
      const w = param([0, 0, 0]);
      const opt = make([w]);
      for (let i = 0; i < 2000; i++) {
        opt.zeroGrad();
        w.sub(target).pow(2).mul(scale).sum().backward();
        opt.step();
      }
      const got = w.toArray() as number[];
      [1, -2, 3].forEach((t, i) => {
        expect(Math.abs(got[i] - t)).toBeLessThan(1e-2);
      });
    });
  }

  it("step(closure) evaluates the closure with grad enabled and returns its loss", () => {
    const w = param([1, 2]);
    const opt = new optim.SGD([w], { lr: 0.5 });
    const loss = chainrule.noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = w.pow(2).sum();
        l.backward();
        return l;
      }),
    );
    expect(loss.item()).toBe(5);
    expect(w.toArray()).toEqual([0, 0]);
  });

  it("updates are invisible to autograd and keep parameters as leaves", () => {
    const w = param([1, 2]);
    const opt = new optim.Adam([w], { lr: 0.1 });
    w.mul(3).sum().backward();
    opt.step();
    expect(w.isLeaf).toBe(true);
    expect(w.gradFn).toBeNull();
    w.grad = null;
    w.mul(2).sum().backward();
    expect((w.grad as Tensor | null)?.toArray()).toEqual([2, 2]);
  });
});

describe("zeroGrad and skipped parameters", () => {
  it("zeroGrad() sets .grad to null (PyTorch's set_to_none default)", () => {
    const w = param([1, 2]);
    const opt = new optim.SGD([w], { lr: 0.1 });
    w.sum().backward();
    expect(w.grad).not.toBeNull();
    opt.zeroGrad();
    expect(w.grad).toBeNull();
  });

  it("zeroGrad(false) fills existing gradients with zeros", () => {
    const w = param([1, 2]);
    const opt = new optim.SGD([w], { lr: 0.1 });
    w.sum().backward();
    const g = w.grad;
    opt.zeroGrad(false);
    expect(w.grad).toBe(g);
    expect(w.grad?.toArray()).toEqual([0, 0]);
  });

  it("parameters with grad === null are skipped and get no state", () => {
    const a = param([1, 2]);
    const b = param([3, 4]);
    const opt = new optim.Adam([a, b], { lr: 0.1 });
    a.grad = tensor([1, 1], f64);
    opt.step();
    expect(b.toArray()).toEqual([3, 4]);
    expect(opt.state.has(b)).toBe(false);
    expect(opt.state.get(a)?.step).toBe(1);
  });

  it("frozen parameters (requiresGrad false) are accepted, as in PyTorch, and never move", () => {
    const frozen = tensor([5, 6], f64);
    const w = param([1]);
    const opt = new optim.SGD([w, frozen], { lr: 0.1, momentum: 0.9 });
    w.mul(2).sum().backward();
    opt.step();
    expect(frozen.toArray()).toEqual([5, 6]);
    expect(w.item()).toBeCloseTo(0.8, 15);
  });
});

describe("parameter groups and hyper-parameters", () => {
  it("fills each group from the defaults and keeps overrides", () => {
    const a = param([1]);
    const b = param([2]);
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5, momentum: 0.9 }], { lr: 0.1 });
    expect(opt.paramGroups).toHaveLength(2);
    expect(opt.paramGroups[0]).toMatchObject({
      lr: 0.1,
      momentum: 0,
      dampening: 0,
      nesterov: false,
      weightDecay: 0,
    });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.5, momentum: 0.9 });
    expect(opt.paramGroups[1].params[0]).toBe(b);
    a.grad = tensor([1], f64);
    b.grad = tensor([1], f64);
    opt.step();
    expect(a.item()).toBeCloseTo(0.9, 15);
    expect(b.item()).toBeCloseTo(1.5, 15);
  });

  it("defaults follow PyTorch", () => {
    const w = param([1]);
    expect(new optim.SGD([w]).defaults).toMatchObject({
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      nesterov: false,
    });
    expect(new optim.Adam([w]).defaults).toMatchObject({
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
    });
    expect(new optim.AdamW([w]).defaults).toMatchObject({ lr: 1e-3, weightDecay: 0.01 });
    expect(new optim.RMSprop([w]).defaults).toMatchObject({
      lr: 0.01,
      alpha: 0.99,
      eps: 1e-8,
      momentum: 0,
      centered: false,
    });
  });

  it("a group may give a single tensor and the constructor takes any iterable", () => {
    const a = param([1]);
    const b = param([2]);
    function* gen() {
      yield a;
      yield b;
    }
    expect(new optim.SGD(gen(), { lr: 0.1 }).paramGroups[0].params).toEqual([a, b]);
    expect(new optim.SGD([{ params: a }], { lr: 0.1 }).paramGroups[0].params).toEqual([a]);
  });

  it("lr reads the first group and sets every group", () => {
    const opt = new optim.Adam([{ params: [param([1])] }, { params: [param([2])], lr: 0.5 }], { lr: 0.1 });
    expect(opt.lr).toBe(0.1);
    opt.lr = 0.01;
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.01, 0.01]);
    expect(() => {
      opt.lr = -1;
    }).toThrow("optim.Adam: lr must be a non-negative number, got -1");
  });

  it("addParamGroup adds a validated group", () => {
    const a = param([1]);
    const b = param([2]);
    const opt = new optim.SGD([a], { lr: 0.1, momentum: 0.9 });
    opt.addParamGroup({ params: [b], lr: 0.2 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.2, momentum: 0.9 });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(ValueError);
    expect(() => opt.addParamGroup({ params: [param([3])], momentum: -1 })).toThrow(
      "optim.SGD: momentum must be a non-negative number, got -1",
    );
  });
});

describe("stateDict / loadStateDict", () => {
  function trained(make: (p: Tensor[]) => optim.Optimizer): { opt: optim.Optimizer; a: Tensor; b: Tensor } {
    const a = param([0.5, -1, 2]);
    const b = param([1, 2]);
    const opt = make([a, b]);
    for (let t = 0; t < 3; t++) {
      a.grad = tensor([0.1 * t - 0.2, 0.3, -0.4 + t], f64);
      b.grad = t === 1 ? null : tensor([1 - t, 0.5], f64);
      opt.step();
    }
    return { opt, a, b };
  }

  const makers: [string, (p: Tensor[]) => optim.Optimizer][] = [
    ["SGD", (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true })],
    ["Adam", (p) => new optim.Adam(p, { lr: 0.1, amsgrad: true })],
    ["AdamW", (p) => new optim.AdamW(p, { lr: 0.1 })],
    ["RMSprop", (p) => new optim.RMSprop(p, { lr: 0.1, centered: true, momentum: 0.5 })],
  ];

  for (const [name, make] of makers) {
    it(`${name}: a JSON round trip resumes the exact trajectory`, () => {
      const { opt, a, b } = trained(make);
      const saved = JSON.parse(JSON.stringify(opt.stateDict()));
      const a2 = param(a.toArray() as number[]);
      const b2 = param(b.toArray() as number[]);
      const opt2 = make([a2, b2]);
      opt2.loadStateDict(saved);
      for (const [p, q] of [
        [a, a2],
        [b, b2],
      ]) {
        p.grad = tensor(
          Array.from({ length: p.size }, (_, i) => 0.3 - 0.2 * i),
          f64,
        );
        q.grad = tensor(
          Array.from({ length: q.size }, (_, i) => 0.3 - 0.2 * i),
          f64,
        );
      }
      opt.step();
      opt2.step();
      expect(a2.toArray()).toEqual(a.toArray());
      expect(b2.toArray()).toEqual(b.toArray());
    });
  }

  it("lays out state like PyTorch: parameters numbered across groups, groups with hyper-parameters", () => {
    const a = param([1, 2]);
    const b = param([3]);
    const opt = new optim.Adam([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    b.grad = tensor([1], f64);
    opt.step();
    const sd = opt.stateDict();
    expect(sd.paramGroups).toEqual([
      {
        lr: 0.1,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: false,
        maximize: false,
        params: [0],
      },
      {
        lr: 0.5,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: false,
        maximize: false,
        params: [1],
      },
    ]);
    expect(Object.keys(sd.state)).toEqual(["1"]);
    expect(sd.state["1"].step).toBe(1);
    expect(sd.state["1"].expAvg).toEqual([0.09999999999999998]);
  });

  it("the saved dict is a copy, and hyper-parameters are restored", () => {
    const w = param([1, 2]);
    const opt = new optim.SGD([w], { lr: 0.1, momentum: 0.9 });
    w.grad = tensor([1, 1], f64);
    opt.step();
    opt.lr = 0.05;
    const sd = opt.stateDict();
    opt.step();
    expect(sd.state["0"].momentumBuffer).toEqual([1, 1]);
    const opt2 = new optim.SGD([param([1, 2])], { lr: 0.1, momentum: 0.9 });
    opt2.loadStateDict(sd);
    expect(opt2.lr).toBe(0.05);
    (sd.state["0"].momentumBuffer as number[])[0] = 99;
    expect(opt2.stateDict().state["0"].momentumBuffer).toEqual([1, 1]);
  });

  it("rejects a dict that does not fit, leaving the optimizer unchanged", () => {
    const opt = new optim.SGD([param([1, 2])], { lr: 0.1, momentum: 0.9 });
    const other = new optim.SGD([param([1, 2, 3])], { lr: 0.1, momentum: 0.9 });
    other.paramGroups[0].params[0].grad = tensor([1, 1, 1], f64);
    other.step();
    expect(() => opt.loadStateDict(other.stateDict())).toThrow(ShapeError);
    expect(() => opt.loadStateDict(other.stateDict())).toThrow(
      "optim.SGD.loadStateDict: state momentumBuffer of parameter 0 must be a number or an array of 2 numbers (parameter shape [2]), got an array of length 3",
    );
    expect(opt.state.size).toBe(0);
    const two = new optim.SGD([{ params: [param([1])] }, { params: [param([2])] }], { lr: 0.1 });
    expect(() => opt.loadStateDict(two.stateDict())).toThrow(
      "optim.SGD.loadStateDict: the number of parameter groups must match, got 2 saved for 1",
    );
    expect(() => opt.loadStateDict({ paramGroups: [{ lr: -1, params: [0] }], state: {} })).toThrow(
      "optim.SGD: lr must be a non-negative number, got -1",
    );
    expect(opt.lr).toBe(0.1);
  });
});

describe("hyper-parameter and argument errors", () => {
  const w = () => param([1, 2]);
  const cases: [string, () => unknown, new (...args: never[]) => Error, string][] = [
    [
      "negative lr",
      () => new optim.SGD([w()], { lr: -1 }),
      ValueError,
      "optim.SGD: lr must be a non-negative number, got -1",
    ],
    [
      "NaN lr",
      () => new optim.Adam([w()], { lr: Number.NaN }),
      ValueError,
      "optim.Adam: lr must be a non-negative number, got NaN",
    ],
    [
      "string lr",
      () => new optim.SGD([w()], { lr: "0.1" as unknown as number }),
      TypeMismatchError,
      'optim.SGD: lr must be a non-negative number, got "0.1"',
    ],
    [
      "negative momentum",
      () => new optim.SGD([w()], { lr: 0.1, momentum: -0.5 }),
      ValueError,
      "optim.SGD: momentum must be a non-negative number, got -0.5",
    ],
    [
      "negative weightDecay",
      () => new optim.SGD([w()], { lr: 0.1, weightDecay: -1 }),
      ValueError,
      "optim.SGD: weightDecay must be a non-negative number, got -1",
    ],
    [
      "nesterov without momentum",
      () => new optim.SGD([w()], { lr: 0.1, nesterov: true }),
      ValueError,
      "optim.SGD: nesterov requires momentum > 0 and dampening = 0, got momentum 0 and dampening 0",
    ],
    [
      "nesterov with dampening",
      () => new optim.SGD([w()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
      ValueError,
      "optim.SGD: nesterov requires momentum > 0 and dampening = 0, got momentum 0.9 and dampening 0.1",
    ],
    [
      "beta2 = 1",
      () => new optim.Adam([w()], { betas: [0.9, 1] }),
      ValueError,
      "optim.Adam: betas[1] must be a number in [0, 1), got 1",
    ],
    [
      "negative beta1",
      () => new optim.AdamW([w()], { betas: [-0.1, 0.9] }),
      ValueError,
      "optim.AdamW: betas[0] must be a number in [0, 1), got -0.1",
    ],
    [
      "betas not a pair",
      () => new optim.Adam([w()], { betas: [0.9] as unknown as [number, number] }),
      TypeMismatchError,
      "optim.Adam: betas must be a pair of numbers in [0, 1), got an array of length 1",
    ],
    [
      "negative eps",
      () => new optim.Adam([w()], { eps: -1e-8 }),
      ValueError,
      "optim.Adam: eps must be a non-negative number, got -1e-8",
    ],
    [
      "RMSprop negative alpha",
      () => new optim.RMSprop([w()], { alpha: -0.9 }),
      ValueError,
      "optim.RMSprop: alpha must be a non-negative number, got -0.9",
    ],
    [
      "boolean option",
      () => new optim.RMSprop([w()], { centered: 1 as unknown as boolean }),
      TypeMismatchError,
      "optim.RMSprop: centered must be a boolean, got 1",
    ],
    [
      "empty params",
      () => new optim.SGD([], { lr: 0.1 }),
      ValueError,
      "optim.SGD: params must be a non-empty array of tensors or of parameter groups, got an empty array",
    ],
    [
      "a bare tensor",
      () => new optim.SGD(w() as unknown as Tensor[], { lr: 0.1 }),
      TypeMismatchError,
      "optim.SGD: params must be an array of tensors or of parameter groups, got a float64 tensor of shape [2]; wrap it in an array",
    ],
    [
      "numbers",
      () => new optim.Adam([1, 2] as unknown as Tensor[]),
      TypeMismatchError,
      "optim.Adam: params must be an array of tensors or of parameter groups ({ params, ... }), got 1 at index 0",
    ],
    [
      "a non-leaf tensor",
      () => new optim.SGD([w().mul(2)], { lr: 0.1 }),
      ValueError,
      "optim.SGD: params[0] of group 0 must be a leaf tensor, got one computed by mul",
    ],
    [
      "a duplicate",
      () => {
        const p = w();
        return new optim.SGD([p, p], { lr: 0.1 });
      },
      ValueError,
      "optim.SGD: each parameter must appear once across all parameter groups",
    ],
    [
      "a bad group override",
      () => new optim.SGD([{ params: [w()], lr: -2 }], { lr: 0.1 }),
      ValueError,
      "optim.SGD: lr must be a non-negative number, got -2",
    ],
  ];
  for (const [name, fn, cls, message] of cases) {
    it(name, () => {
      expect(fn).toThrow(cls);
      expect(fn).toThrow(message);
    });
  }

  it("a gradient of the wrong shape cannot even be assigned (a ShapeError)", () => {
    const p = param([1, 2]);
    expect(() => {
      p.grad = tensor([1, 2, 3], f64);
    }).toThrow(ShapeError);
    expect(() => {
      p.grad = tensor([1, 2, 3], f64);
    }).toThrow(/grad: must match the tensor's shape \[2\] and dtype float64, got shape \[3\]/);
  });
});

describe("clipGradNorm", () => {
  it("returns the total 2-norm over all gradients and rescales them to maxNorm", () => {
    const a = param([0, 0]);
    const b = param([[0]]);
    a.grad = tensor([3, 4], f64);
    b.grad = tensor([[12]], f64);
    const total = optim.clipGradNorm([a, b], 1);
    expect(total).toBe(13);
    const c = 1 / (13 + 1e-6);
    expect(a.grad.toArray()).toEqual([3 * c, 4 * c]);
    expect(b.grad.toArray()).toEqual([[12 * c]]);
  });

  it("leaves gradients alone when the norm is below maxNorm, and ignores null gradients", () => {
    const a = param([0, 0]);
    const b = param([0]);
    a.grad = tensor([3, 4], f64);
    expect(optim.clipGradNorm([a, b], 10)).toBe(5);
    expect(a.grad.toArray()).toEqual([3, 4]);
    expect(b.grad).toBeNull();
    expect(optim.clipGradNorm([b], 1)).toBe(0);
  });

  it("matches numpy for 1-, 2-, 3- and inf-norms and accepts a single tensor", () => {
    const v = [0.5, -1.5, 2.0, -0.25, 3.0];
    const norms: [number, number][] = [
      [1, 7.25],
      [2, 3.944933459514875],
      [3, 3.3771134453615903],
      [Number.POSITIVE_INFINITY, 3],
    ];
    for (const [normType, expected] of norms) {
      const p = param(v);
      p.grad = tensor(v, f64);
      expect(Math.abs(optim.clipGradNorm(p, 100, { normType }) - expected)).toBeLessThanOrEqual(1e-14);
    }
    const p = param(v);
    p.grad = tensor(v, f64);
    optim.clipGradNorm([p], 1);
    const expected = [
      0.12674481797638967, -0.380234453929169, 0.5069792719055587, -0.06337240898819484, 0.760468907858338,
    ];
    (p.grad.toArray() as number[]).forEach((g, i) => {
      expect(Math.abs(g - expected[i])).toBeLessThanOrEqual(1e-15);
    });
  });

  it("works on float32 gradients and neither overflows nor underflows", () => {
    const p = param([0, 0], "float32");
    p.grad = tensor([3, 4]);
    expect(optim.clipGradNorm([p], 1)).toBe(5);
    expect(p.grad.dtype).toBe("float32");
    const big = param([0, 0]);
    big.grad = tensor([3e200, 4e200], f64);
    expect(optim.clipGradNorm([big], 1) / 5e200).toBeCloseTo(1, 14);
    const tiny = param([0, 0]);
    tiny.grad = tensor([3e-200, 4e-200], f64);
    expect(optim.clipGradNorm([tiny], 1) / 5e-200).toBeCloseTo(1, 14);
  });

  it("a non-finite total is no error by default, as PyTorch: NaN spreads, infinity zeroes", () => {
    const a = param([0, 0]);
    a.grad = tensor([Number.NaN, 1], f64);
    expect(optim.clipGradNorm([a], 1)).toBeNaN();
    expect(a.grad.toArray()).toEqual([Number.NaN, Number.NaN]);
    const b = param([0, 0]);
    b.grad = tensor([Number.POSITIVE_INFINITY, 1], f64);
    expect(optim.clipGradNorm([b], 1)).toBe(Number.POSITIVE_INFINITY);
    expect(b.grad.toArray()).toEqual([Number.NaN, 0]);
  });

  it("errorIfNonfinite throws and leaves gradients untouched", () => {
    const a = param([0, 0]);
    a.grad = tensor([Number.POSITIVE_INFINITY, 1], f64);
    expect(() => optim.clipGradNorm([a], 1, { errorIfNonfinite: true })).toThrow(
      "optim.clipGradNorm: the total 2-norm of the gradients must be finite, got Infinity",
    );
    expect(a.grad.toArray()).toEqual([Number.POSITIVE_INFINITY, 1]);
  });

  it("validates its arguments", () => {
    const a = param([0]);
    expect(() => optim.clipGradNorm([a], -1)).toThrow(
      "optim.clipGradNorm: maxNorm must be a non-negative number, got -1",
    );
    expect(() => optim.clipGradNorm([a], 1, { normType: 0 })).toThrow(
      "optim.clipGradNorm: normType must be a positive number, got 0",
    );
    expect(() => optim.clipGradNorm([1] as unknown as Tensor[], 1)).toThrow(
      "optim.clipGradNorm: params[0] must be a Tensor, got 1",
    );
  });
});

describe("clipGradValue", () => {
  it("clamps every gradient element to [-clipValue, clipValue], keeping NaN", () => {
    const a = param([0, 0, 0, 0]);
    a.grad = tensor([-3, 0.5, 2, Number.NaN], f64);
    optim.clipGradValue([a], 1);
    expect(a.grad.toArray()).toEqual([-1, 0.5, 1, Number.NaN]);
    expect(() => optim.clipGradValue([a], -1)).toThrow(
      "optim.clipGradValue: clipValue must be a non-negative number, got -1",
    );
  });
});
