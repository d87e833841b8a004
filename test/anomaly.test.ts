// Anomaly mode: the first op whose forward output or backward gradient is NaN or infinite throws AnomalyError.
import { AnomalyError, detectAnomaly, isAnomalyEnabled, nn, tensor } from "chainrule";
import { describe, expect, it } from "vitest";

/** The line number of the caller (to check that creation sites point at the test's own line). */
function here(): number {
  const frame = (new Error().stack ?? "").split("\n")[2];
  return Number(/:(\d+):\d+\)?$/.exec(frame)![1]);
}

function catchAnomaly(fn: () => unknown): AnomalyError {
  try {
    detectAnomaly(fn);
  } catch (e) {
    if (e instanceof AnomalyError) return e;
    throw e;
  }
  throw new Error("expected an AnomalyError");
}

describe("detectAnomaly", () => {
  it("catches log(0) = -Infinity in the forward pass, at the user's line", () => {
    let line = 0;
    const e = catchAnomaly(() => {
      const x = tensor([0, 1, 2], { requiresGrad: true });
      line = here() + 1;
      x.log().sum();
    });
    expect(e.op).toBe("log");
    expect(e.phase).toBe("forward");
    expect(e.site).toMatch(new RegExp(`test/anomaly\\.test\\.ts:${line}:\\d+$`));
    expect(e.output).toMatchObject({ size: 3, negInfCount: 1, nanCount: 0, min: 0 });
    expect(e.output.max).toBeCloseTo(Math.log(2), 6);
    expect(e.inputs[0]).toMatchObject({ shape: [3], min: 0, max: 2, mean: 1, nanCount: 0 });
    expect(e.message).toMatch(
      /^log: expected finite values in the forward pass, got 1 -Infinity among 3 output elements; created at /,
    );
    expect(e.creationStack.every((f) => !f.includes("/src/"))).toBe(true);
  });

  it("catches sqrt'(0) = Infinity in the backward pass, reporting where sqrt was created", () => {
    let line = 0;
    const e = catchAnomaly(() => {
      const x = tensor([0, 1, 4], { requiresGrad: true });
      line = here() + 1;
      const y = x.sqrt();
      y.sum().backward();
    });
    expect(e.op).toBe("sqrt");
    expect(e.phase).toBe("backward");
    expect(e.inputIndex).toBe(0);
    expect(e.site).toMatch(new RegExp(`anomaly\\.test\\.ts:${line}:`));
    // d/dx √x = 1/(2√x): Infinity at 0, 0.5 at 1, 0.25 at 4
    expect(e.output).toMatchObject({ posInfCount: 1, min: 0.25, max: 0.5 });
    expect(e.gradOutput).toMatchObject({ min: 1, max: 1, nanCount: 0 });
    expect(e.message).toMatch(
      /^sqrt: expected a finite gradient for input #0 in the backward pass, got 1 \+Infinity/,
    );
  });

  it("catches 0/0 = NaN in the forward pass", () => {
    const e = catchAnomaly(() => tensor([0, 1]).div(tensor([0, 2])));
    expect(e.op).toBe("div");
    expect(e.phase).toBe("forward");
    expect(e.output.nanCount).toBe(1);
    expect(e.inputs.map((s) => [s.min, s.max])).toEqual([
      [0, 1],
      [0, 2],
    ]);
  });

  it("catches a NaN that appears only in backward: d(a^b)/db = a^b log a for a negative base", () => {
    const e = catchAnomaly(() => {
      const a = tensor([-2, 3]);
      const b = tensor(2, { requiresGrad: true });
      const y = a.pow(b); // [4, 9]: finite
      expect(y.toArray()).toEqual([4, 9]);
      y.sum().backward();
    });
    expect(e.op).toBe("pow");
    expect(e.phase).toBe("backward");
    expect(e.inputIndex).toBe(1);
    expect(e.output.nanCount).toBe(1);
  });

  it("catches sqrt at 0 times 0: a finite forward whose backward is 0/0", () => {
    const e = catchAnomaly(() => {
      const x = tensor(0, { requiresGrad: true });
      const y = x.sqrt().mul(0);
      expect(y.item()).toBe(0);
      y.backward();
    });
    // mul's backward gives 0 to sqrt's output, then sqrt's rule computes 0 / (2·0) = NaN.
    expect(e.op).toBe("sqrt");
    expect(e.phase).toBe("backward");
    expect(e.gradOutput).toMatchObject({ min: 0, max: 0 });
    expect(e.output.nanCount).toBe(1);
  });

  it("points at the user's line through modules, not at chainrule's own files", () => {
    const net = new nn.Sequential(new nn.Linear(2, 2, { seed: 0 }), new nn.Tanh());
    (net[0] as nn.Linear).weight._storage[0] = Number.NaN;
    let line = 0;
    const e = catchAnomaly(() => {
      line = here() + 1;
      net.forward(tensor([[1, 1]]));
    });
    // Linear transposes its weight first: the first op that outputs the NaN.
    expect(e.op).toBe("permute");
    expect(e.site).toMatch(new RegExp(`anomaly\\.test\\.ts:${line}:`));
    expect(e.inputs[0]).toMatchObject({ shape: [2, 2], nanCount: 1 });
  });

  it("checkForward: false lets an infinite forward through and still checks backward", () => {
    const e = catchAnomaly(() => {
      const x = tensor([0, 1], { requiresGrad: true });
      detectAnomaly(() => x.log().sum().backward(), { checkForward: false });
    });
    // log's forward gives -Infinity (allowed); its backward 1/x gives +Infinity.
    expect(e.op).toBe("log");
    expect(e.phase).toBe("backward");
  });

  it("reports ops created before anomaly mode without a site", () => {
    const x = tensor([0], { requiresGrad: true });
    const y = x.sqrt();
    const e = catchAnomaly(() => y.sum().backward());
    expect(e.op).toBe("sqrt");
    expect(e.site).toBeNull();
    expect(e.message).toMatch(/created outside detectAnomaly/);
  });

  it("returns fn's value, is off outside, and leaves NaN alone there", () => {
    expect(isAnomalyEnabled()).toBe(false);
    expect(detectAnomaly(() => isAnomalyEnabled())).toBe(true);
    expect(detectAnomaly(() => tensor([1, 4]).sqrt().toArray())).toEqual([1, 2]);
    expect(isAnomalyEnabled()).toBe(false);
    expect(tensor([0]).log().item()).toBe(-Infinity);
    expect(() => detectAnomaly(() => Promise.resolve(1))).toThrow(/fn must be synchronous/);
    expect(isAnomalyEnabled()).toBe(false);
    // @ts-expect-error: not a function
    expect(() => detectAnomaly(3)).toThrow(/detectAnomaly: fn must be a function, got 3/);
  });

  it("a finite computation runs unchanged in anomaly mode", () => {
    const x = tensor([0.5, 2], { requiresGrad: true, dtype: "float64" });
    detectAnomaly(() => x.log().mul(x).sum().backward());
    // d/dx x log x = log x + 1
    const g = x.grad!.toArray() as number[];
    expect(g[0]).toBeCloseTo(Math.log(0.5) + 1, 12);
    expect(g[1]).toBeCloseTo(Math.log(2) + 1, 12);
  });
});
