// Prints a gradient health report as aligned text tables.

import type { HealthReport } from "./monitor.js";

const num = (v: number | null): string => (v === null ? "-" : v === 0 ? "0" : v.toExponential(2));
const pct = (v: number | null): string => (v === null ? "-" : `${(100 * v).toFixed(1)}%`);

/** Left-aligns the first two columns (names) and the last (flags), right-aligns the numbers between. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i <= 1 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * Formats a {@link HealthReport} as text: a table of layers (gradient norm, weight norm, update ratio,
 * flags), a table of activations (dead or saturated shares, output-gradient norm), and the summary.
 *
 * @example
 * ```ts
 * console.log(formatHealthReport(monitor.report()));
 * // Layer  Type    Grad norm  Weight norm  Update/weight  Flags
 * // 0      Linear   1.52e-09     3.11e+00              -  vanishing
 * // ...
 * ```
 */
export function formatHealthReport(report: HealthReport): string {
  const out: string[] = [];
  out.push(
    ...table(
      ["Layer", "Type", "Grad norm", "Weight norm", "Update/weight", "Flags"],
      report.layers.map((l) => [
        l.name,
        l.type,
        num(l.gradNorm),
        num(l.weightNorm),
        num(l.updateRatio),
        l.flags.join(", "),
      ]),
    ),
  );
  if (report.activations.length > 0) {
    out.push("");
    out.push(
      ...table(
        ["Activation", "Type", "Units", "Dead", "Zero", "Saturated", "dL/d(out) norm", "Flags"],
        report.activations.map((a) => [
          a.name,
          a.type,
          String(a.units),
          pct(a.deadShare),
          pct(a.zeroShare),
          pct(a.saturatedShare),
          num(a.outputGradNorm),
          a.flags.join(", "),
        ]),
      ),
    );
  }
  const s = report.summary;
  out.push("");
  if (s.firstToLastRatio !== null)
    out.push(
      `Gradient norm, first layer / last layer (${s.firstLayer} / ${s.lastLayer}): ${num(s.firstToLastRatio)}`,
    );
  out.push(
    `Vanishing: ${s.vanishing ? "yes" : "no"}. Exploding: ${s.exploding ? "yes" : "no"}.${s.deadReluShare === null ? "" : ` Dead ReLU units: ${pct(s.deadReluShare)}.`}${s.saturatedShare === null ? "" : ` Saturated outputs: ${pct(s.saturatedShare)}.`}`,
  );
  for (const m of s.messages) out.push(`- ${m}`);
  return out.join("\n");
}
