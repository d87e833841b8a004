// Printing tensors as PyTorch does: aligned numbers with a shared precision, and a summary with "..."
// for large tensors, so that printing a weight matrix never floods the console.

/** Options of {@link formatTensor}. */
export interface FormatOptions {
  /** Digits after the decimal point (4, as PyTorch). */
  precision?: number;
  /** Tensors with more elements than this are summarised (1000, as PyTorch). */
  threshold?: number;
  /** Items kept at each end of a summarised dim (3, as PyTorch). */
  edgeItems?: number;
}

interface Layout {
  shape: readonly number[];
  values: ArrayLike<number>;
  summarise: boolean;
  edge: number;
}

/** The indices of a dim that are printed (all, or both ends around an ellipsis marked -1). */
function shownIndices(n: number, layout: Layout): number[] {
  if (!layout.summarise || n <= 2 * layout.edge) return Array.from({ length: n }, (_, i) => i);
  const head = Array.from({ length: layout.edge }, (_, i) => i);
  const tail = Array.from({ length: layout.edge }, (_, i) => n - layout.edge + i);
  return [...head, -1, ...tail];
}

/** Every value that will be printed, to choose one number format for all of them. */
function shownValues(layout: Layout): number[] {
  const out: number[] = [];
  const walk = (dim: number, offset: number, stride: number) => {
    const n = layout.shape[dim];
    const inner = stride / (n || 1);
    for (const i of shownIndices(n, layout)) {
      if (i < 0) continue;
      if (dim === layout.shape.length - 1) out.push(layout.values[offset + i]);
      else walk(dim + 1, offset + i * inner, inner);
    }
  };
  if (layout.shape.length === 0) out.push(layout.values[0]);
  else walk(0, 0, layout.values.length);
  return out;
}

/** One formatter for all shown values: integers plainly, else fixed or scientific with `precision` digits. */
function numberFormat(values: number[], precision: number): (v: number) => string {
  const finite = values.filter(Number.isFinite);
  const special = (v: number) => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
  if (finite.every(Number.isInteger) && finite.every((v) => Math.abs(v) < 1e8))
    return (v) => (Number.isFinite(v) ? `${v === 0 ? 0 : v}.` : special(v));
  const magnitudes = finite.map(Math.abs).filter((v) => v > 0);
  const max = magnitudes.length ? Math.max(...magnitudes) : 0;
  const min = magnitudes.length ? Math.min(...magnitudes) : 0;
  const scientific =
    max >= 1e8 || (min > 0 && min < 10 ** -precision) || (min > 0 && max / min > 1000 && max >= 1e3);
  return (v) => {
    if (!Number.isFinite(v)) return special(v);
    return scientific ? v.toExponential(precision).replace(/e([+-])(\d)$/, "e$10$2") : v.toFixed(precision);
  };
}

/**
 * Formats a tensor's values as nested brackets, PyTorch style, e.g. `[[1.0000, 2.5000], [3.0000, 4.0000]]`.
 *
 * @example
 * ```ts
 * formatValues([2, 2], new Float64Array([1, 2.5, 3, 4])); // "[[1.0000, 2.5000],\n [3.0000, 4.0000]]"
 * ```
 */
export function formatValues(
  shape: readonly number[],
  values: ArrayLike<number>,
  options: FormatOptions = {},
): string {
  const precision = options.precision ?? 4;
  const layout: Layout = {
    shape,
    values,
    summarise: values.length > (options.threshold ?? 1000),
    edge: options.edgeItems ?? 3,
  };
  const format = numberFormat(shownValues(layout), precision);
  const width = Math.max(1, ...shownValues(layout).map((v) => format(v).length));
  const pad = (v: number) => format(v).padStart(width);
  if (shape.length === 0) return format(values[0]);
  const walk = (dim: number, offset: number, stride: number, indent: number): string => {
    const n = shape[dim];
    const inner = stride / (n || 1);
    const parts = shownIndices(n, layout).map((i) => {
      if (i < 0) return "...";
      return dim === shape.length - 1
        ? pad(values[offset + i])
        : walk(dim + 1, offset + i * inner, inner, indent + 1);
    });
    if (dim === shape.length - 1) return `[${parts.join(", ")}]`;
    const separator = `,${"\n".repeat(shape.length - 1 - dim)}${" ".repeat(indent + 1)}`;
    return `[${parts.join(separator)}]`;
  };
  return walk(0, 0, values.length, 0);
}
