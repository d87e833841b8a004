// The active backend. Chosen explicitly (never by import side effects); the reference backend by default.

import type { Backend } from "./backend.js";
import { jsBackend } from "./js/index.js";

let active: Backend = jsBackend;

/** The backend that ops run on now. */
export function getBackend(): Backend {
  return active;
}

/**
 * Makes `backend` the one every later op runs on.
 *
 * @example
 * ```ts
 * setBackend(jsBackend);
 * ```
 */
export function setBackend(backend: Backend): void {
  active = backend;
}
