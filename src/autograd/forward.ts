// Forward-mode differentiation: tangents carried alongside tensors as ops run, one map per nesting level.
//
// `jvp` opens a level, gives its inputs tangents and runs the function. Every primitive (through the one hook
// in `src/ops/apply.ts`) then asks each open level whether an input has a tangent there and, if so, stores
// the output's tangent computed by the primitive's `jvp` rule. Rules are written with tensor ops, so the
// tangent computation of level k is itself seen by the levels outside it (0..k-1) and by reverse mode: this
// gives forward-over-forward, forward-over-reverse (`jvp(grad(f))`) and reverse-over-forward for free.
// Level k's tangent ops are hidden from level k itself and from the levels inside it, which is what keeps
// nested derivatives from confusing their perturbations.

import { AutogradError, formatShape } from "../errors.js";
import { cast } from "../ops/elementwise.js";
import { expand } from "../ops/layout.js";
import type { Rule } from "../ops/rule.js";
import { sameShape } from "../shape.js";
import type { Tensor } from "../tensor.js";

/** One open forward-mode level: the tangent of every tensor that has a non-zero one there. */
export class ForwardLevel {
  /** @internal Weak, so tensors of finished computations are collected with their tangents. */
  readonly tangents = new WeakMap<Tensor, Tensor>();

  /** The tangent of `t` at this level, or null when it is zero. */
  tangentOf(t: Tensor): Tensor | null {
    return this.tangents.get(t) ?? null;
  }
}

/** The open levels, outermost first. */
let levels: ForwardLevel[] = [];
/** How many levels (from the outermost) see the ops that run now. */
let visible = 0;

/** True when some forward-mode level sees the ops that run now (the fast path of the hook is this test). */
export function forwardActive(): boolean {
  return visible > 0;
}

/**
 * Runs `fn` with a new innermost level open and returns its result. The level sits just inside the levels
 * visible now: a `jvp` called from within a tangent computation does not see the levels hidden there.
 */
export function withLevel<T>(fn: (level: ForwardLevel) => T): T {
  const savedLevels = levels;
  const savedVisible = visible;
  const level = new ForwardLevel();
  levels = [...levels.slice(0, visible), level];
  visible = levels.length;
  try {
    return fn(level);
  } finally {
    levels = savedLevels;
    visible = savedVisible;
  }
}

/** Runs `fn` with every level hidden: its ops get no tangents (a custom rule's forward, for one). */
export function withoutTangents<T>(fn: () => T): T {
  const saved = visible;
  visible = 0;
  try {
    return fn();
  } finally {
    visible = saved;
  }
}

/** True when `t` has a tangent in some visible level. */
export function hasTangent(t: Tensor): boolean {
  for (let k = 0; k < visible; k++) if (levels[k].tangents.has(t)) return true;
  return false;
}

/**
 * Gives `copy`, a new tensor holding the same values as `source`, the tangents `source` has in the visible
 * levels, and returns it. Used where a transformation makes a fresh leaf for an argument (as `grad` does):
 * a new node for reverse mode, but the same value for forward mode.
 */
export function shareTangents(source: Tensor, copy: Tensor): Tensor {
  for (let k = 0; k < visible; k++) {
    const t = levels[k].tangents.get(source);
    if (t !== undefined) levels[k].tangents.set(copy, t);
  }
  return copy;
}

/** A tangent from a rule, expanded to the output's shape and converted to its dtype (the one place this happens). */
function fitTangent(op: string, t: Tensor, out: Tensor): Tensor {
  if (!sameShape(t.shape, out.shape)) {
    if (t.ndim > out.ndim || t.shape.some((d, i) => d !== 1 && d !== out.shape[out.ndim - t.ndim + i]))
      throw new AutogradError(
        "jvp",
        `the tangent rule of '${op}' must return a tangent that broadcasts to the output's shape ${formatShape(out.shape)}, got ${formatShape(t.shape)}`,
      );
    t = expand(t, out.shape);
  }
  return cast(t, out.dtype);
}

/**
 * Stores `out`'s tangent in every visible level where an input has one, computed by `rule(tangents)`
 * (null tangents stand for zero). Levels are done outermost first, and level k's computation sees only the
 * levels outside it; so when an inner level's rule reads `out`, `out` already carries its outer tangents.
 * `rule` undefined means the op has no derivative and its output no tangent.
 */
export function propagate(
  op: string,
  inputs: readonly Tensor[],
  out: Tensor,
  rule: ((tangents: (Tensor | null)[]) => Tensor | null) | undefined,
): void {
  const n = visible;
  if (n === 0 || rule === undefined) return;
  const open = levels;
  for (let k = 0; k < n; k++) {
    const level = open[k];
    let any = false;
    const tangents = inputs.map((x) => {
      const t = level.tangents.get(x);
      if (t === undefined) return null;
      any = true;
      return t;
    });
    if (!any) continue;
    visible = k;
    try {
      const t = rule(tangents);
      if (t !== null) level.tangents.set(out, fitTangent(op, t, out));
    } finally {
      visible = n;
    }
  }
}

/** The hook `apply` calls after every primitive: propagates tangents by the primitive's `jvp` rule. */
export function propagateTangents<A>(
  op: string,
  rule: Rule<A>,
  inputs: readonly Tensor[],
  attrs: A,
  out: Tensor,
): void {
  if (visible === 0) return;
  const jvp = rule.jvp;
  propagate(op, inputs, out, jvp && ((tangents) => jvp(tangents, out, inputs, attrs)));
}
