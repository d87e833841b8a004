// Selects a chainrule backend by name for the benchmark, and says plainly when it is not there.

import { loadNativeAddon, nativeFailure } from "../../src/backend/native/loader.js";
import { relaxedSimdSupported } from "../../src/backend/wasm/module.js";
import * as chainrule from "../../src/index.js";

/** The parts of the backend API the benchmark uses; `setNumThreads` may not exist on every version. */
interface BackendApi {
  setBackend: (backend: unknown) => void;
  getBackend: () => { name?: string };
  jsBackend: unknown;
  setNumThreads?: (n: number) => void;
  getNumThreads?: () => number;
}

/**
 * Makes `name` the active backend and returns what to report, or throws saying why it cannot (the driver then
 * reports the backend as unavailable). The js backend is selected by object, which every version accepts.
 */
export function selectChainruleBackend(
  name: "js" | "wasm" | "native",
  threads: number,
): { backend: string; threads: number; notes: string } {
  const api = chainrule as unknown as BackendApi;
  // Threads first: the wasm backend starts its workers when it is selected.
  if (name !== "js" && typeof api.setNumThreads === "function") api.setNumThreads(threads);
  if (name === "native" && loadNativeAddon() === null)
    throw new Error(`the native addon is not built (${nativeFailure()}); run "npm run build:native"`);
  if (name === "js") {
    api.setBackend(api.jsBackend);
  } else {
    try {
      api.setBackend(name);
    } catch (e) {
      api.setBackend(api.jsBackend);
      throw new Error(`setBackend("${name}") threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const active = api.getBackend()?.name;
  if (active !== name) {
    api.setBackend(api.jsBackend);
    throw new Error(`setBackend("${name}") left backend ${JSON.stringify(active)} active`);
  }
  if (name === "js") return { backend: "js", threads: 1, notes: "" };
  if (typeof api.setNumThreads !== "function")
    return { backend: name, threads: 1, notes: "setNumThreads not available" };
  const used = typeof api.getNumThreads === "function" ? api.getNumThreads() : threads;
  if (name === "native") {
    // Which matrix product ran: the BLAS or the backend's own kernel (the targets differ).
    const f = loadNativeAddon()?.features();
    const gemm = f ? `gemm ${f.gemm}, ${f.simd}${f.blas ? `, BLAS ${f.blas}` : ""}` : "";
    return {
      backend: `native (${gemm})`,
      threads: used,
      notes: used === threads ? "" : `asked for ${threads} threads`,
    };
  }
  const notes = [
    relaxedSimdSupported() ? "relaxed SIMD (FMA) build" : "",
    used === threads ? "" : `asked for ${threads} threads`,
  ];
  return { backend: name, threads: used, notes: notes.filter((n) => n !== "").join("; ") };
}
