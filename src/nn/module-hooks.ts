// Runs a module's forward with its forward pre-hooks, forward hooks and full backward hooks around it.

import { identity, isGradEnabled, Tensor } from "../core.js";
import { AutogradError, describeValue, TypeMismatchError } from "../errors.js";
import type { AnyModule } from "./module.js";

/** A forward pre-hook: may return replacement arguments (an array, or one value for one argument). */
export type ForwardPreHook<M, In extends unknown[]> = (
  module: M,
  inputs: In,
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only inspects returns nothing.
) => In | In[0] | undefined | void;

/** A forward hook: may return a replacement output. */
export type ForwardHook<M, In extends unknown[], Out> = (
  module: M,
  inputs: In,
  output: Out,
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only inspects returns nothing.
) => Out | undefined | void;

/** A full backward hook: may return replacement input gradients (one-input modules only). */
export type FullBackwardHook<M> = (
  module: M,
  gradInputs: (Tensor | null)[],
  gradOutputs: (Tensor | null)[],
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only inspects returns nothing.
) => (Tensor | null)[] | undefined | void;

type PreHook = ForwardPreHook<AnyModule, unknown[]>;
type PostHook = ForwardHook<AnyModule, unknown[], unknown>;
type BackwardHook = FullBackwardHook<AnyModule>;

/** @internal The hooks of one module, and the forward they wrap. */
export interface ModuleHooks {
  pre: PreHook[];
  post: PostHook[];
  backward: BackwardHook[];
  /** The forward the hooks wrap (the prototype's, or an own property the module had). */
  original: (...inputs: never[]) => unknown;
  /** The module's own `forward` property before hooks were installed, restored when the last one goes. */
  own: PropertyDescriptor | undefined;
}

/** @internal Calls `hooks.original` on `inputs` with every hook around it. */
export function runWithHooks(module: AnyModule, hooks: ModuleHooks, inputs: unknown[]): unknown {
  for (const pre of hooks.pre.slice()) {
    const r = pre(module, inputs);
    if (r !== undefined) inputs = Array.isArray(r) ? r : [r];
  }
  const backward = hooks.backward.length > 0 && isGradEnabled() ? hooks.backward.slice() : null;
  const state = backward === null ? null : wrapInputs(inputs);
  if (state !== null) inputs = state.inputs;
  let out = (hooks.original as (...args: unknown[]) => unknown).apply(module, inputs);
  for (const post of hooks.post.slice()) {
    const r = post(module, inputs, out);
    if (r !== undefined) out = r;
  }
  if (state !== null && backward !== null && out instanceof Tensor && out.requiresGrad)
    out = hookOutput(module, backward, state, out);
  return out;
}

/** Per forward call: the identities recorded on the inputs and what one backward pass has delivered so far. */
interface BackwardState {
  inputs: unknown[];
  /** Index of each wrapped input (an identity node) among the arguments. */
  wrapped: Map<Tensor, number>;
  gradInputs: (Tensor | null)[];
  gradOutputs: (Tensor | null)[];
  /** Wrapped inputs a path from the output reaches: how many gradients one pass delivers. */
  expected: number;
  received: number;
}

function wrapInputs(inputs: unknown[]): BackwardState {
  const wrapped = new Map<Tensor, number>();
  const next = inputs.map((x, i) => {
    if (!(x instanceof Tensor) || !x.requiresGrad) return x;
    const w = identity(x);
    wrapped.set(w, i);
    return w;
  });
  return {
    inputs: next,
    wrapped,
    gradInputs: inputs.map(() => null),
    gradOutputs: [null],
    expected: 0,
    received: 0,
  };
}

/** Wrapped inputs that the output's graph reaches (an input the module ignores gets no gradient). */
function countReached(out: Tensor, wrapped: ReadonlyMap<Tensor, number>): number {
  let found = 0;
  const seen = new Set<Tensor>([out]);
  const stack = [out];
  while (stack.length > 0 && found < wrapped.size) {
    const t = stack.pop()!;
    if (wrapped.has(t)) {
      found++;
      continue;
    }
    for (const i of t._node?.inputs ?? [])
      if (!seen.has(i)) {
        seen.add(i);
        stack.push(i);
      }
  }
  return found;
}

function hookOutput(module: AnyModule, hooks: BackwardHook[], state: BackwardState, out: Tensor): Tensor {
  state.expected = countReached(out, state.wrapped);
  const fire = (): (Tensor | null)[] | undefined => {
    let replacement: (Tensor | null)[] | undefined;
    for (const hook of hooks) {
      const r = hook(module, state.gradInputs.slice(), state.gradOutputs.slice());
      if (r === undefined) continue;
      if (!Array.isArray(r))
        throw new TypeMismatchError(
          "nn.Module.registerFullBackwardHook",
          `a hook must return an array of gradients or nothing, got ${describeValue(r)}`,
        );
      replacement = r;
      state.gradInputs = r.slice();
    }
    return replacement;
  };
  for (const [w, i] of state.wrapped)
    w.registerHook((g) => {
      state.gradInputs[i] = g;
      if (++state.received < state.expected) return;
      const r = fire();
      if (r === undefined) return;
      if (state.expected > 1)
        throw new AutogradError(
          "nn.Module.registerFullBackwardHook",
          `replacement gradients need a module with one tensor input that requires grad, got ${state.expected}; change gradients with tensor hooks instead`,
        );
      const gi = r[i];
      if (gi instanceof Tensor) return gi;
      if (gi === null) return g.mul(0);
    });
  const y = identity(out);
  y.registerHook((g) => {
    // A new backward pass starts at the output: forget what the previous pass delivered.
    state.gradOutputs = [g];
    state.gradInputs = state.gradInputs.map(() => null);
    state.received = 0;
    if (state.expected === 0) fire();
  });
  return y;
}
