// Makes the README's playground screenshots: builds the page, serves it locally, trains in headless Chromium
// and saves docs/img/playground-overview.png (the page, 1280×800), playground-backprop.png (the network in the
// backward pass beside a weight's chain-rule breakdown) and playground-health.png (a deep sigmoid network's
// gradient health); each is kept under 250 KB.
//
// Usage: npx tsx scripts/playground-screenshots.ts [outDir]   (needs /usr/bin/chromium; default docs/img)

import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  type Browser,
  CHROMIUM,
  hasChromium,
  launchChromium,
  openPage,
} from "../test/playground/support/browser.js";
import { byTestId, openPlayground, trainSteps } from "../test/playground/support/page.js";
import { buildPlayground, ROOT, serveStatic } from "../test/playground/support/site.js";

const MAX_BYTES = 250 * 1024;

/** Puts PNG images side by side on the page's background and saves that as `file`. */
async function sideBySide(browser: Browser, images: Buffer[], file: string): Promise<void> {
  const page = await browser.context.newPage();
  const imgs = images.map((b) => `<img src="data:image/png;base64,${b.toString("base64")}">`).join("");
  await page.setContent(
    `<!doctype html><body style="margin:0"><div id="row" style="display:inline-flex;gap:12px;padding:12px;` +
      `align-items:flex-start;background:#f3f4f8">${imgs}</div></body>`,
  );
  await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
  await page.locator("#row").screenshot({ path: file });
  await page.close();
  report(file);
}

/** Prints the file's size; warns when it is over the README's budget. */
function report(file: string): void {
  const bytes = statSync(file).size;
  console.log(`${file}: ${(bytes / 1024).toFixed(0)} KB`);
  if (bytes > MAX_BYTES) console.warn(`  over ${MAX_BYTES / 1024} KB: crop it or shrink the viewport`);
}

async function main(): Promise<void> {
  if (!hasChromium) {
    console.error(`playground-screenshots: needs ${CHROMIUM} (apt-get install chromium)`);
    process.exit(1);
  }
  const target = resolve(process.argv[2] ?? join(ROOT, "docs/img"));
  mkdirSync(target, { recursive: true });
  const outDir = mkdtempSync(join(tmpdir(), "chainrule-playground-shots-"));
  await buildPlayground(outDir);
  const server = await serveStatic(outDir);
  const browser = await launchChromium({ width: 1280, height: 800 });
  try {
    const { page, errors } = await openPage(browser);
    // The default experiment (circle, 2-4-2-1 tanh) at learning rate 0.1 for 600 steps: the boundary has formed.
    await openPlayground(page, server.origin, "#learningRate=0.1");
    await trainSteps(page, 600);
    await page.waitForTimeout(300);
    await page.evaluate(() => window.scrollTo(0, 0));
    const overview = join(target, "playground-overview.png");
    await page.screenshot({ path: overview });
    report(overview);

    // The backprop view stepped to the end of the backward pass (the edges show ∂L/∂w), next to the chain-rule
    // breakdown of the clicked first-layer weight.
    await byTestId(page, "edge-0-1-1").dispatchEvent("click");
    await byTestId(page, "breakdown-total").waitFor();
    await byTestId(page, "trace-start").click();
    for (let i = 0; i < 60 && (await byTestId(page, "trace-next").isEnabled()); i++)
      await byTestId(page, "trace-next").click();
    await page.waitForTimeout(300);
    const networkCard = byTestId(page, "network").locator("xpath=ancestor::section[1]");
    await sideBySide(
      browser,
      [await networkCard.screenshot(), await byTestId(page, "panel-breakdown").screenshot()],
      join(target, "playground-backprop.png"),
    );
    if (errors.length > 0) console.warn(`errors on the page:\n  ${errors.join("\n  ")}`);
    await page.close();

    // Gradient health of a deep sigmoid network: the first layers' gradients vanish.
    const deep = await openPage(browser);
    await openPlayground(
      deep.page,
      server.origin,
      "#dataset=spiral&features=x1,x2,x1sq,x2sq,sinx1,sinx2&hiddenLayers=8,8,8,8,8,8&activation=sigmoid&learningRate=0.3",
    );
    await trainSteps(deep.page, 300);
    const refresh = byTestId(deep.page, "health-refresh");
    if ((await refresh.count()) > 0) await refresh.click();
    await deep.page.waitForTimeout(500);
    const health = join(target, "playground-health.png");
    await byTestId(deep.page, "panel-health").screenshot({ path: health });
    report(health);
    if (deep.errors.length > 0) console.warn(`errors on the page:\n  ${deep.errors.join("\n  ")}`);
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
