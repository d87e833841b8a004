// The benchmark driver: runs chainrule and its peers, each in its own process, then writes JSON lines and a markdown report.

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { build } from "esbuild";
import { renderMarkdown } from "./lib/report.js";
import {
  ALL_WORKLOADS,
  FULL_MEASURE,
  FULL_SIZES,
  formatLine,
  parseLine,
  pythonConfig,
  QUICK_MEASURE,
  type ResultLine,
  skippedLine,
  type Workload,
} from "./lib/spec.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");

/** A peer: how to start it and which workloads it has. */
interface Peer {
  id: string;
  kind: "node" | "python";
  workloads: readonly Workload[];
  /** Extra arguments for bench/peer.ts, or the Python library. */
  args: string[];
}

const TIMED: readonly Workload[] = ["matmul", "mlp", "tutorial", "scalar"];

/** Every peer, in the order they run. */
const PEERS: readonly Peer[] = [
  { id: "chainrule-js", kind: "node", workloads: TIMED, args: [] },
  { id: "chainrule-wasm", kind: "node", workloads: TIMED, args: [] },
  // The optional C++ addon (npm run build:native); reported as unavailable where it is not built.
  { id: "chainrule-native", kind: "node", workloads: TIMED, args: [] },
  { id: "plain-js", kind: "node", workloads: ["matmul", "mlp", "tutorial"], args: [] },
  { id: "micrograd-js", kind: "node", workloads: ["scalar"], args: [] },
  { id: "tfjs-cpu", kind: "node", workloads: TIMED, args: [] },
  { id: "tfjs-wasm", kind: "node", workloads: TIMED, args: [] },
  // One thread, matmul only: shows that the two-thread run really uses two threads.
  { id: "tfjs-wasm-1t", kind: "node", workloads: ["matmul"], args: [] },
  { id: "numpy", kind: "python", workloads: ["matmul", "mlp", "tutorial"], args: ["numpy"] },
  { id: "pytorch", kind: "python", workloads: TIMED, args: ["torch"] },
];

const program = new Command()
  .name("bench")
  .description(
    "Times chainrule against TensorFlow.js, numpy, PyTorch and plain-JS baselines on issue 3's workloads.\n" +
      "Writes JSON lines and a markdown report to bench/results/latest.{jsonl,md} and prints both.",
  )
  .option("--quick", "fewer runs and a reduced memory check (under a minute)")
  .option("--only <workloads>", `comma-separated subset of ${ALL_WORKLOADS.join(",")}`)
  .option("--impl <ids>", `comma-separated subset of ${PEERS.map((p) => p.id).join(",")}`)
  .option("--threads <n>", "threads for multi-threaded peers and backends", "2")
  .option(
    "--relaxed",
    "run chainrule's peers with V8's --experimental-wasm-relaxed-simd (Node 20 needs the flag; browsers have it on)",
  )
  .option(
    "--python <path>",
    "Python interpreter for numpy and PyTorch (default: the first that imports them)",
  )
  .option("--memory-steps <a,b>", "memory check: RSS after a and after b MLP steps", "1000,10000")
  .option(
    "--memory-budget-s <s>",
    "memory check: fewer steps when a,b would take longer (default 150, quick 3)",
  )
  .option("--out <dir>", "where latest.jsonl and latest.md go", join(HERE, "results"))
  .addHelpText(
    "after",
    "\nExamples:\n  npm run bench\n  npm run bench:quick\n  npm run bench -- --only matmul,mlp --impl chainrule-js,tfjs-wasm\n",
  );

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function list(value: string | undefined): string[] | undefined {
  return value
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Runs a command, collects the JSON lines it prints; on failure or timeout returns what it has plus a reason. */
function runProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ lines: ResultLine[]; error: string | null }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    const lines: ResultLine[] = [];
    let buffer = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl = buffer.indexOf("\n");
      while (nl >= 0) {
        const text = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (text.startsWith("{")) {
          const line = parseLine(text);
          lines.push(line);
          process.stdout.write(`${formatLine(line)}\n`);
        }
        nl = buffer.indexOf("\n");
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      done({ lines, error: `could not start ${command}: ${e.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      // The error message, not the stack: lines that are not "    at ..." frames.
      const tail = stderr
        .split("\n")
        .filter((l) => l.trim() !== "" && !/^\s+at /.test(l) && !l.startsWith("npm warn"))
        .slice(-4)
        .join(" | ");
      if (timedOut) done({ lines, error: `timed out after ${timeoutMs / 1000} s` });
      else if (code !== 0) done({ lines, error: `exited with code ${code}: ${tail}` });
      else done({ lines, error: null });
    });
  });
}

/** The first interpreter that imports `module`, or null. */
function findPython(candidates: readonly string[], module: string): string | null {
  for (const python of candidates) {
    const r = spawnSync(python, ["-c", `import ${module}`], { stdio: "ignore", timeout: 60_000 });
    if (r.status === 0) return python;
  }
  return null;
}

interface Options {
  quick?: boolean;
  relaxed?: boolean;
  only?: string;
  impl?: string;
  threads: string;
  python?: string;
  memorySteps: string;
  memoryBudgetS?: string;
  out: string;
}

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<Options>();
  const started = performance.now();
  const loadBefore = os.loadavg()[0].toFixed(2);
  const quick = opts.quick === true;
  const workloads = (list(opts.only) ?? [...ALL_WORKLOADS]) as Workload[];
  for (const w of workloads) {
    if (!ALL_WORKLOADS.includes(w)) throw new Error(`bench: unknown workload "${w}" in --only`);
  }
  const implFilter = list(opts.impl);
  for (const id of implFilter ?? []) {
    if (!PEERS.some((p) => p.id === id)) throw new Error(`bench: unknown implementation "${id}" in --impl`);
  }
  const threads = opts.threads;
  const measureOptions = quick ? QUICK_MEASURE : FULL_MEASURE;
  // Generous: a busy machine can be several times slower than an idle one.
  const timeoutMs = quick ? 120_000 : 400_000;
  const env = { ...process.env, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads };
  const pythons = [...new Set([opts.python, process.env.BENCH_PYTHON, "python3", "/usr/bin/python3"])].filter(
    (p): p is string => p !== undefined && p !== "",
  );

  const all: ResultLine[] = [];
  // Node peers run from an esbuild bundle, as users run compiled code: tsx would wrap every function with
  // esbuild's keepNames helper, which costs chainrule's small-op paths up to 2x. Packages stay external.
  const bundle = join(HERE, "results", "peer.bundle.mjs");
  mkdirSync(dirname(bundle), { recursive: true });
  await build({
    entryPoints: [join(HERE, "peer.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    outfile: bundle,
    logLevel: "error",
  });
  // Relaxed SIMD (fused multiply-add) is behind a V8 flag in Node 20; chainrule detects it and uses its FMA build.
  const nodeArgs = (extra: string[], peerId: string) =>
    opts.relaxed === true && peerId.startsWith("chainrule")
      ? ["--experimental-wasm-relaxed-simd", bundle, ...extra]
      : [bundle, ...extra];
  for (const peer of PEERS) {
    if (implFilter !== undefined && !implFilter.includes(peer.id)) continue;
    // The one-thread thread check is left out of --quick unless asked for by name.
    if (quick && peer.id === "tfjs-wasm-1t" && implFilter === undefined) continue;
    const todo = peer.workloads.filter((w) => workloads.includes(w));
    if (todo.length === 0) continue;
    const t0 = performance.now();
    log(`${peer.id}: ${todo.join(", ")}`);
    let result: { lines: ResultLine[]; error: string | null };
    if (peer.kind === "node") {
      const args = nodeArgs(
        ["--impl", peer.id, "--workloads", todo.join(","), "--threads", threads],
        peer.id,
      );
      if (quick) args.push("--quick");
      result = await runProcess(process.execPath, args, env, timeoutMs);
      if (result.error !== null && result.lines.length === 0 && !result.error.startsWith("timed out")) {
        log(`${peer.id}: failed (${result.error}); retrying once`);
        result = await runProcess(process.execPath, args, env, timeoutMs);
      }
    } else {
      const module = peer.args[0];
      const python = findPython(pythons, module);
      if (python === null) {
        const why = `not found: no Python with ${module} among ${pythons.join(", ")}; install python3-${module === "torch" ? "torch" : "numpy"}`;
        result = { lines: todo.map((w) => skippedLine(w, peer.id, "", Number(threads), why)), error: null };
        for (const l of result.lines) process.stdout.write(`${formatLine(l)}\n`);
      } else {
        const config = pythonConfig(FULL_SIZES, measureOptions, todo);
        const args = [join(HERE, "peers", "python_peer.py"), "--lib", module, "--threads", threads];
        result = await runProcess(python, [...args, "--config", config], env, timeoutMs);
      }
    }
    for (const w of todo) {
      if (!result.lines.some((l) => l.workload === w)) {
        const line = skippedLine(
          w,
          peer.id,
          "",
          Number(threads),
          `no result: ${result.error ?? "none printed"}`,
        );
        result.lines.push(line);
        process.stdout.write(`${formatLine(line)}\n`);
      }
    }
    all.push(...result.lines);
    log(`${peer.id}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  if (workloads.includes("memory")) {
    // The memory check runs once, on the fastest chainrule backend that works (native, else wasm, else js).
    const budget = opts.memoryBudgetS ?? (quick ? "3" : "150");
    for (const id of ["chainrule-native", "chainrule-wasm", "chainrule-js"]) {
      if (implFilter !== undefined && !implFilter.includes(id)) continue;
      if (all.some((l) => l.impl === id && l.skipped && l.notes.startsWith("unavailable"))) continue;
      log(`${id}: memory (${opts.memorySteps} steps, budget ${budget} s)`);
      const args = [
        "--expose-gc",
        ...nodeArgs(["--impl", id, "--workloads", "memory", "--threads", threads], id),
        "--memory-steps",
        opts.memorySteps,
        "--memory-budget-s",
        budget,
      ];
      const r = await runProcess(process.execPath, args, env, (Number(budget) + 120) * 1000);
      const line = r.lines.find((l) => l.workload === "memory");
      if (line !== undefined && !line.skipped) {
        all.push(line);
        break;
      }
      log(`${id}: memory check unavailable (${line?.notes ?? r.error})`);
    }
  }

  const cpus = os.cpus();
  const md = renderMarkdown(all, {
    date: new Date().toISOString(),
    mode: quick ? "quick" : "full",
    cpu: cpus[0]?.model ?? "unknown CPU",
    cores: cpus.length,
    node: process.version,
    loadBefore,
    loadAfter: os.loadavg()[0].toFixed(2),
    seconds: (performance.now() - started) / 1000,
    command: ["tsx bench/run.ts", ...process.argv.slice(2)].join(" "),
  });
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(join(opts.out, "latest.jsonl"), all.map((l) => `${formatLine(l)}\n`).join(""));
  writeFileSync(join(opts.out, "latest.md"), `${md}\n`);
  process.stdout.write(`\n${md}\n`);
  log(`wrote ${join(opts.out, "latest.jsonl")} and latest.md`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
