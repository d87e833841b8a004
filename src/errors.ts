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
