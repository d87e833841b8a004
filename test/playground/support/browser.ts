// Starts Debian's Chromium (/usr/bin/chromium) headless through playwright-core, as the repo's other browser
// tests do, and opens pages that record console errors and uncaught exceptions.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

/** A headless Chromium with a throw-away profile. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with the flags used by test/graph-browser.test.ts, a 1280×800 viewport by default. */
export async function launchChromium(
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "chainrule-playground-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // Keep a hidden/background page's timers and worker at full speed (training speed is measured).
      "--disable-background-timer-throttling",
      "--disable-renderer-backgrounding",
      "--disable-backgrounding-occluded-windows",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page plus what went wrong on it: console errors and uncaught exceptions (page or worker). */
export interface WatchedPage {
  page: Page;
  errors: string[];
}

/** Opens a new page that records console errors and page errors. */
export async function openPage(browser: Browser): Promise<WatchedPage> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console.error: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("worker", (w) => {
    w.on("console", (m) => {
      if (m.type() === "error") errors.push(`worker console.error: ${m.text()}`);
    });
  });
  return { page, errors };
}
