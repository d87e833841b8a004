// Jacobians, JAX style: by reverse mode (one pullback per output element) or forward mode (one jvp per
// input element); both give a tensor of shape [...f(x).shape, ...x.shape].

import { zeros } from "../creation.js";
import { describeValue, ValueError } from "../errors.js";
import { cast } from "../ops/elementwise.js";
import { reshape, stack } from "../ops/layout.js";
import type { Tensor } from "../tensor.js";
import { forwardPass } from "./jvp.js";
import { argnumList, basis, callWith, checkFunction, outputList, tensorArg } from "./transform-args.js";
import { reversePass } from "./vjp.js";

/** How a Jacobian is computed: `"reverse"` (default, as JAX's `jacobian`) or `"forward"`. */
export type JacobianMode = "reverse" | "forward";

/** Options of {@link jacobian}, {@link jacrev} and {@link jacfwd}. */
export interface JacobianOptions<N extends number | readonly number[] = number | readonly number[]> {
  /** Which positional arguments to differentiate with respect to (default 0). */
  argnums?: N;
  /** Reverse mode (default; cheaper when the output is smaller than the input) or forward mode. */
  mode?: JacobianMode;
}

/**
 * What a Jacobian transformation returns for a function with output(s) `Out` and `argnums` of type `N`:
 * one tensor, one per argument (`argnums` an array), one per output (`f` returns an array), or
 * `[output][argument]`.
 */
export type JacobianOf<Out, N> = Out extends Tensor[]
  ? N extends number
    ? Tensor[]
    : Tensor[][]
  : N extends number
    ? Tensor
    : Tensor[];

/** A function's Jacobian blocks, `[output][argument]`, each of shape [...output.shape, ...argument.shape]. */
interface Blocks {
  blocks: Tensor[][];
  single: boolean;
}

function reverseBlocks(
  op: string,
  f: (...args: never[]) => unknown,
  args: unknown[],
  argnums: number[],
): Blocks {
  const lin = reversePass(op, f, args, argnums);
  const inputs = argnums.map((i) => tensorArg(op, args[i], i));
  const blocks = lin.outputs.map((y, o) => {
    // One pullback per output element, with the one-hot cotangent e_i: row i of the Jacobian.
    const rows: Tensor[][] = inputs.map(() => []);
    for (let i = 0; i < y.size; i++) {
      const cts = lin.outputs.map((_, p) => (p === o ? basis(y.shape, y.dtype, i) : null));
      lin.pullback(cts).forEach((g, k) => {
        rows[k].push(g);
      });
    }
    return inputs.map((x, k) => {
      const shape = [...y.shape, ...x.shape];
      if (y.size === 0 || x.size === 0) return zeros(shape, { dtype: y.dtype });
      return cast(reshape(stack(rows[k], 0), shape), y.dtype);
    });
  });
  return { blocks, single: lin.single };
}

function forwardBlocks(
  op: string,
  f: (...args: never[]) => unknown,
  args: unknown[],
  argnums: number[],
): Blocks {
  // columns[k][o]: the tangents of output o, one per element of argument k.
  const columns: Tensor[][][] = [];
  let outputs: Tensor[] | null = null;
  let single = true;
  const inputs = argnums.map((i) => tensorArg(op, args[i], i));
  inputs.forEach((x, k) => {
    const at = (xi: Tensor) => callWith(f, args, argnums[k], xi);
    const cols: Tensor[][] = [];
    // An empty argument still needs one evaluation for the output shapes.
    for (let j = 0; j < Math.max(1, x.size); j++) {
      const e = x.size === 0 ? zeros([...x.shape], { dtype: x.dtype }) : basis(x.shape, x.dtype, j);
      const r = forwardPass(op, at, [x], [e]);
      outputs ??= r.outputs;
      single = r.single;
      if (x.size > 0)
        r.tangents.forEach((t, o) => {
          if (cols[o] === undefined) cols[o] = [];
          cols[o].push(t);
        });
    }
    columns.push(cols);
  });
  if (outputs === null) {
    // No argument to differentiate with respect to (argnums = []): evaluate once for the outputs.
    const r = outputList(op, (f as (...a: unknown[]) => unknown)(...args));
    outputs = r.outputs;
    single = r.single;
  }
  const outs: Tensor[] = outputs;
  const blocks = outs.map((y, o) =>
    inputs.map((x, k) => {
      const shape = [...y.shape, ...x.shape];
      if (y.size === 0 || x.size === 0) return zeros(shape, { dtype: y.dtype });
      return reshape(stack(columns[k][o], y.ndim), shape);
    }),
  );
  return { blocks, single };
}

/** The Jacobian blocks of `f` at `args` by `mode`. @internal */
export function jacobianBlocks(
  op: string,
  f: (...args: never[]) => unknown,
  args: unknown[],
  argnums: number | readonly number[],
  mode: JacobianMode,
): Blocks {
  const list = argnumList(op, argnums, args.length);
  if (mode === "forward") return forwardBlocks(op, f, args, list);
  if (mode === "reverse") return reverseBlocks(op, f, args, list);
  throw new ValueError(op, `mode must be "reverse" or "forward", got ${describeValue(mode)}`);
}

/** Shapes the blocks as {@link JacobianOf} says. */
function arrange(
  { blocks, single }: Blocks,
  argnums: number | readonly number[],
): Tensor | Tensor[] | Tensor[][] {
  const perOutput = blocks.map((row) => (typeof argnums === "number" ? row[0] : row));
  return single ? perOutput[0] : (perOutput as Tensor[] | Tensor[][]);
}

function transform<A extends unknown[], Out extends Tensor | Tensor[], N extends number | readonly number[]>(
  op: string,
  f: (...args: A) => Out,
  options: JacobianOptions<N>,
  defaultMode: JacobianMode,
): (...args: A) => JacobianOf<Out, N> {
  checkFunction(op, f);
  const argnums = options.argnums ?? 0;
  const mode = options.mode ?? defaultMode;
  return (...args: A) =>
    arrange(jacobianBlocks(op, f as (...a: never[]) => unknown, args, argnums, mode), argnums) as JacobianOf<
      Out,
      N
    >;
}

/**
 * Transforms `f` into a function that returns its Jacobian, as JAX's `jacobian`: for an argument `x` and an
 * output `y = f(x)`, a tensor of shape `[...y.shape, ...x.shape]` whose entry `[i..., j...]` is
 * `∂y[i...]/∂x[j...]`. `mode: "reverse"` (the default) does one backward pass per output element;
 * `mode: "forward"` one forward-mode pass per input element; both give the same numbers. `argnums` picks
 * the arguments as in {@link grad} (an array gives one Jacobian per argument); an `f` returning an array of
 * tensors gives one Jacobian per output. Number arguments are float64 0-d tensors. The Jacobian has the
 * output's dtype. While grad mode is on, the results are recorded and can be differentiated again.
 *
 * @example
 * ```ts
 * const f = (x: Tensor) => x.square().mul(tensor([1, 2]).reshape([2, 1])); // y[i][j] = c_i x_j²
 * jacobian(f)(tensor([1, 3])).shape;                      // [2, 2, 2]
 * jacobian((x: Tensor) => x.sin())(tensor([0, 1])).toArray(); // [[1, 0], [0, 0.5403…]]
 * jacobian((x: Tensor) => x.sin(), { mode: "forward" })(tensor([0, 1])); // the same, by forward mode
 * ```
 */
export function jacobian<
  A extends unknown[],
  Out extends Tensor | Tensor[],
  N extends number | readonly number[] = number,
>(f: (...args: A) => Out, options: JacobianOptions<N> = {}): (...args: A) => JacobianOf<Out, N> {
  return transform("jacobian", f, options, "reverse");
}

/**
 * {@link jacobian} by reverse mode (JAX's `jacrev`): one pullback per output element, so it suits functions
 * with fewer outputs than inputs. Options as {@link jacobian} (a `mode` here is ignored).
 *
 * @example
 * ```ts
 * jacrev((x: Tensor) => x.square().sum())(tensor([1, 2, 3])).toArray(); // [2, 4, 6] (a gradient)
 * ```
 */
export function jacrev<
  A extends unknown[],
  Out extends Tensor | Tensor[],
  N extends number | readonly number[] = number,
>(
  f: (...args: A) => Out,
  options: Omit<JacobianOptions<N>, "mode"> = {},
): (...args: A) => JacobianOf<Out, N> {
  return transform("jacrev", f, { argnums: options.argnums }, "reverse");
}

/**
 * {@link jacobian} by forward mode (JAX's `jacfwd`): one forward pass with tangents per input element, so it
 * suits functions with more outputs than inputs. Options as {@link jacobian} (a `mode` here is ignored).
 *
 * @example
 * ```ts
 * // A curve in the plane: one input, two outputs.
 * jacfwd((t: Tensor) => stack([t.cos(), t.sin()]))(tensor(0)).toArray(); // [-0, 1]
 * ```
 */
export function jacfwd<
  A extends unknown[],
  Out extends Tensor | Tensor[],
  N extends number | readonly number[] = number,
>(
  f: (...args: A) => Out,
  options: Omit<JacobianOptions<N>, "mode"> = {},
): (...args: A) => JacobianOf<Out, N> {
  return transform("jacfwd", f, { argnums: options.argnums }, "forward");
}
