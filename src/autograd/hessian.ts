// hessian, JAX style: the forward-mode Jacobian of the reverse-mode Jacobian (forward over reverse).

import { TypeMismatchError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { jacobianBlocks } from "./jacobian.js";
import { checkFunction } from "./transform-args.js";

/** Options of {@link hessian}. */
export interface HessianOptions<N extends number | readonly number[] = number | readonly number[]> {
  /** Which positional arguments to differentiate with respect to (default 0). */
  argnums?: N;
}

/** A Hessian for `argnums` of type `N`: one tensor, or the blocks `[i][j]` = ∂²f/∂x_i∂x_j for an array. */
export type HessianOf<N> = N extends number ? Tensor : Tensor[][];

/**
 * Transforms `f` into a function that returns its matrix of second derivatives, as JAX's `hessian`:
 * `jacfwd(jacrev(f))`, forward mode over reverse mode (one Hessian-vector product per input element). For
 * a scalar `f` and an argument `x`, the result has shape `[...x.shape, ...x.shape]` (in general
 * `[...f(x).shape, ...x.shape, ...x.shape]`). With `argnums` an array, it returns the blocks `H[i][j]` of
 * shape `[...out, ...x_i.shape, ...x_j.shape]`. Number arguments are float64 0-d tensors. Every op has a
 * forward-mode rule; a {@link customGrad} function needs its `jvp` option here.
 *
 * @example
 * ```ts
 * // xᵀAx has Hessian A + Aᵀ.
 * const A = tensor([[1, 2], [3, 4]]);
 * hessian((x: Tensor) => x.matmul(A.matmul(x)))(tensor([1, -1])).toArray(); // [[2, 5], [5, 8]]
 * // The tutorial's f(x, y) = x² + y²: H = 2I in each variable, 0 across.
 * hessian((x: Tensor, y: Tensor) => x.square().add(y.square()), { argnums: [0, 1] })(tensor(1), tensor(2));
 * ```
 */
export function hessian<A extends unknown[], N extends number | readonly number[] = number>(
  f: (...args: A) => Tensor,
  options: HessianOptions<N> = {},
): (...args: A) => HessianOf<N> {
  checkFunction("hessian", f);
  const argnums = options.argnums ?? 0;
  // The gradient blocks (one per argument) as a function with one output per argument...
  const gradients = (...args: unknown[]): Tensor[] => {
    const { blocks, single } = jacobianBlocks(
      "hessian",
      f as (...a: never[]) => unknown,
      args,
      argnums,
      "reverse",
    );
    if (!single)
      throw new TypeMismatchError(
        "hessian",
        `the function must return a Tensor, got an array of ${blocks.length}`,
      );
    return blocks[0];
  };
  return (...args: A) => {
    // ...differentiated again by forward mode: blocks[i][j] = ∂/∂x_j (∂f/∂x_i).
    const { blocks } = jacobianBlocks("hessian", gradients, args, argnums, "forward");
    return (typeof argnums === "number" ? blocks[0][0] : blocks) as HessianOf<N>;
  };
}
