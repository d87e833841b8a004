// Loads TensorFlow.js with the cpu backend, or the wasm backend with its threaded SIMD build and a set thread count.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildSync } from "esbuild";
import type { Cases } from "../lib/spec.js";

/**
 * Registers tfjs's gradient functions. The Node build of `@tensorflow/tfjs-core` ships without them (the
 * `@tensorflow/tfjs` union package adds them), and `dist/register_all_gradients.js` is extensionless ESM that
 * Node cannot load, so we bundle it with esbuild. The bundle carries its own copy of core's ops, which is
 * harmless: the engine and the kernel and gradient registries live on the global object, and `Tensor` checks
 * instances by shape (`Symbol.hasInstance`), so both copies work on the same tensors.
 */
async function registerTfjsGradients(): Promise<void> {
  const require = createRequire(import.meta.url);
  const core = dirname(require.resolve("@tensorflow/tfjs-core/package.json"));
  const out = buildSync({
    entryPoints: [join(core, "dist", "register_all_gradients.js")],
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "silent",
  });
  const dir = mkdtempSync(join(tmpdir(), "bench-tfjs-grads-"));
  const file = join(dir, "register-all-gradients.mjs");
  writeFileSync(file, out.outputFiles[0].text);
  try {
    await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Loads tfjs on `backend`; for wasm, enables the threaded build first and reports the thread count XNNPACK got. */
export async function setupTfjs(
  backend: "cpu" | "wasm",
  threads: number,
): Promise<{ cases: Cases; backend: string; threads: number; notes: string; close: () => void }> {
  let undo = (): void => {};
  if (backend === "wasm") {
    const { enableTfjsWasmThreads } = await import("./tfjs-wasm-threads.js");
    undo = enableTfjsWasmThreads(threads);
  }
  const tf = await import("@tensorflow/tfjs-core");
  await registerTfjsGradients();
  const { tfjsCases } = await import("../impl/tfjs.js");
  let used = 1;
  let description = "";
  if (backend === "cpu") {
    await import("@tensorflow/tfjs-backend-cpu");
    description = "cpu (plain JS kernels)";
  } else {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
    wasm.setThreadsCount(threads);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend("${backend}") failed`);
  await tf.ready();
  if (backend === "wasm") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    used = wasm.getThreadsCount();
    const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    description = `wasm (XNNPACK, ${used > 1 ? "threaded " : ""}${simd ? "SIMD" : "no SIMD"})`;
    if (used !== threads) description += `, asked for ${threads} threads`;
  }
  return {
    cases: tfjsCases(tf),
    backend: `tfjs ${tf.version_core} ${description}`,
    threads: used,
    notes: "",
    close: undo,
  };
}
