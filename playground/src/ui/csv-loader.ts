// Loading the user's own points: a file input and a paste box, parsed by the engine's CSV parser; every
// problem is shown inline next to the inputs (the page never throws on a bad file).

import { parseCsvPoints } from "../engine/csv.js";
import type { Point, ProblemKind } from "../protocol.js";
import { h } from "./dom.js";

export interface LoadedCsv {
  points: Point[];
  problem: ProblemKind;
  classes: number;
}

export class CsvLoader {
  readonly el: HTMLElement;
  private readonly message: HTMLElement;
  private readonly text: HTMLTextAreaElement;

  constructor(onLoad: (csv: LoadedCsv) => void) {
    const file = h("input", {
      type: "file",
      id: "csv-file",
      accept: ".csv,.tsv,.txt,text/csv",
      "data-testid": "csv-input",
    });
    this.text = h("textarea", {
      id: "csv-paste",
      rows: 4,
      "data-testid": "csv-text",
      placeholder: "x1,x2,label\n0.5,-1.2,0\n2.1,3.0,1\n…",
      spellcheck: "false",
    });
    const load = h("button", { type: "button", class: "text-btn", "data-testid": "csv-load" }, [
      "Load pasted points",
    ]);
    this.message = h("p", { class: "csv-message", "data-testid": "csv-message", "aria-live": "polite" });
    const tryLoad = (text: string, source: string): void => {
      try {
        const r = parseCsvPoints(text);
        const kind = r.problem === "regression" ? "regression" : `${r.classes}-class classification`;
        this.show(`Loaded ${r.points.length} points from ${source}: ${kind}.`, false);
        onLoad({ points: r.points, problem: r.problem, classes: r.classes });
      } catch (err) {
        this.show(err instanceof Error ? err.message : String(err), true);
      }
    };
    file.addEventListener("change", () => {
      const f = file.files?.[0];
      if (!f) return;
      f.text().then(
        (t) => tryLoad(t, f.name),
        (err: unknown) => this.show(`csv: could not read ${f.name}: ${String(err)}`, true),
      );
      file.value = "";
    });
    load.addEventListener("click", () => tryLoad(this.text.value, "the text box"));
    this.el = h("div", { class: "csv-loader", role: "group", "aria-labelledby": "csv-title" }, [
      h("h3", { id: "csv-title" }, ["Your own data (CSV)"]),
      h("p", { class: "explain" }, [
        "Columns x1, x2, label. Whole-number labels 0, 1, … are classes; any other labels are a regression target. Coordinates are rescaled to fit the plot.",
      ]),
      h("div", { class: "field" }, [h("label", { for: "csv-file" }, ["Load a CSV file"]), file]),
      h("div", { class: "field" }, [h("label", { for: "csv-paste" }, ["Or paste points"]), this.text]),
      load,
      this.message,
    ]);
  }

  /** Shows a status or an error under the inputs. */
  show(text: string, isError: boolean): void {
    this.message.textContent = text;
    this.message.classList.toggle("error", isError);
    this.message.setAttribute("role", isError ? "alert" : "status");
  }
}
