// The page's side of the worker protocol: sends ToWorker messages, routes FromWorker messages to listeners,
// keeps the latest snapshot and data, and turns inspect requests into promises.

import type {
  ExperimentConfig,
  FromWorker,
  InspectRequest,
  Point,
  ProblemKind,
  Snapshot,
  ToWorker,
} from "../protocol.js";

/** The message of one FromWorker type, e.g. `MessageOf<"snapshot">`. */
export type MessageOf<T extends FromWorker["type"]> = Extract<FromWorker, { type: T }>;

/** The data set the worker generated: points split into train and test, and the problem kind. */
export interface DataMessage {
  problem: ProblemKind;
  classes: number;
  train: Point[];
  test: Point[];
}

/** Where a message goes: a Worker in the page, or any object with the same two members (tests, fakes). */
export interface WorkerLike {
  postMessage(msg: ToWorker): void;
  addEventListener(type: "message", cb: (ev: MessageEvent<FromWorker>) => void): void;
  addEventListener(type: "error", cb: (ev: ErrorEvent) => void): void;
}

/** Talks to the training worker. `latest` always holds the newest snapshot, data and the config last sent. */
export class WorkerClient {
  readonly latest: { snapshot: Snapshot | null; data: DataMessage | null; config: ExperimentConfig };
  private readonly listeners = new Map<string, Set<(msg: FromWorker) => void>>();
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private readonly worker: WorkerLike;

  constructor(config: ExperimentConfig, worker?: WorkerLike) {
    this.latest = { snapshot: null, data: null, config };
    this.worker =
      worker ??
      (new Worker(new URL("../worker.ts", import.meta.url), { type: "module" }) as unknown as WorkerLike);
    this.worker.addEventListener("message", (ev) => this.receive(ev.data));
    this.worker.addEventListener("error", (ev) => {
      this.receive({ type: "error", message: `worker: ${ev.message || "failed to start"}` });
    });
  }

  /** Sends one message; reset/update also record the config as the latest one. */
  send(msg: ToWorker): void {
    if (msg.type === "reset" || msg.type === "update") this.latest.config = msg.config;
    this.worker.postMessage(msg);
  }

  /** Asks the worker's inspector; resolves with the result (typed by the caller), rejects on an error. */
  inspect(request: InspectRequest): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: "inspect", id, request });
    });
  }

  /** Listens to one message type; returns a function that removes the listener. */
  on<T extends FromWorker["type"]>(type: T, cb: (msg: MessageOf<T>) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    const fn = cb as (msg: FromWorker) => void;
    set.add(fn);
    return () => set.delete(fn);
  }

  private receive(msg: FromWorker): void {
    if (msg.type === "snapshot") this.latest.snapshot = msg.snapshot;
    else if (msg.type === "data") this.latest.data = msg;
    else if (msg.type === "inspectResult") {
      const p = this.pending.get(msg.id);
      if (p) {
        this.pending.delete(msg.id);
        p.resolve(msg.result);
      }
    } else if (msg.type === "error" && msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (p) {
        this.pending.delete(msg.id);
        p.reject(new Error(msg.message));
      }
    }
    const set = this.listeners.get(msg.type);
    if (set) for (const cb of set) cb(msg);
  }
}
