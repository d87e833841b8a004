// The training curves of a fit history as one SVG: loss (train and validation) beside accuracy.

import { type ChartSeries, chartGrid, lineChart } from "../tools/plot/line-chart.js";
import type { History } from "./callbacks.js";

/**
 * Draws a {@link History} as an SVG document: a loss chart (training solid, validation dashed) and, when
 * accuracies were logged, an accuracy chart beside it; a restored best epoch is named in the title.
 *
 * @example
 * ```ts
 * const svg = historyChart(fit(net, train, { validationData: val }), { title: "iris" });
 * // writeFileSync("training.svg", svg) in Node, or put it in the page in a browser
 * ```
 */
export function historyChart(history: History, options: { title?: string } = {}): string {
  const epochs = history.epochs.map((e) => e.epoch);
  const series = (key: string, name: string, color: string, dashed: boolean): ChartSeries[] => {
    const ys = history.epochs.map((e) => e[key]);
    return ys.every((v) => v === undefined)
      ? []
      : [{ name, x: epochs, y: ys.map((v) => v ?? Number.NaN), color, dashed }];
  };
  const blue = "#0072B2";
  const orange = "#D55E00";
  const charts = [
    lineChart({
      title: "Loss",
      xLabel: "epoch",
      yLabel: "loss",
      series: [...series("loss", "train", blue, false), ...series("valLoss", "validation", orange, true)],
    }),
  ];
  const accuracy = [
    ...series("accuracy", "train", blue, false),
    ...series("valAccuracy", "validation", orange, true),
  ];
  if (accuracy.length > 0) {
    charts.push(lineChart({ title: "Accuracy", xLabel: "epoch", yLabel: "accuracy", series: accuracy }));
  }
  const restored =
    history.restoredEpoch === null ? "" : ` (weights of epoch ${history.restoredEpoch} restored)`;
  const title =
    options.title === undefined && restored === "" ? undefined : `${options.title ?? "Training"}${restored}`;
  return chartGrid(charts, { columns: charts.length, ...(title === undefined ? {} : { title }) });
}
