// Browser bundle entry of test/backend-wasm-browser.test.ts: the public API as `chainrule`, plus the wasm
// runtime (to see its workers) as `wasmInternals`. Not a test file itself.

import { wasmRuntime } from "../src/backend/wasm/index.js";
import * as chainrule from "../src/index.js";

Object.assign(globalThis, { chainrule, wasmInternals: { wasmRuntime } });
