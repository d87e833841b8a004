// Lists native/src's C/C++ sources for binding.gyp, by the flags their names ask for (see docs/native.md):
// `node sources.mjs generic|avx2|avx512|neon` prints one path per line, relative to native/ (gyp's cwd);
// with `--any` it prints 1 when there is at least one such file, else 0 (gyp leaves out empty libraries).
// Only the standard library: it runs inside node-gyp's configure step.

import { readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const NATIVE = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "native");
const KINDS = ["generic", "avx2", "avx512", "neon"];

/** Every source file under `dir`, sorted, so the build is the same on every machine. */
function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (/\.(cc|cpp|c)$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** Which library a file belongs to: `foo_avx2.cc` -> avx2, `foo_avx512.cc` -> avx512, `foo_neon.cc` -> neon. */
function kindOf(file) {
  const m = /_(avx2|avx512|neon)\.(cc|cpp|c)$/.exec(file);
  return m ? m[1] : "generic";
}

const kind = process.argv[2];
if (!KINDS.includes(kind)) {
  process.stderr.write(`sources.mjs: expected one of ${KINDS.join(", ")}, got ${JSON.stringify(kind)}\n`);
  process.exit(1);
}
const files = walk(join(NATIVE, "src"))
  .filter((f) => kindOf(f) === kind)
  .map((f) => relative(NATIVE, f).split("\\").join("/"));
if (process.argv[3] === "--any") process.stdout.write(files.length > 0 ? "1\n" : "0\n");
else process.stdout.write(files.map((f) => `${f}\n`).join(""));
