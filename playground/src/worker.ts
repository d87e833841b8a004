// The training Web Worker: owns the Trainer, answers the page's messages, trains in short slices while playing.

import { setBackend } from "chainrule";
import { buildSnapshot, type LossPoint, Trainer } from "./engine/index.js";
import { handleInspect, onStep } from "./inspect/index.js";
import type { ExperimentConfig, FromWorker, Point, Snapshot, ToWorker } from "./protocol.js";

// These networks are tiny (tens of weights): the js kernels beat the wasm ones, whose per-call overhead
// dominates at this size (measured: see the engine tests' notes), and need no compile step.
setBackend("js");

/** Milliseconds of training between two snapshots while playing (at least; see `sliceMs`). */
const SLICE_MS = 16;
/** Longest slice: the page still gets several frames a second with the largest networks on slow machines. */
const MAX_SLICE_MS = 100;
/** Most steps one `step` message may ask for. */
const MAX_STEPS = 100_000;
/** Loss points one `step` message records at most (besides the final one). */
const STEP_HISTORY_POINTS = 100;

/** What the worker uses of its global scope (typed here so the file also compiles without the WebWorker lib). */
interface WorkerScope {
  postMessage(message: FromWorker, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}

const scope = self as unknown as WorkerScope;

let trainer: Trainer | null = null;
let csvPoints: Point[] | undefined;
let running = false;
let scheduled = false;
let history: LossPoint[] = [];
/** (time, step) samples while playing, to measure steps per second over the last second. */
let rateSamples: { time: number; step: number }[] = [];
let stepsPerSecond = 0;
/**
 * The current slice length: a snapshot (heat maps of every neuron) of a large network can cost as much as
 * the slice itself, so slices grow to three times the last snapshot's cost, keeping training >= 75 % of the time.
 */
let sliceMs = SLICE_MS;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function current(): Trainer {
  if (trainer === null) throw new Error('worker: expected a "reset" message first, got no experiment');
  return trainer;
}

function postSnapshot(): void {
  const snapshot: Snapshot = buildSnapshot(current(), { running, stepsPerSecond, history });
  history = [];
  // The heat maps' buffers move to the page instead of being copied.
  const transfer = [snapshot.output.values.buffer, ...snapshot.neurons.flat().map((g) => g.values.buffer)];
  post({ type: "snapshot", snapshot }, transfer as Transferable[]);
}

function trainStep(t: Trainer): void {
  t.takeStep();
  onStep(t); // the health panel's per-layer gradient-norm history
}

function reset(config: ExperimentConfig, csv?: Point[]): void {
  running = false;
  if (csv !== undefined) csvPoints = csv;
  trainer = null;
  trainer = new Trainer(config, config.dataset === "csv" ? { csv: csvPoints } : {});
  history = [];
  rateSamples = [];
  stepsPerSecond = 0;
  sliceMs = SLICE_MS;
  post({
    type: "data",
    problem: trainer.problem,
    classes: trainer.classes,
    train: trainer.train.points,
    test: trainer.test.points,
  });
  postSnapshot();
}

function measureRate(step: number): void {
  const time = performance.now();
  rateSamples.push({ time, step });
  while (rateSamples.length > 2 && time - rateSamples[1].time >= 1000) rateSamples.shift();
  const first = rateSamples[0];
  if (time > first.time) stepsPerSecond = ((step - first.step) * 1000) / (time - first.time);
}

// A zero-delay yield: setTimeout is clamped to >= 4 ms when nested, a MessageChannel message is not.
const channel = new MessageChannel();
channel.port1.onmessage = () => {
  scheduled = false;
  playSlice();
};

function schedule(): void {
  if (scheduled || !running) return;
  scheduled = true;
  channel.port2.postMessage(null);
}

function playSlice(): void {
  if (!running || trainer === null) return;
  const t = trainer;
  try {
    const start = performance.now();
    do trainStep(t);
    while (performance.now() - start < sliceMs);
    measureRate(t.step);
    const before = performance.now();
    postSnapshot();
    sliceMs = Math.min(MAX_SLICE_MS, Math.max(SLICE_MS, 3 * (performance.now() - before)));
  } catch (error) {
    running = false;
    post({ type: "error", message: errorMessage(error) });
    return;
  }
  schedule();
}

function takeSteps(count: unknown): void {
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_STEPS)
    throw new Error(`step: expected an integer number of steps in 1..${MAX_STEPS}, got ${String(count)}`);
  running = false;
  const t = current();
  const every = Math.max(1, Math.ceil(count / STEP_HISTORY_POINTS));
  for (let i = 1; i <= count; i++) {
    trainStep(t);
    if (i % every === 0 && i < count) history.push({ step: t.step, ...t.evaluate() });
  }
  postSnapshot();
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case "reset":
      reset(message.config, message.csv);
      return;
    case "update": {
      const t = current();
      if (t.needsReset(message.config)) reset(message.config);
      else t.update(message.config);
      return;
    }
    case "play": {
      const t = current();
      // The rate counts from the moment play starts, so the first slice's snapshot already has one.
      if (!running) rateSamples = [{ time: performance.now(), step: t.step }];
      running = true;
      schedule();
      return;
    }
    case "pause":
      running = false;
      if (trainer !== null) postSnapshot();
      return;
    case "step":
      takeSteps(message.steps);
      return;
    case "inspect":
      try {
        post({ type: "inspectResult", id: message.id, result: handleInspect(current(), message.request) });
      } catch (error) {
        post({ type: "error", message: errorMessage(error), id: message.id });
      }
      return;
    case "setParam":
      current().setParam(message.param, message.value);
      postSnapshot();
      return;
    default:
      throw new Error(
        `worker: expected a known message type, got ${JSON.stringify((message as { type?: unknown }).type)}`,
      );
  }
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  try {
    handle(event.data);
  } catch (error) {
    post({ type: "error", message: errorMessage(error) });
  }
};

post({ type: "ready" });
