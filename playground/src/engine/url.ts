// The experiment in the URL: a short, readable hash (`#dataset=circle&noise=0&...`) and its tolerant decoder.

import type { ExperimentConfig } from "../protocol.js";
import {
  ACTIVATIONS,
  DATASETS,
  defaultConfig,
  FEATURES,
  inList,
  LEARNING_RATES,
  LIMITS,
  REGULARIZATION_RATES,
  REGULARIZATIONS,
} from "./config.js";

type Key = keyof ExperimentConfig;

/** The hash's keys, in the order {@link encodeConfig} writes them (the config's own field names). */
export const URL_KEYS: readonly Key[] = [
  "dataset",
  "noise",
  "trainRatio",
  "batchSize",
  "features",
  "hiddenLayers",
  "activation",
  "learningRate",
  "regularization",
  "regularizationRate",
  "seed",
];

/** TF Playground's names for the same settings, accepted when decoding. */
const ALIASES: Readonly<Record<string, Key>> = { percTrainData: "trainRatio", networkShape: "hiddenLayers" };

/**
 * The config as a URL hash body (no leading `#`), every field present, values plain: lists are
 * comma-separated, an empty `hiddenLayers=` means no hidden layer.
 *
 * @example
 * ```ts
 * encodeConfig(defaultConfig());
 * // "dataset=circle&noise=0&trainRatio=50&batchSize=10&features=x1,x2&hiddenLayers=4,2&activation=tanh&learningRate=0.03&regularization=none&regularizationRate=0&seed=1"
 * ```
 */
export function encodeConfig(config: ExperimentConfig): string {
  return URL_KEYS.map((key) => {
    const value = config[key];
    return `${key}=${Array.isArray(value) ? value.join(",") : String(value)}`;
  }).join("&");
}

function parseInteger(text: string, min: number, max: number): number | null {
  if (!/^-?\d+$/.test(text.trim())) return null;
  const v = Number(text);
  return Number.isSafeInteger(v) && v >= min && v <= max ? v : null;
}

function parseChoice(text: string, choices: readonly number[]): number | null {
  const v = text.trim() === "" ? Number.NaN : Number(text);
  if (!Number.isFinite(v) || !inList(v, choices)) return null;
  return choices.find((c) => inList(v, [c])) ?? null;
}

function parseList<T extends string>(text: string, choices: readonly T[]): T[] | null {
  const items = text.split(",").map((s) => s.trim());
  if (items.length === 0 || items.some((s) => !choices.includes(s as T))) return null;
  return [...new Set(items as T[])];
}

/** Parses one field; `null` means invalid, and the message says what was expected. */
function parseField(key: Key, text: string): { value: unknown; expected: string } {
  switch (key) {
    case "dataset":
      return {
        value: DATASETS.includes(text as never) ? text : null,
        expected: `one of ${DATASETS.join(", ")}`,
      };
    case "activation":
      return {
        value: ACTIVATIONS.includes(text as never) ? text : null,
        expected: `one of ${ACTIVATIONS.join(", ")}`,
      };
    case "regularization":
      return {
        value: REGULARIZATIONS.includes(text as never) ? text : null,
        expected: `one of ${REGULARIZATIONS.join(", ")}`,
      };
    case "noise":
    case "trainRatio":
    case "batchSize":
    case "seed": {
      const { min, max } = LIMITS[key];
      return { value: parseInteger(text, min, max), expected: `an integer in ${min}..${max}` };
    }
    case "learningRate":
      return { value: parseChoice(text, LEARNING_RATES), expected: `one of ${LEARNING_RATES.join(", ")}` };
    case "regularizationRate":
      return {
        value: parseChoice(text, REGULARIZATION_RATES),
        expected: `one of ${REGULARIZATION_RATES.join(", ")}`,
      };
    case "features":
      return {
        value: parseList(text, FEATURES),
        expected: `a comma-separated list of ${FEATURES.join(", ")}`,
      };
    case "hiddenLayers": {
      const sizes = text.trim() === "" ? [] : text.split(",").map((s) => parseInteger(s, 1, 8));
      const ok = sizes.length <= LIMITS.hiddenLayers.max && sizes.every((s) => s !== null);
      return { value: ok ? sizes : null, expected: "up to 6 comma-separated layer sizes, each 1..8" };
    }
  }
}

/**
 * Reads a config from a URL hash (with or without the leading `#`; TF Playground's `percTrainData` and
 * `networkShape` are understood too). Missing keys take their defaults; an invalid value is replaced by
 * the default and reported in `errors` (`noise: expected an integer in 0..50, got "abc"`). Unknown keys
 * are ignored, so the page may keep its own state in the hash. Never throws.
 *
 * @example
 * ```ts
 * decodeConfig("#dataset=xor&noise=abc"); // { config: {...defaults, dataset: "xor"}, errors: ['noise: ...'] }
 * ```
 */
export function decodeConfig(hash: string): { config: ExperimentConfig; errors: string[] } {
  const config = defaultConfig();
  const errors: string[] = [];
  const target = config as unknown as Record<Key, unknown>;
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(String(hash ?? "").replace(/^#/, ""));
  } catch {
    return { config, errors: [`url: expected key=value pairs, got ${JSON.stringify(hash)}`] };
  }
  for (const [rawKey, text] of params) {
    const key = (URL_KEYS as readonly string[]).includes(rawKey) ? (rawKey as Key) : ALIASES[rawKey];
    if (key === undefined) continue;
    const { value, expected } = parseField(key, text);
    if (value === null) errors.push(`${rawKey}: expected ${expected}, got ${JSON.stringify(text)}`);
    else target[key] = value;
  }
  return { config, errors };
}
