// Re-runs a recorded graph's forward computations in float64 with the input replaced, for finite differences
// that need no user function: every primitive's forward comes from the rule table.

import { noGrad, Tensor } from "../../core.js";
import type { Rule } from "../../ops/rule.js";
import { type PrimitiveName, rules } from "../../ops/rules.js";

/** Every tensor reachable from `root` (leaves included), inputs before outputs; iterative (deep graphs). @example `graphOrder(x.sin()) // [x, sin(x)]` */
export function graphOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>([root]);
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top[0]._node?.inputs ?? [];
    if (top[1] < inputs.length) {
      const next = inputs[top[1]++];
      if (!visited.has(next)) {
        visited.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(top[0]);
    }
  }
  return order;
}

function toFloat64(t: Tensor): Tensor {
  return t.dtype === "float64" ? t : Tensor._fromStorage(Float64Array.from(t._storage), t.shape);
}

/** The ops of `order` in `dependents` that have no forward rule to replay (custom rules, for example). @example `unreplayable(order, dependents, x) // []` */
export function unreplayable(order: readonly Tensor[], dependents: ReadonlySet<Tensor>, x: Tensor): string[] {
  const table = rules() as Record<string, unknown>;
  const missing = new Set<string>();
  for (const t of order)
    if (t !== x && dependents.has(t) && t._node && !table[t._node.op]) missing.add(t._node.op);
  return [...missing];
}

/**
 * `y`'s elements recomputed in float64 with `x` replaced by `value` (same shape). For example,
 * `replay(x.sin(), x, Float64Array.of(0), order, dependents)` gives `[0]`. Tensors that do not depend on
 * `x` keep their recorded values, including comparison masks (their gradient is zero almost everywhere anyway).
 *
 * @param order every tensor of `y`'s graph, inputs first ({@link graphOrder}).
 * @param dependents the tensors of `order` that depend on `x` (x included).
 */
export function replay(
  y: Tensor,
  x: Tensor,
  value: Float64Array,
  order: readonly Tensor[],
  dependents: ReadonlySet<Tensor>,
): Float64Array {
  return noGrad(() => {
    const table = rules();
    const current = new Map<Tensor, Tensor>();
    current.set(x, Tensor._fromStorage(value, x.shape));
    const read = (t: Tensor) => current.get(t) ?? toFloat64(t);
    for (const t of order) {
      if (t === x || !dependents.has(t) || t._node === null) continue;
      const node = t._node;
      const inputs = node.inputs.map(read);
      // A dtype conversion would undo the float64 replay: pass the value through instead.
      if (node.op === "cast") {
        current.set(t, inputs[0]);
        continue;
      }
      const rule = table[node.op as PrimitiveName] as Rule<unknown>;
      current.set(t, toFloat64(rule.forward(inputs, node.attrs)));
    }
    return Float64Array.from(read(y)._storage);
  });
}
