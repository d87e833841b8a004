// Runs a primitive and records it in the graph when a gradient may flow through it.

import { propagateTangents } from "../autograd/forward.js";
import { anomalyObserver, noteCutEdge } from "../autograd/hooks.js";
import { isGradEnabled } from "../autograd/mode.js";
import type { Tensor } from "../tensor.js";
import type { Rule } from "./rule.js";
import { type PrimitiveAttrs, type PrimitiveName, rules } from "./rules.js";

/** Applies the primitive `name` to `inputs`; the one place where ops are recorded for backward. */
export function apply<K extends PrimitiveName>(name: K, inputs: Tensor[], attrs: PrimitiveAttrs[K]): Tensor {
  const rule = rules()[name] as Rule<PrimitiveAttrs[K]>;
  const out = rule.forward(inputs, attrs);
  propagateTangents(name, rule, inputs, attrs, out); // forward mode: a no-op unless a jvp is running
  const vjp = rule.vjp;
  if (vjp !== undefined && isGradEnabled()) {
    let needed = false;
    for (const t of inputs) if (t.requiresGrad) needed = true;
    if (needed)
      out._record({
        op: name,
        inputs,
        attrs,
        vjp: (g, o, needs) => vjp(g, o, inputs, attrs, needs),
      });
  } else if (vjp === undefined && isGradEnabled()) noteCutEdge(name, inputs, out, attrs); // for whyNoGradient
  if (anomalyObserver !== null) anomalyObserver.forward(name, inputs, out);
  return out;
}
