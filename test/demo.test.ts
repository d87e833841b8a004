// The tutorial demo must print what the tutorial's NumPy program prints, and its --check must tell BCE from MSE.
import { describe, expect, it } from "vitest";
import { runTutorialDemo } from "../src/cli/demo.js";
import { ValueError } from "../src/errors.js";

// stdout of the tutorial's Python code (section 5), run verbatim with NumPy 2.4.6.
const NUMPY_OUTPUT = `Epoch 0, Loss: 0.250969
Epoch 100, Loss: 0.245896
Epoch 200, Loss: 0.243809
Epoch 300, Loss: 0.235210
Epoch 400, Loss: 0.207743
Epoch 500, Loss: 0.158737
Epoch 600, Loss: 0.110791
Epoch 700, Loss: 0.077939
Epoch 800, Loss: 0.057987
Epoch 900, Loss: 0.045806

Test predictions:
Input: [1 1], Prediction: 0.9396
Input: [-1 -1], Prediction: 0.0218
Input: [ 1 -1], Prediction: 0.4191`;

/** NumPy prints an int array as `[ 1 -1]`; the demo writes `[1, -1]`. Nothing else is rewritten. */
function jsStyleArrays(line: string): string {
  return line.replace(/\[\s*(-?\d+)\s+(-?\d+)\]/, "[$1, $2]");
}

const EXPECTED = NUMPY_OUTPUT.split("\n").map(jsStyleArrays);

describe("runTutorialDemo", () => {
  const result = runTutorialDemo();

  it("prints the NumPy program's lines, line for line, after one line saying what is trained", () => {
    expect(result.lines[0]).toMatch(/binary cross-entropy.*MSE/);
    expect(result.lines.slice(1)).toEqual(EXPECTED);
    expect(result.losses.map((l) => l.epoch)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(result.predictions.map((p) => p.input)).toEqual([
      [1, 1],
      [-1, -1],
      [1, -1],
    ]);
    expect(result.maxGradDiff).toBeNull();
    expect(result.options).toMatchObject({
      hidden: 4,
      activation: "sigmoid",
      lr: 0.1,
      epochs: 1000,
      seed: 42,
    });
  });

  it("--check: autograd of BCE equals the tutorial's hand-written backward to float64 round-off", () => {
    const checked = runTutorialDemo({ check: true });
    expect(checked.lines.slice(1, 1 + EXPECTED.length)).toEqual(EXPECTED);
    expect(checked.maxGradDiff).not.toBeNull();
    expect(checked.maxGradDiff!).toBeLessThan(1e-12);
    expect(checked.lines.at(-2)).toBe(
      `max |autograd - hand-written| = ${checked.maxGradDiff!.toExponential(3)}`,
    );
    expect(checked.lines.at(-1)).toMatch(/agree/);
  });

  it("--loss mse: the true MSE gradient differs from the hand-written one, and so do the numbers", () => {
    const mse = runTutorialDemo({ loss: "mse", check: true });
    expect(mse.maxGradDiff!).toBeGreaterThan(1e-6);
    expect(mse.lines.at(-1)).toMatch(/differ/);
    // The tutorial's program with its dz2 replaced by the MSE's, 2 * (a2 - y) * a2 * (1 - a2), prints these:
    expect(mse.lines.slice(1, 16)).toEqual([
      "Epoch 0, Loss: 0.250969",
      "Epoch 100, Loss: 0.246304",
      "Epoch 200, Loss: 0.245905",
      "Epoch 300, Loss: 0.245238",
      "Epoch 400, Loss: 0.243907",
      "Epoch 500, Loss: 0.241210",
      "Epoch 600, Loss: 0.235912",
      "Epoch 700, Loss: 0.226249",
      "Epoch 800, Loss: 0.210681",
      "Epoch 900, Loss: 0.189424",
      "",
      "Test predictions:",
      "Input: [1, 1], Prediction: 0.5871",
      "Input: [-1, -1], Prediction: 0.2659",
      "Input: [1, -1], Prediction: 0.3995",
    ]);
  });

  it("--loss bce prints the BCE it trains on", () => {
    const bce = runTutorialDemo({ loss: "bce", epochs: 1 });
    // -mean(y log a2 + (1 - y) log(1 - a2)) at the initial weights, where a2 is close to 0.5.
    expect(bce.losses[0].loss).toBeCloseTo(Math.LN2, 2);
  });

  it("other sizes and activations train, and --check derives their activation derivative", () => {
    for (const activation of ["tanh", "relu"] as const) {
      const r = runTutorialDemo({ hidden: 8, activation, lr: 0.5, epochs: 300, check: true });
      expect(r.maxGradDiff!).toBeLessThan(1e-12);
      expect(r.losses.at(-1)!.loss).toBeLessThan(r.losses[0].loss);
      expect(r.lines.at(-1)).toMatch(new RegExp(`act'\\(a1\\) for ${activation}`));
    }
  });

  it("honours printEvery, epochs = 0 and the seed", () => {
    expect(runTutorialDemo({ epochs: 250, printEvery: 50 }).losses.map((l) => l.epoch)).toEqual([
      0, 50, 100, 150, 200,
    ]);
    const untrained = runTutorialDemo({ epochs: 0 });
    expect(untrained.losses).toEqual([]);
    expect(untrained.predictions[0].prediction).toBeCloseTo(0.5, 1);
    expect(runTutorialDemo({ seed: 7, epochs: 1 }).lines[1]).not.toBe(EXPECTED[0]);
  });

  it("rejects bad options with an error naming the option", () => {
    expect(() => runTutorialDemo({ epochs: -1 })).toThrow(ValueError);
    expect(() => runTutorialDemo({ epochs: -1 })).toThrow(/epochs/);
    expect(() => runTutorialDemo({ hidden: 0 })).toThrow(/hidden/);
    expect(() => runTutorialDemo({ lr: Number.NaN })).toThrow(/lr/);
    // @ts-expect-error: an activation the demo does not offer
    expect(() => runTutorialDemo({ activation: "softsign" })).toThrow(/activation/);
  });
});
