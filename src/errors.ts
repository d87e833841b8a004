// Typed errors. Every message follows one template: `op: what was expected, got what was received[; hint]`.

/** Base class of every error chainrule throws for bad input. */
export class ChainruleError extends Error {
  /** The operation that rejected its input, e.g. `"matmul"`. */
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = new.target.name;
    this.op = op;
  }
}

/** Shapes that do not fit together (broadcasting, matmul, reshape, losses). */
export class ShapeError extends ChainruleError {}

/** A value outside what an op accepts (a bad dim, a non-integer label, a wrong option). */
export class ValueError extends ChainruleError {}

/** A wrong kind of argument (not a tensor, not an array, an unknown dtype). */
export class TypeMismatchError extends ChainruleError {}

/** Misuse of autograd (backward on a non-scalar, on a tensor that does not require grad). */
export class AutogradError extends ChainruleError {}

/** Formats a shape as `[2, 3]` for error messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Describes any received value briefly for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") {
    const name = (value as object).constructor?.name;
    if (name === "Tensor") {
      const t = value as { shape: number[]; dtype: string };
      return `a ${t.dtype} tensor of shape ${formatShape(t.shape)}`;
    }
    if (!name) return "an object";
    return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`;
  }
  return typeof value;
}

/** Statistics of a tensor for an {@link AnomalyError}: min, max and mean are over its finite elements (null when none). */
export interface TensorStats {
  shape: number[];
  dtype: string;
  size: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  nanCount: number;
  posInfCount: number;
  negInfCount: number;
}

/** Where and how an anomaly happened: what an {@link AnomalyError} carries besides its message. */
export interface AnomalyDetails {
  /** `"forward"`: the op's output is not finite; `"backward"`: a gradient it produced is not. */
  phase: "forward" | "backward";
  /** The user's code that created the op, `path:line:column` (null when no frame could be found). */
  site: string | null;
  /** The user's frames, innermost first (chainrule's own frames removed). */
  stack: string[];
  /** Statistics of the op's inputs. */
  inputs: TensorStats[];
  /** Forward: the op's output; backward: the non-finite gradient. */
  output: TensorStats;
  /** Backward: the gradient that reached the op's output; null in forward. */
  gradOutput: TensorStats | null;
  /** Backward: the index of the input whose gradient is not finite; null in forward. */
  inputIndex: number | null;
}

/**
 * Thrown inside `detectAnomaly` by the first op whose forward output or backward gradient holds NaN or
 * ±Infinity. `op` names the primitive; the other fields say where it was created and what it received.
 *
 * @example
 * ```ts
 * try {
 *   detectAnomaly(() => tensor([0, 1]).log());
 * } catch (e) {
 *   if (e instanceof AnomalyError) console.log(e.op, e.phase, e.site, e.output.negInfCount); // log forward main.ts:2:37 1
 * }
 * ```
 */
export class AnomalyError extends ChainruleError {
  readonly phase: "forward" | "backward";
  readonly site: string | null;
  readonly creationStack: string[];
  readonly inputs: TensorStats[];
  readonly output: TensorStats;
  readonly gradOutput: TensorStats | null;
  readonly inputIndex: number | null;
  constructor(op: string, message: string, details: AnomalyDetails) {
    super(op, message);
    this.phase = details.phase;
    this.site = details.site;
    this.creationStack = details.stack;
    this.inputs = details.inputs;
    this.output = details.output;
    this.gradOutput = details.gradOutput;
    this.inputIndex = details.inputIndex;
  }
}
