// The page's one source of truth for the experiment's configuration; listeners learn which keys changed.

import type { ExperimentConfig } from "../protocol.js";

export type ConfigListener = (config: ExperimentConfig, changed: (keyof ExperimentConfig)[]) => void;

/** Holds the config; `set` merges a patch and notifies listeners with the keys whose value changed. */
export class ConfigStore {
  private current: ExperimentConfig;
  private readonly listeners = new Set<ConfigListener>();

  constructor(initial: ExperimentConfig) {
    this.current = structuredClone(initial);
  }

  get(): ExperimentConfig {
    return this.current;
  }

  set(patch: Partial<ExperimentConfig>): void {
    const next = { ...this.current, ...patch };
    const changed = (Object.keys(patch) as (keyof ExperimentConfig)[]).filter(
      (k) => JSON.stringify(this.current[k]) !== JSON.stringify(next[k]),
    );
    if (changed.length === 0) return;
    this.current = next;
    for (const l of this.listeners) l(next, changed);
  }

  /** Replaces everything (URL restore); notifies with every key. */
  replace(config: ExperimentConfig): void {
    this.current = structuredClone(config);
    const all = Object.keys(config) as (keyof ExperimentConfig)[];
    for (const l of this.listeners) l(this.current, all);
  }

  subscribe(l: ConfigListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
