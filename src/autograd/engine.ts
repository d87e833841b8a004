// The backward pass: iterative topological order, seeding, summing broadcast gradients back to each
// input's shape, accumulation over every path. The one place where this bookkeeping happens.

import { allocate } from "../dtype.js";
import { AutogradError, describeValue, formatShape, TypeMismatchError } from "../errors.js";
import { add, cast } from "../ops/elementwise.js";
import { reshape } from "../ops/layout.js";
import { sum } from "../ops/reduce.js";
import { sameShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { anomalyObserver, runTensorHooks } from "./hooks.js";
import { enableGrad, noGrad } from "./mode.js";

let visitEpoch = 0;

/** @internal Non-leaf tensors reachable from `root` (root included when it has a node), inputs before outputs. */
export function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  if (root._node === null) return order;
  // A per-pass stamp instead of a Set, and parallel stacks instead of tuples: one sort allocates almost nothing
  // per node. An explicit stack, not recursion: graphs of 100,000+ ops must not overflow the call stack.
  const epoch = ++visitEpoch;
  root._visit = epoch;
  const tensors: Tensor[] = [root];
  const next: number[] = [0];
  while (tensors.length > 0) {
    const top = tensors.length - 1;
    const t = tensors[top];
    const inputs = t._node!.inputs;
    const i = next[top];
    if (i < inputs.length) {
      next[top] = i + 1;
      const input = inputs[i];
      if (input._node !== null && input._visit !== epoch) {
        input._visit = epoch;
        tensors.push(input);
        next.push(0);
      }
    } else {
      tensors.pop();
      next.pop();
      order.push(t);
    }
  }
  return order;
}

/** @internal Sums a broadcast gradient back to `input`'s shape and converts it to `input`'s dtype. */
export function fitTo(g: Tensor, input: Tensor): Tensor {
  if (g.shape !== input.shape && !sameShape(g.shape, input.shape)) {
    const lead = g.ndim - input.ndim;
    const dims: number[] = [];
    for (let i = 0; i < g.ndim; i++)
      if (i < lead || (input.shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
    g = reshape(sum(g, dims, true), input.shape);
  }
  return cast(g, input.dtype);
}

interface PropagateOptions {
  /** Record the backward pass itself, so that its results can be differentiated again. */
  createGraph: boolean;
  /** When given, compute gradients for these tensors only (nothing is written to `.grad`). */
  targets: ReadonlySet<Tensor> | null;
}

/** Runs the chain rule from `root` with output gradient `seed`; returns the gradients of the targets. */
function propagate(root: Tensor, seed: Tensor, options: PropagateOptions): Map<Tensor, Tensor> {
  const { targets } = options;
  const order = topologicalOrder(root);
  let relevant: Set<Tensor> | null = null;
  if (targets !== null) {
    // Only tensors that depend on a target need a gradient.
    relevant = new Set<Tensor>(targets);
    for (const t of order) if (t._node!.inputs.some((i) => relevant!.has(i))) relevant.add(t);
  }
  const grads = new Map<Tensor, Tensor>();
  const results = new Map<Tensor, Tensor>();
  // Leaves with hooks: their contributions are summed first, so each hook sees the pass's total once.
  let hookedLeaves: Map<Tensor, Tensor> | null = null;
  const deliver = (t: Tensor, g: Tensor) => {
    if (t._hooks !== null && t._node === null) {
      hookedLeaves ??= new Map();
      const prev = hookedLeaves.get(t);
      hookedLeaves.set(t, prev ? add(prev, g) : g);
      return;
    }
    if (targets?.has(t)) {
      const prev = results.get(t);
      results.set(t, prev ? add(prev, g) : g);
    }
    if (t._node !== null) {
      const prev = grads.get(t);
      grads.set(t, prev ? add(prev, g) : g);
    } else if (targets === null) accumulateLeaf(t, g, options.createGraph);
  };
  deliver(root, seed);
  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k];
    let g = grads.get(t);
    if (g === undefined) continue;
    grads.delete(t);
    const hooks = t._hooks;
    if (hooks !== null) {
      g = runTensorHooks(t, hooks, g);
      if (targets?.has(t)) results.set(t, g);
      if (hooks.retain && targets === null) accumulateLeaf(t, g, options.createGraph);
    }
    const node = t._node!;
    const inputs = node.inputs;
    const needs: boolean[] = new Array(inputs.length);
    let any = false;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i];
      needs[i] = input.requiresGrad && (relevant === null || relevant.has(input));
      any ||= needs[i];
    }
    if (!any) continue;
    const inputGrads =
      anomalyObserver === null ? node.vjp(g, t, needs) : anomalyObserver.vjp(t, node, g, needs);
    for (let i = 0; i < inputs.length; i++) {
      const gi = inputGrads[i];
      if (needs[i] && gi !== null && gi !== undefined) deliver(inputs[i], fitTo(gi, inputs[i]));
    }
  }
  if (hookedLeaves !== null)
    for (const [t, total] of hookedLeaves as Map<Tensor, Tensor>) {
      const g = t._hooks === null ? total : runTensorHooks(t, t._hooks, total);
      if (targets?.has(t)) results.set(t, g);
      else if (targets === null) accumulateLeaf(t, g, options.createGraph);
    }
  return results;
}

/**
 * Adds `g` into a leaf's `.grad` (or a non-leaf's, after `retainGrad()`): a private copy the first time, in
 * place afterwards (unless recording).
 */
function accumulateLeaf(leaf: Tensor, g: Tensor, createGraph: boolean): void {
  if (createGraph) {
    leaf.grad = leaf.grad === null ? g : add(leaf.grad, g);
    return;
  }
  // The grad setter guarantees a tensor of the leaf's shape and dtype.
  const current = leaf.grad;
  if (current === null || current.requiresGrad) {
    const own = allocate(leaf.dtype, leaf.size);
    own.set(g._storage);
    if (current !== null) for (let i = 0; i < own.length; i++) own[i] += current._storage[i];
    leaf.grad = Tensor._fromStorage(own, leaf.shape);
    return;
  }
  const s = current._storage;
  const src = g._storage;
  for (let i = 0; i < s.length; i++) s[i] += src[i];
}

/** The seed gradient for `backward`: ones for a one-element output, else the user's gradient checked. */
function seedFor(op: string, root: Tensor, gradient: Tensor | number | undefined): Tensor {
  if (gradient === undefined || typeof gradient === "number") {
    if (root.size !== 1)
      throw new AutogradError(
        op,
        gradient === undefined
          ? `output must be a scalar, got shape ${formatShape(root.shape)}; pass a gradient or call .sum() first`
          : `a number gradient needs a one-element output, got shape ${formatShape(root.shape)}`,
      );
    const s = allocate(root.dtype, 1);
    s[0] = gradient ?? 1;
    return Tensor._fromStorage(s, root.shape);
  }
  if (!(gradient instanceof Tensor))
    throw new TypeMismatchError(op, `gradient must be a Tensor, got ${describeValue(gradient)}`);
  if (!sameShape(gradient.shape, root.shape))
    throw new AutogradError(
      op,
      `gradient must have the output's shape ${formatShape(root.shape)}, got ${formatShape(gradient.shape)}`,
    );
  return cast(gradient, root.dtype);
}

/** `y.backward(gradient)`: accumulates dy/dleaf into every reachable leaf's `.grad`. */
export function runBackward(root: Tensor, gradient: Tensor | number | undefined, createGraph: boolean): void {
  if (!root.requiresGrad)
    throw new AutogradError(
      "backward",
      "tensor does not require grad and has no graph; create leaves with { requiresGrad: true }",
    );
  const seed = seedFor("backward", root, gradient);
  const run = () => propagate(root, seed, { createGraph, targets: null });
  if (createGraph) enableGrad(run);
  else noGrad(run);
}

/**
 * Gradients of `root` with respect to `inputs` (null for an input no path reaches), without touching `.grad`.
 * With `createGraph`, the results are recorded and can be differentiated again.
 */
export function gradientsOf(
  root: Tensor,
  inputs: readonly Tensor[],
  seed: Tensor | undefined,
  createGraph: boolean,
  op = "grad",
): (Tensor | null)[] {
  const s = seedFor(op, root, seed);
  if (!root.requiresGrad) return inputs.map(() => null);
  const run = () => propagate(root, s, { createGraph, targets: new Set(inputs) });
  const results = createGraph ? enableGrad(run) : noGrad(run);
  return inputs.map((t) => results.get(t) ?? null);
}
