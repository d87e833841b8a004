// The library must run in browsers: it bundles for the browser platform (no Node built-ins) and the bundle
// runs in a bare JavaScript context that has no Node globals (no process, require or Buffer).

import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

describe("browser build", () => {
  it("bundles for the browser and trains a step in a context without Node globals", async () => {
    const result = await build({
      entryPoints: [new URL("../src/index.ts", import.meta.url).pathname],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "chainrule",
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0].text;
    // What every browser has (protobufjs, used by the ONNX export, builds a TextDecoder when it loads).
    const context: Record<string, unknown> = { TextEncoder, TextDecoder };
    runInNewContext(
      `${code}
      const { tensor, nn, optim } = chainrule;
      const net = new nn.Linear(2, 1, { seed: 1 });
      const opt = new optim.SGD(net.parameters(), { lr: 0.1 });
      const loss = nn.mseLoss(net.forward(tensor([[1, 2]])), tensor([[1]]));
      loss.backward();
      opt.step();
      globalThis.result = { loss: loss.item(), hasProcess: typeof process !== "undefined" };`,
      context,
    );
    const out = context.result as { loss: number; hasProcess: boolean };
    expect(out.hasProcess).toBe(false);
    expect(Number.isFinite(out.loss)).toBe(true);
  });
});
