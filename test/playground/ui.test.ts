// Unit tests of the page's DOM-free pieces: colour scales read in greyscale, the worker client routes
// messages and inspect replies, and the config store reports exactly what changed.

import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../playground/src/engine/config.js";
import type { FromWorker, ToWorker } from "../../playground/src/protocol.js";
import { WorkerClient, type WorkerLike } from "../../playground/src/ui/client.js";
import { CLASS_COLORS, luminance, lutIndex, SCALE_LUT, signedColor } from "../../playground/src/ui/colors.js";
import { ConfigStore } from "../../playground/src/ui/store.js";

function lumOf(css: string): number {
  const [r, g, b] = css.match(/\d+/g)!.map(Number);
  return luminance(r!, g!, b!);
}

describe("colour scales", () => {
  it("the heat-map scale's luminance never falls and spans dark to light", () => {
    const lums = Array.from({ length: 256 }, (_, i) =>
      luminance(SCALE_LUT[i * 3]!, SCALE_LUT[i * 3 + 1]!, SCALE_LUT[i * 3 + 2]!),
    );
    for (let i = 1; i < 256; i++) expect(lums[i]!).toBeGreaterThanOrEqual(lums[i - 1]!);
    expect(lums[0]!).toBeLessThan(0.03);
    expect(lums[255]!).toBeGreaterThan(0.75);
  });

  it("signed values: negative is darker than zero, zero darker than positive", () => {
    expect(lumOf(signedColor(-1, 1))).toBeLessThan(lumOf(signedColor(0, 1)) - 0.1);
    expect(lumOf(signedColor(0, 1))).toBeLessThan(lumOf(signedColor(1, 1)) - 0.1);
    expect(lumOf(signedColor(-5, 1))).toBe(lumOf(signedColor(-1, 1)));
  });

  it("class colours differ in lightness, not only in hue", () => {
    const l = CLASS_COLORS.map((c) => luminance(...c)).sort((a, b) => a - b);
    for (let i = 1; i < l.length; i++) expect(l[i]! - l[i - 1]!).toBeGreaterThan(0.09);
  });

  it("lutIndex clamps and maps NaN to the middle", () => {
    expect([lutIndex(-2), lutIndex(0.5), lutIndex(3), lutIndex(Number.NaN)]).toEqual([0, 128, 255, 128]);
  });
});

class FakeWorker implements WorkerLike {
  sent: ToWorker[] = [];
  private cb: ((ev: MessageEvent<FromWorker>) => void) | null = null;
  postMessage(msg: ToWorker): void {
    this.sent.push(msg);
  }
  addEventListener(type: string, cb: (ev: never) => void): void {
    if (type === "message") this.cb = cb as (ev: MessageEvent<FromWorker>) => void;
  }
  emit(msg: FromWorker): void {
    this.cb!({ data: msg } as MessageEvent<FromWorker>);
  }
}

describe("WorkerClient", () => {
  it("records the config it sends and routes messages by type", () => {
    const fake = new FakeWorker();
    const client = new WorkerClient(defaultConfig(), fake);
    const next = { ...defaultConfig(), dataset: "xor" as const };
    client.send({ type: "reset", config: next });
    expect(client.latest.config.dataset).toBe("xor");
    const seen: string[] = [];
    const off = client.on("data", (m) => seen.push(`${m.problem}/${m.classes}/${m.train.length}`));
    fake.emit({ type: "data", problem: "binary", classes: 2, train: [{ x1: 0, x2: 0, label: 1 }], test: [] });
    off();
    fake.emit({ type: "data", problem: "multiclass", classes: 3, train: [], test: [] });
    expect(seen).toEqual(["binary/2/1"]);
    expect(client.latest.data?.problem).toBe("multiclass");
  });

  it("inspect resolves with its own reply and rejects on its own error", async () => {
    const fake = new FakeWorker();
    const client = new WorkerClient(defaultConfig(), fake);
    const a = client.inspect({ kind: "health" });
    const b = client.inspect({ kind: "trace" });
    const ids = fake.sent.map((m) => (m.type === "inspect" ? m.id : -1));
    expect(ids[0]).not.toBe(ids[1]);
    fake.emit({ type: "error", id: ids[1]!, message: "inspect: bad" });
    fake.emit({ type: "inspectResult", id: ids[0]!, result: { kind: "health", value: 42 } });
    await expect(a).resolves.toEqual({ kind: "health", value: 42 });
    await expect(b).rejects.toThrow("inspect: bad");
  });
});

describe("ConfigStore", () => {
  it("notifies with only the keys whose value changed", () => {
    const store = new ConfigStore(defaultConfig());
    const calls: string[][] = [];
    store.subscribe((_c, changed) => calls.push([...changed]));
    store.set({ hiddenLayers: [4, 2], learningRate: 0.1 });
    store.set({ learningRate: 0.1 });
    store.set({ features: ["x1"] });
    expect(calls).toEqual([["learningRate"], ["features"]]);
    expect(store.get().features).toEqual(["x1"]);
  });
});
