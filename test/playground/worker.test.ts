// The playground's worker module driven in Node through a stand-in global scope: every message type.

import { beforeAll, describe, expect, it } from "vitest";
import { defaultConfig, Trainer } from "../../playground/src/engine/index.js";
import type { FromWorker, Snapshot, ToWorker } from "../../playground/src/protocol.js";

const posted: FromWorker[] = [];
/** Waiters for a message: called on every post (the play loop's zero-delay yields can starve Node's timers). */
const waiters: ((m: FromWorker) => void)[] = [];
const scope: { postMessage: (m: FromWorker) => void; onmessage: ((e: { data: ToWorker }) => void) | null } = {
  postMessage: (m) => {
    posted.push(m);
    for (const w of [...waiters]) w(m);
  },
  onmessage: null,
};

function send(message: ToWorker): void {
  scope.onmessage!({ data: message });
}

/** Resolves with the next message posted that satisfies `pred`. */
function next<T extends FromWorker>(pred: (m: FromWorker) => m is T): Promise<T> {
  return new Promise((resolve) => {
    const waiter = (m: FromWorker) => {
      if (!pred(m)) return;
      waiters.splice(waiters.indexOf(waiter), 1);
      resolve(m);
    };
    waiters.push(waiter);
  });
}

const isSnapshot = (m: FromWorker): m is Extract<FromWorker, { type: "snapshot" }> => m.type === "snapshot";
const lastSnapshot = (): Snapshot => posted.filter(isSnapshot).at(-1)!.snapshot;

beforeAll(async () => {
  (globalThis as { self?: unknown }).self = scope;
  await import("../../playground/src/worker.js");
});

describe("playground worker", () => {
  it("says ready, then answers reset with the data and a first snapshot", () => {
    expect(posted[0]).toEqual({ type: "ready" });
    const from = posted.length;
    send({ type: "reset", config: defaultConfig() });
    const [data, snap] = posted.slice(from);
    expect(data).toMatchObject({ type: "data", problem: "binary", classes: 2 });
    const reference = new Trainer(defaultConfig());
    expect((data as Extract<FromWorker, { type: "data" }>).train).toEqual(reference.train.points);
    expect(snap.type).toBe("snapshot");
    const s = (snap as Extract<FromWorker, { type: "snapshot" }>).snapshot;
    expect([s.step, s.running, s.output.size, s.neurons.map((l) => l.length)]).toEqual([
      0,
      false,
      50,
      [2, 4, 2],
    ]);
    expect(s.params).toEqual(reference.params());
  });

  it("takes exactly N steps on a step message, the same steps a Trainer takes", () => {
    send({ type: "step", steps: 250 });
    const s = lastSnapshot();
    expect(s.step).toBe(250);
    const reference = new Trainer(defaultConfig());
    for (let i = 0; i < 250; i++) reference.takeStep();
    expect(s.params).toEqual(reference.params());
    expect(s.testLoss).toBe(reference.evaluate().testLoss);
    // Loss points along the way (every 3rd step for 250 steps), ending at the snapshot's own.
    expect(s.history.length).toBeGreaterThan(50);
    expect(s.history.at(-1)).toEqual({ step: 250, trainLoss: s.trainLoss, testLoss: s.testLoss });
  });

  it("plays in slices, posting running snapshots, until paused", async () => {
    const arrived = next(
      (m): m is Extract<FromWorker, { type: "snapshot" }> =>
        isSnapshot(m) && m.snapshot.running && m.snapshot.step > 260,
    );
    send({ type: "play" });
    const running = await arrived;
    expect(running.snapshot.history.length).toBeGreaterThan(0);
    send({ type: "pause" });
    const paused = lastSnapshot();
    expect(paused.running).toBe(false);
    expect(paused.stepsPerSecond).toBeGreaterThan(0);
    // Nothing trains after the pause.
    await new Promise((r) => setTimeout(r, 50));
    expect(lastSnapshot().step).toBe(paused.step);
  });

  it("applies live updates, resets on structural ones, and sets parameters", () => {
    const step = lastSnapshot().step;
    send({ type: "update", config: { ...defaultConfig(), learningRate: 0.3 } });
    send({ type: "step", steps: 1 });
    expect(lastSnapshot().step).toBe(step + 1);
    const from = posted.length;
    send({ type: "update", config: { ...defaultConfig(), hiddenLayers: [3] } });
    expect(posted.slice(from).map((m) => m.type)).toEqual(["data", "snapshot"]);
    expect(lastSnapshot().params.weights.map((w) => w.length)).toEqual([3, 1]);
    send({ type: "setParam", param: { layer: 1, to: 0, from: 2 }, value: 0.5 });
    expect(lastSnapshot().params.weights[1][0][2]).toBe(0.5);
  });

  it("answers inspect requests with their id (the inspect module's handleInspect)", () => {
    const from = posted.length;
    send({ type: "inspect", id: 41, request: { kind: "health" } });
    expect(posted.slice(from)).toMatchObject([{ type: "inspectResult", id: 41 }]);
    send({ type: "inspect", id: 42, request: { kind: "nonsense" } as unknown as { kind: "health" } });
    expect(posted.at(-1)).toMatchObject({ type: "error", id: 42 });
  });

  it("reports every bad message as an error, never throws", () => {
    const errors = () =>
      posted.filter((m) => m.type === "error").map((m) => (m as { message: string }).message);
    const before = errors().length;
    send({ type: "step", steps: 0 });
    send({ type: "reset", config: { ...defaultConfig(), batchSize: 99 } });
    send({ type: "step", steps: 1 }); // no trainer after a failed reset
    send({ type: "reset", config: { ...defaultConfig(), dataset: "csv" } });
    send({ type: "bogus" } as unknown as ToWorker);
    expect(errors().slice(before)).toEqual([
      "step: expected an integer number of steps in 1..100000, got 0",
      "Trainer: invalid config, got batchSize: expected an integer in 1..30, got 99",
      'worker: expected a "reset" message first, got no experiment',
      'Trainer: dataset "csv" needs points, got none; load a CSV first',
      'worker: expected a known message type, got "bogus"',
    ]);
  });

  it("trains on CSV points sent with reset, and keeps them for later resets", () => {
    const csv = Array.from({ length: 30 }, (_, i) => ({
      x1: (i % 6) - 3,
      x2: Math.floor(i / 6) - 2,
      label: i % 2,
    }));
    send({ type: "reset", config: { ...defaultConfig(), dataset: "csv" }, csv });
    const data = posted.filter((m) => m.type === "data").at(-1) as Extract<FromWorker, { type: "data" }>;
    expect(data.train.length + data.test.length).toBe(30);
    send({ type: "reset", config: { ...defaultConfig(), dataset: "csv", seed: 5 } });
    expect(posted.at(-1)?.type).toBe("snapshot");
  });
});
