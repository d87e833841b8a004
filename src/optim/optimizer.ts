// The Optimizer base class: parameter groups, per-parameter state, zeroGrad, step and state dicts.

import { enableGrad, Tensor } from "../core.js";
import type { Storage } from "../dtype.js";
import { describeValue, formatShape, ShapeError, TypeMismatchError, ValueError } from "../errors.js";
import { checkNumber } from "./validate.js";

/**
 * Hyper-parameters every optimizer has.
 *
 * @example
 * ```ts
 * const options: optim.BaseOptions = { lr: 0.1 };
 * ```
 */
export interface BaseOptions {
  /** Learning rate. */
  lr: number;
}

/**
 * One parameter group as stored by an optimizer: its tensors plus a full set of hyper-parameters
 * (the optimizer's defaults, overridden by what the group gave).
 *
 * @example
 * ```ts
 * const group: optim.ParamGroup<optim.SGDOptions> = opt.paramGroups[0];
 * group.lr = 0.01; // takes effect at the next step
 * ```
 */
export type ParamGroup<O extends BaseOptions = BaseOptions> = O & { params: Tensor[] };

/**
 * A parameter group as the user passes it: tensors plus any hyper-parameters to override for them,
 * e.g. `{ params: model.bias, lr: 0.1 }`. Keys the optimizer does not know are kept, as PyTorch does.
 *
 * @example
 * ```ts
 * const groups: optim.ParamGroupInput<optim.SGDOptions>[] = [{ params: [w] }, { params: [b], lr: 0.01 }];
 * const opt = new optim.SGD(groups, { lr: 0.1, momentum: 0.9 });
 * ```
 */
export type ParamGroupInput<O extends BaseOptions = BaseOptions> = Partial<O> & {
  params: Iterable<Tensor> | Tensor;
};

/**
 * What an optimizer's constructor takes: tensors (any iterable), or parameter groups (never a mix).
 *
 * @example
 * ```ts
 * const params: optim.ParamsInput = model.parameters();
 * ```
 */
export type ParamsInput<O extends BaseOptions = BaseOptions> =
  | Iterable<Tensor>
  | Iterable<ParamGroupInput<O>>;

/**
 * Per-parameter optimizer state: step counters and float64 buffers the size of the parameter.
 *
 * @example
 * ```ts
 * const s: optim.ParamState | undefined = adam.state.get(w); // { step: 3, expAvg: Float64Array, expAvgSq: ... }
 * ```
 */
export type ParamState = Record<string, number | Float64Array>;

/**
 * A JSON-able value in a saved parameter group.
 *
 * @example
 * ```ts
 * const betas: optim.GroupValue = opt.stateDict().paramGroups[0].betas;
 * ```
 */
export type GroupValue = number | boolean | string | number[];

/**
 * An optimizer's state as plain numbers and arrays (JSON-able, save for NaN and Infinity), laid out as
 * PyTorch's `state_dict()`: parameters are numbered across groups in order, `state` is keyed by that
 * number, and each group lists the numbers of its parameters with its hyper-parameters.
 *
 * @example
 * ```ts
 * const sd: optim.OptimizerStateDict = opt.stateDict();
 * // { state: { "0": { momentumBuffer: [0.1, 0.2] } }, paramGroups: [{ lr: 0.1, momentum: 0.9, ..., params: [0] }] }
 * ```
 */
export interface OptimizerStateDict {
  state: Record<string, Record<string, number | number[]>>;
  paramGroups: ({ params: number[] } & Record<string, GroupValue>)[];
}

/**
 * Copies `options` over `defaults`, ignoring keys whose value is `undefined`.
 *
 * @example
 * ```ts
 * withDefaults({ lr: 1e-3, momentum: 0 }, { momentum: 0.9, lr: undefined }); // { lr: 1e-3, momentum: 0.9 }
 * ```
 */
export function withDefaults<O extends object>(defaults: O, options: Partial<O> | undefined): O {
  const out = { ...defaults };
  if (options !== undefined && options !== null) {
    if (typeof options !== "object") {
      throw new TypeMismatchError("optim", `options must be an object, got ${describeValue(options)}`);
    }
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined) (out as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}

function isPlainGroup(value: unknown): value is { params: unknown } {
  return typeof value === "object" && value !== null && !(value instanceof Tensor) && "params" in value;
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function"
  );
}

/**
 * Base class of chainrule's optimizers, modelled on `torch.optim.Optimizer`. A subclass supplies its
 * defaults, `validateGroup` and `stepGroup`; the base class handles parameter groups, `zeroGrad`, `step`
 * (with an optional closure), state dicts and the `lr` shortcut used by learning-rate schedules.
 *
 * Updates are written in place into each parameter's storage, outside autograd, so they are never recorded.
 * Parameters whose `.grad` is `null` are skipped (and their state does not advance), as in PyTorch. As in
 * PyTorch, parameters that do not require grad are accepted (a frozen layer is simply never updated while
 * its `.grad` stays `null`).
 *
 * @example
 * ```ts
 * import { optim, tensor } from "chainrule";
 * class SignSGD extends optim.Optimizer<{ lr: number }> {
 *   constructor(params: optim.ParamsInput<{ lr: number }>, options: { lr?: number } = {}) {
 *     super("SignSGD", params, { lr: options.lr ?? 0.01 });
 *   }
 *   protected validateGroup(group: { lr: number }): void {
 *     if (!(group.lr >= 0)) throw new Error("SignSGD: lr must be a non-negative number");
 *   }
 *   protected stepGroup(group: optim.ParamGroup<{ lr: number }>): void {
 *     for (const p of group.params) {
 *       const g = this.gradStorage(p);
 *       if (g === null) continue;
 *       for (let i = 0; i < g.length; i++) p._storage[i] -= group.lr * Math.sign(g[i]);
 *     }
 *   }
 * }
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = new SignSGD([w], { lr: 0.5 });
 * w.mul(w).sum().backward();
 * opt.step(); // w is now [0.5, 1.5]
 * ```
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  /** The parameter groups; edit a group's hyper-parameters (e.g. `lr`) to change them for later steps. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** The hyper-parameters a new group gets for every key it does not give. */
  readonly defaults: Readonly<O>;
  /** Per-parameter state (step counts, moment buffers), created on a parameter's first update. */
  readonly state = new Map<Tensor, ParamState>();
  /** The name used in error messages, e.g. `"optim.Adam"`. */
  protected readonly opName: string;

  /**
   * @param opName name for error messages, e.g. `"optim.SGD"`.
   * @param params tensors, or parameter groups `{ params, ...overrides }`.
   * @param defaults a full set of hyper-parameters.
   */
  constructor(opName: string, params: ParamsInput<O>, defaults: O) {
    this.opName = opName;
    this.validateGroup(defaults);
    this.defaults = Object.freeze({ ...defaults });
    if (params instanceof Tensor) {
      throw new TypeMismatchError(
        opName,
        `params must be an array of tensors or of parameter groups, got ${describeValue(params)}; wrap it in an array`,
      );
    }
    if (!isIterable(params)) {
      throw new TypeMismatchError(
        opName,
        `params must be an array of tensors or of parameter groups, got ${describeValue(params)}`,
      );
    }
    const items: unknown[] = Array.from(params as Iterable<unknown>);
    if (items.length === 0) {
      throw new ValueError(
        opName,
        "params must be a non-empty array of tensors or of parameter groups, got an empty array",
      );
    }
    if (items.every((item) => item instanceof Tensor)) {
      this.addParamGroup({ params: items as Tensor[] } as unknown as ParamGroupInput<O>);
    } else if (items.every(isPlainGroup)) {
      for (const group of items) this.addParamGroup(group as ParamGroupInput<O>);
    } else {
      const bad = items.findIndex((item) => !(item instanceof Tensor));
      throw new TypeMismatchError(
        opName,
        `params must be an array of tensors or of parameter groups ({ params, ... }), got ${describeValue(items[bad])} at index ${bad}`,
      );
    }
  }

  /** Throws a clear error if a group's hyper-parameters are out of range. */
  protected abstract validateGroup(group: O): void;

  /** Applies one update to every parameter of `group` that has a gradient. */
  protected abstract stepGroup(group: ParamGroup<O>): void;

  /**
   * Adds a parameter group, filling missing hyper-parameters from `defaults`. A tensor may belong to
   * one group only.
   *
   * @example
   * ```ts
   * const opt = new optim.SGD([w], { lr: 0.1 });
   * opt.addParamGroup({ params: [b], lr: 0.01 });
   * ```
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    if (!isPlainGroup(group)) {
      throw new TypeMismatchError(
        this.opName,
        `a parameter group must be an object with a params key, got ${describeValue(group)}`,
      );
    }
    const raw: unknown = group.params;
    let params: unknown[];
    if (raw instanceof Tensor) params = [raw];
    else if (isIterable(raw)) params = Array.from(raw);
    else {
      throw new TypeMismatchError(
        this.opName,
        `a parameter group's params must be a tensor or an array of tensors, got ${describeValue(raw)}`,
      );
    }
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) {
        throw new TypeMismatchError(
          this.opName,
          `params[${i}] of group ${this.paramGroups.length} must be a Tensor, got ${describeValue(p)}`,
        );
      }
      if (!p.isLeaf) {
        throw new ValueError(
          this.opName,
          `params[${i}] of group ${this.paramGroups.length} must be a leaf tensor, got one computed by ${p.gradFn}; optimize the tensors it was computed from, or detach() it`,
        );
      }
    });
    const tensors = params as Tensor[];
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    for (const p of tensors) {
      // NOTE: PyTorch only warns about a duplicate inside one group; we reject it, since it would be
      // updated twice per step.
      if (seen.has(p)) {
        throw new ValueError(
          this.opName,
          `each parameter must appear once across all parameter groups, got ${describeValue(p)} twice`,
        );
      }
      seen.add(p);
    }
    const merged = withDefaults(this.defaults as O, group as Partial<O>);
    this.validateGroup(merged);
    this.paramGroups.push({ ...merged, params: tensors });
  }

  /**
   * Clears every parameter's gradient. By default sets `.grad = null` (PyTorch's `set_to_none=True`),
   * which also lets `step` skip parameters that received no gradient; pass `false` to fill the existing
   * gradients with zeros instead.
   *
   * @example
   * ```ts
   * opt.zeroGrad();
   * loss.backward();
   * opt.step();
   * ```
   */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else p.grad._storage.fill(0);
      }
    }
  }

  /**
   * Performs one optimization step on every parameter with a gradient. If `closure` is given, it is
   * called first (with gradient recording enabled) and its result is returned, as in PyTorch; it should
   * clear the gradients, compute the loss, call `backward()` and return the loss.
   *
   * @example
   * ```ts
   * opt.zeroGrad();
   * nn.mseLoss(model.forward(x), y).backward();
   * opt.step();
   * // or
   * const loss = opt.step(() => { opt.zeroGrad(); const l = nn.mseLoss(model.forward(x), y); l.backward(); return l; });
   * ```
   */
  step(): undefined;
  step<T>(closure: () => T): T;
  step<T>(closure?: () => T): T | undefined {
    let loss: T | undefined;
    if (closure !== undefined) {
      if (typeof closure !== "function") {
        throw new TypeMismatchError(
          `${this.opName}.step`,
          `closure must be a function, got ${describeValue(closure)}`,
        );
      }
      loss = enableGrad(closure);
    }
    for (const group of this.paramGroups) this.stepGroup(group);
    return loss;
  }

  /**
   * The learning rate of the first parameter group. Setting it sets every group's learning rate
   * (edit `paramGroups[i].lr` to set one group).
   *
   * @example
   * ```ts
   * opt.lr = opt.lr * 0.5;
   * ```
   */
  get lr(): number {
    return this.paramGroups[0].lr;
  }

  set lr(value: number) {
    checkNumber(this.opName, "lr", value, { min: 0 });
    for (const group of this.paramGroups) group.lr = value;
  }

  /**
   * The gradient storage of `p`, or `null` when `p.grad` is `null` (the parameter is skipped).
   * The `grad` setter guarantees the parameter's shape and dtype.
   */
  protected gradStorage(p: Tensor): Storage | null {
    return p.grad === null ? null : p.grad._storage;
  }

  /** The state of `p`, created empty on first use. */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (s === undefined) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /** The Float64Array buffer `key` of `p`'s state, created filled with zeros on first use. */
  protected buffer(state: ParamState, key: string, size: number): Float64Array {
    let buf = state[key];
    if (!(buf instanceof Float64Array)) {
      buf = new Float64Array(size);
      state[key] = buf;
    }
    return buf;
  }

  /**
   * The optimizer's state (per-parameter buffers and every group's hyper-parameters) as plain numbers and
   * arrays, copied, so it can be saved as JSON and restored with {@link Optimizer.loadStateDict}.
   *
   * @example
   * ```ts
   * const saved = JSON.stringify(opt.stateDict());
   * // later, with an optimizer built the same way over the same parameters:
   * opt2.loadStateDict(JSON.parse(saved));
   * ```
   */
  stateDict(): OptimizerStateDict {
    const state: OptimizerStateDict["state"] = {};
    const paramGroups: OptimizerStateDict["paramGroups"] = [];
    let index = 0;
    for (const group of this.paramGroups) {
      const saved: Record<string, GroupValue> = {};
      for (const [key, value] of Object.entries(group)) {
        if (key === "params") continue;
        if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") {
          saved[key] = value;
        } else if (Array.isArray(value) && value.every((v) => typeof v === "number")) {
          saved[key] = [...value];
        }
      }
      const ids: number[] = [];
      for (const p of group.params) {
        const s = this.state.get(p);
        if (s !== undefined) {
          const entry: Record<string, number | number[]> = {};
          for (const [key, value] of Object.entries(s)) {
            entry[key] = typeof value === "number" ? value : Array.from(value);
          }
          state[String(index)] = entry;
        }
        ids.push(index++);
      }
      paramGroups.push({ ...saved, params: ids });
    }
    return { state, paramGroups };
  }

  /**
   * Restores state saved by {@link Optimizer.stateDict} from an optimizer of the same kind over parameters
   * of the same sizes, in the same groups and order. Hyper-parameters are restored too (as PyTorch does).
   * Nothing changes if the dict does not fit.
   *
   * @example
   * ```ts
   * const opt2 = new optim.Adam(model2.parameters(), { lr: 1e-3 });
   * opt2.loadStateDict(opt.stateDict());
   * ```
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const op = `${this.opName}.loadStateDict`;
    if (
      typeof stateDict !== "object" ||
      stateDict === null ||
      typeof stateDict.state !== "object" ||
      stateDict.state === null ||
      !Array.isArray(stateDict.paramGroups)
    ) {
      throw new TypeMismatchError(
        op,
        `expected an object with state and paramGroups, got ${describeValue(stateDict)}`,
      );
    }
    if (stateDict.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(
        op,
        `the number of parameter groups must match, got ${stateDict.paramGroups.length} saved for ${this.paramGroups.length}`,
      );
    }
    const byIndex: Tensor[] = [];
    const groups: ParamGroup<O>[] = [];
    stateDict.paramGroups.forEach((saved, gi) => {
      const group = this.paramGroups[gi];
      if (!Array.isArray(saved?.params) || saved.params.length !== group.params.length) {
        throw new ValueError(
          op,
          `parameter group ${gi} must have ${group.params.length} parameters, got ${describeValue(saved?.params)}`,
        );
      }
      saved.params.forEach((id, k) => {
        byIndex[id] = group.params[k];
      });
      const restored: Record<string, unknown> = { ...(group as unknown as Record<string, unknown>) };
      for (const [key, value] of Object.entries(saved)) {
        if (key !== "params") restored[key] = Array.isArray(value) ? [...value] : value;
      }
      this.validateGroup(restored as unknown as O);
      groups.push(restored as unknown as ParamGroup<O>);
    });
    const state = new Map<Tensor, ParamState>();
    for (const [id, entry] of Object.entries(stateDict.state)) {
      const p = byIndex[Number(id)];
      if (p === undefined) {
        throw new ValueError(op, `state keys must be saved parameter numbers, got ${JSON.stringify(id)}`);
      }
      const s: ParamState = {};
      for (const [key, value] of Object.entries(entry)) {
        if (typeof value === "number") s[key] = value;
        else if (Array.isArray(value) && value.length === p.size) s[key] = Float64Array.from(value);
        else {
          throw new ShapeError(
            op,
            `state ${key} of parameter ${id} must be a number or an array of ${p.size} numbers (parameter shape ${formatShape(p.shape)}), got ${describeValue(value)}`,
          );
        }
      }
      state.set(p, s);
    }
    groups.forEach((g, gi) => {
      this.paramGroups[gi] = g;
    });
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
  }
}
