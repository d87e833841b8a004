// The package's "install" script: tries to build the native backend and ALWAYS exits 0, so installing chainrule
// never fails for want of a compiler. On failure it prints one line saying how to retry and see why.
// CHAINRULE_SKIP_NATIVE_BUILD=1 skips the attempt (the wasm backend is used).

import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BUILD = join(dirname(fileURLToPath(import.meta.url)), "build.mjs");

function main() {
  if (process.env.CHAINRULE_SKIP_NATIVE_BUILD === "1") return;
  const r = spawnSync(process.execPath, [BUILD], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (r.status === 0) {
    const built = (r.stdout ?? "").split("\n").find((l) => l.includes(": built "));
    if (built) process.stdout.write(`${built}\n`);
    return;
  }
  // The reason is build.mjs's first error line, shortened to keep this to one line.
  const first =
    `${r.stderr ?? ""}`.split("\n").find((l) => l.trim() !== "") ?? (r.error?.message || `exit ${r.status}`);
  const reason = first.replace(/^chainrule build-native: failed: /, "").slice(0, 160);
  process.stderr.write(
    `chainrule: native backend not built (${reason}); using wasm. Run "npx chainrule build-native" to retry and see why.\n`,
  );
}

try {
  main();
} catch (e) {
  process.stderr.write(
    `chainrule: native backend not built (${e instanceof Error ? e.message : String(e)}); using wasm.\n`,
  );
}
process.exit(0);
