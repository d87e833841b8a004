// The wasm backend in a real browser (Debian's chromium through playwright-core): the same kernel module
// and the library bundled for the browser platform. On a cross-origin-isolated page `await ready()` gives
// the wasm backend, Web Workers start from a Blob URL and join jobs on the shared memory, and results agree
// with the js backend; on a page without isolation (no SharedArrayBuffer) the kernels run on one thread.
// Skipped, with a message, where /usr/bin/chromium is not installed.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
// The page picks its own backends: one run (the js project's) covers it.
const skip = !hasChromium || process.env.CHAINRULE_BACKEND === "wasm";
if (!hasChromium)
  console.warn(
    `backend-wasm-browser.test.ts: skipped, ${CHROMIUM} is not installed (apt-get install chromium)`,
  );

/** What the page reports back. */
interface PageResult {
  isolated: boolean;
  first: string;
  ready: string;
  threads: number;
  workers: number;
  relaxed: boolean;
  maxMatmulError: number;
  maxExpError: number;
  maxSoftmaxError: number;
}

// Runs in the page: the bundle defines `chainrule` (the public API) and `wasmInternals`.
const PAGE_SCRIPT = `
window.runChecks = async () => {
  const c = chainrule;
  const first = c.getBackend().name;
  const ready = (await c.ready()).name;
  const rt = wasmInternals.wasmRuntime();
  // Workers start asynchronously: wait (bounded) for the first to join before the threaded checks.
  for (let i = 0; i < 200 && rt && rt.pool && rt.pool.started < 1; i++) await new Promise((r) => setTimeout(r, 25));
  const a = c.randn([160, 300], { seed: 1 });
  const w = c.randn([300, 140], { seed: 2 });
  const x = c.randn([70000], { seed: 3 });
  const run = (name) => {
    c.setBackend(name);
    return {
      mm: a.matmul(w).data,
      exp: x.exp().data,
      sm: a.softmax(1).data,
    };
  };
  const maxErr = (p, q) => {
    let e = 0;
    for (let i = 0; i < p.length; i++) e = Math.max(e, Math.abs(p[i] - q[i]) / (1 + Math.abs(q[i])));
    return e;
  };
  const fast = run(ready);
  const ref = run("js");
  return {
    isolated: globalThis.crossOriginIsolated === true,
    first,
    ready,
    threads: c.getNumThreads(),
    workers: rt && rt.pool ? rt.pool.started : 0,
    relaxed: rt ? rt.relaxed : false,
    maxMatmulError: maxErr(fast.mm, ref.mm),
    maxExpError: maxErr(fast.exp, ref.exp),
    maxSoftmaxError: maxErr(fast.sm, ref.sm),
  };
};`;

describe.skipIf(skip)(
  `wasm backend in Chromium${hasChromium ? "" : " (skipped: no /usr/bin/chromium)"}`,
  () => {
    let context: BrowserContext;
    let profile: string;
    let server: Server;
    let origin: string;

    beforeAll(async () => {
      const entry = new URL("./backend-wasm.browser-entry.ts", import.meta.url).pathname;
      const bundle = await build({
        entryPoints: [entry],
        bundle: true,
        platform: "browser",
        format: "iife",
        write: false,
        logLevel: "silent",
      });
      const js = bundle.outputFiles[0].text;
      const html = `<!doctype html><meta charset="utf-8"><script src="bundle.js"></script><script>${PAGE_SCRIPT}</script>`;
      server = createServer((req, res) => {
        const isolated = req.url?.startsWith("/isolated/") ?? false;
        const headers: Record<string, string> = isolated
          ? { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" }
          : {};
        if (req.url?.endsWith("/bundle.js")) {
          res.writeHead(200, { ...headers, "Content-Type": "text/javascript" });
          res.end(js);
        } else {
          res.writeHead(200, { ...headers, "Content-Type": "text/html" });
          res.end(html);
        }
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      profile = mkdtempSync(join(tmpdir(), "chainrule-chromium-wasm-"));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
        ],
      });
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      server?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    async function check(path: string): Promise<PageResult> {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${origin}${path}`);
      const result = (await page.evaluate("window.runChecks()")) as PageResult;
      await page.close();
      expect(errors).toEqual([]);
      return result;
    }

    it("a cross-origin-isolated page runs the wasm kernels on Web Workers and agrees with js", async () => {
      const r = await check("/isolated/index.html");
      console.info(
        `isolated page: first op on ${r.first}, ready() -> ${r.ready}, ${r.threads} threads, ${r.workers} workers`,
      );
      expect(r.isolated).toBe(true);
      expect(r.ready).toBe("wasm");
      expect(r.threads).toBeGreaterThanOrEqual(1);
      if (r.threads > 1) expect(r.workers).toBeGreaterThanOrEqual(1);
      // Chromium has relaxed SIMD on by default: the fused multiply-add build is the one that runs.
      expect(r.relaxed).toBe(true);
      expect(r.maxMatmulError).toBeLessThan(1e-4);
      expect(r.maxExpError).toBeLessThan(1e-6);
      expect(r.maxSoftmaxError).toBeLessThan(1e-6);
    }, 60_000);

    it("a page without cross-origin isolation (no SharedArrayBuffer) runs the kernels on one thread", async () => {
      const r = await check("/plain/index.html");
      expect(r.isolated).toBe(false);
      expect(r.ready).toBe("wasm");
      expect(r.threads).toBe(1);
      expect(r.workers).toBe(0);
      expect(r.maxMatmulError).toBeLessThan(1e-4);
      expect(r.maxExpError).toBeLessThan(1e-6);
      expect(r.maxSoftmaxError).toBeLessThan(1e-6);
    }, 60_000);
  },
);
