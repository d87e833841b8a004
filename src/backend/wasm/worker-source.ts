// The code each worker thread runs, as a string (started with `eval` in Node, from a Blob URL in browsers),
// so no worker file has to be found next to the library after bundling.
//
// A worker instantiates the kernel module on the shared memory, then loops: spin briefly, then sleep on a
// futex (Atomics.wait) until the job generation changes; claim chunks of the job with compare-exchange on a
// counter tagged with the generation (so a late worker can never run a chunk of a newer job with the
// parameters of an older one); count finished chunks and wake the caller after the last.

/** Slots of the control block (an Int32Array over a SharedArrayBuffer); hot slots on their own cache lines. */
export const CTRL = {
  /** Job generation; workers sleep on it. */
  gen: 0,
  /** (generation & 0x7fff) << 16 | next chunk to claim. */
  next: 16,
  /** Chunks finished; the caller sleeps on it. */
  done: 32,
  kernel: 48,
  job: 49,
  total: 50,
  /** Set when a chunk threw in a worker. */
  error: 51,
  /** Threads taking part in jobs: workers with an id at least this sit out (setNumThreads lowered). */
  active: 52,
  /** Workers started. */
  ready: 64,
  length: 80,
} as const;

/** Iterations a worker spins on the generation before it sleeps (tens of microseconds). */
export const WORKER_SPIN = 20000;

/** The worker's program. `names` lists the kernel exports in kernel-index order. */
export function workerSource(names: readonly string[]): string {
  const C = CTRL;
  return `"use strict";
const NAMES = ${JSON.stringify(names)};
function start(d) {
  const ctrl = new Int32Array(d.ctrl);
  const instance = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
  const fns = NAMES.map((n) => instance.exports[n]);
  const tid = d.tid;
  Atomics.add(ctrl, ${C.ready}, 1);
  let seen = d.gen;
  for (;;) {
    let g = Atomics.load(ctrl, ${C.gen});
    let spins = 0;
    while (g === seen) {
      if (++spins > ${WORKER_SPIN}) {
        Atomics.wait(ctrl, ${C.gen}, seen);
        spins = 0;
      }
      g = Atomics.load(ctrl, ${C.gen});
    }
    seen = g;
    if (tid >= Atomics.load(ctrl, ${C.active})) continue;
    const fn = fns[ctrl[${C.kernel}]];
    const job = ctrl[${C.job}];
    const total = ctrl[${C.total}];
    const tag = (g & 0x7fff) << 16;
    for (;;) {
      const v = Atomics.load(ctrl, ${C.next});
      if ((v & 0x7fff0000) !== tag || (v & 0xffff) >= total) break;
      if (Atomics.compareExchange(ctrl, ${C.next}, v, v + 1) !== v) continue;
      try {
        fn(job, v & 0xffff, tid);
      } catch (e) {
        Atomics.store(ctrl, ${C.error}, 1);
      }
      if (Atomics.add(ctrl, ${C.done}, 1) + 1 === total) Atomics.notify(ctrl, ${C.done});
    }
  }
}
if (typeof require === "function" && typeof self === "undefined") {
  start(require("node:worker_threads").workerData);
} else {
  self.onmessage = (e) => {
    self.onmessage = null;
    start(e.data);
    self.close();
  };
}
`;
}
