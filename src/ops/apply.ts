// Runs a primitive and records it in the graph when a gradient may flow through it.

import { propagateTangents } from "../autograd/forward.js";
import { anomalyObserver, noteCutEdge } from "../autograd/hooks.js";
import { isGradEnabled } from "../autograd/mode.js";
import type { GradNode } from "../autograd/node.js";
import type { Tensor } from "../tensor.js";
import type { Rule } from "./rule.js";
import { type PrimitiveAttrs, type PrimitiveName, rules } from "./rules.js";

/** The graph node of a primitive: a class rather than a closure, since one is made per recorded op. */
class RecordedOp<A> implements GradNode {
  constructor(
    readonly op: string,
    readonly inputs: readonly Tensor[],
    readonly attrs: A,
    private readonly rule: NonNullable<Rule<A>["vjp"]>,
  ) {}

  vjp(g: Tensor, out: Tensor, needs: readonly boolean[]): (Tensor | null)[] {
    return this.rule(g, out, this.inputs, this.attrs, needs);
  }
}

/** Applies the primitive `name` to `inputs`; the one place where ops are recorded for backward. */
export function apply<K extends PrimitiveName>(name: K, inputs: Tensor[], attrs: PrimitiveAttrs[K]): Tensor {
  const rule = rules()[name] as Rule<PrimitiveAttrs[K]>;
  const out = rule.forward(inputs, attrs);
  propagateTangents(name, rule, inputs, attrs, out); // forward mode: a no-op unless a jvp is running
  const vjp = rule.vjp;
  if (vjp !== undefined && isGradEnabled()) {
    let needed = false;
    for (const t of inputs) if (t.requiresGrad) needed = true;
    if (needed) out._record(new RecordedOp(name, inputs, attrs, vjp));
  } else if (vjp === undefined && isGradEnabled()) noteCutEdge(name, inputs, out, attrs); // for whyNoGradient
  if (anomalyObserver !== null) anomalyObserver.forward(name, inputs, out);
  return out;
}
