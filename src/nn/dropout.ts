// Dropout: randomly zeroes inputs in training mode (inverted scaling), the identity in evaluation mode.

import { Generator, rand, Tensor } from "../core.js";
import { describeValue, ValueError } from "../errors.js";
import { Module } from "./module.js";
import { checkRange, checkTensor } from "./validate.js";

/** Options of {@link Dropout}. */
export interface DropoutOptions {
  /**
   * Seed of the module's own generator: a fresh module with the same seed draws the same sequence of masks
   * (a new mask at each training-mode call). Default: the global generator (`manualSeed`).
   */
  seed?: number;
}

/**
 * Inverted dropout (Srivastava et al., 2014): in training mode each element is zeroed with probability
 * `p` and the survivors are scaled by `1 / (1 - p)`, so the expected output equals the input; in
 * evaluation mode (`eval()`) the input is returned unchanged. `p = 1` zeroes everything, as PyTorch allows.
 *
 * @example
 * ```ts
 * const drop = new nn.Dropout(0.5, { seed: 0 });
 * drop.forward(ones([4]));        // e.g. [2, 0, 2, 2]
 * drop.eval().forward(ones([4])); // [1, 1, 1, 1]
 * new nn.Dropout({ p: 0.2, seed: 0 }); // everything by name
 * ```
 */
export class Dropout extends Module {
  /** Probability of zeroing an element. */
  readonly p: number;
  readonly #generator: Generator | null;

  constructor(p: number | (DropoutOptions & { p?: number }) = 0.5, options: DropoutOptions = {}) {
    super();
    // Also accepts everything by name: new Dropout({ p: 0.2, seed: 0 }).
    if (typeof p === "object" && p !== null) {
      options = p;
      p = p.p ?? 0.5;
    }
    this.p = checkRange("nn.Dropout", "p", p, 0, 1);
    const { seed } = options;
    if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) {
      throw new ValueError("nn.Dropout", `seed must be a non-negative integer, got ${describeValue(seed)}`);
    }
    this.#generator = seed === undefined ? null : new Generator(seed, "nn.Dropout");
  }

  forward(x: Tensor): Tensor {
    checkTensor("nn.Dropout", "input", x);
    if (!this.training || this.p === 0) return x;
    const u = this.#uniform(x.size);
    const mask = x.dtype === "float64" ? new Float64Array(u.length) : new Float32Array(u.length);
    // Keep with probability 1 - p; at p = 1 nothing is kept (and 1 / (1 - p) is never used).
    const scale = 1 / (1 - this.p);
    for (let i = 0; i < u.length; i++) mask[i] = u[i] >= this.p ? scale : 0;
    return x.mul(Tensor._fromStorage(mask, [...x.shape]));
  }

  /** `n` uniform draws in [0, 1), from the module's generator when it was seeded, else the global one. */
  #uniform(n: number): Float64Array {
    if (this.#generator === null) return rand([n], { dtype: "float64" })._storage as Float64Array;
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) u[i] = this.#generator.uniform();
    return u;
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
