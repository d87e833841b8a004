// The wasm matmul's GFLOP/s inside Chromium (Debian's /usr/bin/chromium through playwright-core), where
// relaxed SIMD is on by default: the fused multiply-add build with 6-row tiles, on Web Workers, on a
// cross-origin-isolated page. Not part of bench/. Run: npx tsx scripts/bench-wasm-browser.ts

import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const bundle = await build({
  entryPoints: [new URL("./bench-wasm-browser.entry.ts", import.meta.url).pathname],
  bundle: true,
  platform: "browser",
  format: "iife",
  write: false,
  logLevel: "silent",
});
const js = bundle.outputFiles[0].text;
const server = createServer((req, res) => {
  const headers = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
  };
  if (req.url?.endsWith(".js")) {
    res.writeHead(200, { ...headers, "Content-Type": "text/javascript" });
    res.end(js);
  } else {
    res.writeHead(200, { ...headers, "Content-Type": "text/html" });
    res.end('<!doctype html><meta charset="utf-8"><script src="bench.js"></script>');
  }
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const profile = mkdtempSync(join(tmpdir(), "chainrule-bench-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
});
try {
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const lines = (await page.evaluate("runBench()")) as string[];
  console.log(`Chromium ${context.browser()?.version() ?? ""}`);
  for (const line of lines) console.log(line);
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
