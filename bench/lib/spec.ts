// The benchmark's shared definitions: workload sizes, seeds, the result line format and the timing loop.

/** The four timed workloads of issue 3, plus the memory check. */
export const TIMED_WORKLOADS = ["matmul", "mlp", "tutorial", "scalar"] as const;
export type TimedWorkload = (typeof TIMED_WORKLOADS)[number];
export type Workload = TimedWorkload | "memory";
export const ALL_WORKLOADS: readonly Workload[] = [...TIMED_WORKLOADS, "memory"];

/** Problem sizes; `FULL_SIZES` is what the issue defines, `TINY_SIZES` is for the agreement test. */
export interface Sizes {
  /** Square matmul side. */
  matmulN: number;
  /** MLP batch and layer widths (input, hidden..., classes). */
  mlpBatch: number;
  mlpSizes: readonly number[];
  /** Full-batch epochs of the tutorial network. */
  tutorialEpochs: number;
  /** Ops in the scalar graph (a multiple of 5). */
  scalarOps: number;
}

export const FULL_SIZES: Sizes = {
  matmulN: 1024,
  mlpBatch: 128,
  mlpSizes: [784, 256, 128, 10],
  tutorialEpochs: 1000,
  scalarOps: 10_000,
};

export const TINY_SIZES: Sizes = {
  matmulN: 37,
  mlpBatch: 8,
  mlpSizes: [20, 12, 9, 10],
  tutorialEpochs: 60,
  scalarOps: 200,
};

/** Seeds of NumPy's legacy `RandomState`, one per workload (the tutorial keeps its own 42). */
export const MATMUL_SEED = 1;
export const MLP_SEED = 2;
export const TUTORIAL_SEED = 42;
/** SGD learning rates. */
export const MLP_LR = 0.1;
export const TUTORIAL_LR = 0.1;
export const TUTORIAL_HIDDEN = 4;
/** The MLP checksum is the loss of this step (1-based) from the initial weights. */
export const MLP_CHECK_STEPS = 5;

/** The MLP checksum: the loss after {@link MLP_CHECK_STEPS} steps of a fresh trainer (same data and weights). */
export function mlpCheckLoss(freshTrainer: () => () => number): number {
  const step = freshTrainer();
  let loss = Number.NaN;
  for (let i = 0; i < MLP_CHECK_STEPS; i++) loss = step();
  return loss;
}
/** The scalar graph's four inputs. */
export const SCALAR_INPUTS: readonly number[] = [0.5, -0.7, 0.3, 0.9];

/** Units each workload reports in. */
export const UNITS: Record<Workload, string> = {
  matmul: "GFLOP/s",
  mlp: "ms",
  tutorial: "ms",
  scalar: "ms",
  memory: "ratio",
};

/** One JSON line of output: one implementation on one workload. */
export interface ResultLine {
  workload: Workload;
  /** Implementation id, e.g. `chainrule-js`, `tfjs-wasm`, `pytorch`. */
  impl: string;
  /** What runs underneath (backend, BLAS, build). */
  backend: string;
  threads: number;
  unit: string;
  /** The median run in `unit` (for GFLOP/s: the throughput of the median time). */
  median: number;
  /** The fastest run in `unit` (for GFLOP/s the highest figure). */
  min: number;
  runs: number;
  medianMs: number;
  minMs: number;
  checksum: number;
  dtype: "float32" | "float64";
  notes: string;
  /** Workload-specific figures (memory: steps and RSS). */
  extra?: Record<string, number | string | boolean>;
  /** Set when the implementation could not run this workload. */
  skipped?: boolean;
}

/** Timing options: warm-up runs, timed runs, and a time budget after which fewer runs are taken. */
export interface MeasureOptions {
  warmup: number;
  runs: number;
  /** Stop adding runs once this much time has gone into timed runs (at least `minRuns` are taken). */
  budgetMs: number;
  minRuns: number;
}

export const FULL_MEASURE: MeasureOptions = { warmup: 2, runs: 7, budgetMs: 20_000, minRuns: 3 };
export const QUICK_MEASURE: MeasureOptions = { warmup: 1, runs: 3, budgetMs: 600, minRuns: 1 };

/** Runs `fn` `warmup` times untimed, then times it up to `runs` times; returns the times in ms. */
export function measure(fn: () => unknown, options: MeasureOptions): number[] {
  for (let i = 0; i < options.warmup; i++) fn();
  const times: number[] = [];
  let spent = 0;
  while (times.length < options.runs && (times.length < options.minRuns || spent < options.budgetMs)) {
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    times.push(dt);
    spent += dt;
  }
  return times;
}

/** Median of a list of numbers (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Converts a time in ms to the workload's unit. */
export function toUnit(workload: Workload, ms: number, sizes: Sizes): number {
  if (workload === "matmul") return (2 * sizes.matmulN ** 3) / (ms * 1e6);
  return ms;
}

/** Builds a result line from run times. */
export function resultLine(
  fields: Pick<ResultLine, "workload" | "impl" | "backend" | "threads" | "checksum" | "dtype" | "notes">,
  times: readonly number[],
  sizes: Sizes,
): ResultLine {
  const medianMs = median(times);
  const minMs = Math.min(...times);
  return {
    ...fields,
    unit: UNITS[fields.workload],
    median: round(toUnit(fields.workload, medianMs, sizes)),
    min: round(toUnit(fields.workload, minMs, sizes)),
    runs: times.length,
    medianMs: round(medianMs),
    minMs: round(minMs),
  };
}

/** A line saying an implementation could not run a workload, and why. */
export function skippedLine(
  workload: Workload,
  impl: string,
  backend: string,
  threads: number,
  notes: string,
): ResultLine {
  return {
    workload,
    impl,
    backend,
    threads,
    unit: UNITS[workload],
    median: Number.NaN,
    min: Number.NaN,
    runs: 0,
    medianMs: Number.NaN,
    minMs: Number.NaN,
    checksum: Number.NaN,
    dtype: "float32",
    notes,
    skipped: true,
  };
}

/** Four significant decimals are plenty for timings; checksums keep full precision. */
function round(x: number): number {
  return Number(x.toPrecision(5));
}

/** Serialises a line; NaN becomes null so the line stays valid JSON. */
export function formatLine(line: ResultLine): string {
  return JSON.stringify(line, (_key, value) =>
    typeof value === "number" && !Number.isFinite(value) ? null : value,
  );
}

/** Parses a line written by {@link formatLine} (or by the Python peer); null fields become NaN. */
export function parseLine(text: string): ResultLine {
  const raw = JSON.parse(text) as Record<string, unknown>;
  for (const key of ["median", "min", "medianMs", "minMs", "checksum"]) {
    if (raw[key] === null || raw[key] === undefined) raw[key] = Number.NaN;
  }
  return raw as unknown as ResultLine;
}

/** One implementation of one workload, set up and ready to time. */
export interface Case {
  /** One timed unit: one product, one SGD step, all epochs of the tutorial, one forward + backward. */
  run(): unknown;
  /**
   * The workload's checksum, outside the timed runs: from `last`, what the last timed `run()` returned, where that
   * determines it (the product, the trained network, the gradients), else from a fresh start (the MLP).
   */
  checksum(last: unknown): number;
  dtype: "float32" | "float64";
  notes?: string;
}

/** The workloads an implementation provides, each built on demand for the given sizes. */
export type Cases = Partial<Record<TimedWorkload, (sizes: Sizes) => Case>>;

/** Everything the Python peer needs to draw the same data and time the same way (bench/peers/python_peer.py). */
export function pythonConfig(sizes: Sizes, options: MeasureOptions, workloads: readonly Workload[]): string {
  return JSON.stringify({
    sizes,
    measure: options,
    workloads,
    units: UNITS,
    matmulSeed: MATMUL_SEED,
    mlpSeed: MLP_SEED,
    mlpLr: MLP_LR,
    mlpCheckSteps: MLP_CHECK_STEPS,
    tutorialSeed: TUTORIAL_SEED,
    tutorialHidden: TUTORIAL_HIDDEN,
    tutorialLr: TUTORIAL_LR,
    scalarInputs: SCALAR_INPUTS,
  });
}
