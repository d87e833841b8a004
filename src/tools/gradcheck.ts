// Gradient checking: reverse-mode gradients against central differences in float64, as PyTorch's gradcheck.

import { concat, grad, randn, Tensor, tensor } from "../core.js";
import { TypeMismatchError, ValueError } from "../errors.js";

/** Options of {@link gradcheck} and {@link gradgradcheck}. */
export interface GradcheckOptions {
  /** Step of the central differences `(f(x + eps) - f(x - eps)) / (2 eps)`. Default `1e-6`. */
  eps?: number;
  /** Absolute tolerance: an entry fails when `|analytical - numerical| > atol + rtol * |numerical|`. Default `1e-5`. */
  atol?: number;
  /** Relative tolerance (see `atol`). Default `1e-3`. */
  rtol?: number;
  /**
   * Indices into `inputs` of the tensors to differentiate with respect to. By default: the tensor inputs with
   * `requiresGrad` when there are any (as PyTorch), else every tensor input.
   */
  wrt?: readonly number[];
  /**
   * Outputs with at most this many elements get their full Jacobian checked, one vector-Jacobian product
   * per output element (as PyTorch). Larger outputs are checked through one fixed random projection
   * `sum(f(x) * v)`, which catches almost every wrong gradient at a fraction of the cost. Default `256`.
   */
  maxJacobianRows?: number;
  /** Stop recording failures after this many (the check still runs to the end). Default `100`. */
  maxFailures?: number;
}

/** One Jacobian entry whose reverse-mode and numerical values disagree (or are not finite). */
export interface GradcheckFailure {
  /** Index of the input (into `inputs`) the entry belongs to. */
  input: number;
  /** Flat (row-major) index of the input element. */
  index: number;
  /** Multi-index of the input element (`[]` for a 0-d input). */
  position: number[];
  /**
   * Flat index of the output element whose gradient row this is; `-1` when the output was checked through
   * a random projection (outputs larger than `maxJacobianRows`).
   */
  outputIndex: number;
  /** The reverse-mode (backpropagated) derivative. */
  analytical: number;
  /** The central-difference derivative. */
  numerical: number;
}

/** The result of {@link gradcheck}. */
export interface GradcheckResult {
  /** True when every checked entry agrees within tolerance and is finite. */
  ok: boolean;
  /** Largest `|analytical - numerical|` over the checked entries (`Infinity` when one is not finite). */
  maxAbsError: number;
  /** Largest `|analytical - numerical| / max(|analytical|, |numerical|)` (0 where both are 0). */
  maxRelError: number;
  /** The disagreeing entries, at most `maxFailures` of them. */
  failures: GradcheckFailure[];
  /** How many entries failed, including those not recorded in `failures`. */
  failureCount: number;
  /** How many Jacobian entries were compared. */
  checked: number;
  /** The central-difference step used. */
  eps: number;
  /** The absolute tolerance used. */
  atol: number;
  /** The relative tolerance used. */
  rtol: number;
}

/** A function under check: tensors (and any other arguments) in, one tensor out. */
export type CheckedFunction<A extends unknown[] = unknown[]> = (...args: A) => Tensor;

/** Calls a checked function with substituted arguments (float64 copies in place of the user's tensors). */
function callWith<A extends unknown[]>(f: CheckedFunction<A>, args: readonly unknown[]): unknown {
  return (f as unknown as (...a: unknown[]) => unknown)(...args);
}

const DEFAULTS = { eps: 1e-6, atol: 1e-5, rtol: 1e-3, maxJacobianRows: 256, maxFailures: 100 };

/** A float64 leaf copy of `t` (requiring grad when `requiresGrad`), never sharing storage with `t`. */
function float64Copy(t: Tensor, requiresGrad: boolean): Tensor {
  return tensor(Float64Array.from(t.data), { shape: [...t.shape], dtype: "float64", requiresGrad });
}

/** Multi-index of flat element `index` of a tensor of `shape` (row-major). */
function unravel(index: number, shape: readonly number[]): number[] {
  const pos = new Array<number>(shape.length);
  let rest = index;
  for (let i = shape.length - 1; i >= 0; i--) {
    pos[i] = rest % shape[i];
    rest = Math.floor(rest / shape[i]);
  }
  return pos;
}

function checkOutput(op: string, y: unknown): Tensor {
  if (!(y instanceof Tensor))
    throw new TypeMismatchError(
      op,
      `the checked function must return a Tensor, got ${typeof y === "number" ? "a number" : typeof y}`,
    );
  return y;
}

function resolveWrt(op: string, inputs: readonly unknown[], wrt: readonly number[] | undefined): number[] {
  const tensorIdx: number[] = [];
  inputs.forEach((x, i) => {
    if (x instanceof Tensor) tensorIdx.push(i);
  });
  if (wrt === undefined) {
    const requiring = tensorIdx.filter((i) => (inputs[i] as Tensor).requiresGrad);
    const chosen = requiring.length > 0 ? requiring : tensorIdx;
    if (chosen.length === 0) throw new ValueError(op, "inputs must include at least one tensor, got none");
    return chosen;
  }
  for (const i of wrt)
    if (!Number.isInteger(i) || i < 0 || i >= inputs.length || !(inputs[i] instanceof Tensor))
      throw new ValueError(
        op,
        `wrt must list indices of tensor inputs (0..${inputs.length - 1}), got ${i}` +
          (Number.isInteger(i) && i >= 0 && i < inputs.length ? " which is not a tensor" : ""),
      );
  if (wrt.length === 0) throw new ValueError(op, "wrt must name at least one input, got []");
  return [...wrt];
}

/**
 * Checks reverse-mode gradients of `f` against central differences, in float64.
 *
 * Calls `f(...inputs)` with every tensor input replaced by a float64 copy (numbers and other arguments pass
 * through unchanged), so float32 inputs are checked in float64 too and the inputs themselves are never
 * touched. The inputs checked are those in `wrt`; by default the tensor inputs with `requiresGrad` when any
 * have it (as PyTorch), else every tensor input. Outputs of up to `maxJacobianRows` elements get their full
 * Jacobian compared, row by row through vector-Jacobian products with one-hot cotangents; larger outputs are
 * compared through `sum(f(x) * v)` for a fixed random `v`.
 *
 * An entry fails when `|analytical - numerical| > atol + rtol * |numerical|`; a non-finite analytical or
 * numerical value always fails.
 *
 * @example
 * ```ts
 * const x = tensor([0.5, 1.5, 2.5], { dtype: "float64" });
 * const r = gradcheck((t) => t.sin().mul(t), [x]);
 * r.ok; // true
 * if (!r.ok) console.log(formatGradcheckReport(r));
 * ```
 */
export function gradcheck<A extends unknown[]>(
  f: CheckedFunction<A>,
  inputs: readonly unknown[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const op = "gradcheck";
  if (typeof f !== "function") throw new TypeMismatchError(op, `f must be a function, got ${typeof f}`);
  if (!Array.isArray(inputs))
    throw new TypeMismatchError(op, `inputs must be an array, got ${typeof inputs}`);
  const eps = options.eps ?? DEFAULTS.eps;
  const atol = options.atol ?? DEFAULTS.atol;
  const rtol = options.rtol ?? DEFAULTS.rtol;
  const maxRows = options.maxJacobianRows ?? DEFAULTS.maxJacobianRows;
  const maxFailures = options.maxFailures ?? DEFAULTS.maxFailures;
  if (!(eps > 0) || !Number.isFinite(eps))
    throw new ValueError(op, `eps must be a positive number, got ${eps}`);
  if (!(atol >= 0)) throw new ValueError(op, `atol must be a non-negative number, got ${atol}`);
  if (!(rtol >= 0)) throw new ValueError(op, `rtol must be a non-negative number, got ${rtol}`);
  const wrt = resolveWrt(op, inputs, options.wrt);

  const base = inputs.map((x, i) => (x instanceof Tensor ? float64Copy(x, wrt.includes(i)) : x));
  const y = checkOutput(op, callWith(f, base));
  const ySize = y.size;
  const fullJacobian = ySize <= maxRows;
  // NOTE: a fixed seed keeps the projection (and so the report) reproducible between runs.
  const v = fullJacobian ? null : Float64Array.from(randn([ySize], { seed: 0, dtype: "float64" }).data);
  const rows = fullJacobian ? ySize : 1;

  // Analytical: one backward per row through the same graph (a second backward accumulates, so reset .grad).
  const analytical: Float64Array[][] = wrt.map((i) =>
    Array.from({ length: rows }, () => new Float64Array((base[i] as Tensor).size)),
  );
  if (y.requiresGrad) {
    for (let r = 0; r < rows; r++) {
      for (const i of wrt) (base[i] as Tensor).grad = null;
      let cot: Float64Array;
      if (v) cot = v;
      else {
        cot = new Float64Array(ySize);
        cot[r] = 1;
      }
      y.backward(tensor(cot, { shape: [...y.shape], dtype: y.dtype }));
      wrt.forEach((i, k) => {
        const g = (base[i] as Tensor).grad;
        if (g !== null) analytical[k][r].set(g.data);
      });
    }
    for (const i of wrt) (base[i] as Tensor).grad = null;
  }

  // Numerical: central differences, one pair of evaluations per input element, with fresh leaves each time.
  const evalAt = (inputIdx: number, elem: number, delta: number): Float64Array => {
    const args = base.map((x, i) => {
      if (!(x instanceof Tensor)) return x;
      const d = Float64Array.from(x.data);
      if (i === inputIdx) d[elem] += delta;
      return tensor(d, { shape: [...x.shape], dtype: "float64" });
    });
    const out = checkOutput(op, callWith(f, args));
    return Float64Array.from(out.data);
  };

  const failures: GradcheckFailure[] = [];
  let failureCount = 0;
  let checked = 0;
  let maxAbsError = 0;
  let maxRelError = 0;
  wrt.forEach((i, k) => {
    const x = base[i] as Tensor;
    for (let e = 0; e < x.size; e++) {
      const plus = evalAt(i, e, eps);
      const minus = evalAt(i, e, -eps);
      for (let r = 0; r < rows; r++) {
        let n: number;
        if (v) {
          let s = 0;
          for (let j = 0; j < ySize; j++) s += v[j] * (plus[j] - minus[j]);
          n = s / (2 * eps);
        } else n = (plus[r] - minus[r]) / (2 * eps);
        const a = analytical[k][r][e];
        checked++;
        const finite = Number.isFinite(a) && Number.isFinite(n);
        const abs = finite ? Math.abs(a - n) : Infinity;
        const scale = Math.max(Math.abs(a), Math.abs(n));
        const rel = !finite ? Infinity : scale === 0 ? 0 : abs / scale;
        maxAbsError = Math.max(maxAbsError, abs);
        maxRelError = Math.max(maxRelError, rel);
        if (!finite || abs > atol + rtol * Math.abs(n)) {
          failureCount++;
          if (failures.length < maxFailures)
            failures.push({
              input: i,
              index: e,
              position: unravel(e, x.shape),
              outputIndex: v ? -1 : r,
              analytical: a,
              numerical: n,
            });
        }
      }
    }
  });

  return {
    ok: failureCount === 0,
    maxAbsError,
    maxRelError,
    failures,
    failureCount,
    checked,
    eps,
    atol,
    rtol,
  };
}

/**
 * Second-order check: runs {@link gradcheck} on `x -> grad(sum(f(x) * v))(x)` for a fixed random cotangent
 * `v`, using `grad`'s differentiable results, so it checks the derivative rules' own derivatives (what
 * `grad(grad(f))` and Hessian-vector products rely on). Same options and result as `gradcheck`; the
 * gradients with respect to every input in `wrt` are flattened and concatenated into one output.
 *
 * @example
 * ```ts
 * const x = tensor([0.3, -1.2], { dtype: "float64" });
 * gradgradcheck((t) => t.tanh(), [x]).ok; // true
 * ```
 */
export function gradgradcheck<A extends unknown[]>(
  f: CheckedFunction<A>,
  inputs: readonly unknown[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const op = "gradgradcheck";
  if (typeof f !== "function") throw new TypeMismatchError(op, `f must be a function, got ${typeof f}`);
  if (!Array.isArray(inputs))
    throw new TypeMismatchError(op, `inputs must be an array, got ${typeof inputs}`);
  const wrt = resolveWrt(op, inputs, options.wrt);
  const probe = inputs.map((x) => (x instanceof Tensor ? float64Copy(x, false) : x));
  const y0 = checkOutput(op, callWith(f, probe));
  const v = randn([...y0.shape], { seed: 1, dtype: "float64" });
  const gradFn = grad((...args: unknown[]) => checkOutput(op, callWith(f, args)).mul(v).sum(), {
    argnums: wrt,
  }) as (...args: unknown[]) => Tensor[];
  const g = (...args: unknown[]): Tensor => {
    const gs = gradFn(...args);
    return concat(
      gs.map((t) => t.reshape([-1])),
      0,
    );
  };
  return gradcheck(g, inputs, { ...options, wrt });
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x);
}

/**
 * Renders a {@link GradcheckResult} for people: a summary line, then one line per recorded failure naming
 * the input, the element, both values, their difference and the tolerance it exceeded.
 *
 * @example
 * ```ts
 * // relu at its kink: the central difference sees half a slope.
 * const r = gradcheck((t) => t.relu(), [tensor([0, 1], { dtype: "float64" })]);
 * console.log(formatGradcheckReport(r));
 * // gradcheck failed: 1 of 4 entries disagree, max abs error 0.5, max rel error 1 (eps 0.000001, atol 0.00001, rtol 0.001)
 * //   input 0, element [0] (flat 0), output element 0: analytical 0, numerical 0.5; |difference| 0.5 > allowed 0.00051
 * ```
 */
export function formatGradcheckReport(result: GradcheckResult): string {
  const tol = `eps ${result.eps}, atol ${result.atol}, rtol ${result.rtol}`;
  const errs = `max abs error ${fmt(result.maxAbsError)}, max rel error ${fmt(result.maxRelError)}`;
  if (result.ok) return `gradcheck passed: ${result.checked} entries checked, ${errs} (${tol})`;
  const lines = [
    `gradcheck failed: ${result.failureCount} of ${result.checked} entries disagree, ${errs} (${tol})`,
  ];
  for (const f of result.failures) {
    const out = f.outputIndex >= 0 ? `output element ${f.outputIndex}` : "random output projection";
    const diff = Math.abs(f.analytical - f.numerical);
    const allowed = result.atol + result.rtol * Math.abs(f.numerical);
    const why =
      Number.isFinite(f.analytical) && Number.isFinite(f.numerical)
        ? `|difference| ${fmt(diff)} > allowed ${fmt(allowed)}`
        : "not finite";
    lines.push(
      `  input ${f.input}, element [${f.position.join(", ")}] (flat ${f.index}), ${out}: ` +
        `analytical ${fmt(f.analytical)}, numerical ${fmt(f.numerical)}; ${why}`,
    );
  }
  if (result.failureCount > result.failures.length)
    lines.push(`  ... and ${result.failureCount - result.failures.length} more`);
  return lines.join("\n");
}
