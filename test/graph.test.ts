// Graph drawings without a browser: DOT text, well-formed self-contained SVG, boxes that do not overlap and
// hold their text, module and chain collapsing, bounded output for a 5,000-node graph, and `chainrule graph`.

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { evaluateExpression, nn, type Tensor, tensor, toDot, toSvg } from "chainrule";
import { describe, expect, it } from "vitest";
import { tutorialLossGraph } from "../src/cli/commands/graph.js";
import { CHAR_WIDTH } from "../src/tools/graph/layout.js";

/** A strict XML well-formedness check (tags nest, attributes quoted, entities valid); returns element names. */
function parseXml(xml: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  const checkText = (text: string, where: number) => {
    if (text.includes("<")) throw new Error(`raw '<' in text at ${where}`);
    if (text.replace(entity, "").includes("&")) throw new Error(`bad entity in text at ${where}`);
  };
  let i = 0;
  let roots = 0;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    checkText(text, i);
    if (lt < 0) break;
    if (stack.length === 0 && text.trim() !== "") throw new Error(`text outside the root at ${i}`);
    if (xml.startsWith("<!--", lt)) {
      i = xml.indexOf("-->", lt) + 3;
      continue;
    }
    const gt = xml.indexOf(">", lt);
    if (gt < 0) throw new Error(`unclosed tag at ${lt}`);
    const tag = xml.slice(lt + 1, gt);
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) throw new Error(`mismatched </${name}> at ${lt}`);
    } else {
      const selfClosing = tag.endsWith("/");
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const m = /^([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"<]*")*)\s*$/.exec(body);
      if (!m) throw new Error(`malformed tag <${tag.slice(0, 60)}> at ${lt}`);
      const attrs = [...m[2].matchAll(/([A-Za-z_][\w.:-]*)="([^"]*)"/g)];
      const seen = new Set<string>();
      for (const [, k, v] of attrs) {
        if (seen.has(k)) throw new Error(`duplicate attribute ${k} at ${lt}`);
        seen.add(k);
        checkText(v, lt);
      }
      if (stack.length === 0) roots++;
      names.push(m[1]);
      if (!selfClosing) stack.push(m[1]);
    }
    i = gt + 1;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join("> <")}>`);
  if (roots !== 1) throw new Error(`expected one root element, got ${roots}`);
  return names;
}

interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  lines: string[];
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/** The node boxes of a chainrule SVG, from its layout coordinates. */
function boxes(svg: string): Box[] {
  const out: Box[] = [];
  for (const m of svg.matchAll(/<g class="node" id="node-([^"]+)"[^>]*>([\s\S]*?)<\/g>/g)) {
    const r = /<rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)"/.exec(m[2])!;
    const lines = [...m[2].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => unescapeXml(t[1]));
    out.push({ id: m[1], x: +r[1], y: +r[2], width: +r[3], height: +r[4], lines });
  }
  return out;
}

function overlapping(bs: readonly Box[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < bs.length; i++)
    for (let j = i + 1; j < bs.length; j++) {
      const a = bs[i];
      const b = bs[j];
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
        pairs.push([a.id, b.id]);
    }
  return pairs;
}

const TUTORIAL = "f = x^2 + y^2; x = t^2; y = sin(t)";

describe("toDot", () => {
  it("draws the tutorial's expression with names, formulas, values, gradients and local derivatives", () => {
    const ev = evaluateExpression(TUTORIAL, { t: 0.7 });
    const dot = toDot(ev.output, { names: ev.names });
    expect(dot.startsWith("digraph chainrule {\n")).toBe(true);
    expect(dot.trimEnd().endsWith("}")).toBe(true);
    expect(dot).toContain('[label="t\\nfloat64\\n= 0.7\\ngrad 2.357"');
    expect(dot).toContain('[label="x^2\\npow(·, 2)\\nfloat64\\n= 0.2401\\ngrad 1"');
    expect(dot).toMatch(/n0 -> n1 \[label="2t = 1.4"\];/);
    expect(dot).toMatch(/-> n\d \[label="cos t = 0.7648"\];/);
    expect(dot.match(/ -> /g)).toHaveLength(6);
    expect(dot.match(/^ {2}n\d+ \[label=/gm)).toHaveLength(6);
  });

  it("escapes quotes and backslashes in names", () => {
    const a = tensor(2, { requiresGrad: true });
    const dot = toDot(a.mul(3), { names: { 'say "hi" \\': a } });
    expect(dot).toContain('label="say \\"hi\\" \\\\\\nfloat32');
  });
});

describe("toSvg", () => {
  it("is a well-formed, self-contained SVG with one box per tensor that never overlap", () => {
    const ev = evaluateExpression(TUTORIAL, { t: 0.7 });
    const svg = toSvg(ev.output, { names: ev.names, title: TUTORIAL });
    const elements = parseXml(svg);
    expect(elements[0]).toBe("svg");
    expect(elements).not.toContain("script");
    expect(elements).not.toContain("style");
    expect(elements).not.toContain("image");
    expect(svg).not.toMatch(/href=|url\((?!#cr-arrow\))|@import|<foreignObject/);
    const bs = boxes(svg);
    expect(bs.map((b) => b.lines[0]).sort()).toEqual(["f", "t", "x", "x^2", "y", "y^2"]);
    expect(overlapping(bs)).toEqual([]);
    // Every line of text fits its box by the layout's own font metrics.
    for (const b of bs)
      for (const line of b.lines) expect([...line].length * CHAR_WIDTH).toBeLessThanOrEqual(b.width - 10);
    expect(svg).toContain(">2t = 1.4</text>");
    expect(svg).toContain('data-kind="param"');
    expect(svg).toContain('data-kind="output"');
  });

  it("escapes markup in names and titles", () => {
    const a = tensor(2, { requiresGrad: true });
    const svg = toSvg(a.mul(3), { names: { "<b>&'x'</b>": a }, title: 'a < b & "c"' });
    parseXml(svg);
    expect(svg).toContain("&lt;b&gt;&amp;&apos;x&apos;&lt;/b&gt;");
    expect(svg).toContain("a &lt; b &amp; &quot;c&quot;");
  });

  it("stays readable for the tutorial's network: every tensor named, no overlap, gradient summaries", () => {
    const { loss, names } = tutorialLossGraph();
    const svg = toSvg(loss, { names });
    parseXml(svg);
    const bs = boxes(svg);
    expect(overlapping(bs)).toEqual([]);
    const titles = bs.map((b) => b.lines[0]);
    for (const n of ["X", "y", "W1", "b1", "W2", "b2", "z1", "a1", "z2", "a2", "loss"])
      expect(titles).toContain(n);
    const W1 = bs.find((b) => b.lines[0] === "W1")!;
    expect(W1.lines).toContain("[2, 4] float64");
    expect(W1.lines.some((l) => /^grad ‖[\d.e-]+‖ mean /.test(l))).toBe(true);
    expect(bs.length).toBeLessThan(20);
  });

  it("groups an nn.Sequential by module: each Linear one box, the activations between them", () => {
    const net = new nn.Sequential(
      new nn.Linear(3, 4, { seed: 1 }),
      new nn.Tanh(),
      new nn.Linear(4, 1, { seed: 2 }),
    );
    const out = net.forward(tensor([[1, 2, 3]])).sum();
    const svg = toSvg(out, { module: net, collapse: "modules" });
    const bs = boxes(svg);
    const titles = bs.map((b) => b.lines[0]);
    expect(titles).toEqual(expect.arrayContaining(["0: Linear", "tanh", "2: Linear"]));
    const first = bs.find((b) => b.lines[0] === "0: Linear")!;
    // weight, bias, W.T, matmul, add
    expect(first.lines[1]).toBe("5 nodes");
    expect(first.lines).toContain("out [1, 4]");
    expect(overlapping(bs)).toEqual([]);
    // Without collapsing, the parameters carry their module names.
    const full = boxes(toSvg(out, { module: net, collapse: "none" })).map((b) => b.lines[0]);
    expect(full).toEqual(expect.arrayContaining(["0.weight", "0.bias", "2.weight", "2.bias"]));
  });

  it("draws a 5,000-node graph within the node budget, bounded in size, accounting for every tensor", () => {
    let h: Tensor = tensor([0.1, 0.2, 0.3], { requiresGrad: true });
    for (let i = 0; i < 1700; i++) h = h.tanh().mul(1.01).add(0.01);
    const root = h.sum();
    const svg = toSvg(root);
    parseXml(svg);
    const bs = boxes(svg);
    expect(bs.length).toBeLessThanOrEqual(120);
    expect(svg.length).toBeLessThan(200_000);
    expect(overlapping(bs)).toEqual([]);
    // tanh, mul and add per step (their constants are folded into titles), the leaf and the sum.
    const members = [...svg.matchAll(/data-members="(\d+)"/g)].reduce((a, m) => a + Number(m[1]), 0);
    expect(members).toBe(3 * 1700 + 2);
    expect(svg).toContain("5,102 tensors");
    // Depth bands bound wide graphs too: 3,000 independent leaves summed.
    const leaves = Array.from({ length: 3000 }, (_, i) => tensor(i, { requiresGrad: true }));
    const wide = leaves.reduce((acc: Tensor, t) => acc.add(t.mul(t)), tensor(0));
    const wideSvg = toSvg(wide, { maxNodes: 60 });
    expect(boxes(wideSvg).length).toBeLessThanOrEqual(60);
    expect(overlapping(boxes(wideSvg))).toEqual([]);
  });

  it("rejects bad options with the op's name", () => {
    const a = tensor(2, { requiresGrad: true });
    expect(() => toSvg(a.mul(2), { maxNodes: 2 })).toThrow(/toSvg: maxNodes must be an integer >= 4, got 2/);
    expect(() => toDot(3 as unknown as Tensor)).toThrow(/toDot: expected a Tensor, got 3/);
    expect(() => toSvg(tensor([1, 2], { requiresGrad: true }).mul(2), { gradients: true })).toThrow(
      /gradients: true needs a root with one element/,
    );
  });
});

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function chainrule(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...args],
      { cwd: ROOT, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

// The subprocess's work does not depend on the backend; one backend's run covers it.
describe.skipIf(process.env.CHAINRULE_BACKEND === "wasm")("chainrule graph", () => {
  it("writes an expression's SVG and prints DOT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chainrule-graph-"));
    const file = join(dir, "f.svg");
    const r = await chainrule("graph", TUTORIAL, "--at", "t=0.7", "--svg", file);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*f\.svg \(SVG, [\d.]+ kB\)\n$/);
    const svg = readFileSync(file, "utf8");
    parseXml(svg);
    expect(boxes(svg)).toHaveLength(6);
    const dot = await chainrule("graph", "f = u^2; u = 3*x + 1", "--at", "x=2", "--dot");
    expect(dot.code).toBe(0);
    expect(dot.stdout).toContain('[label="2u = 14"]');
  });

  it("draws the tutorial's network, and reports errors in one line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chainrule-graph-"));
    const file = join(dir, "net.svg");
    const r = await chainrule("graph", "--tutorial", "--svg", file);
    expect(r.code).toBe(0);
    expect(boxes(readFileSync(file, "utf8")).map((b) => b.lines[0])).toContain("W1");
    const bad = await chainrule("graph");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("error: graph: expected a program or --tutorial, got neither\n");
  });
});
