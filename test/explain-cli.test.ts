// `chainrule explain` end to end (run from source through tsx): the tutorial's two examples, JSON, errors.
import { describe, expect, it } from "vitest";
import { runChainrule as chainrule } from "./support/cli.js";

// The subprocess does scalar float64 work only; one backend's run covers it (the suite runs once per backend).
describe.skipIf(process.env.CHAINRULE_BACKEND === "wasm")("chainrule explain", () => {
  it("prints the tutorial's 4t^3 + 2 sin t cos t breakdown path by path", async () => {
    const r = await chainrule("explain", "f = x^2 + y^2; x = t^2; y = sin(t)", "--wrt", "t", "--at", "t=0.7");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines).toContain("  ∂f/∂x = 2x    = 0.98");
    expect(lines).toContain("  dx/dt = 2t    = 1.4");
    expect(lines).toContain("  ∂f/∂y = 2y    = 1.288435");
    expect(lines).toContain("  dy/dt = cos t = 0.7648422");
    expect(lines).toContain("  1. t → x → f   ∂f/∂x · dx/dt = 2x · 2t = 4xt = 4t^3 = 1.372");
    expect(lines).toContain(
      "  2. t → y → f   ∂f/∂y · dy/dt = 2y · cos t = 2y cos t = 2 sin t cos t = 0.9854497",
    );
    const sum = /Sum over paths +df\/dt = 4t\^3 \+ 2 sin t cos t = (\S+)/.exec(r.stdout);
    const auto = /Autograd +(\S+)/.exec(r.stdout);
    const fd = /Finite difference +(\S+)/.exec(r.stdout);
    const exact = 4 * 0.7 ** 3 + Math.sin(1.4);
    expect(Math.abs(Number(sum![1]) - exact)).toBeLessThan(1e-11);
    expect(Math.abs(Number(auto![1]) - exact)).toBeLessThan(1e-11);
    expect(Math.abs(Number(fd![1]) - exact)).toBeLessThan(1e-8);
  });

  it("prints the single-variable example 6(3x + 1) and takes --wrt from the only input", async () => {
    const r = await chainrule("explain", "f = u^2; u = 3*x + 1", "--at", "x=2");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  1. x → u → f   df/du · du/dx = 2u · 3 = 6u = 6(3x + 1) = 42\n");
    expect(r.stdout).toContain("Sum over paths      df/dx = 6(3x + 1) = 42\n");
  });

  it("prints JSON with --json, with several --at values", async () => {
    const r = await chainrule(
      "explain",
      "L = (w*x + b - y)^2",
      "--wrt",
      "w",
      "--at",
      "w=0.5,x=2",
      "--at",
      "b=0.1,y=1",
      "--json",
    );
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e.point).toMatchObject({ w: 0.5, x: 2, b: 0.1, y: 1 });
    expect(e.sum.value).toBeCloseTo(2 * (0.5 * 2 + 0.1 - 1) * 2, 14);
    expect(e.paths[0].steps[0].derivative).toBe("2x(wx + b - y)");
  });

  it("reports user errors on stderr with exit code 1: one line, plus the caret for syntax errors", async () => {
    const syntax = await chainrule("explain", "f = x^2 + y^2)", "--at", "x=1,y=2");
    expect(syntax.code).toBe(1);
    expect(syntax.stdout).toBe("");
    expect(syntax.stderr).toBe(
      "error: explain: unexpected ')' at column 14\n  f = x^2 + y^2)\n               ^\n",
    );
    const missing = await chainrule("explain", "f = x^2 + y^2; x = t^2; y = sin(t)", "--wrt", "t");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      "error: explain: expected a value for every input (t), got none for t; pass --at t=<number>\n",
    );
    const badAt = await chainrule("explain", "f = x", "--at", "x=abc");
    expect(badAt.code).toBe(1);
    expect(badAt.stderr.trim().split("\n")).toHaveLength(1);
    expect(badAt.stderr).toMatch(/--at.*Expected a finite number for x, got "abc"/);
  });
});
