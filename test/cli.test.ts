// End-to-end tests of the `chainrule` executable, run from source through tsx (no build needed).
import { describe, expect, it } from "vitest";
import { runChainrule as chainrule } from "./support/cli.js";

describe("chainrule demo", () => {
  it("prints the tutorial's output with the defaults", async () => {
    const r = await chainrule("demo");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(16);
    expect(lines[1]).toBe("Epoch 0, Loss: 0.250969");
    expect(lines[6]).toBe("Epoch 500, Loss: 0.158737");
    expect(lines[10]).toBe("Epoch 900, Loss: 0.045806");
    expect(lines.slice(12)).toEqual([
      "Test predictions:",
      "Input: [1, 1], Prediction: 0.9396",
      "Input: [-1, -1], Prediction: 0.0218",
      "Input: [1, -1], Prediction: 0.4191",
    ]);
  });

  it("--check reports the largest autograd / hand-written difference", async () => {
    const r = await chainrule("demo", "--check", "--epochs", "200");
    expect(r.code).toBe(0);
    const m = /max \|autograd - hand-written\| = (\S+)/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(1e-12);
  });

  it("takes the network options", async () => {
    const r = await chainrule(
      "demo",
      "--hidden",
      "3",
      "--activation",
      "tanh",
      "--lr",
      "0.3",
      "--epochs=150",
      "--loss",
      "mse",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^MSE mode/);
    expect(r.stdout).toMatch(/Epoch 100, Loss: /);
  });

  it.each([
    [["--epochs", "-5"], "--epochs"],
    [["--epochs", "2.5"], "--epochs"],
    [["--activation", "softsign"], "--activation"],
    [["--lr", "fast"], "--lr"],
    [["--loss", "hinge"], "--loss"],
    [["--hidden", "0"], "--hidden"],
  ])("rejects %j with a one-line error naming %s and exit code 1", async (args, option) => {
    const r = await chainrule("demo", ...args);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const errLines = r.stderr.trimEnd().split("\n");
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toContain(option);
  });

  it("--help lists the options and examples", async () => {
    const r = await chainrule("demo", "--help");
    expect(r.code).toBe(0);
    for (const text of [
      "--hidden",
      "--activation",
      "--lr",
      "--epochs",
      "--loss",
      "--seed",
      "--check",
      "Examples:",
    ]) {
      expect(r.stdout).toContain(text);
    }
  });
});
