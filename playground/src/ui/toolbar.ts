// The top bar: play/pause, step, reset, the step and epoch counters, and the training settings.

import type { ExperimentConfig, ProblemKind } from "../protocol.js";
import { h } from "./dom.js";
import { ACTIVATIONS, LEARNING_RATES, REGULARIZATION_RATES, REGULARIZATIONS } from "./options.js";

export interface ToolbarActions {
  togglePlay(): void;
  step(): void;
  reset(): void;
  set(patch: Partial<ExperimentConfig>): void;
}

/** A labelled <select>; values are strings, `parse` turns them back. */
function select(testid: string, options: { value: string; label: string }[]): HTMLSelectElement {
  const el = h("select", { id: `sel-${testid}`, "data-testid": testid });
  for (const o of options) el.append(h("option", { value: o.value }, [o.label]));
  return el;
}

function field(id: string, label: string, control: HTMLElement): HTMLElement {
  return h("div", { class: "field" }, [h("label", { for: id }, [label]), control]);
}

export class Toolbar {
  readonly el: HTMLElement;
  private readonly play: HTMLButtonElement;
  private readonly stepCount: HTMLElement;
  private readonly epoch: HTMLElement;
  private readonly speed: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly lr: HTMLSelectElement;
  private readonly act: HTMLSelectElement;
  private readonly reg: HTMLSelectElement;
  private readonly regRate: HTMLSelectElement;

  constructor(actions: ToolbarActions, share: HTMLElement) {
    const reset = h(
      "button",
      {
        type: "button",
        class: "round-btn",
        "data-testid": "reset",
        "aria-label": "Reset the network",
        title: "Reset: new initial weights, step 0",
      },
      [icon("reset")],
    );
    this.play = h(
      "button",
      {
        type: "button",
        class: "round-btn play",
        "data-testid": "play",
        "aria-label": "Play",
        title: "Train continuously",
      },
      [icon("play")],
    );
    const step = h(
      "button",
      {
        type: "button",
        class: "round-btn",
        "data-testid": "step",
        "aria-label": "Take one training step",
        title: "One minibatch SGD step",
      },
      [icon("step")],
    );
    reset.addEventListener("click", () => actions.reset());
    this.play.addEventListener("click", () => actions.togglePlay());
    step.addEventListener("click", () => actions.step());

    this.stepCount = h("span", { class: "counter-value", "data-testid": "step-count" }, ["0"]);
    this.epoch = h("span", { class: "counter-value small", "data-testid": "epoch-count" }, ["0.00"]);
    this.speed = h("span", { class: "speed", "data-testid": "steps-per-second" });
    this.problem = h("span", { class: "problem-value", "data-testid": "problem-type" }, ["Classification"]);

    this.lr = select(
      "learning-rate",
      LEARNING_RATES.map((v) => ({ value: String(v), label: String(v) })),
    );
    this.act = select("activation", ACTIVATIONS);
    this.reg = select("regularization", REGULARIZATIONS);
    this.regRate = select(
      "regularization-rate",
      REGULARIZATION_RATES.map((v) => ({ value: String(v), label: String(v) })),
    );
    this.lr.addEventListener("change", () => actions.set({ learningRate: Number(this.lr.value) }));
    this.act.addEventListener("change", () =>
      actions.set({ activation: this.act.value as ExperimentConfig["activation"] }),
    );
    this.reg.addEventListener("change", () =>
      actions.set({ regularization: this.reg.value as ExperimentConfig["regularization"] }),
    );
    this.regRate.addEventListener("change", () =>
      actions.set({ regularizationRate: Number(this.regRate.value) }),
    );

    this.el = h("div", { class: "toolbar card", role: "toolbar", "aria-label": "Training controls" }, [
      h("div", { class: "transport" }, [reset, this.play, step]),
      h("div", { class: "counter" }, [
        h("span", { class: "counter-label" }, ["Step"]),
        this.stepCount,
        h("span", { class: "counter-sub" }, ["epoch ", this.epoch, " ", this.speed]),
      ]),
      field("sel-learning-rate", "Learning rate", this.lr),
      field("sel-activation", "Activation", this.act),
      field("sel-regularization", "Regularization", this.reg),
      field("sel-regularization-rate", "Regularization rate", this.regRate),
      h("div", { class: "field" }, [h("span", { class: "field-label" }, ["Problem type"]), this.problem]),
      h("div", { class: "toolbar-end" }, [share]),
    ]);
  }

  setConfig(c: ExperimentConfig): void {
    this.lr.value = String(closest(LEARNING_RATES, c.learningRate));
    this.act.value = c.activation;
    this.reg.value = c.regularization;
    this.regRate.value = String(closest(REGULARIZATION_RATES, c.regularizationRate));
    this.regRate.disabled = c.regularization === "none";
  }

  /** Whether the button currently offers "Pause" (training is, or is about to be, running). */
  showsRunning(): boolean {
    return this.play.getAttribute("aria-label") === "Pause";
  }

  setRunning(running: boolean): void {
    const label = running ? "Pause" : "Play";
    if (this.play.getAttribute("aria-label") === label) return;
    this.play.setAttribute("aria-label", label);
    this.play.title = running ? "Pause training" : "Train continuously";
    this.play.replaceChildren(icon(running ? "pause" : "play"));
    this.play.classList.toggle("running", running);
  }

  setCounters(step: number, epoch: number, stepsPerSecond: number, running: boolean): void {
    this.stepCount.textContent = String(step);
    this.epoch.textContent = epoch.toFixed(2);
    this.speed.textContent = running && stepsPerSecond > 0 ? `· ${Math.round(stepsPerSecond)} steps/s` : "";
  }

  setProblem(problem: ProblemKind, classes: number): void {
    this.problem.textContent =
      problem === "binary"
        ? "Classification"
        : problem === "multiclass"
          ? `Classification, ${classes} classes`
          : "Regression";
  }
}

function closest(list: readonly number[], v: number): number {
  let best = list[0]!;
  for (const x of list) if (Math.abs(x - v) < Math.abs(best - v)) best = x;
  return best;
}

/** Inline SVG icons (no icon font: nothing to download). */
function icon(name: "play" | "pause" | "step" | "reset"): SVGSVGElement {
  const paths: Record<typeof name, string> = {
    play: "M8 5v14l11-7z",
    pause: "M6 5h4v14H6zM14 5h4v14h-4z",
    step: "M6 5v14l9-7zM16 5h3v14h-3z",
    reset: "M12 5V1L7 6l5 5V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z",
  };
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const p = document.createElementNS("http://www.w3.org/2000/svg", "path");
  p.setAttribute("d", paths[name]);
  p.setAttribute("fill", "currentColor");
  svg.append(p);
  return svg;
}
