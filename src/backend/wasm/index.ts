// Loading the wasm backend: once per thread, synchronously where the host allows it, else asynchronously.
// Nothing happens at import time; the registry calls these on first use.

import type { Backend } from "../backend.js";
import { createWasmBackend } from "./backend.js";
import { compileKernels, compileKernelsSync, simdSupported } from "./module.js";
import { WasmRuntime } from "./runtime.js";

let runtime: WasmRuntime | null = null;
let backend: Backend | null = null;
let failure: string | null = null;
let pending: Promise<Backend | null> | null = null;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function finish(make: () => WasmRuntime): Backend | null {
  try {
    runtime = make();
    backend = createWasmBackend(runtime);
  } catch (error) {
    failure = describe(error);
  }
  return backend;
}

/** Why the wasm backend cannot run here (null when it can, or before a first attempt). */
export function wasmFailure(): string | null {
  return failure;
}

/** The loaded runtime, or null before loading (or where it failed). */
export function wasmRuntime(): WasmRuntime | null {
  return runtime;
}

/**
 * The wasm backend, compiling it synchronously on first call; null where wasm SIMD or shared memory is
 * missing, or where the host forbids synchronous compiles (a browser's main thread: use the async loader).
 */
export function loadWasmBackendSync(threads: number): Backend | null {
  if (backend || failure) return backend;
  if (!simdSupported()) {
    failure = "this engine has no WebAssembly SIMD";
    return null;
  }
  let compiled: ReturnType<typeof compileKernelsSync>;
  try {
    compiled = compileKernelsSync();
  } catch {
    // Synchronous compiles of large modules are refused on browsers' main threads: not a failure, the
    // asynchronous loader can still succeed.
    return null;
  }
  return finish(() => new WasmRuntime(compiled, threads));
}

/** The wasm backend, compiled without blocking; resolves to null where it cannot run. */
export function loadWasmBackend(threads: number): Promise<Backend | null> {
  if (backend || failure) return Promise.resolve(backend);
  if (!simdSupported()) {
    failure = "this engine has no WebAssembly SIMD";
    return Promise.resolve(null);
  }
  pending ??= compileKernels().then(
    (compiled) => backend ?? finish(() => new WasmRuntime(compiled, threads)),
    (error: unknown) => {
      failure = describe(error);
      return null;
    },
  );
  return pending;
}
