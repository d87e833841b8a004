// The base class of every layer: parameter discovery, train/eval mode, gradients and state dicts.

import type { RemovableHandle } from "../autograd/hooks.js";
import { Tensor, zerosLike } from "../core.js";
import { describeValue, formatShape, ShapeError, TypeMismatchError, ValueError } from "../errors.js";
import {
  type ForwardHook,
  type ForwardPreHook,
  type FullBackwardHook,
  type ModuleHooks,
  runWithHooks,
} from "./module-hooks.js";

/** Any module, whatever its `forward` signature: what containers and discovery deal in. */
export type AnyModule = Module<unknown[], unknown>;

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /**
   * When true (the default), every key of the module's state dict must be present and no other key may be.
   * Shapes and dtypes must match in either mode.
   */
  strict?: boolean;
}

/** What {@link Module.loadStateDict} found, as PyTorch's `load_state_dict` returns it. */
export interface LoadStateDictResult {
  /** Keys the module expects that the dict lacks (always empty in strict mode). */
  missingKeys: string[];
  /** Keys in the dict that the module does not have (always empty in strict mode). */
  unexpectedKeys: string[];
}

/** The members one module holds directly, in declaration order. */
interface OwnMembers {
  parameters: [string, Tensor][];
  buffers: [string, Tensor][];
  children: [string, AnyModule][];
}

const LOAD = "nn.Module.loadStateDict";

/**
 * Base class of neural-network modules. Subclasses implement `forward` and keep their parameters and
 * submodules in ordinary fields; call a module with `module.forward(x)`.
 *
 * **Discovery.** Where PyTorch registers members in `__setattr__`, chainrule walks a module's own
 * enumerable properties, in the order they were first assigned (JavaScript's property order):
 * - a `Tensor` is a **parameter** (whether or not it currently requires grad, so a frozen weight stays in
 *   `parameters()` and `stateDict()`), unless its name was registered with {@link Module.registerBuffer};
 * - a `Module` is a **child**;
 * - an array is looked into one level: its modules are children and its tensors parameters, named
 *   `name.0`, `name.1`, ... (PyTorch's `ModuleList`/`ParameterList` naming);
 * - anything else (numbers, strings, `null`, functions, ES `#private` fields) is ignored.
 * Use {@link Module.registerModule} / {@link Module.registerParameter} for names only known at run time.
 *
 * The generic parameters type `forward`: `Module<[Tensor, Tensor], Tensor>` takes two tensors.
 *
 * @example
 * ```ts
 * class MLP extends nn.Module {
 *   fc1 = new nn.Linear(2, 16);
 *   fc2 = new nn.Linear(16, 1);
 *   forward(x: Tensor): Tensor {
 *     return this.fc2.forward(this.fc1.forward(x).relu());
 *   }
 * }
 * const net = new MLP();
 * net.namedParameters().map(([name]) => name); // ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
 * ```
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** True in training mode (the default), false after `eval()`; layers such as `Dropout` read it. */
  training = true;

  readonly #bufferNames = new Set<string>();
  #hooks: ModuleHooks | null = null;

  /** Computes the module's output. */
  abstract forward(...inputs: In): Out;

  /**
   * Registers `hook`, called with `(module, inputs)` before every `forward` call. It may return replacement
   * inputs: an array of all arguments, or a single value for a one-argument `forward`.
   *
   * NOTE: hooks wrap `forward` itself (an own, non-enumerable `forward` property installed while any hook is
   * registered), so they run however the module is called: `m.forward(x)`, from a `Sequential` or from a
   * parent's `forward`. With no hook registered a module costs nothing extra.
   *
   * @example
   * ```ts
   * const layer = new nn.Linear(2, 2);
   * const handle = layer.registerForwardPreHook((_m, [x]) => [x.mul(2)]); // double the input
   * handle.remove();
   * ```
   */
  registerForwardPreHook(hook: ForwardPreHook<this, In>): RemovableHandle {
    return this.#addHook("registerForwardPreHook", "pre", hook);
  }

  /**
   * Registers `hook`, called with `(module, inputs, output)` after every `forward` call; it may return a
   * replacement output. The health report uses it to watch activations.
   *
   * @example
   * ```ts
   * const relu = new nn.ReLU();
   * let zeros = 0;
   * relu.registerForwardHook((_m, _inputs, out) => { zeros = out.eq(0).sum().item(); });
   * relu.forward(tensor([-1, 2, -3])); // zeros === 2
   * ```
   */
  registerForwardHook(hook: ForwardHook<this, In, Out>): RemovableHandle {
    return this.#addHook("registerForwardHook", "post", hook);
  }

  /**
   * Registers `hook`, called during backward with `(module, gradInputs, gradOutputs)`: the gradients with
   * respect to the module's tensor inputs (null for an input that does not require grad or that no path
   * reaches) and to its output, once all of them are known (PyTorch's `register_full_backward_hook`). For a
   * module with one tensor input, returning `[g]` replaces the gradient passed on to the input; for several
   * inputs replacements are refused with an error (the earlier inputs' gradients have already flowed on).
   * Only tensor outputs are hooked. The module's forward records an identity on each input and on the output
   * while such a hook is registered.
   *
   * @example
   * ```ts
   * const layer = new nn.Linear(3, 1);
   * layer.registerFullBackwardHook((_m, gradInputs, gradOutputs) => {
   *   console.log(gradOutputs[0]?.shape, gradInputs[0]); // [4, 1] null (the data needs no gradient)
   * });
   * layer.forward(randn([4, 3])).sum().backward();
   * ```
   */
  registerFullBackwardHook(hook: FullBackwardHook<this>): RemovableHandle {
    return this.#addHook("registerFullBackwardHook", "backward", hook);
  }

  #addHook(method: string, kind: "pre" | "post" | "backward", hook: unknown): RemovableHandle {
    if (typeof hook !== "function")
      throw new TypeMismatchError(
        `nn.Module.${method}`,
        `hook must be a function, got ${describeValue(hook)}`,
      );
    if (this.#hooks === null) {
      const own = Object.getOwnPropertyDescriptor(this, "forward");
      const hooks: ModuleHooks = { pre: [], post: [], backward: [], original: this.forward, own };
      // Non-enumerable, so parameter discovery (which walks enumerable fields) never sees it.
      Object.defineProperty(this, "forward", {
        value: (...inputs: unknown[]) => runWithHooks(this as unknown as AnyModule, hooks, inputs),
        enumerable: false,
        writable: true,
        configurable: true,
      });
      this.#hooks = hooks;
    }
    const hooks = this.#hooks;
    const list = hooks[kind] as unknown[];
    list.push(hook);
    let removed = false;
    return {
      remove: () => {
        if (removed) return;
        removed = true;
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
        if (this.#hooks === hooks && hooks.pre.length + hooks.post.length + hooks.backward.length === 0) {
          // Back to the plain forward: no wrapper left behind.
          if (hooks.own !== undefined) Object.defineProperty(this, "forward", hooks.own);
          else delete (this as { forward?: unknown }).forward;
          this.#hooks = null;
        }
      },
    };
  }

  /**
   * Stores `value` as a buffer: state that is saved in `stateDict()` but is not a parameter (PyTorch's
   * `register_buffer`, e.g. running statistics). Returns `value`, so a field can be initialised with it.
   *
   * @example
   * ```ts
   * this.runningMean = this.registerBuffer("runningMean", zeros([features]));
   * ```
   */
  registerBuffer(name: string, value: Tensor): Tensor {
    this.#define("registerBuffer", name, value);
    this.#bufferNames.add(name);
    return value;
  }

  /**
   * Stores `value` as a parameter under a run-time name (the same as assigning a field). Returns `value`.
   *
   * @example
   * ```ts
   * this.registerParameter(`w${i}`, randn([3], { requiresGrad: true }));
   * ```
   */
  registerParameter(name: string, value: Tensor): Tensor {
    if (!(value instanceof Tensor)) {
      throw new TypeMismatchError(
        "nn.Module.registerParameter",
        `expected a Tensor, got ${describeValue(value)}`,
      );
    }
    this.#define("registerParameter", name, value);
    this.#bufferNames.delete(name);
    return value;
  }

  /**
   * Stores `module` as a child under a run-time name (the same as assigning a field). Returns `module`.
   *
   * @example
   * ```ts
   * this.registerModule(`layer${i}`, new nn.Linear(4, 4));
   * ```
   */
  registerModule<M extends AnyModule>(name: string, module: M): M {
    if (!(module instanceof Module)) {
      throw new TypeMismatchError(
        "nn.Module.registerModule",
        `expected a Module, got ${describeValue(module)}`,
      );
    }
    this.#define("registerModule", name, module);
    return module;
  }

  #define(method: string, name: string, value: unknown): void {
    if (typeof name !== "string" || name === "" || name.includes(".")) {
      throw new ValueError(
        `nn.Module.${method}`,
        `name must be a non-empty string without ".", got ${describeValue(name)}`,
      );
    }
    Object.defineProperty(this, name, { value, enumerable: true, writable: true, configurable: true });
  }

  /** The parameters, buffers and children this module holds directly, in property order. */
  #ownMembers(): OwnMembers {
    const members: OwnMembers = { parameters: [], buffers: [], children: [] };
    const visit = (name: string, value: unknown, nested: boolean): void => {
      if (value instanceof Module) members.children.push([name, value]);
      else if (value instanceof Tensor) {
        if (!nested && this.#bufferNames.has(name)) members.buffers.push([name, value]);
        else members.parameters.push([name, value]);
      } else if (!nested && Array.isArray(value)) {
        value.forEach((item, i) => {
          visit(`${name}.${i}`, item, true);
        });
      }
    };
    for (const [name, value] of Object.entries(this)) visit(name, value, false);
    return members;
  }

  /**
   * Direct submodules with their names, without duplicates.
   *
   * @example
   * ```ts
   * new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()).namedChildren().map(([n]) => n); // ["0", "1"]
   * ```
   */
  namedChildren(): [string, AnyModule][] {
    const seen = new Set<AnyModule>();
    const out: [string, AnyModule][] = [];
    for (const [name, m] of this.#ownMembers().children) {
      if (seen.has(m)) continue;
      seen.add(m);
      out.push([name, m]);
    }
    return out;
  }

  /**
   * Direct submodules, without duplicates.
   *
   * @example
   * ```ts
   * new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()).children().length; // 2
   * ```
   */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * This module and every submodule, depth first (parents before children), each once, with dotted names
   * (`""` for this module itself).
   *
   * @example
   * ```ts
   * const net = new nn.Sequential(new nn.Linear(2, 3));
   * net.namedModules().map(([n]) => n); // ["", "0"]
   * ```
   */
  namedModules(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    // Iterative pre-order walk: deep models cannot overflow the call stack.
    const stack: [string, AnyModule][] = [["", this as AnyModule]];
    while (stack.length > 0) {
      const [name, module] = stack.pop()!;
      if (seen.has(module)) continue;
      seen.add(module);
      out.push([name, module]);
      const children = module.#ownMembers().children;
      for (let i = children.length - 1; i >= 0; i--) {
        const [childName, child] = children[i];
        stack.push([name === "" ? childName : `${name}.${childName}`, child]);
      }
    }
    return out;
  }

  /**
   * This module and every submodule, each once.
   *
   * @example
   * ```ts
   * new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()).modules().length; // 3
   * ```
   */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * Every parameter with its dotted name (`"0.weight"`, `"fc1.bias"`), in a stable order: a module's own
   * parameters, then its children's, depth first. A parameter shared by several modules appears once,
   * under the first name found.
   *
   * @example
   * ```ts
   * new nn.Linear(2, 3).namedParameters().map(([n, p]) => [n, p.shape]); // [["weight", [3, 2]], ["bias", [3]]]
   * ```
   */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, p] of module.#ownMembers().parameters) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix === "" ? name : `${prefix}.${name}`, p]);
      }
    }
    return out;
  }

  /**
   * Every parameter, each once, in the order of {@link Module.namedParameters}: what optimizers take.
   *
   * @example
   * ```ts
   * const opt = new optim.SGD(net.parameters(), { lr: 0.1 });
   * ```
   */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * Every buffer with its dotted name, each once.
   *
   * @example
   * ```ts
   * net.namedBuffers(); // [] for a network of Linear layers
   * ```
   */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, b] of module.#ownMembers().buffers) {
        if (seen.has(b)) continue;
        seen.add(b);
        out.push([prefix === "" ? name : `${prefix}.${name}`, b]);
      }
    }
    return out;
  }

  /**
   * Sets training mode (`mode = true`) or evaluation mode on this module and every submodule; returns
   * `this`. Only mode-dependent layers such as `Dropout` behave differently.
   *
   * @example
   * ```ts
   * net.train();       // training mode
   * net.train(false);  // same as net.eval()
   * ```
   */
  train(mode = true): this {
    if (typeof mode !== "boolean") {
      throw new TypeMismatchError("nn.Module.train", `mode must be a boolean, got ${describeValue(mode)}`);
    }
    for (const module of this.modules()) module.training = mode;
    return this;
  }

  /**
   * Sets evaluation mode on this module and every submodule (`train(false)`); returns `this`.
   *
   * @example
   * ```ts
   * net.eval();
   * const y = noGrad(() => net.forward(x));
   * ```
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Clears the gradients of every parameter. By default sets each `.grad` to `null` (PyTorch's
   * `set_to_none=True` default); with `setToNone = false` fills existing gradients with zeros instead.
   *
   * @example
   * ```ts
   * net.zeroGrad();
   * loss.backward();
   * ```
   */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      if (setToNone) p.grad = null;
      // A fresh tensor, not an in-place fill: a gradient tensor may be shared with tensors outside this module.
      else if (p.grad !== null) p.grad = zerosLike(p.grad);
    }
  }

  /** Every state entry (parameters, then buffers, then children's), duplicates of shared tensors included. */
  #stateEntries(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const onPath = new Set<AnyModule>();
    const walk = (module: AnyModule, prefix: string): void => {
      if (onPath.has(module)) return; // a cycle: the module holds one of its ancestors.
      onPath.add(module);
      const { parameters, buffers, children } = module.#ownMembers();
      for (const [name, t] of [...parameters, ...buffers]) out.push([prefix + name, t]);
      for (const [name, child] of children) walk(child, `${prefix}${name}.`);
      onPath.delete(module);
    };
    walk(this as AnyModule, "");
    return out;
  }

  /**
   * The module's state: a copy of every parameter and buffer, keyed by dotted name, detached from the graph
   * and sharing no storage with the module. As in PyTorch, a tensor reachable under several names (tied
   * weights) is listed under each.
   *
   * @example
   * ```ts
   * const saved = net.stateDict();     // { "0.weight": Tensor, "0.bias": Tensor, ... }
   * other.loadStateDict(saved);
   * ```
   */
  stateDict(): Record<string, Tensor> {
    const dict: Record<string, Tensor> = {};
    for (const [name, t] of this.#stateEntries()) {
      dict[name] = Tensor._fromStorage(t._storage.slice(), [...t.shape]);
    }
    return dict;
  }

  /**
   * Copies the values of `dict` into this module's parameters and buffers, in place (the tensors keep their
   * identity, so optimizers holding them see the new values); `dict` is an object or a `Map`. Everything is validated before anything is
   * written: in strict mode (the default) the keys must be exactly those of `stateDict()` (a `ValueError`
   * lists the missing and unexpected ones); in any mode each value must be a tensor of the same shape
   * (`ShapeError`) and dtype (`ValueError`) as the one it replaces, naming the key.
   *
   * @example
   * ```ts
   * const copy = new nn.Linear(2, 3);
   * copy.loadStateDict(original.stateDict());
   * ```
   */
  loadStateDict(
    dict: Record<string, Tensor> | Map<string, Tensor>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const { strict = true } = options;
    if (dict instanceof Map) dict = Object.fromEntries(dict);
    if (typeof dict !== "object" || dict === null || Array.isArray(dict) || dict instanceof Tensor) {
      throw new TypeMismatchError(
        LOAD,
        `expected a state dict (an object of tensors), got ${describeValue(dict)}`,
      );
    }
    if (typeof strict !== "boolean") {
      throw new TypeMismatchError(LOAD, `strict must be a boolean, got ${describeValue(strict)}`);
    }
    const entries = this.#stateEntries();
    const expected = new Set(entries.map(([name]) => name));
    const missingKeys = [...expected].filter((k) => !Object.hasOwn(dict, k));
    const unexpectedKeys = Object.keys(dict).filter((k) => !expected.has(k));
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
      const parts: string[] = [];
      if (missingKeys.length > 0) parts.push(`missing keys ${quoteList(missingKeys)}`);
      if (unexpectedKeys.length > 0) parts.push(`unexpected keys ${quoteList(unexpectedKeys)}`);
      throw new ValueError(
        LOAD,
        `expected the keys of the module's state dict, got ${parts.join(" and ")}; pass { strict: false } to load a subset`,
      );
    }
    const copies: [Tensor, Tensor][] = [];
    for (const [name, target] of entries) {
      if (!Object.hasOwn(dict, name)) continue;
      const source: unknown = dict[name];
      if (!(source instanceof Tensor)) {
        throw new TypeMismatchError(
          LOAD,
          `expected a Tensor for key "${name}", got ${describeValue(source)}`,
        );
      }
      if (source.shape.length !== target.shape.length || source.shape.some((d, i) => d !== target.shape[i])) {
        throw new ShapeError(
          LOAD,
          `expected shape ${formatShape(target.shape)} for key "${name}", got ${formatShape(source.shape)}`,
        );
      }
      if (source.dtype !== target.dtype) {
        throw new ValueError(LOAD, `expected dtype ${target.dtype} for key "${name}", got ${source.dtype}`);
      }
      copies.push([target, source]);
    }
    for (const [target, source] of copies) target._storage.set(source._storage);
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Extra text shown inside the parentheses by `toString()`, e.g. `inFeatures=2, outFeatures=3, bias=true`.
   * Subclasses override it; the default is empty.
   *
   * @example
   * ```ts
   * override extraRepr(): string { return `p=${this.p}`; }
   * ```
   */
  extraRepr(): string {
    return "";
  }

  /**
   * A PyTorch-style description of the module tree.
   *
   * @example
   * ```ts
   * String(new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()));
   * // "Sequential(\n  (0): Linear(inFeatures=2, outFeatures=3, bias=true)\n  (1): ReLU()\n)"
   * ```
   */
  toString(): string {
    const children = this.#ownMembers().children;
    const name = this.constructor.name;
    if (children.length === 0) return `${name}(${this.extraRepr()})`;
    const lines = children.map(([n, m]) => `  (${n}): ${String(m).split("\n").join("\n  ")}`);
    const extra = this.extraRepr();
    return `${name}(${extra === "" ? "" : `\n  ${extra}`}\n${lines.join("\n")}\n)`;
  }
}

function quoteList(keys: string[]): string {
  return keys.map((k) => JSON.stringify(k)).join(", ");
}
