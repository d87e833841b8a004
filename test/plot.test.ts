// Line charts: geometry (points land where the scales say), log axes, gaps, escaping and errors.

import { describe, expect, it } from "vitest";
import { chartGrid, lineChart } from "../src/tools/plot/line-chart.js";

/** The numbers of the first path's "M x,y L x,y ..." data. */
function pathPoints(svg: string, index = 0): [number, number][] {
  const paths = [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]);
  const d = paths[index];
  return [...d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe("lineChart", () => {
  it("maps points linearly: equal steps in x and y give equal steps on screen", () => {
    const svg = lineChart({ series: [{ name: "a", x: [0, 1, 2], y: [0, 5, 10] }] });
    const p = pathPoints(svg);
    expect(p).toHaveLength(3);
    expect(p[1][0] - p[0][0]).toBeCloseTo(p[2][0] - p[1][0], 6);
    expect(p[0][1] - p[1][1]).toBeCloseTo(p[1][1] - p[2][1], 6);
    expect(p[0][1]).toBeGreaterThan(p[2][1]); // larger y is drawn higher
  });

  it("puts decades at equal distances on a log axis and labels them 1eN", () => {
    const svg = lineChart({ logY: true, series: [{ name: "g", x: [0, 1, 2], y: [1e-6, 1e-3, 1] }] });
    const p = pathPoints(svg);
    expect(p[0][1] - p[1][1]).toBeCloseTo(p[1][1] - p[2][1], 3);
    expect(svg).toContain(">1e-6<");
    expect(svg).toContain(">1e0<");
  });

  it("breaks the line at non-finite values and at zeros on a log axis", () => {
    const svg = lineChart({ logY: true, series: [{ name: "g", x: [0, 1, 2, 3], y: [1, 0, Number.NaN, 2] }] });
    const d = /<path d="([^"]*)"/.exec(svg)![1];
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d).not.toContain("NaN");
  });

  it("escapes text and draws one legend entry and one path per series, dashed when asked", () => {
    const svg = lineChart({
      title: "a < b & c",
      series: [
        { name: "train", x: [1, 2], y: [3, 4] },
        { name: "val <", x: [1, 2], y: [3.5, 4.5], dashed: true },
      ],
    });
    expect(svg).toContain("a &lt; b &amp; c");
    expect(svg).toContain("val &lt;");
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2);
    expect(svg.startsWith("<svg xmlns=")).toBe(true);
    expect(svg.trim().endsWith("</svg>")).toBe(true);
  });

  it("gives clear errors for bad specs", () => {
    expect(() => lineChart({ series: [] })).toThrow("lineChart: expected at least one series, got none");
    expect(() => lineChart({ series: [{ name: "s", x: [1, 2], y: [1] }] })).toThrow(
      'lineChart: series "s" needs as many x as y values, got 2 x and 1 y',
    );
    expect(() => lineChart({ width: 10, series: [{ name: "s", x: [1], y: [1] }] })).toThrow(
      "lineChart: width must be a number >= 120, got 10",
    );
  });
});

describe("chartGrid", () => {
  it("places charts in a grid and sizes the document to fit", () => {
    const c = lineChart({ width: 300, height: 200, series: [{ name: "s", x: [0, 1], y: [0, 1] }] });
    const grid = chartGrid([c, c, c], { columns: 2, title: "t" });
    expect(grid).toMatch(/^<svg[^>]*width="600" height="430"/);
    expect(grid).toContain("translate(300,30)");
    expect(grid).toContain("translate(0,230)");
    expect(() => chartGrid([])).toThrow("chartGrid: expected at least one chart, got none");
  });
});

describe("lineChart legend", () => {
  it("moves to the corner where it hides the fewest points", () => {
    // Data fills the top right; the legend should go to the bottom right or a left corner instead.
    const x = Array.from({ length: 50 }, (_, i) => i);
    const svg = lineChart({
      width: 400,
      height: 300,
      series: [{ name: "rising", x, y: x.map((v) => v * v) }],
    });
    const rect =
      /<rect x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="[\d.]+" fill="#ffffff" fill-opacity/.exec(svg)!;
    expect(Number(rect[2]) > 100 || Number(rect[1]) < 50).toBe(true);
  });
});
