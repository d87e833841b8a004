// The app shell: builds the layout, wires controls to the config store, the store to the worker and the
// URL, and draws the newest snapshot once per animation frame.

import type { ExperimentConfig, FeatureName, Snapshot } from "../protocol.js";
import { type DataMessage, WorkerClient } from "./client.js";
import type { LoadedCsv } from "./csv-loader.js";
import { CsvLoader } from "./csv-loader.js";
import { DataPanel } from "./data-panel.js";
import { fmt, h } from "./dom.js";
import { colorLegend } from "./legend.js";
import { LossChart } from "./loss-chart.js";
import { NetworkView } from "./network-view.js";
import { LIVE_KEYS, MAX_LAYERS, MAX_NEURONS } from "./options.js";
import { OutputView } from "./output-view.js";
import { startPanels } from "./panels.js";
import { ConfigStore } from "./store.js";
import { Toolbar } from "./toolbar.js";
import { readUrl, shareButton, watchUrl, writeUrl } from "./url-sync.js";

/** What the page exposes to tests as `window.__playground`. */
export interface PlaygroundHandle {
  client: WorkerClient;
  network: NetworkView;
  getConfig(): ExperimentConfig;
  getSnapshot(): Snapshot | null;
  /** Resolves once the first experiment's data and first snapshot are on screen. */
  ready: Promise<void>;
  /** Other helpers (the panels) may hang their own test hooks here, e.g. `lastTrace`. */
  [extra: string]: unknown;
}

declare global {
  interface Window {
    /** For end-to-end tests: the worker client, the config, the latest snapshot, and a ready promise. */
    __playground: PlaygroundHandle;
  }
}

function card(title: string, explanation: string, body: HTMLElement[], cls: string): HTMLElement {
  return h("section", { class: `card ${cls}`, "aria-label": title }, [
    h("h2", {}, [title]),
    h("p", { class: "explain" }, [explanation]),
    ...body,
  ]);
}

/** Builds the page into `root`, starts the worker and sets `window.__playground`. */
export function startApp(root: HTMLElement): PlaygroundHandle {
  const initial = readUrl();
  let csv: LoadedCsv | null = null;
  const notice = h("div", { class: "notice", role: "alert", "data-testid": "notice", hidden: true });
  const showNotice = (text: string | null): void => {
    notice.textContent = text ?? "";
    notice.hidden = !text;
  };
  if (initial.config.dataset === "csv") initial.config.dataset = "circle";
  const store = new ConfigStore(initial.config);
  const client = new WorkerClient(store.get());

  const set = (patch: Partial<ExperimentConfig>): void => store.set(patch);
  const share = shareButton();
  const toolbar = new Toolbar(
    {
      togglePlay: () => {
        // The button flips at once; the worker's next snapshot confirms the state.
        const play = !toolbar.showsRunning();
        toolbar.setRunning(play);
        // Snapshots already on their way still carry the old state: ignore it until the worker agrees.
        wanted = { running: play, until: performance.now() + 1000 };
        client.send({ type: play ? "play" : "pause" });
      },
      step: () => client.send({ type: "step", steps: 1 }),
      reset: () => sendReset(),
      set,
    },
    share,
  );
  const csvLoader = new CsvLoader((loaded) => {
    csv = loaded;
    if (store.get().dataset === "csv") sendReset();
    else set({ dataset: "csv" });
  });
  const dataPanel = new DataPanel({ set }, csvLoader.el);
  const network = new NetworkView({
    toggleFeature: (name: FeatureName) => {
      const f = store.get().features;
      if (f.includes(name) && f.length === 1) {
        showNotice("The network needs at least one input feature.");
        return;
      }
      set({ features: f.includes(name) ? f.filter((x) => x !== name) : [...f, name] });
    },
    addLayer: () => {
      const l = store.get().hiddenLayers;
      if (l.length < MAX_LAYERS) set({ hiddenLayers: [...l, 2] });
    },
    removeLayer: () => set({ hiddenLayers: store.get().hiddenLayers.slice(0, -1) }),
    addNeuron: (i) =>
      set({
        hiddenLayers: store.get().hiddenLayers.map((n, j) => (j === i ? Math.min(MAX_NEURONS, n + 1) : n)),
      }),
    removeNeuron: (i) =>
      set({ hiddenLayers: store.get().hiddenLayers.map((n, j) => (j === i ? Math.max(1, n - 1) : n)) }),
  });
  const output = new OutputView(280);
  const chart = new LossChart(300, 90);
  const trainLoss = h("span", { class: "loss-value", "data-testid": "train-loss" }, ["–"]);
  const testLoss = h("span", { class: "loss-value", "data-testid": "test-loss" }, ["–"]);
  const legend = colorLegend();

  const panelRoot = h("div", { class: "panels" });
  root.append(
    h("header", { class: "app-header" }, [
      h("div", { class: "brand" }, [
        h("h1", {}, ["chainrule ", h("span", {}, ["playground"])]),
        h("p", {}, [
          "Train a small neural network in your browser, then watch the chain rule compute every gradient.",
        ]),
      ]),
    ]),
    toolbar.el,
    notice,
    h("main", { class: "columns" }, [
      card(
        "Data",
        "Pick the points to learn. The network sees the training points; the test points check it on data it never trained on.",
        [dataPanel.el],
        "col-data",
      ),
      card(
        "Features and hidden layers",
        "Each square is a neuron; its picture is its output over the whole plane. Lines are weights: colour is the sign, width the size. Hover for values, click a weight to inspect its gradient.",
        [network.el],
        "col-network",
      ),
      card(
        "Output",
        "The background is the network's prediction at every point; the dots are the data. Loss is the average error: lower is better.",
        [
          h("div", { class: "losses" }, [
            h("div", {}, [h("span", { class: "loss-label" }, ["Test loss"]), testLoss]),
            h("div", {}, [h("span", { class: "loss-label" }, ["Training loss"]), trainLoss]),
          ]),
          chart.el,
          output.el,
          legend.el,
        ],
        "col-output",
      ),
    ]),
    panelRoot,
    h("footer", { class: "app-footer" }, [
      "Built with chainrule: every gradient on this page comes from its autograd, running in a Web Worker.",
    ]),
  );

  // ---- the store drives the worker, the URL and the controls ----
  let awaitingData = true;
  let wanted: { running: boolean; until: number } | null = null;
  const sendReset = (): void => {
    const config = store.get();
    if (config.dataset === "csv" && !csv) {
      showNotice("Load a CSV file first (the link holds the settings, not your points).");
      return;
    }
    awaitingData = true;
    wanted = null;
    chart.reset();
    client.send({ type: "reset", config, csv: config.dataset === "csv" ? csv!.points : undefined });
  };
  const syncControls = (config: ExperimentConfig): void => {
    toolbar.setConfig(config);
    dataPanel.setConfig(config);
    writeUrl(config);
  };
  store.subscribe((config, changed) => {
    showNotice(null);
    syncControls(config);
    if (changed.every((k) => LIVE_KEYS.has(k))) client.send({ type: "update", config });
    else sendReset();
  });
  syncControls(store.get());
  watchUrl((config, errors) => {
    if (config.dataset === "csv" && !csv) config.dataset = "circle";
    store.replace(config);
    if (errors.length)
      showNotice(`Some settings in the link were invalid and were reset: ${errors.join("; ")}`);
  });
  if (initial.errors.length)
    showNotice(`Some settings in the link were invalid and were reset: ${initial.errors.join("; ")}`);

  // ---- the worker's messages ----
  let data: DataMessage | null = null;
  let shown: Snapshot | null = null;
  let frame = 0;
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((r) => {
    resolveReady = r;
  });
  client.on("ready", () => sendReset());
  client.on("error", (m) => {
    if (m.id === undefined) showNotice(m.message);
  });
  client.on("data", (m) => {
    data = m;
    awaitingData = false;
    // New data always follows a reset (also one the worker decided on for an "update").
    chart.reset();
    const config = store.get();
    network.setArchitecture(config, m.problem, m.problem === "multiclass" ? m.classes : 1);
    output.setData(m);
    toolbar.setProblem(m.problem, m.classes);
    legend.setProblem(m.problem, m.classes);
  });
  client.on("snapshot", (m) => {
    if (awaitingData) return;
    chart.append(m.snapshot.history);
    shown = m.snapshot;
    if (!frame) frame = requestAnimationFrame(draw);
  });
  const draw = (): void => {
    frame = 0;
    const snap = shown;
    if (!snap || !data) return;
    network.update(snap);
    output.setGrid(snap.output);
    output.render();
    chart.render();
    toolbar.setCounters(snap.step, snap.epoch, snap.stepsPerSecond, snap.running);
    if (wanted && (snap.running === wanted.running || performance.now() > wanted.until)) wanted = null;
    toolbar.setRunning(wanted ? wanted.running : snap.running);
    trainLoss.textContent = fmt(snap.trainLoss);
    testLoss.textContent = fmt(snap.testLoss);
    resolveReady();
  };

  const handle: PlaygroundHandle = {
    client,
    network,
    getConfig: () => store.get(),
    getSnapshot: () => shown,
    ready,
  };
  // The test hook exists before the panels mount, so they can add their own entries to it.
  window.__playground = handle;
  startPanels(panelRoot, { client, network, getConfig: () => store.get() });
  return handle;
}
