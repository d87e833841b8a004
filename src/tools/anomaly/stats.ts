// Summary statistics of a tensor's elements (finite range, NaN and infinity counts) for anomaly reports.

import type { Tensor } from "../../core.js";
import { formatShape, type TensorStats } from "../../errors.js";

/**
 * Min, max and mean over the finite elements of `t`, with counts of NaN, +Infinity and -Infinity.
 *
 * @example
 * ```ts
 * tensorStats(tensor([0, 1, Infinity, NaN])); // { min: 0, max: 1, mean: 0.5, nanCount: 1, posInfCount: 1, ... }
 * ```
 */
export function tensorStats(t: Tensor): TensorStats {
  const s = t._storage;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  let nanCount = 0;
  let posInfCount = 0;
  let negInfCount = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    if (Number.isNaN(v)) nanCount++;
    else if (v === Infinity) posInfCount++;
    else if (v === -Infinity) negInfCount++;
    else {
      finite++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return {
    shape: [...t.shape],
    dtype: t.dtype,
    size: t.size,
    min: finite > 0 ? min : null,
    max: finite > 0 ? max : null,
    mean: finite > 0 ? sum / finite : null,
    nanCount,
    posInfCount,
    negInfCount,
  };
}

/** True when every element of `t` is finite (the check anomaly mode runs on every output and gradient). */
export function allFinite(t: Tensor): boolean {
  const s = t._storage;
  for (let i = 0; i < s.length; i++) if (!Number.isFinite(s[i])) return false;
  return true;
}

const round = (v: number | null): string => (v === null ? "-" : String(Number(v.toPrecision(5))));

/** The non-finite counts as words: "1 NaN, 2 +Infinity"; "no NaN or Infinity" when there are none. */
export function describeNonFinite(s: TensorStats): string {
  const parts: string[] = [];
  if (s.nanCount > 0) parts.push(`${s.nanCount} NaN`);
  if (s.posInfCount > 0) parts.push(`${s.posInfCount} +Infinity`);
  if (s.negInfCount > 0) parts.push(`${s.negInfCount} -Infinity`);
  return parts.length > 0 ? parts.join(", ") : "no NaN or Infinity";
}

/** One line for a report: `float32 [3] min 0 max 2 mean 1, 1 NaN`. */
export function formatStats(s: TensorStats): string {
  return `${s.dtype} ${formatShape(s.shape)} min ${round(s.min)} max ${round(s.max)} mean ${round(s.mean)}, ${describeNonFinite(s)}`;
}
