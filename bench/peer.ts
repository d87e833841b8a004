// One Node implementation in its own process: times the chosen workloads and prints one JSON line per workload.

import { Command } from "commander";
import { chainruleCases, chainruleMlpSteps } from "./impl/chainrule.js";
import { microgradCases, plainCases } from "./impl/plain.js";
import {
  type Cases,
  FULL_MEASURE,
  FULL_SIZES,
  formatLine,
  type MeasureOptions,
  measure,
  QUICK_MEASURE,
  type ResultLine,
  resultLine,
  type Sizes,
  skippedLine,
  TIMED_WORKLOADS,
  TINY_SIZES,
  type Workload,
} from "./lib/spec.js";

/** What a peer runs on: its cases, and what to write in the backend and threads fields. */
interface Setup {
  cases: Cases;
  backend: string;
  threads: number;
  notes: string;
  /** Called before the process exits (tfjs-wasm's worker threads would keep it alive). */
  close?: () => void;
}

const program = new Command()
  .name("bench-peer")
  .description("Runs one Node implementation of the benchmark workloads and prints JSON lines.")
  .requiredOption(
    "--impl <id>",
    "chainrule-js | chainrule-wasm | chainrule-native | plain-js | micrograd-js | tfjs-cpu | tfjs-wasm | tfjs-wasm-1t",
  )
  .option("--workloads <list>", "comma-separated workloads", TIMED_WORKLOADS.join(","))
  .option("--threads <n>", "threads for backends that use them", "2")
  .option("--quick", "fewer runs")
  .option("--tiny", "tiny sizes (for tests)")
  .option("--memory-steps <a,b>", "memory check: RSS after a and after b MLP steps", "1000,10000")
  .option("--memory-budget-s <s>", "memory check: reduce the step counts to fit this many seconds", "180");

async function setupFor(impl: string, threads: number): Promise<Setup> {
  if (impl === "chainrule-js" || impl === "chainrule-wasm" || impl === "chainrule-native") {
    const { selectChainruleBackend } = await import("./peers/chainrule-backend.js");
    const sel = selectChainruleBackend(
      impl === "chainrule-js" ? "js" : impl === "chainrule-wasm" ? "wasm" : "native",
      threads,
    );
    return { cases: chainruleCases, ...sel };
  }
  if (impl === "plain-js") return { cases: plainCases, backend: "plain JS", threads: 1, notes: "" };
  if (impl === "micrograd-js") return { cases: microgradCases, backend: "plain JS", threads: 1, notes: "" };
  if (impl === "tfjs-cpu" || impl === "tfjs-wasm" || impl === "tfjs-wasm-1t") {
    const { setupTfjs } = await import("./peers/tfjs-setup.js");
    return setupTfjs(impl === "tfjs-cpu" ? "cpu" : "wasm", impl === "tfjs-wasm-1t" ? 1 : threads);
  }
  throw new Error(`bench-peer: unknown --impl ${impl}`);
}

function emit(line: ResultLine): void {
  process.stdout.write(`${formatLine(line)}\n`);
}

function runTimed(
  impl: string,
  setup: Setup,
  workload: Workload,
  sizes: Sizes,
  options: MeasureOptions,
): void {
  const factory = workload === "memory" ? undefined : setup.cases[workload];
  if (factory === undefined) return;
  const c = factory(sizes);
  let last: unknown;
  const times = measure(() => {
    last = c.run();
  }, options);
  const checksum = c.checksum(last);
  const notes = [setup.notes, c.notes ?? ""].filter((s) => s !== "").join("; ");
  emit(
    resultLine(
      { workload, impl, backend: setup.backend, threads: setup.threads, checksum, dtype: c.dtype, notes },
      times,
      sizes,
    ),
  );
}

/** RSS after `steps1` and after `steps2` chainrule MLP steps, after a full GC each time. */
function runMemory(impl: string, setup: Setup, stepsArg: string, budgetS: number): void {
  const [want1, want2] = stepsArg.split(",").map(Number);
  const gc = (globalThis as { gc?: () => void }).gc;
  const collect = () => {
    gc?.();
    gc?.();
  };
  const step = chainruleMlpSteps(FULL_SIZES);
  // Warm up (JIT, kernel caches, thread pools), then time a few steps to size the run to the budget.
  for (let i = 0; i < 3; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) step();
  const perStep = (performance.now() - t0) / 5;
  let steps2 = want2;
  const notes: string[] = [setup.notes];
  if (perStep * want2 > budgetS * 1000) {
    steps2 = Math.max(20, Math.floor((budgetS * 1000) / perStep / 10) * 10);
    notes.push(
      `REDUCED: ${steps2 / 10}/${steps2} steps instead of ${want1}/${want2} (${perStep.toFixed(1)} ms/step, ${budgetS} s budget)`,
    );
  }
  const steps1 = steps2 === want2 ? want1 : steps2 / 10;
  if (gc === undefined) notes.push("no --expose-gc: RSS read without a forced GC");
  collect();
  const rss0 = process.memoryUsage().rss;
  const start = performance.now();
  let loss = Number.NaN;
  for (let i = 0; i < steps1; i++) loss = step();
  collect();
  const m1 = process.memoryUsage();
  for (let i = steps1; i < steps2; i++) loss = step();
  collect();
  const m2 = process.memoryUsage();
  const seconds = (performance.now() - start) / 1000;
  const mb = (bytes: number) => Number((bytes / 2 ** 20).toFixed(1));
  const ratio = Number((m2.rss / m1.rss).toFixed(4));
  emit({
    workload: "memory",
    impl,
    backend: setup.backend,
    threads: setup.threads,
    unit: "ratio",
    median: ratio,
    min: ratio,
    runs: 1,
    medianMs: Number(((seconds * 1000) / steps2).toPrecision(5)),
    minMs: Number(((seconds * 1000) / steps2).toPrecision(5)),
    checksum: loss,
    dtype: "float32",
    notes: notes.filter((s) => s !== "").join("; "),
    extra: {
      steps1,
      steps2,
      reduced: steps2 !== want2,
      rssStartMB: mb(rss0),
      rss1MB: mb(m1.rss),
      rss2MB: mb(m2.rss),
      heap1MB: mb(m1.heapUsed),
      heap2MB: mb(m2.heapUsed),
      external1MB: mb(m1.external + m1.arrayBuffers),
      external2MB: mb(m2.external + m2.arrayBuffers),
      seconds: Number(seconds.toFixed(1)),
    },
  });
}

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<{
    impl: string;
    workloads: string;
    threads: string;
    quick?: boolean;
    tiny?: boolean;
    memorySteps: string;
    memoryBudgetS: string;
  }>();
  const workloads = opts.workloads.split(",").filter((w) => w !== "") as Workload[];
  const threads = Number(opts.threads);
  let setup: Setup;
  try {
    setup = await setupFor(opts.impl, threads);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    for (const w of workloads) emit(skippedLine(w, opts.impl, "", threads, `unavailable: ${why}`));
    return;
  }
  const sizes = opts.tiny ? TINY_SIZES : FULL_SIZES;
  const options = opts.quick ? QUICK_MEASURE : FULL_MEASURE;
  try {
    for (const w of workloads) {
      try {
        if (w === "memory") runMemory(opts.impl, setup, opts.memorySteps, Number(opts.memoryBudgetS));
        else runTimed(opts.impl, setup, w, sizes, options);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        emit(skippedLine(w, opts.impl, setup.backend, setup.threads, `failed: ${why}`));
      }
    }
  } finally {
    setup.close?.();
  }
}

await main();
// tfjs-wasm's pthread workers keep the event loop alive; every result is written by now.
process.exit(0);
