// Labels for the tensors of a graph: the user's names, short formulas of their operands (x^2, sin t), or
// fresh symbols (v1, v2...) with a legend, so local derivatives can be written as formulas of labels.

import type { Tensor } from "../../core.js";
import { printSym } from "../expr/print.js";
import { num, type Sym, simplify, variable } from "../expr/symbolic.js";
import { nodeFormula } from "./local-rules.js";

/** Options of {@link symbolLabels}. */
export interface SymbolLabelOptions {
  /** Base names for tensors the user did not name (e.g. the input of `explain` is `x`); made unique. */
  fixed?: ReadonlyMap<Tensor, string>;
  /** Which op nodes may be labelled by their formula (default: every one-element op node). */
  formula?: (t: Tensor) => boolean;
  /** The longest formula used as a label (default 24 characters); longer ones get a fresh symbol. */
  maxLength?: number;
}

/**
 * A symbolic label for every tensor of `order` (inputs before outputs): names first, then one-element
 * constants as numbers, short formulas for op nodes, fresh symbols `v1, v2...` (listed in `legend`) otherwise.
 *
 * @example
 * ```ts
 * const t = tensor(2, { requiresGrad: true });
 * const { syms } = symbolLabels(graphOrder(t.pow(2)), new Map([[t, "t"]]));
 * printSym(syms.get(...)!); // "t^2"
 * ```
 */
export function symbolLabels(
  order: readonly Tensor[],
  names: ReadonlyMap<Tensor, string>,
  options: SymbolLabelOptions = {},
): { syms: Map<Tensor, Sym>; legend: { label: string; definition: string }[] } {
  const maxLength = options.maxLength ?? 24;
  const formula = options.formula ?? ((t: Tensor) => t.size === 1);
  const taken = new Set(names.values());
  const next = new Map<string, number>();
  const fresh = (base: string) => {
    let name = base;
    // A counter per base keeps this linear: graphs have thousands of fresh symbols.
    for (let k = next.get(base) ?? 1; taken.has(name); k++) {
      name = `${base}${k}`;
      next.set(base, k + 1);
    }
    taken.add(name);
    return name;
  };
  const syms = new Map<Tensor, Sym>();
  const legend: { label: string; definition: string }[] = [];
  let counter = 0;
  const define = (t: Tensor, label: string, shown: Sym | null) => {
    const node = t._node!;
    const text = shown === null ? "" : printSym(shown);
    const inputs = node.inputs.map((i) => printSym(syms.get(i)!)).join(", ");
    legend.push({ label, definition: shown !== null && text.length <= 80 ? text : `${node.op}(${inputs})` });
  };
  for (const t of order) {
    const name = names.get(t);
    if (name !== undefined) {
      syms.set(t, variable(name));
      continue;
    }
    const base = options.fixed?.get(t);
    const wanted = t._node !== null && (base !== undefined || formula(t));
    // Formulas are built only where they are used: graphs of thousands of tensors label most by symbols.
    const f = wanted
      ? nodeFormula(
          t._node!,
          t._node!.inputs.map((i) => syms.get(i)!),
        )
      : null;
    const shown = f === null ? null : simplify(f);
    if (base !== undefined) {
      const label = fresh(base);
      syms.set(t, variable(label));
      if (t._node) define(t, label, shown);
      continue;
    }
    if (t._node === null || !formula(t)) {
      if (t._node === null && t.size === 1 && !t.requiresGrad) syms.set(t, num(t._storage[0]));
      else syms.set(t, variable(fresh(t._node !== null ? "v" : t.requiresGrad ? "w" : "c")));
      continue;
    }
    if (shown !== null && printSym(shown).length <= maxLength) syms.set(t, shown);
    else {
      const label = fresh(`v${++counter}`);
      syms.set(t, variable(label));
      define(t, label, shown);
    }
  }
  return { syms, legend };
}
