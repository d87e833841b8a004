// The playground benchmark: builds the page with Vite, serves it from a local static server and measures in
// headless Chromium the load time (navigation start to the first snapshot drawn) and the training speed of the
// default network while playing. Prints JSON lines and compares with issue 6's targets.

import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { CHROMIUM, hasChromium, launchChromium, openPage } from "../test/playground/support/browser.js";
import {
  byTestId,
  openPlayground,
  type PlaygroundWindow,
  readNumber,
  TIMING_SCRIPT,
} from "../test/playground/support/page.js";
import { buildPlayground, serveStatic } from "../test/playground/support/site.js";

/** Issue 6's targets. */
const TARGET_LOAD_MS = 2000;
const TARGET_STEPS_PER_S = 30;

/** One JSON line of this benchmark. */
interface PlaygroundLine {
  bench: "playground";
  metric: "build_ms" | "load_ms" | "ready_ms" | "steps_per_s";
  unit: "ms" | "steps/s";
  median: number;
  min: number;
  max: number;
  runs: number;
  /** The target, and how the median compares: above 1 meets it (target/ms or steps/target). */
  target?: number;
  ratio?: number;
  notes: string;
  extra?: Record<string, number | string | boolean>;
}

const program = new Command()
  .name("bench:playground")
  .description(
    "Builds the playground, serves it locally and measures in headless Chromium its load time and the\n" +
      "steps per second of the default network while playing. Prints JSON lines.",
  )
  .option("--loads <n>", "page loads to time", "5")
  .option("--seconds <s>", "seconds of training per speed measurement", "5")
  .option("--repeats <n>", "speed measurements (each on a fresh page)", "2")
  .option("--isolated", "serve with COOP/COEP headers (cross-origin isolated page)")
  .addHelpText("after", "\nExamples:\n  npm run bench:playground\n  npm run bench:playground -- --loads 3\n");

function round(x: number, digits = 4): number {
  return Number(x.toPrecision(digits));
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function line(
  metric: PlaygroundLine["metric"],
  values: readonly number[],
  notes: string,
  extra?: PlaygroundLine["extra"],
): PlaygroundLine {
  const unit = metric === "steps_per_s" ? "steps/s" : "ms";
  const med = median(values);
  const out: PlaygroundLine = {
    bench: "playground",
    metric,
    unit,
    median: round(med),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
    runs: values.length,
    notes,
  };
  if (metric === "load_ms") {
    out.target = TARGET_LOAD_MS;
    out.ratio = round(TARGET_LOAD_MS / med, 3);
  } else if (metric === "steps_per_s") {
    out.target = TARGET_STEPS_PER_S;
    out.ratio = round(med / TARGET_STEPS_PER_S, 3);
  }
  if (extra) out.extra = extra;
  return out;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function main(): Promise<void> {
  const opts = program
    .parse()
    .opts<{ loads: string; seconds: string; repeats: string; isolated?: boolean }>();
  if (!hasChromium) {
    console.error(`bench:playground: needs ${CHROMIUM} (apt-get install chromium); nothing measured`);
    process.exit(1);
  }
  const loads = Math.max(1, Number.parseInt(opts.loads, 10));
  const seconds = Math.max(1, Number(opts.seconds));
  const repeats = Math.max(1, Number.parseInt(opts.repeats, 10));
  const isolated = opts.isolated === true;
  const load = `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`;
  const print = (l: PlaygroundLine) => console.log(JSON.stringify(l));

  const outDir = mkdtempSync(join(tmpdir(), "chainrule-playground-bench-"));
  const buildMs = await buildPlayground(outDir);
  print(line("build_ms", [buildMs], `vite build (production) of playground/; ${load}`));
  const server = await serveStatic(outDir, { isolated });
  const browser = await launchChromium();
  const serving = `local static server${isolated ? " with COOP/COEP" : ""}, headless Chromium`;
  try {
    // Load time: a fresh page per load (the server sends no-store, so every load fetches everything).
    const firstDrawn: number[] = [];
    const ready: number[] = [];
    for (let i = 0; i < loads; i++) {
      const { page, errors } = await openPage(browser);
      await page.addInitScript(TIMING_SCRIPT);
      await openPlayground(page, server.origin);
      await page.waitForFunction(() => (window as unknown as PlaygroundWindow).__timing?.firstLossAt != null);
      const t = await page.evaluate(() => (window as unknown as PlaygroundWindow).__timing!);
      if (errors.length > 0) console.error(`bench:playground: errors on the page: ${errors.join("; ")}`);
      if (t.firstLossAt !== null) firstDrawn.push(t.firstLossAt);
      if (t.readyAt !== null) ready.push(t.readyAt);
      await page.close();
    }
    print(
      line("load_ms", firstDrawn, `navigation start to the test loss first drawn; ${serving}; ${load}`, {
        first: round(firstDrawn[0]),
      }),
    );
    if (ready.length > 0)
      print(line("ready_ms", ready, `navigation start to window.__playground.ready resolved; ${load}`));

    // Training speed: press play on the default experiment, skip a warm-up second, count steps over `seconds`.
    const rates: number[] = [];
    const reported: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const { page } = await openPage(browser);
      await openPlayground(page, server.origin);
      await byTestId(page, "play").click();
      await sleep(1000);
      const s0 = await readNumber(page, "step-count");
      const t0 = performance.now();
      await sleep(seconds * 1000);
      const s1 = await readNumber(page, "step-count");
      const t1 = performance.now();
      rates.push(((s1 - s0) * 1000) / (t1 - t0));
      const own = await page.evaluate(
        () =>
          (window as unknown as PlaygroundWindow).__playground.getSnapshot()?.stepsPerSecond ?? Number.NaN,
      );
      if (Number.isFinite(own)) reported.push(own);
      await byTestId(page, "play").click();
      await page.close();
    }
    print(
      line(
        "steps_per_s",
        rates,
        `default network (circle, 2-4-2-1 tanh, batch 10) playing, step counter read over ${seconds} s; ${serving}; ${load}`,
        reported.length > 0 ? { pageReportedMedian: round(median(reported)) } : undefined,
      ),
    );
  } finally {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
