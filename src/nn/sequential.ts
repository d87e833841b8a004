// Sequential: a chain of modules, each fed the previous one's output.

import type { Tensor } from "../core.js";
import { describeValue, TypeMismatchError, ValueError } from "../errors.js";
import { Module } from "./module.js";

/** A module mapping one tensor to one tensor: what {@link Sequential} chains. */
export type TensorModule = Module<[Tensor], Tensor>;

/**
 * Chains modules: `forward(x)` feeds `x` to the first, its output to the second, and so on. The children
 * are named `"0"`, `"1"`, ... as in PyTorch, so parameters are named `"0.weight"`, `"2.bias"`; they can
 * be read back with `seq.at(i)` (negative `i` counts from the end) or `seq[i]`, and `seq.length` counts
 * them. An empty `Sequential` is the identity.
 *
 * @example
 * ```ts
 * const net = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 1));
 * net.forward(randn([4, 2])).shape;       // [4, 1]
 * net.namedParameters().map(([n]) => n);  // ["0.weight", "0.bias", "2.weight", "2.bias"]
 * ```
 */
export class Sequential extends Module {
  /** The i-th module (the same as `at(i)` for `0 <= i < length`). */
  readonly [index: number]: TensorModule;

  constructor(...modules: TensorModule[]) {
    super();
    modules.forEach((m) => {
      this.append(m);
    });
  }

  /** How many modules the chain holds. */
  get length(): number {
    let n = 0;
    while (Object.hasOwn(this, n)) n++;
    return n;
  }

  /**
   * The module at `index`; negative indices count from the end.
   *
   * @example
   * ```ts
   * net.at(-1); // the last layer
   * ```
   */
  at(index: number): TensorModule {
    const n = this.length;
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new ValueError(
        "nn.Sequential.at",
        `index must be an integer in [${-n}, ${n}), got ${describeValue(index)}`,
      );
    }
    return this[index < 0 ? index + n : index];
  }

  /**
   * Adds a module at the end of the chain; returns `this`.
   *
   * @example
   * ```ts
   * new nn.Sequential().append(new nn.Linear(2, 2)).append(new nn.ReLU());
   * ```
   */
  append(module: TensorModule): this {
    if (!(module instanceof Module)) {
      throw new TypeMismatchError("nn.Sequential", `expected a Module, got ${describeValue(module)}`);
    }
    this.registerModule(String(this.length), module);
    return this;
  }

  /** Iterates over the modules in order. */
  *[Symbol.iterator](): IterableIterator<TensorModule> {
    const n = this.length;
    for (let i = 0; i < n; i++) yield this[i];
  }

  /**
   * Applies every module in turn.
   *
   * @example
   * ```ts
   * new nn.Sequential(new nn.ReLU()).forward(tensor([-1, 2])); // [0, 2]
   * ```
   */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const module of this) y = module.forward(y);
    return y;
  }
}
