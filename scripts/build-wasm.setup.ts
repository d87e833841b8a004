// Vitest global setup: builds the wasm kernels (scripts/build-wasm.mjs; a no-op when up to date) before any
// test imports them, so `npx vitest run` works on a fresh clone too, not only `npm test` (whose pretest
// hook builds them as well).

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL("./build-wasm.mjs", import.meta.url))], {
    stdio: "inherit",
  });
}
