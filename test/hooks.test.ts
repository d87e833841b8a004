// Gradient hooks on tensors (registerHook, retainGrad) and on modules (forward pre/post, full backward).
import { AutogradError, grad, nn, type Tensor, TypeMismatchError, tensor } from "chainrule";
import { describe, expect, it } from "vitest";

describe("tensor hooks", () => {
  it("a leaf's hook sees the summed gradient of every path once per backward", () => {
    const x = tensor(2, { requiresGrad: true, dtype: "float64" });
    const seen: number[] = [];
    x.registerHook((g) => {
      seen.push(g.item());
    });
    // y = x·x + 3x: two paths through mul, one through the scaling; dy/dx = 2x + 3 = 7
    x.mul(x).add(x.mul(3)).backward();
    expect(seen).toEqual([7]);
    expect(x.grad?.item()).toBe(7);
  });

  it("a non-leaf's hook can replace the gradient flowing on", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(x);
    h.registerHook((g) => g.mul(10));
    h.sum().backward();
    // d/dx Σ x² = 2x, scaled by 10 at h
    expect(x.grad?.toArray()).toEqual([20, 40]);
  });

  it("a leaf's hook replaces what is added to .grad, and remove() stops it", () => {
    const w = tensor([1, -1], { requiresGrad: true });
    const handle = w.registerHook((g) => g.neg());
    w.mul(tensor([3, 4]))
      .sum()
      .backward();
    expect(w.grad?.toArray()).toEqual([-3, -4]);
    handle.remove();
    handle.remove(); // idempotent
    w.grad = null;
    w.mul(tensor([3, 4]))
      .sum()
      .backward();
    expect((w.grad as Tensor | null)?.toArray()).toEqual([3, 4]);
    expect(w._hooks).toBeNull();
  });

  it("hooks run in registration order, each on the previous one's result", () => {
    const x = tensor(1, { requiresGrad: true });
    const h = x.mul(5);
    h.registerHook((g) => g.add(1)); // 1 → 2
    h.registerHook((g) => g.mul(3)); // 2 → 6
    h.backward();
    expect(x.grad?.item()).toBe(30); // 6 · dh/dx = 6 · 5
  });

  it("retainGrad keeps a non-leaf's gradient, accumulating over backward calls", () => {
    const x = tensor(3, { requiresGrad: true, dtype: "float64" });
    const h = x.mul(2).retainGrad();
    expect(h.retainsGrad).toBe(true);
    expect(x.mul(2).retainsGrad).toBe(false);
    expect(x.retainsGrad).toBe(true);
    const y = h.pow(2);
    y.backward();
    expect(h.grad?.item()).toBe(12); // dy/dh = 2h = 12
    y.backward();
    expect(h.grad?.item()).toBe(24);
    expect(x.grad?.item()).toBe(48); // 2 · 12 · 2
  });

  it("retainGrad stores the hooked gradient (hooks run first)", () => {
    const x = tensor(1, { requiresGrad: true });
    const h = x.mul(4);
    h.registerHook((g) => g.mul(-1));
    h.retainGrad();
    h.mul(2).backward();
    expect(h.grad?.item()).toBe(-2);
    expect(x.grad?.item()).toBe(-8);
  });

  it("hooks fire inside grad() too, and grad() never writes .grad", () => {
    const f = (x: Tensor) => {
      const h = x.mul(2);
      h.registerHook((g) => g.mul(3));
      return h.sum();
    };
    const g = grad(f)(tensor([1, 1]));
    expect(g.toArray()).toEqual([6, 6]);
  });

  it("a hook's result is differentiable under createGraph", () => {
    const x = tensor(3, { requiresGrad: true, dtype: "float64" });
    const y = x.pow(3);
    // The hook squares the gradient reaching y (1), then dy/dx = 3x² = 27
    y.registerHook((g) => g.mul(x));
    y.backward(undefined, { createGraph: true });
    // x.grad = x · 3x² = 3x³ = 81, recorded: d/dx 3x³ = 9x² = 81
    expect(x.grad?.item()).toBe(81);
    expect(x.grad?.requiresGrad).toBe(true);
    const gx = x.grad!;
    x.grad = null;
    gx.backward();
    expect((x.grad as Tensor | null)?.item()).toBe(81);
  });

  it("rejects bad hooks with typed errors", () => {
    expect(() => tensor(1).registerHook((g) => g)).toThrow(AutogradError);
    const x = tensor([1, 2], { requiresGrad: true });
    // @ts-expect-error: not a function
    expect(() => x.registerHook(3)).toThrow(TypeMismatchError);
    const h = x.mul(1);
    h.registerHook(() => tensor([1, 2, 3]));
    expect(() => h.sum().backward()).toThrow(/registerHook: a hook's replacement gradient must have/);
    const k = x.mul(1);
    // @ts-expect-error: returns a number
    k.registerHook(() => 5);
    expect(() => k.sum().backward()).toThrow(TypeMismatchError);
    expect(() => tensor(1).retainGrad()).toThrow(AutogradError);
  });
});

describe("module hooks", () => {
  const seeded = () =>
    new nn.Sequential(new nn.Linear(2, 3, { seed: 1 }), new nn.Tanh(), new nn.Linear(3, 1, { seed: 2 }));

  it("forward pre-hooks and forward hooks see and may replace inputs and outputs, also inside Sequential", () => {
    const net = seeded();
    const x = tensor([[1, 2]]);
    const plain = net.forward(x).item();
    const calls: string[] = [];
    const pre = net[0].registerForwardPreHook((_m, [input]) => {
      calls.push("pre");
      return [input.mul(0)];
    });
    const post = net[1].registerForwardHook((m, [input], out) => {
      calls.push(`post ${m.constructor.name} ${input.shape} ${out.shape}`);
    });
    const zeroInput = net.forward(x).item();
    expect(calls).toEqual(["pre", "post Tanh 1,3 1,3"]);
    expect(zeroInput).toBeCloseTo(net.forward(tensor([[0, 0]])).item(), 6);
    const replace = net.registerForwardHook(() => tensor([[42]]));
    expect(net.forward(x).item()).toBe(42);
    pre.remove();
    post.remove();
    replace.remove();
    expect(net.forward(x).item()).toBe(plain);
    // No wrapper left behind, and discovery never saw one.
    expect(Object.hasOwn(net, "forward")).toBe(false);
    expect(Object.hasOwn(net[0], "forward")).toBe(false);
    expect(net.namedParameters().map(([n]) => n)).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
  });

  it("a pre-hook may return a single value for a one-argument forward", () => {
    const relu = new nn.ReLU();
    relu.registerForwardPreHook(() => tensor([-1, 5]));
    expect(relu.forward(tensor([3, 3])).toArray()).toEqual([0, 5]);
  });

  it("hooks wrap a forward defined as an own property and restore it", () => {
    class Twice extends nn.Module {
      forward = (x: Tensor): Tensor => x.mul(2);
    }
    const m = new Twice();
    const own = m.forward;
    const h = m.registerForwardHook((_m, _i, out) => out.add(1));
    expect(m.forward(tensor(1)).item()).toBe(3);
    h.remove();
    expect(m.forward).toBe(own);
    expect(m.forward(tensor(1)).item()).toBe(2);
  });

  it("a full backward hook gets dL/d(output) and dL/d(input), matching retainGrad", () => {
    const net = seeded();
    const x = tensor([
      [1, 2],
      [-0.5, 0.3],
    ]);
    const got: { gin: (Tensor | null)[]; gout: (Tensor | null)[] }[] = [];
    net[2].registerFullBackwardHook((_m, gin, gout) => {
      got.push({ gin, gout });
    });
    const first: (Tensor | null)[][] = [];
    net[0].registerFullBackwardHook((_m, gin) => {
      first.push(gin);
    });
    // Reference: the same net, intermediate gradients kept with retainGrad.
    const ref = seeded();
    const a = ref[1].forward(ref[0].forward(x)).retainGrad();
    const out = ref[2].forward(a).retainGrad();
    out.pow(2).sum().backward();

    net.forward(x).pow(2).sum().backward();
    expect(got).toHaveLength(1);
    expect(got[0].gout[0]?.toArray()).toEqual(out.grad?.toArray());
    const gin = got[0].gin[0]!.toArray() as number[][];
    const ref2 = a.grad!.toArray() as number[][];
    gin.flat().forEach((v, i) => {
      expect(v).toBeCloseTo(ref2.flat()[i], 6);
    });
    // The first layer's input is data: no gradient.
    expect(first).toEqual([[null]]);
  });

  it("a full backward hook can replace the input gradient of a one-input module", () => {
    const net = seeded();
    net[2].registerFullBackwardHook((_m, gin) => [gin[0]!.mul(0)]);
    net
      .forward(tensor([[1, 2]]))
      .sum()
      .backward();
    // Nothing flows below layer 2: the first layer's gradients are zero, layer 2's own are not.
    expect((net[0] as nn.Linear).weight.grad?.toArray()).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(Math.abs((net[2] as nn.Linear).weight.grad!.sum().item())).toBeGreaterThan(0);
  });

  it("a full backward hook on a two-input module gets both input gradients", () => {
    class Product extends nn.Module<[Tensor, Tensor], Tensor> {
      forward(a: Tensor, b: Tensor): Tensor {
        return a.mul(b);
      }
    }
    const m = new Product();
    const a = tensor([2, 3], { requiresGrad: true });
    const b = tensor([5, 7], { requiresGrad: true });
    const seen: number[][][] = [];
    m.registerFullBackwardHook((_m, gin, gout) => {
      seen.push([
        gin[0]!.toArray() as number[],
        gin[1]!.toArray() as number[],
        gout[0]!.toArray() as number[],
      ]);
    });
    const y = m.forward(a, b);
    y.sum().backward();
    y.sum().backward(); // a second pass fires again, with fresh state
    expect(seen).toEqual([
      [
        [5, 7],
        [2, 3],
        [1, 1],
      ],
      [
        [5, 7],
        [2, 3],
        [1, 1],
      ],
    ]);
    expect(a.grad?.toArray()).toEqual([10, 14]);
    m.registerFullBackwardHook((_m, gin) => gin);
    expect(() => m.forward(a, b).sum().backward()).toThrow(AutogradError);
  });

  it("rejects a hook that is not a function", () => {
    // @ts-expect-error: not a function
    expect(() => new nn.ReLU().registerForwardHook("x")).toThrow(TypeMismatchError);
  });
});
