// Assembles the Snapshot the worker posts: losses, parameters and heat maps of the trainer's current state.

import type { Snapshot } from "../protocol.js";
import { NEURON_GRID_SIZE, neuronGrids, OUTPUT_GRID_SIZE, outputGrid } from "./grids.js";
import type { Trainer } from "./trainer.js";

/** One point of the loss curves. */
export type LossPoint = Snapshot["history"][number];

/** What the worker knows that the trainer does not. */
export interface SnapshotExtras {
  running: boolean;
  stepsPerSecond: number;
  /** Loss points recorded since the last snapshot (the snapshot's own point is appended). */
  history?: LossPoint[];
  outputSize?: number;
  neuronSize?: number;
}

/**
 * The trainer's state for the page: train and test loss (also appended to `history`), parameters, the
 * output heat map and one heat map per neuron.
 *
 * @example
 * ```ts
 * const snap = buildSnapshot(trainer, { running: false, stepsPerSecond: 0 });
 * snap.output.size; // 50
 * ```
 */
export function buildSnapshot(trainer: Trainer, extras: SnapshotExtras): Snapshot {
  const { trainLoss, testLoss } = trainer.evaluate();
  const history = [...(extras.history ?? [])];
  if (history.at(-1)?.step !== trainer.step) history.push({ step: trainer.step, trainLoss, testLoss });
  return {
    step: trainer.step,
    epoch: trainer.epoch,
    trainLoss,
    testLoss,
    history,
    params: trainer.params(),
    output: outputGrid(trainer, extras.outputSize ?? OUTPUT_GRID_SIZE),
    neurons: neuronGrids(trainer, extras.neuronSize ?? NEURON_GRID_SIZE),
    stepsPerSecond: extras.stepsPerSecond,
    running: extras.running,
  };
}
