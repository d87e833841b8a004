// Builds the native backend (native/build/Release/chainrule_native.node) with the node-gyp that ships inside
// npm, against the running Node's own headers, so nothing is downloaded. Prints what it found (compiler, BLAS,
// SIMD) and exits 1 with a clear message on failure. CHAINRULE_NATIVE_FORCE_FAIL=1 fails on purpose (for CI).
// Usage: node scripts/native/build.mjs [--verbose] [--rebuild]

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compiler, detectBlas } from "./detect.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const NATIVE = join(ROOT, "native");
const ADDON = join(NATIVE, "build", "Release", "chainrule_native.node");
const STAMP = join(NATIVE, "build", "chainrule-configure.json");
const verbose = process.argv.includes("--verbose");
const forceRebuild = process.argv.includes("--rebuild");

class BuildError extends Error {}

function say(line) {
  process.stdout.write(`chainrule build-native: ${line}\n`);
}

/** npm's bundled node-gyp: npm_config_node_gyp (set when npm runs us), next to npm, or a local install. */
function findNodeGyp() {
  const prefix = dirname(dirname(process.execPath));
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath &&
      join(dirname(process.env.npm_execpath), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    join(dirname(process.execPath), "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  try {
    return createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js");
  } catch {
    throw new BuildError(
      "node-gyp not found (it ships with npm; looked next to npm and node): run this through npm, or install node-gyp",
    );
  }
}

/** Node's headers for this exact Node: the install prefix, npm_config_nodedir, or node-gyp's cache. */
function findNodeDir() {
  const candidates = [
    process.env.CHAINRULE_NODEDIR,
    process.env.npm_config_nodedir,
    dirname(dirname(process.execPath)),
  ];
  for (const c of candidates) if (c && existsSync(join(c, "include", "node", "node_api.h"))) return c;
  const home = process.env.HOME ?? process.env.USERPROFILE ?? "";
  const cache = process.env.XDG_CACHE_HOME ?? join(home, ".cache");
  const version = process.versions.node;
  for (const dir of [
    join(cache, "node-gyp", version),
    join(process.env.LOCALAPPDATA ?? "", "node-gyp", "Cache", version),
  ])
    if (existsSync(join(dir, "include", "node", "node_api.h"))) return dir;
  throw new BuildError(
    `Node's C headers are not installed next to ${process.execPath} (looked for include/node/node_api.h); ` +
      "install them (e.g. the nodejs headers package, or Node from nodejs.org) or set CHAINRULE_NODEDIR",
  );
}

/** The compiler's first version line, or a BuildError when there is none. */
function compilerVersion() {
  const cxx = compiler();
  const r = spawnSync(cxx, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0)
    throw new BuildError(
      `no C++ compiler (${cxx}) found: install one (Debian/Ubuntu: build-essential; macOS: xcode-select --install)`,
    );
  return r.stdout.split("\n")[0].trim();
}

/** Runs node-gyp; output streams with --verbose, else is kept and its tail shown on failure. */
function nodeGyp(gyp, args) {
  const r = spawnSync(process.execPath, [gyp, ...args], {
    cwd: NATIVE,
    encoding: "utf8",
    stdio: verbose ? "inherit" : "pipe",
    env: { ...process.env, npm_config_loglevel: verbose ? "info" : "error" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new BuildError(`could not run node-gyp: ${r.error.message}`);
  if (r.status !== 0) {
    // The compiler's and linker's messages, without node-gyp's stack and environment lines.
    const noise =
      /^gyp (ERR!|info) (stack|System|command|cwd|node -v|node-gyp -v|not ok)|^make(\[\d+\])?: (Entering|Leaving)/;
    const out = `${r.stdout ?? ""}\n${r.stderr ?? ""}`
      .split("\n")
      .filter((l) => l.trim() !== "" && !noise.test(l));
    const tail = out.slice(-25).join("\n  ");
    throw new BuildError(`node-gyp ${args[0]} failed (exit ${r.status}):\n  ${tail}`);
  }
}

/** native/src's sources of one kind (generic, avx2, avx512, neon), as binding.gyp sees them. */
function sources(kind) {
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "native", "sources.mjs"), kind], {
    encoding: "utf8",
  });
  return r.stdout.split("\n").filter((l) => l !== "");
}

/** What decides the configure step: binding.gyp, the source lists, BLAS and the Node version. */
function configureKey(args, nodedir) {
  const h = createHash("sha256");
  h.update(readFileSync(join(NATIVE, "binding.gyp")));
  for (const kind of ["generic", "avx2", "avx512", "neon"]) h.update(`${kind}:${sources(kind).join(",")}`);
  h.update(JSON.stringify([args, nodedir, process.version, process.arch]));
  return h.digest("hex");
}

/** Loads the addon in a fresh process and returns its features(). */
function loadCheck() {
  const script = `const a = require(${JSON.stringify(ADDON)}); process.stdout.write(JSON.stringify({ version: a.version, ...a.features() }));`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  if (r.status !== 0)
    throw new BuildError(
      `built, but the addon does not load: ${(r.stderr ?? "").trim().split("\n").slice(-3).join(" ")}`,
    );
  return JSON.parse(r.stdout);
}

function main() {
  if (process.env.CHAINRULE_NATIVE_FORCE_FAIL === "1")
    throw new BuildError("CHAINRULE_NATIVE_FORCE_FAIL=1 is set: failing on purpose");
  if (!existsSync(join(NATIVE, "binding.gyp")))
    throw new BuildError(`${join(NATIVE, "binding.gyp")} is missing`);
  const cxx = compilerVersion();
  const gyp = findNodeGyp();
  const nodedir = findNodeDir();
  let blas;
  try {
    blas = detectBlas();
  } catch (e) {
    throw new BuildError(e instanceof Error ? e.message : String(e));
  }
  say(`compiler: ${cxx}`);
  say(
    `BLAS: ${blas.blas === "none" ? "none (own kernels)" : `${blas.blas}${blas.lib ? ` (${blas.lib})` : ""}`}`,
  );
  if (verbose && blas.tried.length > 0) say(`BLAS candidates rejected: ${blas.tried.join("; ")}`);
  const gypArgs = [
    `-Dblas=${blas.blas}`,
    `-Dblas_lib=${blas.lib}`,
    `-Dsimd_avx2=${sources("avx2").length > 0 ? "yes" : "no"}`,
    `-Dsimd_avx512=${sources("avx512").length > 0 ? "yes" : "no"}`,
  ];
  const key = configureKey(gypArgs, nodedir);
  let stamp = null;
  try {
    stamp = JSON.parse(readFileSync(STAMP, "utf8")).key;
  } catch {}
  const common = [`--nodedir=${nodedir}`];
  if (forceRebuild || stamp !== key || !existsSync(join(NATIVE, "build", "config.gypi"))) {
    const started = performance.now();
    nodeGyp(gyp, ["configure", ...common, "--", ...gypArgs]);
    mkdirSync(dirname(STAMP), { recursive: true });
    writeFileSync(STAMP, `${JSON.stringify({ key, blas })}\n`);
    if (verbose) say(`configured in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const started = performance.now();
  nodeGyp(gyp, ["build", ...common, `--jobs=${Math.max(1, availableParallelism())}`]);
  const f = loadCheck();
  say(
    `built ${ADDON} in ${((performance.now() - started) / 1000).toFixed(1)} s: version ${f.version}, ` +
      `SIMD ${f.simd}, gemm ${f.gemm}, BLAS ${f.blas ?? "none"}, ${f.threads} threads`,
  );
}

try {
  main();
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`chainrule build-native: failed: ${message}\n`);
  process.exit(1);
}
