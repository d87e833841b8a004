// The active backend and the thread count. Chosen on first use (never by import side effects): in Node the
// native addon where it is built, then the wasm backend where it can run, else the js reference; `setBackend`
// or the CHAINRULE_BACKEND variable pins one.

import { describeValue, ValueError } from "../errors.js";
import type { Backend } from "./backend.js";
import { jsBackend } from "./js/index.js";
import { createNativeBackend } from "./native/backend.js";
import {
  loadNativeAddon,
  NATIVE_NOTICE,
  type NativeAddon,
  nativeFailure,
  nativeNotBuilt,
} from "./native/loader.js";
import { envVar, hardwareThreads, sharedMemoryAvailable } from "./wasm/env.js";
import { loadWasmBackend, loadWasmBackendSync, wasmFailure, wasmRuntime } from "./wasm/index.js";

/** The backends chainrule ships, by name. */
export type BackendName = "js" | "wasm" | "native";

let active: Backend | null = null;
/** True once the user (or CHAINRULE_BACKEND) chose: the automatic choice never overrides it. */
let pinned = false;
let threads: number | null = null;
let native: { addon: NativeAddon; backend: Backend } | null = null;
let noticed = false;

function requestedThreads(): number {
  if (threads !== null) return threads;
  const env = envVar("CHAINRULE_NUM_THREADS");
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1)
      throw new ValueError("CHAINRULE_NUM_THREADS", `expected a positive integer, got ${describeValue(env)}`);
    return n;
  }
  return hardwareThreads();
}

function wasmOrThrow(op: string): Backend {
  const backend = loadWasmBackendSync(requestedThreads());
  if (backend) return backend;
  const reason = wasmFailure();
  throw new ValueError(
    op,
    reason
      ? `the wasm backend cannot run here, got: ${reason}`
      : "the wasm backend is not compiled yet, got a host that forbids synchronous compiles; await ready() first",
  );
}

/**
 * The native backend (Node only), loading the addon on first call; null where it is not built or does not
 * load (`nativeFailure()` says why). Below the native crossovers the wasm backend would run its js kernels
 * too (its own crossovers are higher), so small calls go straight to js and no wasm workers start.
 */
function loadNative(): Backend | null {
  if (native) return native.backend;
  const addon = loadNativeAddon();
  if (!addon) return null;
  addon.setNumThreads(requestedThreads());
  native = { addon, backend: createNativeBackend(addon, jsBackend) };
  return native.backend;
}

function nativeOrThrow(op: string): Backend {
  const backend = loadNative();
  if (backend) return backend;
  throw new ValueError(
    op,
    `the native backend cannot run here, got: ${nativeFailure() ?? "no addon"}; build it with "npx chainrule build-native"`,
  );
}

/** The notice for an automatic choice that wanted native but found it not built: once, on stderr. */
function notice(): void {
  if (noticed || !nativeNotBuilt() || envVar("CHAINRULE_QUIET") === "1") return;
  noticed = true;
  const stderr = (globalThis as { process?: { stderr?: { write?: (s: string) => void } } }).process?.stderr;
  stderr?.write?.(`${NATIVE_NOTICE}\n`);
}

function choose(): Backend {
  const env = envVar("CHAINRULE_BACKEND");
  if (env !== undefined && env !== "") {
    if (env !== "js" && env !== "wasm" && env !== "native")
      throw new ValueError(
        "CHAINRULE_BACKEND",
        `expected "js", "wasm" or "native", got ${describeValue(env)}`,
      );
    pinned = true;
    const chosen =
      env === "js"
        ? jsBackend
        : env === "native"
          ? nativeOrThrow("CHAINRULE_BACKEND")
          : wasmOrThrow("CHAINRULE_BACKEND");
    active = chosen;
    return chosen;
  }
  const nat = loadNative();
  if (nat) {
    active = nat;
    return nat;
  }
  notice();
  const wasm = loadWasmBackendSync(requestedThreads());
  if (wasm) {
    active = wasm;
    return wasm;
  }
  if (wasmFailure() === null) {
    // A browser's main thread: use js now, and switch once the module compiled (unless the user pinned one).
    void loadWasmBackend(requestedThreads()).then((b) => {
      if (b && !pinned) active = b;
    });
  }
  active = jsBackend;
  return jsBackend;
}

/**
 * The backend that ops run on now. The first call picks the fastest one available unless `setBackend` or
 * the `CHAINRULE_BACKEND` environment variable (`js`, `wasm` or `native`) chose already: in Node the native
 * addon when it is built (`npx chainrule build-native`), else wasm, else js. When Node's automatic choice
 * finds the addon not built it prints a one-line notice to stderr, once per process (`CHAINRULE_QUIET=1`
 * silences it).
 *
 * @example
 * ```ts
 * getBackend().name; // "native" in Node with the addon built, "wasm" where WebAssembly SIMD runs, else "js"
 * ```
 */
export function getBackend(): Backend {
  return active ?? choose();
}

/**
 * Makes a backend the one every later op runs on: `"js"` (the plain TypeScript reference), `"wasm"` (SIMD
 * kernels on worker threads; throws where it cannot run, and on a browser's main thread before
 * `await ready()`), `"native"` (the C++ addon, Node only; throws when it is not built, saying why), or your
 * own `Backend` object. Tensors need no conversion: every backend reads and writes the same typed arrays.
 *
 * @example
 * ```ts
 * setBackend("js");
 * getBackend().name; // "js"
 * ```
 */
export function setBackend(backend: BackendName | Backend): void {
  if (backend === "js") active = jsBackend;
  else if (backend === "wasm") active = wasmOrThrow("setBackend");
  else if (backend === "native") active = nativeOrThrow("setBackend");
  else if (
    typeof backend === "object" &&
    backend !== null &&
    typeof backend.name === "string" &&
    typeof backend.matmul === "function"
  )
    active = backend;
  else
    throw new ValueError(
      "setBackend",
      `expected "js", "wasm", "native" or a Backend object, got ${describeValue(backend)}`,
    );
  pinned = true;
}

/**
 * Resolves once the fastest backend is ready, compiling the wasm kernels without blocking. Needed only on a
 * browser's main thread, where large modules cannot be compiled synchronously (ops run on the js backend
 * until then); elsewhere the first op loads them. In Node it resolves to the native backend when the addon
 * is built. Resolves to the backend ops will use.
 *
 * @example
 * ```ts
 * const backend = await ready();
 * backend.name; // "native" (Node, addon built) or "wasm" where WebAssembly SIMD runs
 * ```
 */
export async function ready(): Promise<Backend> {
  const env = envVar("CHAINRULE_BACKEND");
  if (!active && env !== undefined && env !== "") return choose();
  if (active && (pinned || active.name === "wasm" || active.name === "native")) return active;
  if (!active) {
    const nat = loadNative();
    if (nat) {
      active = nat;
      return nat;
    }
    notice();
  }
  const wasm = await loadWasmBackend(requestedThreads());
  if (!pinned) active = wasm ?? jsBackend;
  return getBackend();
}

/**
 * Sets how many threads large kernels of the wasm and native backends use (the calling thread included;
 * for the native backend also the BLAS it links); 1 runs everything on the calling thread. Defaults to the
 * cores available (`os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in browsers), or
 * `CHAINRULE_NUM_THREADS`. Threads need shared memory: browser pages must be cross-origin isolated, else the
 * wasm backend runs on one thread.
 *
 * @example
 * ```ts
 * setNumThreads(1); // deterministic single-threaded runs
 * ```
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1)
    throw new ValueError("setNumThreads", `expected a positive integer, got ${describeValue(n)}`);
  threads = n;
  wasmRuntime()?.setThreads(n);
  native?.addon.setNumThreads(n);
}

/**
 * The number of threads large kernels use: what `setNumThreads` set, else the cores available; 1 where
 * threads cannot run (no shared memory). With the native backend active, its thread pool's count.
 *
 * @example
 * ```ts
 * getNumThreads(); // e.g. 8
 * ```
 */
export function getNumThreads(): number {
  if (native && active === native.backend) return native.addon.numThreads();
  const rt = wasmRuntime();
  if (rt) return rt.threads;
  return sharedMemoryAvailable() ? requestedThreads() : 1;
}
