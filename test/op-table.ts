// The op table's helpers: plain-JavaScript float64 references (independent of the library's kernels), inputs.

/** A dense row-major float64 array: the reference side of every comparison. */
export interface Arr {
  shape: number[];
  data: number[];
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function arr(shape: number[], data: ArrayLike<number>): Arr {
  if (data.length !== sizeOf(shape)) throw new Error(`reference: ${data.length} values for shape [${shape}]`);
  return { shape: [...shape], data: Array.from(data) };
}

export function scalar(v: number): Arr {
  return { shape: [], data: [v] };
}

export function unravel(i: number, shape: readonly number[]): number[] {
  const pos = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    pos[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return pos;
}

export function ravel(pos: readonly number[], shape: readonly number[]): number {
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d] + pos[d];
  return i;
}

export function broadcastShape(...shapes: number[][]): number[] {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(n).fill(1);
  for (const s of shapes)
    for (let i = 0; i < s.length; i++) {
      const j = n - s.length + i;
      if (s[i] !== 1) {
        if (out[j] !== 1 && out[j] !== s[i])
          throw new Error(`reference: cannot broadcast [${shapes.join("], [")}]`);
        out[j] = s[i];
      }
    }
  return out;
}

/** Element of `a` read at output position `pos` under broadcasting. */
function at(a: Arr, pos: readonly number[]): number {
  const off = pos.length - a.shape.length;
  let i = 0;
  for (let d = 0; d < a.shape.length; d++) i = i * a.shape[d] + (a.shape[d] === 1 ? 0 : pos[off + d]);
  return a.data[i];
}

export function broadcastTo(a: Arr, shape: number[]): Arr {
  const out = new Array<number>(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = at(a, unravel(i, shape));
  return { shape: [...shape], data: out };
}

export function map(a: Arr, f: (x: number) => number): Arr {
  return { shape: [...a.shape], data: a.data.map(f) };
}

export function zip(a: Arr, b: Arr, f: (x: number, y: number) => number): Arr {
  const shape = broadcastShape(a.shape, b.shape);
  const out = new Array<number>(sizeOf(shape));
  for (let i = 0; i < out.length; i++) {
    const p = unravel(i, shape);
    out[i] = f(at(a, p), at(b, p));
  }
  return { shape, data: out };
}

export function zip3(a: Arr, b: Arr, c: Arr, f: (x: number, y: number, z: number) => number): Arr {
  const shape = broadcastShape(a.shape, b.shape, c.shape);
  const out = new Array<number>(sizeOf(shape));
  for (let i = 0; i < out.length; i++) {
    const p = unravel(i, shape);
    out[i] = f(at(a, p), at(b, p), at(c, p));
  }
  return { shape, data: out };
}

export function normDim(d: number, ndim: number): number {
  return d < 0 ? d + ndim : d;
}

/** Reduces `dims` (all when undefined) with `f` over the list of reduced values. */
export function reduce(
  a: Arr,
  dim: number | number[] | undefined,
  keepDim: boolean,
  f: (values: number[]) => number,
): Arr {
  const nd = a.shape.length;
  const dims = (dim === undefined ? a.shape.map((_, i) => i) : typeof dim === "number" ? [dim] : dim).map(
    (d) => normDim(d, nd),
  );
  const kept = a.shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const groups = new Map<number, number[]>();
  for (let i = 0; i < a.data.length; i++) {
    const p = unravel(i, a.shape).map((v, d) => (dims.includes(d) ? 0 : v));
    const k = ravel(p, kept);
    const g = groups.get(k);
    if (g) g.push(a.data[i]);
    else groups.set(k, [a.data[i]]);
  }
  const data = Array.from({ length: sizeOf(kept) }, (_, k) => f(groups.get(k) ?? []));
  const shape = keepDim ? kept : a.shape.filter((_, i) => !dims.includes(i));
  return { shape, data };
}

/** Applies `f` to every lane along `dim`, giving a lane of the same length. */
export function alongDim(a: Arr, dim: number, f: (lane: number[]) => number[]): Arr {
  const d = normDim(dim, a.shape.length);
  const out = new Array<number>(a.data.length);
  const n = a.shape[d];
  const stride = stridesOf(a.shape)[d];
  for (let i = 0; i < a.data.length; i++) {
    const p = unravel(i, a.shape);
    if (p[d] !== 0) continue;
    const lane = Array.from({ length: n }, (_, k) => a.data[i + k * stride]);
    const res = f(lane);
    for (let k = 0; k < n; k++) out[i + k * stride] = res[k];
  }
  return { shape: [...a.shape], data: out };
}

export const sumOf = (v: number[]): number => v.reduce((s, x) => s + x, 0);
export const maxOf = (v: number[]): number => v.reduce((m, x) => Math.max(m, x), -Infinity);
export const minOf = (v: number[]): number => v.reduce((m, x) => Math.min(m, x), Infinity);
export const argmaxOf = (v: number[]): number => v.indexOf(maxOf(v));
export const argminOf = (v: number[]): number => v.indexOf(minOf(v));

export function softmaxLane(v: number[]): number[] {
  const m = maxOf(v);
  const e = v.map((x) => Math.exp(x - m));
  const s = sumOf(e);
  return e.map((x) => x / s);
}

export function logSoftmaxLane(v: number[]): number[] {
  const m = maxOf(v);
  const l = Math.log(sumOf(v.map((x) => Math.exp(x - m))));
  return v.map((x) => x - m - l);
}

export function logSumExpOf(v: number[]): number {
  const m = maxOf(v);
  return m + Math.log(sumOf(v.map((x) => Math.exp(x - m))));
}

export function permute(a: Arr, dims: number[]): Arr {
  const nd = a.shape.length;
  const p = dims.map((d) => normDim(d, nd));
  const shape = p.map((d) => a.shape[d]);
  const out = new Array<number>(a.data.length);
  for (let i = 0; i < out.length; i++) {
    const q = unravel(i, shape);
    const src = new Array<number>(nd);
    for (let k = 0; k < nd; k++) src[p[k]] = q[k];
    out[i] = a.data[ravel(src, a.shape)];
  }
  return { shape, data: out };
}

export function transpose(a: Arr, d0: number, d1: number): Arr {
  const nd = a.shape.length;
  if (nd < 2) return { shape: [...a.shape], data: [...a.data] };
  const dims = a.shape.map((_, i) => i);
  const x = normDim(d0, nd);
  const y = normDim(d1, nd);
  [dims[x], dims[y]] = [dims[y], dims[x]];
  return permute(a, dims);
}

export function reshape(a: Arr, shape: number[]): Arr {
  const known = shape.filter((s) => s !== -1).reduce((x, y) => x * y, 1);
  const s = shape.map((d) => (d === -1 ? a.data.length / known : d));
  return arr(s, a.data);
}

/** NumPy matmul semantics in float64 loops. */
export function matmul(a: Arr, b: Arr): Arr {
  const aS = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const bS = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const n = aS[aS.length - 2];
  const k = aS[aS.length - 1];
  const m = bS[bS.length - 1];
  if (bS[bS.length - 2] !== k) throw new Error("reference matmul: inner mismatch");
  const batch = broadcastShape(aS.slice(0, -2), bS.slice(0, -2));
  const A: Arr = { shape: aS, data: a.data };
  const B: Arr = { shape: bS, data: b.data };
  const outShape = [...batch, n, m];
  const out = new Array<number>(sizeOf(outShape));
  for (let o = 0; o < out.length; o++) {
    const p = unravel(o, outShape);
    const bp = p.slice(0, -2);
    let s = 0;
    for (let t = 0; t < k; t++) s += at(A, [...bp, p[p.length - 2], t]) * at(B, [...bp, t, p[p.length - 1]]);
    out[o] = s;
  }
  let shape = outShape;
  if (a.shape.length === 1) shape = shape.filter((_, i) => i !== shape.length - 2);
  if (b.shape.length === 1) shape = shape.slice(0, -1);
  return { shape, data: out };
}

export function slice(a: Arr, dim: number, start: number, end: number): Arr {
  const d = normDim(dim, a.shape.length);
  const shape = [...a.shape];
  shape[d] = end - start;
  const out = new Array<number>(sizeOf(shape));
  for (let i = 0; i < out.length; i++) {
    const p = unravel(i, shape);
    p[d] += start;
    out[i] = a.data[ravel(p, a.shape)];
  }
  return { shape, data: out };
}

export function concat(list: Arr[], dim: number): Arr {
  const d = normDim(dim, list[0].shape.length);
  const shape = [...list[0].shape];
  shape[d] = list.reduce((s, a) => s + a.shape[d], 0);
  const out = new Array<number>(sizeOf(shape));
  for (let i = 0; i < out.length; i++) {
    const p = unravel(i, shape);
    let k = 0;
    while (p[d] >= list[k].shape[d]) {
      p[d] -= list[k].shape[d];
      k++;
    }
    out[i] = list[k].data[ravel(p, list[k].shape)];
  }
  return { shape, data: out };
}

export function stack(list: Arr[], dim: number): Arr {
  const d = normDim(dim, list[0].shape.length + 1);
  return concat(
    list.map((a) => arr([...a.shape.slice(0, d), 1, ...a.shape.slice(d)], a.data)),
    d,
  );
}

export function gather(a: Arr, dim: number, index: Arr): Arr {
  const d = normDim(dim, a.shape.length);
  const out = index.data.map((ix, i) => {
    const p = unravel(i, index.shape);
    p[d] = ix;
    return a.data[ravel(p, a.shape)];
  });
  return { shape: [...index.shape], data: out };
}

/** erf to about 1e-15 for |x| <= 4: 2/sqrt(pi) exp(-x^2) sum 2^n x^(2n+1) / (2n+1)!!, all terms positive. */
export function erf(x: number): number {
  if (Math.abs(x) > 5) return Math.sign(x);
  let term = x;
  let s = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    s += term;
    if (Math.abs(term) < 1e-18 * Math.abs(s)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * s;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Deterministic uniform numbers in [0, 1) (mulberry32), for test inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Value domains for generated inputs. */
export type Domain =
  | "real" // uniform in [-2, 2]
  | "positive" // uniform in [0.5, 2.5]
  | "nonzero" // |x| in [0.2, 2], random sign: away from kinks at 0
  | "distinct" // every element of every input distinct, at least 0.1 apart, none within 0.03 of a multiple of 0.5
  | "unit"; // uniform in (-0.9, 0.9)

export function generate(shapes: number[][], domains: Domain[], seed: number): Arr[] {
  const r = rng(seed);
  const total = shapes.reduce((s, sh) => s + sizeOf(sh), 0);
  // A shuffled pool of well-separated values for "distinct".
  const poolSize = Math.max(2 * total + 10, 50);
  const pool = Array.from({ length: poolSize }, (_, i) => (i - poolSize / 2) * 0.1 + 0.0375);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  let poolAt = 0;
  return shapes.map((shape, k) => {
    const dom = domains[Math.min(k, domains.length - 1)] ?? "real";
    const data = Array.from({ length: sizeOf(shape) }, () => {
      switch (dom) {
        case "positive":
          return 0.5 + 2 * r();
        case "nonzero":
          return (r() < 0.5 ? -1 : 1) * (0.2 + 1.8 * r());
        case "distinct":
          return pool[poolAt++];
        case "unit":
          return -0.9 + 1.8 * r();
        default:
          return -2 + 4 * r();
      }
    });
    return { shape: [...shape], data };
  });
}

/** Rounds every element to float32 (what a float32 tensor stores). */
export function fround(a: Arr): Arr {
  return map(a, Math.fround);
}

/**
 * Largest violation of `|got - want| <= atol + rtol * |want|` as a message, or null when all elements pass.
 * NaN matches NaN and infinities must match exactly.
 */
export function closeViolation(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rtol: number,
  atol: number,
): string | null {
  if (got.length !== want.length) return `length ${got.length} != ${want.length}`;
  let worst: string | null = null;
  let worstExcess = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      if (g !== w) return `element ${i}: got ${g}, want ${w}`;
      continue;
    }
    const excess = Math.abs(g - w) - (atol + rtol * Math.abs(w));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = `element ${i}: got ${g}, want ${w} (|diff| ${Math.abs(g - w)})`;
    }
  }
  return worst;
}

// ---------------------------------------------------------------------------------------------------------
// The op table (OpInfo style): one row per op variant, with sample input shapes and a float64 reference.

import {
  type Tensor,
  concat as tconcat,
  div as tdiv,
  tensor,
  erfc as terfc,
  pow as tpow,
  stack as tstack,
  sub as tsub,
  where as twhere,
} from "../src/index.js";

export interface OpRow {
  /** Test label, e.g. `sum(dim=[0, 2], keepDim)`. */
  name: string;
  /** The op under test, applied to tensors. */
  op: (...xs: Tensor[]) => Tensor;
  /** Independent float64 reference. */
  ref: (...xs: Arr[]) => Arr;
  /** Sample input shapes: one list of shapes per sample. */
  shapes: number[][][];
  /** Input value domains, per input (the last one repeats). Default `["real"]`. */
  domain?: Domain[];
  /** Hard-coded samples (in addition to generated ones). */
  samples?: Arr[][];
  /** False for ops without a gradient (argmax, comparisons): outputs must not require grad. Default true. */
  differentiable?: boolean;
  /** Run the second-order check. Default true for differentiable rows. */
  secondOrder?: boolean;
  /** False when the output dtype is not the promoted input dtype (e.g. argmax). Default true. */
  checkDtype?: boolean;
  /** Check that outputs require grad exactly when the op is differentiable. Default true. */
  checkRequiresGrad?: boolean;
  /** Float32 forward tolerance. Default `{ rtol: 2e-6, atol: 1e-6 }`. */
  f32?: { rtol: number; atol: number };
}

const UNARY_SHAPES: number[][][] = [[[]], [[5]], [[2, 3]], [[2, 1, 3]]];
const BINARY_SHAPES: number[][][] = [
  [[], []],
  [[4], [4]],
  [
    [2, 3],
    [2, 3],
  ],
  [[2, 3], [3]],
  [
    [3, 1],
    [1, 4],
  ],
  [[2, 3], []],
  [[], [2, 3]],
  [
    [2, 1, 3],
    [4, 1],
  ],
  [[1], [2, 3]],
];

function unary(
  name: string,
  op: (x: Tensor) => Tensor,
  f: (x: number) => number,
  extra: Partial<OpRow> = {},
): OpRow {
  return { name, op, ref: (a) => map(a, f), shapes: UNARY_SHAPES, ...extra };
}

function binary(
  name: string,
  op: (a: Tensor, b: Tensor) => Tensor,
  f: (x: number, y: number) => number,
  extra: Partial<OpRow> = {},
): OpRow {
  return { name, op, ref: (a, b) => zip(a, b, f), shapes: BINARY_SHAPES, ...extra };
}

const softplusRef = (x: number): number => (x > 20 ? x : Math.log1p(Math.exp(x)));
const geluRef = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));

const elementwise: OpRow[] = [
  unary(
    "neg",
    (x) => x.neg(),
    (x) => -x,
  ),
  unary("exp", (x) => x.exp(), Math.exp),
  unary("log", (x) => x.log(), Math.log, { domain: ["positive"] }),
  unary("log1p", (x) => x.log1p(), Math.log1p, { domain: ["unit"] }),
  unary("expm1", (x) => x.expm1(), Math.expm1),
  unary("sqrt", (x) => x.sqrt(), Math.sqrt, { domain: ["positive"] }),
  unary(
    "square",
    (x) => x.square(),
    (x) => x * x,
  ),
  unary(
    "reciprocal",
    (x) => x.reciprocal(),
    (x) => 1 / x,
    { domain: ["nonzero"] },
  ),
  unary("sin", (x) => x.sin(), Math.sin),
  unary("cos", (x) => x.cos(), Math.cos),
  unary("tanh", (x) => x.tanh(), Math.tanh),
  unary("sigmoid", (x) => x.sigmoid(), sigmoid),
  unary(
    "relu",
    (x) => x.relu(),
    (x) => Math.max(x, 0),
    { domain: ["nonzero"] },
  ),
  unary(
    "leakyRelu()",
    (x) => x.leakyRelu(),
    (x) => (x > 0 ? x : 0.01 * x),
    { domain: ["nonzero"] },
  ),
  unary(
    "leakyRelu(0.2)",
    (x) => x.leakyRelu(0.2),
    (x) => (x > 0 ? x : 0.2 * x),
    { domain: ["nonzero"] },
  ),
  unary("gelu", (x) => x.gelu(), geluRef),
  unary("softplus", (x) => x.softplus(), softplusRef),
  unary(
    "silu",
    (x) => x.silu(),
    (x) => x * sigmoid(x),
  ),
  unary("erf", (x) => x.erf(), erf),
  unary("abs", (x) => x.abs(), Math.abs, { domain: ["nonzero"] }),
  // NOTE: PyTorch's sign output requires grad (with a zero gradient); chainrule documents "no gradient".
  unary("sign", (x) => x.sign(), Math.sign, { domain: ["nonzero"], checkRequiresGrad: false }),
  unary(
    "clamp(-0.5, 0.5)",
    (x) => x.clamp(-0.5, 0.5),
    (x) => Math.min(Math.max(x, -0.5), 0.5),
    {
      domain: ["distinct"],
    },
  ),
  unary(
    "clamp(-0.5)",
    (x) => x.clamp(-0.5),
    (x) => Math.max(x, -0.5),
    { domain: ["distinct"] },
  ),
  unary(
    "clamp(null, 0.5)",
    (x) => x.clamp(null, 0.5),
    (x) => Math.min(x, 0.5),
    { domain: ["distinct"] },
  ),
  unary(
    "pow(2)",
    (x) => x.pow(2),
    (x) => x ** 2,
  ),
  unary(
    "pow(3)",
    (x) => x.pow(3),
    (x) => x ** 3,
  ),
  unary("pow(0.5)", (x) => x.pow(0.5), Math.sqrt, { domain: ["positive"] }),
  unary(
    "pow(-1.5)",
    (x) => x.pow(-1.5),
    (x) => x ** -1.5,
    { domain: ["positive"] },
  ),
  unary(
    "pow(0)",
    (x) => x.pow(0),
    () => 1,
  ),
  unary(
    "add(2.5)",
    (x) => x.add(2.5),
    (x) => x + 2.5,
  ),
  unary(
    "sub(1.25)",
    (x) => x.sub(1.25),
    (x) => x - 1.25,
  ),
  unary(
    "mul(3)",
    (x) => x.mul(3),
    (x) => x * 3,
  ),
  unary(
    "div(4)",
    (x) => x.div(4),
    (x) => x / 4,
  ),
  unary(
    "maximum(0.25)",
    (x) => x.maximum(0.25),
    (x) => Math.max(x, 0.25),
    { domain: ["distinct"] },
  ),
  unary(
    "minimum(0.25)",
    (x) => x.minimum(0.25),
    (x) => Math.min(x, 0.25),
    { domain: ["distinct"] },
  ),
  unary(
    "clone",
    (x) => x.clone(),
    (x) => x,
  ),
  unary(
    "erfc (function)",
    (x) => terfc(x),
    (x) => 1 - erf(x),
  ),
  unary(
    "sub(2.5, x) (number first)",
    (x) => tsub(2.5, x),
    (x) => 2.5 - x,
  ),
  unary(
    "div(1, x) (number first)",
    (x) => tdiv(1, x),
    (x) => 1 / x,
    { domain: ["nonzero"] },
  ),
  unary(
    "pow(2, x) (number base)",
    (x) => tpow(2, x),
    (x) => 2 ** x,
  ),
  unary(
    "composite x*sin(x)+exp(-x^2)",
    (x) => x.mul(x.sin()).add(x.square().neg().exp()),
    (x) => x * Math.sin(x) + Math.exp(-x * x),
  ),
  binary(
    "add",
    (a, b) => a.add(b),
    (x, y) => x + y,
  ),
  binary(
    "sub",
    (a, b) => a.sub(b),
    (x, y) => x - y,
  ),
  binary(
    "mul",
    (a, b) => a.mul(b),
    (x, y) => x * y,
  ),
  binary(
    "div",
    (a, b) => a.div(b),
    (x, y) => x / y,
    { domain: ["real", "nonzero"] },
  ),
  binary(
    "pow(tensor)",
    (a, b) => a.pow(b),
    (x, y) => x ** y,
    { domain: ["positive", "real"] },
  ),
  binary("maximum", (a, b) => a.maximum(b), Math.max, { domain: ["distinct"] }),
  binary("minimum", (a, b) => a.minimum(b), Math.min, { domain: ["distinct"] }),
  binary(
    "gt",
    (a, b) => a.gt(b),
    (x, y) => +(x > y),
    { domain: ["distinct"], differentiable: false },
  ),
  binary(
    "ge",
    (a, b) => a.ge(b),
    (x, y) => +(x >= y),
    { domain: ["distinct"], differentiable: false },
  ),
  binary(
    "lt",
    (a, b) => a.lt(b),
    (x, y) => +(x < y),
    { domain: ["distinct"], differentiable: false },
  ),
  binary(
    "le",
    (a, b) => a.le(b),
    (x, y) => +(x <= y),
    { domain: ["distinct"], differentiable: false },
  ),
  binary(
    "eq",
    (a, b) => a.eq(b),
    (x, y) => +(x === y),
    {
      domain: ["distinct"],
      differentiable: false,
      samples: [[arr([4], [1, 2, 3, 4]), arr([4], [1, 5, 3, 0])]],
    },
  ),
  binary(
    "ne",
    (a, b) => a.ne(b),
    (x, y) => +(x !== y),
    {
      domain: ["distinct"],
      differentiable: false,
      samples: [[arr([4], [1, 2, 3, 4]), arr([4], [1, 5, 3, 0])]],
    },
  ),
  binary(
    "composite (a*b + a/b).tanh()",
    (a, b) => a.mul(b).add(a.div(b)).tanh(),
    (x, y) => Math.tanh(x * y + x / y),
    {
      domain: ["real", "nonzero"],
    },
  ),
];

/** A fixed 0/1 condition of shape [2, 3] for `where`, built in the dtype of `like`. */
const COND = [1, 0, 0, 1, 1, 0];
const whereRows: OpRow[] = [
  {
    name: "where(cond[2,3], a, b)",
    op: (a, b) =>
      twhere(
        tensor(
          [
            [1, 0, 0],
            [1, 1, 0],
          ],
          { dtype: a.dtype },
        ),
        a,
        b,
      ),
    ref: (a, b) => zip3(arr([2, 3], COND), a, b, (c, x, y) => (c !== 0 ? x : y)),
    shapes: [
      [
        [2, 3],
        [2, 3],
      ],
      [[2, 3], [3]],
      [[1, 3], []],
      [[], [2, 1]],
    ],
  },
  {
    name: "a.where(cond[3], b)",
    op: (a, b) => a.where(tensor([0, 1, 1], { dtype: a.dtype }), b),
    ref: (a, b) => zip3(arr([3], [0, 1, 1]), a, b, (c, x, y) => (c !== 0 ? x : y)),
    shapes: [
      [
        [2, 3],
        [2, 3],
      ],
      [[3], [2, 1]],
    ],
  },
];

const matmulRows: OpRow[] = [
  {
    name: "matmul",
    op: (a, b) => a.matmul(b),
    ref: matmul,
    shapes: [
      [[3], [3]],
      [[3], [3, 4]],
      [[2, 3], [3]],
      [
        [2, 3],
        [3, 4],
      ],
      [
        [1, 1],
        [1, 1],
      ],
      [
        [2, 2, 3],
        [3, 4],
      ],
      [
        [3, 2],
        [2, 2, 4],
      ],
      [
        [2, 1, 2, 3],
        [3, 3, 2],
      ],
      [[3], [2, 3, 4]],
      [[2, 3, 4], [4]],
      [
        [1, 2, 3],
        [2, 3, 2],
      ],
    ],
  },
];

const shapeRows: OpRow[] = [
  {
    name: "reshape([-1])",
    op: (x) => x.reshape([-1]),
    ref: (a) => reshape(a, [-1]),
    shapes: [[[2, 3]], [[]], [[4]]],
  },
  {
    name: "reshape([3, -1])",
    op: (x) => x.reshape([3, -1]),
    ref: (a) => reshape(a, [3, -1]),
    shapes: [[[2, 3]], [[6]]],
  },
  {
    name: "reshape([2, -1, 2])",
    op: (x) => x.reshape([2, -1, 2]),
    ref: (a) => reshape(a, [2, -1, 2]),
    shapes: [[[3, 4]]],
  },
  { name: "reshape([])", op: (x) => x.reshape([]), ref: (a) => reshape(a, []), shapes: [[[1]], [[1, 1]]] },
  { name: "reshape([1, 1])", op: (x) => x.reshape([1, 1]), ref: (a) => reshape(a, [1, 1]), shapes: [[[]]] },
  {
    name: "flatten()",
    op: (x) => x.flatten(),
    ref: (a) => reshape(a, [-1]),
    shapes: [[[2, 3, 2]], [[]], [[3]]],
  },
  {
    name: "flatten(1)",
    op: (x) => x.flatten(1),
    ref: (a) => reshape(a, [a.shape[0], -1]),
    shapes: [[[2, 3, 2]], [[2, 3]]],
  },
  {
    name: "flatten(0, 1)",
    op: (x) => x.flatten(0, 1),
    ref: (a) => reshape(a, [-1, ...a.shape.slice(2)]),
    shapes: [[[2, 3, 2]], [[2, 3]]],
  },
  {
    name: "transpose()",
    op: (x) => x.transpose(),
    ref: (a) => transpose(a, -2, -1),
    shapes: [[[2, 3]], [[2, 3, 4]], [[4]], [[1, 3]]],
  },
  {
    name: "transpose(0, 2)",
    op: (x) => x.transpose(0, 2),
    ref: (a) => transpose(a, 0, 2),
    shapes: [[[2, 3, 4]]],
  },
  {
    name: "transpose(-1, 0)",
    op: (x) => x.transpose(-1, 0),
    ref: (a) => transpose(a, -1, 0),
    shapes: [[[2, 3, 4]], [[2, 3]]],
  },
  {
    name: "permute([2, 0, 1])",
    op: (x) => x.permute([2, 0, 1]),
    ref: (a) => permute(a, [2, 0, 1]),
    shapes: [[[2, 3, 4]]],
  },
  {
    name: "permute([-1, 0, 1])",
    op: (x) => x.permute([-1, 0, 1]),
    ref: (a) => permute(a, [2, 0, 1]),
    shapes: [[[2, 3, 4]]],
  },
  {
    name: "permute([1, 0])",
    op: (x) => x.permute([1, 0]),
    ref: (a) => permute(a, [1, 0]),
    shapes: [[[2, 3]]],
  },
  {
    name: "T",
    op: (x) => x.T,
    ref: (a) =>
      permute(
        a,
        a.shape.map((_, i) => a.shape.length - 1 - i),
      ),
    shapes: [[[2, 3]], [[2, 3, 4]], [[4]], [[]]],
  },
  {
    name: "expand([2, 3]) from [1, 3]",
    op: (x) => x.expand([2, 3]),
    ref: (a) => broadcastTo(a, [2, 3]),
    shapes: [[[1, 3]]],
  },
  {
    name: "expand([4, 2, 3]) from [2, 1]",
    op: (x) => x.expand([4, 2, 3]),
    ref: (a) => broadcastTo(a, [4, 2, 3]),
    shapes: [[[2, 1]]],
  },
  {
    name: "expand([2, -1])",
    op: (x) => x.expand([2, -1]),
    ref: (a) => broadcastTo(a, [2, 3]),
    shapes: [[[1, 3]]],
  },
  { name: "expand([3]) from []", op: (x) => x.expand([3]), ref: (a) => broadcastTo(a, [3]), shapes: [[[]]] },
  {
    name: "squeeze()",
    op: (x) => x.squeeze(),
    ref: (a) =>
      arr(
        a.shape.filter((s) => s !== 1),
        a.data,
      ),
    shapes: [[[1, 3, 1]], [[2, 3]], [[1]], [[1, 1]]],
  },
  { name: "squeeze(0)", op: (x) => x.squeeze(0), ref: (a) => arr([3], a.data), shapes: [[[1, 3]]] },
  { name: "squeeze(-1)", op: (x) => x.squeeze(-1), ref: (a) => arr([3], a.data), shapes: [[[3, 1]]] },
  {
    name: "squeeze(1) on a non-1 dim is a no-op",
    op: (x) => x.squeeze(1),
    ref: (a) => a,
    shapes: [[[2, 3]]],
  },
  {
    name: "unsqueeze(0)",
    op: (x) => x.unsqueeze(0),
    ref: (a) => arr([1, ...a.shape], a.data),
    shapes: [[[3]], [[]], [[2, 3]]],
  },
  {
    name: "unsqueeze(-1)",
    op: (x) => x.unsqueeze(-1),
    ref: (a) => arr([...a.shape, 1], a.data),
    shapes: [[[2, 3]], [[]]],
  },
  {
    name: "unsqueeze(1)",
    op: (x) => x.unsqueeze(1),
    ref: (a) => arr([a.shape[0], 1, ...a.shape.slice(1)], a.data),
    shapes: [[[2, 3]]],
  },
  {
    name: "slice(1, 1, 3)",
    op: (x) => x.slice(1, 1, 3),
    ref: (a) => slice(a, 1, 1, 3),
    shapes: [[[2, 4]], [[3, 5, 2]]],
  },
  {
    name: "slice(0, 1)",
    op: (x) => x.slice(0, 1),
    ref: (a) => slice(a, 0, 1, a.shape[0]),
    shapes: [[[3, 2]], [[4]]],
  },
  {
    name: "slice(-1, 0, 2)",
    op: (x) => x.slice(-1, 0, 2),
    ref: (a) => slice(a, -1, 0, 2),
    shapes: [[[2, 3]]],
  },
  {
    name: "slice(1, -2) (negative start)",
    op: (x) => x.slice(1, -2),
    ref: (a) => slice(a, 1, a.shape[1] - 2, a.shape[1]),
    shapes: [[[2, 4]]],
  },
  {
    name: "concat([a, b], 0)",
    op: (a, b) => tconcat([a, b], 0),
    ref: (a, b) => concat([a, b], 0),
    shapes: [
      [
        [2, 3],
        [1, 3],
      ],
      [[2], [3]],
    ],
  },
  {
    name: "concat([a, b], 1)",
    op: (a, b) => tconcat([a, b], 1),
    ref: (a, b) => concat([a, b], 1),
    shapes: [
      [
        [2, 3],
        [2, 1],
      ],
    ],
  },
  {
    name: "concat([a, b, c], -1)",
    op: (a, b, c) => tconcat([a, b, c], -1),
    ref: (a, b, c) => concat([a, b, c], -1),
    shapes: [
      [
        [2, 1, 2],
        [2, 1, 3],
        [2, 1, 1],
      ],
    ],
  },
  {
    name: "stack([a, b], 0)",
    op: (a, b) => tstack([a, b], 0),
    ref: (a, b) => stack([a, b], 0),
    shapes: [
      [
        [2, 3],
        [2, 3],
      ],
      [[], []],
    ],
  },
  {
    name: "stack([a, b], 1)",
    op: (a, b) => tstack([a, b], 1),
    ref: (a, b) => stack([a, b], 1),
    shapes: [
      [
        [2, 3],
        [2, 3],
      ],
    ],
  },
  {
    name: "stack([a, b, c], -1)",
    op: (a, b, c) => tstack([a, b, c], -1),
    ref: (a, b, c) => stack([a, b, c], -1),
    shapes: [
      [
        [2, 3],
        [2, 3],
        [2, 3],
      ],
      [[4], [4], [4]],
    ],
  },
  {
    name: "gather(1, index)",
    op: (x) =>
      x.gather(
        1,
        tensor([
          [0, 2, 2],
          [1, 0, 1],
        ]),
      ),
    ref: (a) => gather(a, 1, arr([2, 3], [0, 2, 2, 1, 0, 1])),
    shapes: [[[2, 3]], [[2, 4]]],
  },
  {
    name: "gather(0, index number[])",
    op: (x) => x.gather(0, [2, 0, 0]),
    ref: (a) => gather(a, 0, arr([3], [2, 0, 0])),
    shapes: [[[3]]],
  },
];

type Dim = number | number[] | undefined;
function dimLabel(dim: Dim, keepDim: boolean): string {
  const d = dim === undefined ? "" : Array.isArray(dim) ? `[${dim.join(", ")}]` : String(dim);
  return keepDim ? `${d}, keepDim` : d;
}

const REDUCE_SAMPLES: Record<string, number[][][]> = {
  all: [[[2, 3]], [[]], [[4]], [[2, 3, 2]]],
  "0": [[[2, 3]], [[4]], [[2, 3, 2]]],
  "1": [[[2, 3]], [[2, 3, 2]]],
  "-1": [[[2, 3]], [[4]], [[2, 3, 2]]],
  "[0, 2]": [[[2, 3, 2]]],
  "[-1, -3]": [[[2, 3, 2]]],
  "[0, 1]": [[[2, 3]], [[2, 3, 2]]],
};
const REDUCE_DIMS: [Dim, string][] = [
  [undefined, "all"],
  [0, "0"],
  [1, "1"],
  [-1, "-1"],
  [[0, 2], "[0, 2]"],
  [[-1, -3], "[-1, -3]"],
  [[0, 1], "[0, 1]"],
];

function reductionRows(
  name: string,
  op: (x: Tensor, dim: Dim, keepDim: boolean) => Tensor,
  f: (v: number[]) => number,
  extra: Partial<OpRow> = {},
  dims: [Dim, string][] = REDUCE_DIMS,
): OpRow[] {
  const rows: OpRow[] = [];
  for (const [dim, key] of dims)
    for (const keepDim of [false, true])
      rows.push({
        name: `${name}(${dimLabel(dim, keepDim)})`,
        op: (x) => (dim === undefined && !keepDim ? op(x, undefined, false) : op(x, dim, keepDim)),
        ref: (a) => reduce(a, dim, keepDim, f),
        shapes: REDUCE_SAMPLES[key],
        ...extra,
      });
  return rows;
}

const mean = (v: number[]): number => sumOf(v) / v.length;
const variance = (v: number[]): number => {
  const m = mean(v);
  return sumOf(v.map((x) => (x - m) ** 2)) / (v.length - 1);
};

const reductions: OpRow[] = [
  ...reductionRows("sum", (x, d, k) => x.sum(d, k), sumOf),
  ...reductionRows("mean", (x, d, k) => x.mean(d, k), mean),
  ...reductionRows("max", (x, d, k) => x.max(d, k), maxOf, { domain: ["distinct"] }),
  ...reductionRows("min", (x, d, k) => x.min(d, k), minOf, { domain: ["distinct"] }),
  ...reductionRows("logSumExp", (x, d, k) => x.logSumExp(d, k), logSumExpOf, {}, REDUCE_DIMS.slice(1)),
  // Bessel-corrected variance needs two or more elements per group.
  ...reductionRows("var", (x, d, k) => x.var(d, k), variance).map((r) => ({
    ...r,
    shapes: r.shapes.filter((s) => sizeOf(s[0]) > 1),
  })),
  ...reductionRows(
    "argmax",
    (x, d, k) => x.argmax(d as number | undefined, k),
    argmaxOf,
    { domain: ["distinct"], differentiable: false, checkDtype: false },
    REDUCE_DIMS.slice(0, 4),
  ),
  ...reductionRows(
    "argmin",
    (x, d, k) => x.argmin(d as number | undefined, k),
    argminOf,
    { domain: ["distinct"], differentiable: false, checkDtype: false },
    REDUCE_DIMS.slice(0, 4),
  ),
  {
    name: "sum() of a 0-d tensor",
    op: (x) => x.sum(),
    ref: (a) => a,
    shapes: [[[]]],
  },
];

const softmaxRows: OpRow[] = [];
for (const dim of [undefined, -1, 0, 1] as const) {
  const d = dim ?? -1;
  const shapes = dim === 1 ? [[[2, 3]], [[2, 3, 2]]] : [[[2, 3]], [[4]], [[2, 3, 2]]];
  softmaxRows.push(
    {
      name: `softmax(${dim ?? ""})`,
      op: (x) => (dim === undefined ? x.softmax() : x.softmax(dim)),
      ref: (a) => alongDim(a, d, softmaxLane),
      shapes,
    },
    {
      name: `logSoftmax(${dim ?? ""})`,
      op: (x) => (dim === undefined ? x.logSoftmax() : x.logSoftmax(dim)),
      ref: (a) => alongDim(a, d, logSoftmaxLane),
      shapes,
    },
  );
}

/** Every row of the table. */
export const OP_TABLE: OpRow[] = [
  ...elementwise,
  ...whereRows,
  ...matmulRows,
  ...shapeRows,
  ...reductions,
  ...softmaxRows,
];
