// Helpers shared by chainrule's panels: number formatting, the parameter the learner selected (one for all
// panels), typed inspect requests, and the test hook `window.__playground` entries.

import type { InspectResult } from "../inspect/types.js";
import type { InspectRequest, ParamRef } from "../protocol.js";
import type { PanelContext } from "../ui/panels.js";

/** 4 significant digits, as the rest of the page prints numbers. */
export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return "–";
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

/** Scientific notation with 2 decimals, for norms: `sci(0.000123) === "1.23e-4"`. */
export function sci(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  return v.toExponential(2).replace("e+", "e");
}

/** A share as a percentage: `pct(0.125) === "12.5 %"`. */
export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? "–" : `${(100 * v).toFixed(1)} %`;
}

/** Sends an inspect request and narrows the result to the kind asked for. */
export async function inspect<K extends InspectResult["kind"]>(
  ctx: PanelContext,
  request: InspectRequest & { kind: K },
): Promise<Extract<InspectResult, { kind: K }>> {
  const result = (await ctx.client.inspect(request)) as InspectResult;
  if (result?.kind !== request.kind)
    throw new Error(`inspect: expected a "${request.kind}" result, got ${JSON.stringify(result?.kind)}`);
  return result as Extract<InspectResult, { kind: K }>;
}

type Listener = (p: ParamRef) => void;
const listeners = new Set<Listener>();
let selected: ParamRef | null = null;

/** The parameter selected by a click on the network (shared by the breakdown and the exercise). */
export const selection = {
  get(): ParamRef | null {
    return selected;
  },
  set(p: ParamRef): void {
    selected = { ...p };
    for (const cb of listeners) cb(selected);
  },
  /** Forgets the selection (the network changed and the parameter is gone). */
  clear(): void {
    selected = null;
  },
  on(cb: Listener): () => void {
    listeners.add(cb);
    return () => listeners.delete(cb);
  },
};

/** Whether the network of the current config (with `outputs` outputs) has parameter `p`. */
export function paramExists(ctx: PanelContext, p: ParamRef, outputs: number): boolean {
  const cfg = ctx.getConfig();
  const sizes = [cfg.features.length, ...cfg.hiddenLayers, outputs];
  return (
    p.layer >= 0 &&
    p.layer < sizes.length - 1 &&
    p.to >= 0 &&
    p.to < sizes[p.layer + 1] &&
    p.from >= -1 &&
    p.from < sizes[p.layer]
  );
}

/** Puts `value` on `window.__playground[key]` for the end-to-end tests (a no-op outside a page). */
export function expose(key: string, value: unknown): void {
  const w = globalThis as unknown as { __playground?: Record<string, unknown> };
  if (w.__playground && typeof w.__playground === "object") w.__playground[key] = value;
}

/** Whether the worker is training now (from the latest snapshot). */
export function isRunning(ctx: PanelContext): boolean {
  return ctx.client.latest.snapshot?.running === true;
}

/** The steps the latest snapshot reports (-1 before the first). */
export function currentStep(ctx: PanelContext): number {
  return ctx.client.latest.snapshot?.step ?? -1;
}

/** Calls `fn` (async) at most once at a time, re-running once more if asked again meanwhile. */
export function serial(fn: () => Promise<void>): () => void {
  let busy = false;
  let again = false;
  const run = async (): Promise<void> => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      await fn();
    } finally {
      busy = false;
      if (again) {
        again = false;
        void run();
      }
    }
  };
  return () => void run();
}
