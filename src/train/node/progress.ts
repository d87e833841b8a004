// Node only: a cli-progress bar over each epoch's batches, for terminals.

import { Presets, SingleBar } from "cli-progress";
import type { Callback } from "../callbacks.js";
import { formatNumber } from "../callbacks.js";

/**
 * A fit callback drawing one progress bar per epoch (batches done, running loss, time left) on `stream`,
 * cleared when the epoch ends so the epoch's log line takes its place. Use it only on a terminal.
 *
 * @example
 * ```ts
 * import { progressBar } from "chainrule/node";
 * fit(net, train, { callbacks: process.stderr.isTTY ? [progressBar()] : [] });
 * ```
 */
export function progressBar(stream: NodeJS.WritableStream = process.stderr): Callback & { stop(): void } {
  let bar: SingleBar | null = null;
  let lossSum = 0;
  let rows = 0;
  return {
    onEpochBegin(epoch, ctx) {
      lossSum = 0;
      rows = 0;
      bar = new SingleBar(
        {
          format: `epoch ${epoch}/${ctx.epochs} [{bar}] {value}/{total} batches | loss {loss} | {eta_formatted} left`,
          stream: stream as NodeJS.WriteStream,
          clearOnComplete: true,
          hideCursor: true,
          etaBuffer: 50,
          gracefulExit: true,
        },
        Presets.shades_classic,
      );
      bar.start(ctx.batchesPerEpoch, 0, { loss: "-" });
    },
    onBatchEnd(_batch, logs) {
      lossSum += logs.loss * logs.size;
      rows += logs.size;
      bar?.increment(1, { loss: formatNumber(lossSum / rows) });
    },
    onEpochEnd() {
      bar?.stop();
      bar = null;
    },
    onTrainEnd() {
      bar?.stop();
      bar = null;
    },
    /** Removes a bar left by an epoch that threw. */
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
