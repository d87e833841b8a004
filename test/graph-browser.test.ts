// The SVG drawings rendered by Chromium (Debian's chromium through playwright-core): each file opens as a
// standalone SVG document, boxes do not overlap, every text lies inside its box, nothing is clipped.
// Screenshots go to test-artifacts/. Skipped, with a message, where /usr/bin/chromium is not installed.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { evaluateExpression, nn, type Tensor, tensor, toSvg } from "chainrule";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tutorialLossGraph } from "../src/cli/commands/graph.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
// Rendering does not depend on the numeric backend: the js run covers it.
const skip = !hasChromium || process.env.CHAINRULE_BACKEND === "wasm";
if (!hasChromium)
  console.warn(`graph-browser.test.ts: skipped, ${CHROMIUM} is not installed (apt-get install chromium)`);

interface Rendered {
  parseError: string | null;
  root: string;
  size: { width: number; height: number };
  content: { x: number; y: number; width: number; height: number };
  boxes: { id: string; x: number; y: number; width: number; height: number }[];
  /** Texts whose box pokes out of their node's or label's rectangle. */
  outside: string[];
  nodes: number;
}

describe.skipIf(skip)(
  `graph drawings in Chromium${hasChromium ? "" : " (skipped: no /usr/bin/chromium)"}`,
  () => {
    let context: BrowserContext;
    let profile: string;
    let work: string;

    beforeAll(async () => {
      profile = mkdtempSync(join(tmpdir(), "chainrule-chromium-profile-"));
      work = mkdtempSync(join(tmpdir(), "chainrule-svg-"));
      mkdirSync(ARTIFACTS, { recursive: true });
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    });

    /** Opens `svg` as a standalone .svg file (so Chromium's XML parser reads it) and measures it. */
    async function render(name: string, svg: string): Promise<Rendered> {
      const file = join(work, `${name}.svg`);
      writeFileSync(file, svg);
      const page = await context.newPage();
      await page.goto(pathToFileURL(file).href);
      const result = await page.evaluate(() => {
        const root = document.documentElement as unknown as SVGSVGElement;
        const error = document.querySelector("parsererror");
        const inside = (a: DOMRect, b: DOMRect) =>
          a.x >= b.x - 0.5 &&
          a.y >= b.y - 0.5 &&
          a.x + a.width <= b.x + b.width + 0.5 &&
          a.y + a.height <= b.y + b.height + 0.5;
        const outside: string[] = [];
        const boxes: Rendered["boxes"] = [];
        for (const g of Array.from(document.querySelectorAll("g.node, g.edge-label"))) {
          const rect = (g.querySelector("rect") as SVGGraphicsElement).getBBox();
          if (g.classList.contains("node"))
            boxes.push({ id: g.id, x: rect.x, y: rect.y, width: rect.width, height: rect.height });
          for (const t of Array.from(g.querySelectorAll("text"))) {
            const b = (t as SVGGraphicsElement).getBBox();
            if (!inside(b, rect)) outside.push(`${g.id || "edge label"}: ${t.textContent}`);
          }
        }
        const content = root.getBBox();
        return {
          parseError: error ? error.textContent : null,
          root: root.tagName,
          size: { width: root.width.baseVal.value, height: root.height.baseVal.value },
          content: { x: content.x, y: content.y, width: content.width, height: content.height },
          boxes,
          outside,
          nodes: boxes.length,
        };
      });
      // fullPage screenshots of an SVG document never settle in Chromium: size the viewport to the drawing.
      await page.setViewportSize({
        width: Math.ceil(Math.min(4000, result.size.width)),
        height: Math.ceil(Math.min(6000, result.size.height)),
      });
      await page.screenshot({ path: join(ARTIFACTS, `graph-${name}.png`) });
      await page.close();
      return result;
    }

    function expectReadable(r: Rendered): void {
      expect(r.parseError).toBeNull();
      expect(r.root).toBe("svg");
      expect(r.outside).toEqual([]);
      for (let i = 0; i < r.boxes.length; i++)
        for (let j = i + 1; j < r.boxes.length; j++) {
          const a = r.boxes[i];
          const b = r.boxes[j];
          const overlap =
            a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
          expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
        }
      // Nothing drawn outside the document's own size.
      expect(r.content.x).toBeGreaterThanOrEqual(0);
      expect(r.content.y).toBeGreaterThanOrEqual(0);
      expect(r.content.x + r.content.width).toBeLessThanOrEqual(r.size.width + 0.5);
      expect(r.content.y + r.content.height).toBeLessThanOrEqual(r.size.height + 0.5);
    }

    it("renders the tutorial's expression f = x^2 + y^2; x = t^2; y = sin(t)", async () => {
      const ev = evaluateExpression("f = x^2 + y^2; x = t^2; y = sin(t)", { t: 0.7 });
      const r = await render(
        "expression",
        toSvg(ev.output, { names: ev.names, title: "f = x^2 + y^2; x = t^2; y = sin(t)" }),
      );
      expectReadable(r);
      expect(r.nodes).toBe(6);
    });

    it("renders the tutorial's two-layer network readably", async () => {
      const { loss, names } = tutorialLossGraph();
      const r = await render("tutorial-network", toSvg(loss, { names, title: "The tutorial's network" }));
      expectReadable(r);
      expect(r.nodes).toBe(16);
    });

    it("renders a collapsed 5,000-node graph and a module-grouped network", async () => {
      let h: Tensor = tensor([0.1, 0.2, 0.3], { requiresGrad: true });
      for (let i = 0; i < 1700; i++) h = h.tanh().mul(1.01).add(0.01);
      const big = await render("5000-nodes", toSvg(h.sum(), { title: "5,102 tensors" }));
      expectReadable(big);
      expect(big.nodes).toBeLessThanOrEqual(120);
      const net = new nn.Sequential(
        ...Array.from({ length: 12 }, (_, i) =>
          i % 2 === 0 ? new nn.Linear(4, 4, { seed: i }) : new nn.Sigmoid(),
        ),
      );
      const out = net.forward(tensor([[1, 2, 3, 4]])).sum();
      const grouped = await render(
        "sequential-modules",
        toSvg(out, { module: net, collapse: "modules", direction: "LR" }),
      );
      expectReadable(grouped);
      expect(grouped.nodes).toBe(14);
    });
  },
);
