// `chainrule demo vanishing`: the numbers it prints, the chart it writes, and `demo` still running the tutorial.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createProgram } from "../src/cli/program.js";
import { circles, runVanishingDemo } from "../src/tools/health/vanishing-demo.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "chainrule-vanishing-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<string> {
  let out = "";
  await createProgram({ out: (s) => (out += s), err: (s) => (out += s) }).parseAsync([
    "node",
    "chainrule",
    ...args,
  ]);
  return out;
}

describe("runVanishingDemo", () => {
  const small = { depth: 6, width: 16, epochs: 60, samples: 64, printAt: [0, 59] };
  const r = runVanishingDemo(small);

  it("the sigmoid network's first layer gets orders of magnitude less gradient than its last; ReLU + He's does not", () => {
    const s0 = r.sigmoid.layerGradNorms[0];
    const r0 = r.relu.layerGradNorms[0];
    expect(s0).toHaveLength(6);
    expect(s0[0] / s0[5]).toBeLessThan(1e-3);
    expect(r0[0] / r0[5]).toBeGreaterThan(1e-2);
    expect(r.sigmoid.reports.get(0)!.summary.vanishing).toBe(true);
    expect(r.relu.reports.get(0)!.summary.vanishing).toBe(false);
  });

  it("the ReLU network learns the circles and the sigmoid network does not", () => {
    expect(r.sigmoid.losses).toHaveLength(60);
    // BCE of a constant prediction on balanced labels is log 2.
    expect(r.sigmoid.losses[59]).toBeCloseTo(Math.log(2), 2);
    expect(r.relu.losses[59]).toBeLessThan(0.1 * r.relu.losses[0]);
    expect(r.relu.accuracy).toBeGreaterThan(r.sigmoid.accuracy);
  });

  it("prints per-layer tables and draws three charts", () => {
    expect(r.lines[0]).toBe(
      "Vanishing gradients: 6 Linear layers of width 16, sigmoid (default init) vs ReLU (He init)",
    );
    const at0 = r.lines.indexOf("Epoch 0: gradient norm per layer, ‖∂L/∂(W, b)‖");
    expect(at0).toBeGreaterThan(0);
    expect(r.lines[at0 + 1]).toMatch(/^layer\s+sigmoid\s+relu\+He$/);
    const row1 = r.lines[at0 + 2].split(/\s+/);
    expect(row1).toEqual([
      "1",
      r.sigmoid.layerGradNorms[0][0].toExponential(2),
      r.relu.layerGradNorms[0][0].toExponential(2),
    ]);
    expect(r.lines.at(-1)).toMatch(/^Final loss: sigmoid \d\.\d{4} \(accuracy [\d.]+%\), relu\+He \d\.\d{4}/);
    expect(r.svg.startsWith("<svg")).toBe(true);
    for (const title of ["Gradient norm per layer, epoch 0", "First layer", "Training loss"])
      expect(r.svg).toContain(title);
  });

  it("draws the same data for the same seed", () => {
    expect(circles(8, 3).x.toArray()).toEqual(circles(8, 3).x.toArray());
    expect(circles(8, 3).x.toArray()).not.toEqual(circles(8, 4).x.toArray());
    expect(circles(8, 3).y.toArray()).toEqual([[0], [1], [0], [1], [0], [1], [0], [1]]);
  });
});

describe("chainrule demo vanishing", () => {
  it("takes its own options (not demo's) and writes the chart where --svg says", async () => {
    const svg = join(dir, "chart.svg");
    const out = await run(
      "demo",
      "vanishing",
      "--epochs",
      "12",
      "--depth",
      "4",
      "--width",
      "6",
      "--samples",
      "32",
      "--lr",
      "0.03",
      "--svg",
      svg,
    );
    expect(out).toMatch(/^Vanishing gradients: 4 Linear layers of width 6/);
    expect(out).toContain(
      "32 points on two noisy circles (seed 0); full-batch SGD, lr 0.03, momentum 0.9, 12 epochs",
    );
    expect(out).toContain(`Chart: ${svg}`);
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it("--no-svg prints numbers only", async () => {
    const out = await run(
      "demo",
      "vanishing",
      "--epochs",
      "3",
      "--depth",
      "3",
      "--width",
      "4",
      "--samples",
      "16",
      "--no-svg",
    );
    expect(out).not.toContain("Chart:");
    expect(out).toMatch(/Final loss: /);
  });

  it("`demo` alone still runs the tutorial with its own options", async () => {
    const out = await run("demo", "--epochs", "101", "--print-every", "100");
    expect(out.split("\n").slice(0, 3)).toEqual([
      expect.stringMatching(/^Tutorial mode/),
      "Epoch 0, Loss: 0.250969",
      "Epoch 100, Loss: 0.245896",
    ]);
  });

  it("rejects a bad option with a one-line error and exit code 1", async () => {
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "src/cli/main.ts", "demo", "vanishing", "--depth", "1"],
        { cwd: ROOT, timeout: 60_000 },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
      );
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "error: option '--depth <n>' argument '1' is invalid. Expected an integer in [2, 50].",
    );
  });
});
