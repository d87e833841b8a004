// Drives the built playground page through the selectors of /work/notes/s2/interfaces.md ("Selectors the e2e
// tests use") and `window.__playground`: open and wait until ready, read the displayed numbers, train.

import type { Locator, Page } from "playwright-core";
import type {
  ExperimentConfig,
  FromWorker,
  InspectRequest,
  Point,
  ProblemKind,
  Snapshot,
  ToWorker,
} from "../../../playground/src/protocol.js";

/** `[data-testid="id"]` on `page`. */
export function byTestId(page: Page, id: string): Locator {
  return page.locator(`[data-testid="${id}"]`);
}

/**
 * An init script (runs before the page's own scripts): records when `window.__playground.ready` resolves and
 * when the test loss first shows a number, in ms since navigation start, as `window.__timing`.
 */
export const TIMING_SCRIPT = `(() => {
  const t = (window.__timing = { readyAt: null, firstLossAt: null });
  let value;
  Object.defineProperty(window, "__playground", {
    configurable: true,
    enumerable: true,
    get() { return value; },
    set(v) {
      value = v;
      if (v && v.ready && typeof v.ready.then === "function" && t.readyAt === null)
        v.ready.then(() => { if (t.readyAt === null) t.readyAt = performance.now(); });
    },
  });
  const poll = () => {
    const el = document.querySelector('[data-testid="test-loss"]');
    if (el && Number.isFinite(Number.parseFloat(el.textContent || ""))) t.firstLossAt = performance.now();
    else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();`;

/** Opens the playground at `origin` (+ `hash`, e.g. "#dataset=xor") and waits for `__playground.ready`. */
export async function openPlayground(page: Page, origin: string, hash = ""): Promise<void> {
  await page.goto(`${origin}/${hash}`);
  await page.waitForFunction(
    () => (window as unknown as { __playground?: unknown }).__playground !== undefined,
  );
  await page.evaluate(() => (window as unknown as PlaygroundWindow).__playground.ready);
}

/** The page's worker client as the tests use it (playground/src/ui/client.ts; typed from the protocol only). */
export interface ClientHandle {
  send(msg: ToWorker): void;
  inspect(request: InspectRequest): Promise<unknown>;
  on<T extends FromWorker["type"]>(type: T, cb: (msg: Extract<FromWorker, { type: T }>) => void): () => void;
  latest: {
    snapshot: Snapshot | null;
    data: { problem: ProblemKind; classes: number; train: Point[]; test: Point[] } | null;
    config: ExperimentConfig;
  };
}

/** `window.__playground` (set up in playground/src/ui/app.ts) plus the panels' test hooks. */
export interface PlaygroundHandle {
  client: ClientHandle;
  getConfig(): ExperimentConfig;
  getSnapshot(): Snapshot | null;
  ready: Promise<void>;
  /** The panels' test hooks (lastBreakdown, lastTrace, lastCheck, lastHealth) and ours (__fresh). */
  [extra: string]: unknown;
}

/** `window` with the playground's test handle. */
export interface PlaygroundWindow {
  __playground: PlaygroundHandle;
  __timing?: { readyAt: number | null; firstLossAt: number | null };
}

/** The number shown in the element `[data-testid=id]` (text printed with toPrecision(4)). */
export async function readNumber(page: Page, id: string): Promise<number> {
  const text = (await byTestId(page, id).textContent()) ?? "";
  const match = /[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/i.exec(text.replace(/,/g, ""));
  const value = match ? Number(match[0]) : Number.NaN;
  if (!Number.isFinite(value))
    throw new Error(`readNumber: expected a number in ${id}, got ${JSON.stringify(text)}`);
  return value;
}

/** Waits until the displayed step counter reaches at least `steps` (no time assertions: vitest's timeout bounds it). */
export async function waitForSteps(page: Page, steps: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const el = document.querySelector('[data-testid="step-count"]');
      const v = Number.parseFloat((el?.textContent ?? "").replace(/[^0-9.]/g, ""));
      return Number.isFinite(v) && v >= n;
    },
    steps,
    { timeout: 0, polling: 100 },
  );
}

/** Takes exactly `n` more steps through the worker protocol (`step` message) and waits for the counter to show them. */
export async function trainSteps(page: Page, n: number): Promise<void> {
  if (n <= 0) return;
  const start = await readNumber(page, "step-count");
  await page.evaluate((steps) => {
    (window as unknown as PlaygroundWindow).__playground.client.send({ type: "step", steps });
  }, n);
  await waitForSteps(page, start + n);
}

/** The latest snapshot's step count and whether the worker is training, from `window.__playground`. */
export async function snapshotState(page: Page): Promise<{ step: number; running: boolean } | null> {
  return page.evaluate(() => {
    const snap = (window as unknown as PlaygroundWindow).__playground.getSnapshot();
    return snap ? { step: snap.step, running: snap.running } : null;
  });
}

/**
 * Presses the play button to start (`running` true) or stop training and waits until the worker's snapshots
 * confirm it; returns the step count of the confirming snapshot (after a pause: the final one).
 */
export async function setPlaying(page: Page, running: boolean): Promise<number> {
  const want = running ? "Play" : "Pause";
  await page.waitForFunction(
    (label) => document.querySelector('[data-testid="play"]')?.getAttribute("aria-label") === label,
    want,
  );
  await byTestId(page, "play").click();
  const handle = await page.waitForFunction(
    (r) => {
      const snap = (window as unknown as PlaygroundWindow).__playground.getSnapshot();
      return snap !== null && snap.running === r ? snap.step : false;
    },
    running,
    { polling: 50, timeout: 0 },
  );
  return (await handle.jsonValue()) as number;
}

/**
 * Runs `action` (which makes the worker build a new experiment: a data set click, a CSV load, a reset) and waits
 * until the new data has arrived, a snapshot after it too, and the page shows that snapshot's step and losses.
 */
export async function afterNewExperiment(page: Page, action: () => Promise<void>): Promise<void> {
  await page.evaluate(() => {
    const w = (window as unknown as PlaygroundWindow).__playground;
    w.__fresh = false;
    const offData = w.client.on("data", () => {
      offData();
      const offSnap = w.client.on("snapshot", () => {
        offSnap();
        w.__fresh = true;
      });
    });
  });
  await action();
  await page.waitForFunction(
    () => {
      const w = (window as unknown as PlaygroundWindow).__playground;
      const snap = w.getSnapshot();
      const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? "";
      return (
        w.__fresh === true &&
        snap !== null &&
        Number.parseFloat(text("step-count").replace(/,/g, "")) === snap.step &&
        Number.parseFloat(text("test-loss")) === Number(snap.testLoss.toPrecision(4))
      );
    },
    undefined,
    { polling: 50, timeout: 0 },
  );
}
