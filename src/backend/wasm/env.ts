// What the host offers the wasm backend (Node or browser, threads, blocking waits), detected without importing
// any `node:` module statically, so the main entry stays browser-safe.

import type * as NodeOs from "node:os";
import type * as NodeWorkerThreads from "node:worker_threads";

interface NodeProcessLike {
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

function nodeProcess(): NodeProcessLike | undefined {
  const p = (globalThis as { process?: NodeProcessLike }).process;
  return p?.versions?.node ? p : undefined;
}

/** An environment variable under Node; undefined elsewhere. */
export function envVar(name: string): string | undefined {
  return nodeProcess()?.env?.[name];
}

/** `node:worker_threads` under Node >= 20.16 (process.getBuiltinModule), else undefined. */
export function nodeWorkerThreads(): typeof NodeWorkerThreads | undefined {
  return nodeProcess()?.getBuiltinModule?.("node:worker_threads") as typeof NodeWorkerThreads | undefined;
}

/** Logical cores: os.availableParallelism in Node, navigator.hardwareConcurrency in browsers, else 1. */
export function hardwareThreads(): number {
  const os = nodeProcess()?.getBuiltinModule?.("node:os") as typeof NodeOs | undefined;
  if (os) return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/**
 * True when memory can be shared between threads: SharedArrayBuffer exists (in browsers only on
 * cross-origin-isolated pages) and a shared WebAssembly.Memory can be made.
 */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === "undefined") return false;
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return false;
  try {
    return (
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer
    );
  } catch {
    return false;
  }
}

let blocking: boolean | undefined;

/** True when this thread may block in Atomics.wait (not a browser's main thread). */
export function canBlock(): boolean {
  if (blocking === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blocking = true;
    } catch {
      blocking = false;
    }
  }
  return blocking;
}

/** True when web workers can be started (a browser or a worker with `Worker`, `Blob` and `URL`). */
export function webWorkersAvailable(): boolean {
  const g = globalThis as { Worker?: unknown; Blob?: unknown; URL?: { createObjectURL?: unknown } };
  return typeof g.Worker === "function" && typeof g.Blob === "function" && !!g.URL?.createObjectURL;
}
