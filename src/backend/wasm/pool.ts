// Worker threads sharing the wasm memory. A job is a kernel split into chunks; the calling thread takes
// chunks too, so a job finishes even before any worker has started, and faster threads take more chunks
// (no static split that one slow thread holds up). Workers are unref'd: they never keep Node alive.

import type * as NodeWorkerThreads from "node:worker_threads";
import { canBlock, nodeWorkerThreads, webWorkersAvailable } from "./env.js";
import { CTRL, workerSource } from "./worker-source.js";

/** A kernel every thread can run: `(job address, chunk index, thread id) => void`. */
export type ChunkKernel = (job: number, chunk: number, tid: number) => void;

/** Iterations the caller spins on the finished count before it sleeps (browsers' main thread only spins). */
const CALLER_SPIN = 4000;

/** Most chunks one job may have: the chunk counter has 16 bits. */
export const MAX_CHUNKS = 0xffff;

export class ThreadPool {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(CTRL.length * 4));
  /** Kept referenced so no browser collects a worker. */
  private readonly workers: object[] = [];
  private readonly block = canBlock();
  private gen = 0;
  private readonly source: string;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly kernels: readonly ChunkKernel[],
    names: readonly string[],
  ) {
    this.source = workerSource(names);
    this.ctrl[CTRL.active] = 1;
  }

  /** True when this host can start worker threads at all. */
  static supported(): boolean {
    return nodeWorkerThreads() !== undefined || webWorkersAvailable();
  }

  /** Threads that take part in jobs: the caller plus the active workers. */
  get threads(): number {
    return Math.min(this.ctrl[CTRL.active], this.workers.length + 1);
  }

  /** Workers that have instantiated the module and wait for jobs. */
  get started(): number {
    return Atomics.load(this.ctrl, CTRL.ready);
  }

  /**
   * Makes `threads` threads (the caller included) share jobs: starts workers when more are needed; when
   * fewer, the extra workers stay asleep (not stopped, so raising the count again is free).
   */
  resize(threads: number): void {
    while (this.workers.length < threads - 1) {
      const worker = this.spawn(this.workers.length + 1);
      if (!worker) break;
      this.workers.push(worker);
    }
    Atomics.store(this.ctrl, CTRL.active, Math.max(1, Math.min(threads, this.workers.length + 1)));
  }

  private spawn(tid: number): object | null {
    const data = { module: this.module, memory: this.memory, ctrl: this.ctrl.buffer, tid, gen: this.gen };
    const wt = nodeWorkerThreads();
    if (wt) {
      const worker: NodeWorkerThreads.Worker = new wt.Worker(this.source, { eval: true, workerData: data });
      worker.unref();
      // A worker that fails to start takes no chunks; the caller does its share.
      worker.on("error", () => {});
      return worker;
    }
    if (webWorkersAvailable()) {
      // The Blob URL stays valid (a few hundred bytes per worker): revoking it while the worker script may
      // still be loading can fail the load in some browsers.
      const worker = new Worker(URL.createObjectURL(new Blob([this.source], { type: "text/javascript" })));
      worker.postMessage(data);
      return worker;
    }
    return null;
  }

  /** Wakes sleeping workers ahead of a job, so their wake-up overlaps the caller's copying. */
  wake(): void {
    if (this.threads > 1) Atomics.notify(this.ctrl, CTRL.gen);
  }

  /**
   * Runs chunks `[0, total)` of `kernel` with `job`: on the calling thread alone unless `parallel` and
   * workers exist. Throws if a chunk failed in a worker.
   */
  run(kernel: number, job: number, total: number, parallel: boolean): void {
    const fn = this.kernels[kernel];
    // Past MAX_CHUNKS the chunk index would spill into the generation tag: such jobs run here.
    if (!parallel || total <= 1 || total > MAX_CHUNKS || this.threads < 2) {
      for (let c = 0; c < total; c++) fn(job, c, 0);
      return;
    }
    const ctrl = this.ctrl;
    ctrl[CTRL.error] = 0;
    const g = this.bump(kernel, job, total);
    const tag = (g & 0x7fff) << 16;
    for (;;) {
      const v = Atomics.load(ctrl, CTRL.next);
      if ((v & 0x7fff0000) !== tag || (v & 0xffff) >= total) break;
      if (Atomics.compareExchange(ctrl, CTRL.next, v, v + 1) !== v) continue;
      fn(job, v & 0xffff, 0);
      Atomics.add(ctrl, CTRL.done, 1);
    }
    let spins = 0;
    for (;;) {
      const d = Atomics.load(ctrl, CTRL.done);
      if (d >= total) break;
      if (this.block && ++spins > CALLER_SPIN) Atomics.wait(ctrl, CTRL.done, d, 100);
    }
    if (ctrl[CTRL.error] !== 0) throw new Error("wasm backend: a kernel failed in a worker thread");
  }

  /** Publishes a new job generation and wakes the workers. */
  private bump(kernel: number, job: number, total: number): number {
    const ctrl = this.ctrl;
    this.gen = (this.gen + 1) & 0x7fffffff;
    const g = this.gen;
    // Retag the chunk counter first: from here no straggler of the previous job can claim a chunk.
    Atomics.store(ctrl, CTRL.next, (g & 0x7fff) << 16);
    ctrl[CTRL.kernel] = kernel;
    ctrl[CTRL.job] = job;
    ctrl[CTRL.total] = total;
    Atomics.store(ctrl, CTRL.done, 0);
    Atomics.store(ctrl, CTRL.gen, g);
    Atomics.notify(ctrl, CTRL.gen);
    return g;
  }
}
