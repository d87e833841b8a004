// Turns on TensorFlow.js's threaded SIMD WebAssembly build in Node, which tfjs itself disables there (tfjs issue 3830).
/**
 * What stands in the way, as read in `@tensorflow/tfjs-backend-wasm` 4.22 (`dist/flags_wasm.js`,
 * `dist/tf-backend-wasm.node.js`, and XNNPACK's `init_with_threads_count` in `src/cc/backend.cc`):
 *
 * 1. The flag `WASM_HAS_MULTITHREAD_SUPPORT` returns false whenever `IS_NODE`; we set it to true.
 * 2. Emscripten's pthread workers are created from Blob URLs (`URL.createObjectURL(new Blob([workerJs]))`), which
 *    Node's `worker_threads` cannot load. We wrap `Blob` to remember the text of string-only blobs and make
 *    `URL.createObjectURL` write that text to a temporary `.cjs` file and return its path.
 * 3. Each worker then loads the main Emscripten script from another Blob (`mainScriptUrlOrBlob`); in the worker
 *    text we point that at the package's own `wasm-out/tfjs-backend-wasm-threaded-simd.js` instead.
 * 4. The thread count is capped at `emscripten_num_logical_cores() / 2`, which in Node is `os.cpus().length / 2`
 *    (1 on a 2-core machine whatever `setThreadsCount` asks for); we make `os.cpus()` report at least
 *    `2 * threads` entries for the one call made while the module initialises.
 *
 * Call {@link enableTfjsWasmThreads} before `tf.setBackend("wasm")`; check `getThreadsCount()` afterwards.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

// The CommonJS object (an ES namespace import is read-only); it is the one tfjs's bundle requires.
const os = createRequire(import.meta.url)("node:os") as typeof import("node:os");

/** The literal the Emscripten worker script tests before importing its main script. */
const WORKER_MAIN_SCRIPT_TEST = 'typeof e.data.urlOrBlob=="string"';

/** Patches Blob, URL.createObjectURL and os.cpus as described above; returns a function that undoes it. */
export function enableTfjsWasmThreads(threads: number): () => void {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
  const mainScript = join(pkgDir, "wasm-out", "tfjs-backend-wasm-threaded-simd.js");
  const dir = mkdtempSync(join(os.tmpdir(), "bench-tfjs-wasm-"));

  const OriginalBlob = globalThis.Blob;
  const texts = new WeakMap<Blob, string>();
  class TextBlob extends OriginalBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (parts?.every((p) => typeof p === "string")) texts.set(this, parts.join(""));
    }
  }
  globalThis.Blob = TextBlob;

  const originalCreate = URL.createObjectURL;
  let count = 0;
  URL.createObjectURL = (blob: Blob): string => {
    let text = texts.get(blob);
    if (text === undefined) return originalCreate(blob);
    if (text.includes(WORKER_MAIN_SCRIPT_TEST)) {
      text = text.replace(WORKER_MAIN_SCRIPT_TEST, `(e.data.urlOrBlob=${JSON.stringify(mainScript)},true)`);
    }
    const path = join(dir, `blob-${count++}.cjs`);
    writeFileSync(path, text);
    return path;
  };

  const originalCpus = os.cpus;
  os.cpus = () => {
    const cpus = originalCpus();
    while (cpus.length > 0 && cpus.length < 2 * threads) cpus.push(cpus[0]);
    return cpus;
  };

  return () => {
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreate;
    os.cpus = originalCpus;
    rmSync(dir, { recursive: true, force: true });
  };
}
