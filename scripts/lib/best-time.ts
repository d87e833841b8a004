// The timer the crossover scripts share: the best time per call of a kernel call, in microseconds.

/**
 * Best time per call (µs) over 7 batches, each grown (doubling) until it takes at least `batchMs`.
 *
 * @example
 * ```ts
 * const us = bestMicroseconds(() => backend.unary("exp", x, out));
 * ```
 */
export function bestMicroseconds(fn: () => void, batchMs = 10): number {
  let calls = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) fn();
    if (performance.now() - t0 > batchMs) break;
    calls *= 2;
  }
  let best = Infinity;
  for (let b = 0; b < 7; b++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) fn();
    best = Math.min(best, ((performance.now() - t0) * 1000) / calls);
  }
  return best;
}
