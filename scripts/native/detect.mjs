// Finds a system BLAS for the native backend at build time: OpenBLAS or BLIS on Linux (by library file, no
// headers needed), Accelerate on macOS. Each candidate must link and compute a 2x2 product in a test program.
// CHAINRULE_BLAS=none|openblas|blis|accelerate overrides the search; CHAINRULE_BLAS_LIB=/path/lib.so picks the file.
// `node scripts/native/detect.mjs` prints the result as JSON.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const CHOICES = ["none", "openblas", "blis", "accelerate"];

/** The test program: cblas_dgemm on 2x2 matrices, declared here because headers are often not installed. */
const PROBE = `
extern "C" void cblas_dgemm(int, int, int, int, int, int, double, const double*, int, const double*, int,
                            double, double*, int);
int main() {
  double a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[4] = {0, 0, 0, 0};
  cblas_dgemm(101, 111, 111, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2);
  return (c[0] == 19 && c[1] == 22 && c[2] == 43 && c[3] == 50) ? 0 : 3;
}
`;

/** The C++ compiler node-gyp will use (CXX, else c++). */
export function compiler() {
  return process.env.CXX || "c++";
}

/** Library directories to search: the loader cache, LD_LIBRARY_PATH, then the usual places. */
function libraryFiles(stem) {
  const found = [];
  const ldconfig = spawnSync("ldconfig", ["-p"], { encoding: "utf8" });
  if (ldconfig.status === 0) {
    for (const line of ldconfig.stdout.split("\n")) {
      const m = /^\s*(\S+)\s.*=>\s*(\S+)$/.exec(line);
      if (m?.[1].startsWith(`${stem}.so`)) found.push(m[2]);
    }
  }
  const triple = process.arch === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? "").split(":").filter((d) => d !== ""),
    `/usr/lib/${triple}`,
    `/lib/${triple}`,
    `/usr/lib/${triple}/openblas-pthread`,
    "/usr/lib64",
    "/usr/lib",
    "/usr/local/lib",
    "/opt/OpenBLAS/lib",
  ];
  for (const dir of dirs) {
    let names;
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) if (name.startsWith(`${stem}.so`)) found.push(join(dir, name));
  }
  // Prefer the runtime soname (libopenblas.so.0): it is what the loader will find later.
  const unique = [...new Set(found)].filter((f) => existsSync(f));
  return unique.sort((a, b) => rank(a) - rank(b));
}

function rank(file) {
  return /\.so\.\d+$/.test(file) ? 0 : file.endsWith(".so") ? 1 : 2;
}

/** True when `linkArgs` link the probe and it computes the right product; else the reason. */
function probe(linkArgs) {
  const dir = mkdtempSync(join(tmpdir(), "chainrule-blas-"));
  try {
    const src = join(dir, "probe.cc");
    const exe = join(dir, "probe");
    writeFileSync(src, PROBE);
    const cc = spawnSync(compiler(), [src, "-o", exe, ...linkArgs], { encoding: "utf8" });
    if (cc.error) return `${compiler()} not found`;
    if (cc.status !== 0) return `does not link: ${cc.stderr.trim().split("\n").slice(-1)[0] ?? ""}`;
    const run = spawnSync(exe, [], { encoding: "utf8", env: { ...process.env, OPENBLAS_NUM_THREADS: "1" } });
    if (run.status !== 0) return `test product failed (exit ${run.status ?? run.signal})`;
    return true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Tries one library: the first of its files that links and computes. */
function tryLibrary(name, stem, tried) {
  const files = process.env.CHAINRULE_BLAS_LIB ? [process.env.CHAINRULE_BLAS_LIB] : libraryFiles(stem);
  if (files.length === 0) tried.push(`${name}: no ${stem}.so* found`);
  for (const file of files) {
    const ok = probe([file]);
    if (ok === true) return { blas: name, lib: file, tried };
    tried.push(`${name} (${file}): ${ok}`);
  }
  return null;
}

/**
 * The BLAS to link: `{ blas, lib, tried }` with `blas` one of none|openblas|blis|accelerate, `lib` the file to
 * link (or "" for none/accelerate) and `tried` what was rejected and why. Throws when CHAINRULE_BLAS asks
 * for a library that cannot be used.
 */
export function detectBlas() {
  const want = (process.env.CHAINRULE_BLAS ?? "").trim().toLowerCase();
  if (want !== "" && !CHOICES.includes(want))
    throw new Error(`CHAINRULE_BLAS: expected one of ${CHOICES.join(", ")}, got ${JSON.stringify(want)}`);
  const tried = [];
  if (want === "none") return { blas: "none", lib: "", tried: ["CHAINRULE_BLAS=none"] };
  const candidates =
    process.platform === "darwin"
      ? ["accelerate", "openblas"]
      : process.platform === "linux"
        ? ["openblas", "blis"]
        : [];
  const order = want === "" ? candidates : [want];
  for (const name of order) {
    if (name === "accelerate") {
      if (process.platform !== "darwin") {
        tried.push("accelerate: macOS only");
        continue;
      }
      const ok = probe(["-framework", "Accelerate"]);
      if (ok === true) return { blas: "accelerate", lib: "", tried };
      tried.push(`accelerate: ${ok}`);
      continue;
    }
    const hit = tryLibrary(name, name === "openblas" ? "libopenblas" : "libblis", tried);
    if (hit) return hit;
  }
  if (want !== "") throw new Error(`CHAINRULE_BLAS=${want}, but it cannot be used: ${tried.join("; ")}`);
  if (order.length === 0) tried.push(`no BLAS search on ${process.platform}`);
  return { blas: "none", lib: "", tried };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    process.stdout.write(`${JSON.stringify(detectBlas(), null, 2)}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
