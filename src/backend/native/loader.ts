// Finds and loads the native addon (native/build/Release/chainrule_native.node) under Node, without importing any
// `node:` module statically, so the main entry stays browser-safe; in browsers it returns null. Remembers why
// loading failed, for the notice and for setBackend's error.

import type * as NodeFs from "node:fs";
import type * as NodeModule from "node:module";
import type * as NodeUrl from "node:url";

/** A float array as the addon takes it: all float arrays of one call have the same type. */
export type NativeArray = Float32Array | Float64Array;

/** What the addon's `features()` reports. */
export interface NativeFeatures {
  /** The widest SIMD instruction set the CPU runs: "avx512", "avx2", "sse2", "neon" or "scalar". */
  simd: string;
  /** The BLAS linked at build time ("openblas", "blis", "accelerate"), or null. */
  blas: string | null;
  /** What large matrix products run on: the BLAS's name, or "own-avx512", "own-avx2", "own-neon", "own-scalar". */
  gemm: string;
  threads: number;
}

/**
 * The addon's functions (docs/native.md). Op codes are indices into the lists of `codes.ts`; offsets, strides,
 * shapes and dims are Float64Arrays. Arrays are read and written in place (no copies), byteOffset respected.
 */
export interface NativeAddon {
  version: string;
  features(): NativeFeatures;
  setNumThreads(n: number): void;
  numThreads(): number;
  matmul(
    a: NativeArray,
    aOffsets: Float64Array,
    b: NativeArray,
    bOffsets: Float64Array,
    out: NativeArray,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
  ): void;
  unary(op: number, x: NativeArray, out: NativeArray): void;
  binary(op: number, a: NativeArray, b: NativeArray, out: NativeArray): void;
  binaryStrided(
    op: number,
    a: NativeArray,
    aStrides: Float64Array,
    b: NativeArray,
    bStrides: Float64Array,
    out: NativeArray,
    shape: Float64Array,
  ): void;
  reduce(op: number, x: NativeArray, shape: Float64Array, dims: Float64Array, out: NativeArray): void;
  softmax(x: NativeArray, outer: number, n: number, inner: number, out: NativeArray, log: boolean): void;
  /** Fused activation backward (act codes: `ACT` in codes.ts); optional: older builds lack it. */
  actBackward?(act: number, g: NativeArray, v: NativeArray, out: NativeArray): void;
}

/** The functions a usable addon must have (an addon built from older sources may lack some). */
const REQUIRED = [
  "features",
  "setNumThreads",
  "numThreads",
  "matmul",
  "unary",
  "binary",
  "binaryStrided",
  "reduce",
  "softmax",
] as const;

/** The addon's place relative to the package root: the same from src/ and from dist/ (three levels up). */
export const ADDON_RELATIVE_PATH = "native/build/Release/chainrule_native.node";

interface NodeProcessLike {
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

function nodeProcess(): NodeProcessLike | undefined {
  const p = (globalThis as { process?: NodeProcessLike }).process;
  return p?.versions?.node ? p : undefined;
}

let loaded: NativeAddon | null | undefined;
let failure: string | null = null;

/** Why the native addon is not loaded (null when it is, or before a first attempt). */
export function nativeFailure(): string | null {
  return failure;
}

/** True when the failure is only that the addon was never built (the case the notice is for). */
export function nativeNotBuilt(): boolean {
  return failure?.startsWith("not built") === true;
}

/**
 * Where to look for the addon: CHAINRULE_NATIVE_PATH, then the package root three levels above this module
 * (src/backend/native or dist/backend/native), then, for bundled copies of this module, every directory above
 * it and its node_modules/chainrule.
 */
function candidates(
  fs: typeof NodeFs,
  url: typeof NodeUrl,
  env: Record<string, string | undefined>,
): string[] {
  const explicit = env.CHAINRULE_NATIVE_PATH;
  if (explicit !== undefined && explicit !== "") return [explicit];
  // Built from parts: bundlers treat `new URL("literal", import.meta.url)` as an asset to copy.
  const here = url.fileURLToPath(new URL(/* @vite-ignore */ ".", import.meta.url));
  const out = [
    url.fileURLToPath(new URL(["..", "..", "..", ADDON_RELATIVE_PATH].join("/"), import.meta.url)),
  ];
  let dir = here.replace(/[\\/]+$/, "");
  for (let i = 0; i < 32; i++) {
    out.push(`${dir}/${ADDON_RELATIVE_PATH}`, `${dir}/node_modules/chainrule/${ADDON_RELATIVE_PATH}`);
    const up = dir.replace(/[\\/][^\\/]*$/, "");
    if (up === dir || up === "") break;
    dir = up;
  }
  return [...new Set(out)].filter((p, i) => i === 0 || fs.existsSync(p));
}

/**
 * Loads a native addon from `path`, or returns null and records why (see {@link nativeFailure}). The
 * registry uses {@link loadNativeAddon}; this one is for tests and tools.
 */
export function loadNativeAddonFrom(path: string): NativeAddon | null {
  const node = nodeProcess();
  const getBuiltin = node?.getBuiltinModule;
  if (node === undefined) return fail("not available outside Node");
  if (getBuiltin === undefined)
    return fail(
      `this Node (${node.versions?.node}) has no process.getBuiltinModule; Node >= 20.16 loads the addon`,
    );
  const fs = getBuiltin("node:fs") as typeof NodeFs;
  const mod = getBuiltin("node:module") as typeof NodeModule;
  if (!fs.existsSync(path)) return fail(`not built: ${path} does not exist`);
  let addon: NativeAddon;
  try {
    addon = mod.createRequire(import.meta.url)(path) as NativeAddon;
  } catch (error) {
    return fail(
      `${path} does not load: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    );
  }
  const missing = REQUIRED.filter((name) => typeof addon[name] !== "function");
  if (missing.length > 0)
    return fail(
      `${path} is out of date (it lacks ${missing.join(", ")}): rebuild it with "npx chainrule build-native"`,
    );
  failure = null;
  return addon;
}

function fail(reason: string): null {
  failure = reason;
  return null;
}

/** The native addon, loaded once per process; null (with {@link nativeFailure} saying why) where it cannot load. */
export function loadNativeAddon(): NativeAddon | null {
  if (loaded !== undefined) return loaded;
  const node = nodeProcess();
  const getBuiltin = node?.getBuiltinModule;
  if (node === undefined || getBuiltin === undefined) {
    loaded = loadNativeAddonFrom("");
    return loaded;
  }
  const fs = getBuiltin("node:fs") as typeof NodeFs;
  const url = getBuiltin("node:url") as typeof NodeUrl;
  let paths: string[];
  try {
    paths = candidates(fs, url, node.env ?? {});
  } catch (error) {
    // import.meta.url is not a file: URL (e.g. a bundle served over http in a Node-like host).
    loaded = fail(`not built: no addon path next to ${import.meta.url} (${String(error)})`);
    return loaded;
  }
  const existing = paths.find((p) => fs.existsSync(p)) ?? paths[0];
  loaded = loadNativeAddonFrom(existing);
  return loaded;
}

/** The one-line notice printed when Node's automatic choice wanted the native backend but it is not built. */
export const NATIVE_NOTICE =
  'chainrule: native backend not built; using wasm (run "npx chainrule build-native" to enable it)';
