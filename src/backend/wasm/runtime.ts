// One instance of the kernels on its memory (shared with worker threads where the host allows), with its
// scratch arena and thread pool: everything the wasm backend's methods need. Made once per thread that uses
// chainrule.

import { Arena } from "./arena.js";
import { hardwareThreads } from "./env.js";
import type { CompiledKernels } from "./module.js";
import { type ChunkKernel, ThreadPool } from "./pool.js";

/** Kernels run as chunked jobs (worker threads call them by index). */
export const CHUNK_KERNELS = [
  "matmulPackF32",
  "matmulComputeF32",
  "matmulPackF64",
  "matmulComputeF64",
  "unaryF32",
  "unaryF64",
  "binaryF32",
  "binaryF64",
  "reduceF32",
  "reduceF64",
  "softmaxF32",
  "softmaxF64",
] as const;

/** Index of a chunked kernel. */
export type ChunkKernelName = (typeof CHUNK_KERNELS)[number];

/** Index of each chunked kernel by name. */
export const KERNEL: { readonly [K in ChunkKernelName]: number } = Object.fromEntries(
  CHUNK_KERNELS.map((name, i) => [name, i]),
) as { [K in ChunkKernelName]: number };

/** The module's exports the JS side calls directly (besides the chunked kernels). */
export interface KernelExports {
  heapBase(): number;
  matmulMR(): number;
  [name: string]: unknown;
}

/** Largest memory asked for, in 64 KiB pages: 4 GiB, then smaller where the host refuses to reserve it. */
const MAXIMUM_PAGES = [65536, 16384, 4096];

function kernelMemory(shared: boolean): WebAssembly.Memory {
  for (const maximum of MAXIMUM_PAGES) {
    try {
      return new WebAssembly.Memory({ initial: 32, maximum, shared });
    } catch {
      // try a smaller reservation
    }
  }
  throw new Error("wasm backend: cannot create a WebAssembly.Memory");
}

export class WasmRuntime {
  readonly memory: WebAssembly.Memory;
  readonly exports: KernelExports;
  readonly arena: Arena;
  readonly relaxed: boolean;
  /** Rows of the matmul register tile in this build (6 with fused multiply-add, else 4). */
  readonly mr: number;
  /** Null where threads are impossible (no SharedArrayBuffer, no workers): one thread then. */
  readonly pool: ThreadPool | null;
  private threadCount: number;

  constructor(compiled: CompiledKernels, threads: number) {
    // Without SharedArrayBuffer (a browser page that is not cross-origin isolated) the module imports an
    // unshared memory and everything runs on the calling thread.
    this.memory = kernelMemory(compiled.shared);
    const instance = new WebAssembly.Instance(compiled.module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.relaxed = compiled.relaxed;
    this.mr = this.exports.matmulMR();
    this.arena = new Arena(this.memory, this.exports.heapBase());
    const kernels = CHUNK_KERNELS.map((name) => this.exports[name] as ChunkKernel);
    this.pool =
      compiled.shared && ThreadPool.supported()
        ? new ThreadPool(compiled.module, this.memory, kernels, CHUNK_KERNELS)
        : null;
    this.threadCount = 1;
    this.setThreads(threads);
  }

  /** Threads that run large kernels (the caller included). */
  get threads(): number {
    return this.threadCount;
  }

  /** Sets the threads that share large kernels (starting workers when needed); 1: the calling thread only. */
  setThreads(threads: number): void {
    this.threadCount = this.pool ? threads : 1;
    this.pool?.resize(this.threadCount);
  }

  /** Runs a chunked kernel, split over the threads when `parallel`. */
  run(kernel: number, job: number, chunks: number, parallel: boolean): void {
    if (this.pool) this.pool.run(kernel, job, chunks, parallel && this.threadCount > 1);
    else {
      const fn = this.exports[CHUNK_KERNELS[kernel]] as ChunkKernel;
      for (let c = 0; c < chunks; c++) fn(job, c, 0);
    }
  }
}

/** The default thread count: every core the host reports. */
export function defaultThreads(): number {
  return hardwareThreads();
}
