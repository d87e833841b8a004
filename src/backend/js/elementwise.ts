// Elementwise kernels of the reference backend.

import type { Storage } from "../../dtype.js";
import type { BinaryKernel, UnaryKernel } from "../backend.js";
import { erf, erfc } from "./special.js";

type Fn1 = (x: number) => number;
type Fn2 = (a: number, b: number) => number;

// NOTE: stable for every input under IEEE-754: for x << 0, e^-x overflows to Infinity and 1/Infinity = 0,
// never NaN. The same formula as PyTorch, so results agree to the last bit.
const sigmoid: Fn1 = (x) => 1 / (1 + Math.exp(-x));

// NOTE: stable softplus: log(1 + e^x) = max(x, 0) + log1p(e^-|x|).
const softplus: Fn1 = (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

const UNARY: Record<UnaryKernel, Fn1> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  relu: (x) => (x > 0 ? x : x !== x ? x : 0),
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x),
  erf,
  erfc,
  softplus,
  copy: (x) => x,
};

const BINARY: Record<BinaryKernel, Fn2> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  // NaN propagates, as in PyTorch.
  maximum: Math.max,
  minimum: Math.min,
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  // NOTE: logs clamped at -100 as PyTorch's binary_cross_entropy does, so p = 0 or 1 stays finite.
  bce: (p, t) => -(t * Math.max(Math.log(p), -100) + (1 - t) * Math.max(Math.log1p(-p), -100)),
};

export function unary(op: UnaryKernel, x: Storage, out: Storage): void {
  const f = UNARY[op];
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = f(x[i]);
}

export function binary(op: BinaryKernel, a: Storage, b: Storage, out: Storage): void {
  const n = out.length;
  if (op === "add" || op === "mul" || op === "sub") {
    // The hottest ops get monomorphic loops.
    fastArith(op, a, b, out, n);
    return;
  }
  const f = BINARY[op];
  if (a.length === n && b.length === n) for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
  else if (b.length === 1) {
    const bv = b[0];
    for (let i = 0; i < n; i++) out[i] = f(a[i], bv);
  } else {
    const av = a[0];
    for (let i = 0; i < n; i++) out[i] = f(av, b[i]);
  }
}

function fastArith(op: "add" | "mul" | "sub", a: Storage, b: Storage, out: Storage, n: number): void {
  const sa = a.length === 1 && n !== 1;
  const sb = b.length === 1 && n !== 1;
  if (op === "add") {
    if (sb) {
      const v = b[0];
      for (let i = 0; i < n; i++) out[i] = a[i] + v;
    } else if (sa) {
      const v = a[0];
      for (let i = 0; i < n; i++) out[i] = v + b[i];
    } else for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
  } else if (op === "mul") {
    if (sb) {
      const v = b[0];
      for (let i = 0; i < n; i++) out[i] = a[i] * v;
    } else if (sa) {
      const v = a[0];
      for (let i = 0; i < n; i++) out[i] = v * b[i];
    } else for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
  } else {
    if (sb) {
      const v = b[0];
      for (let i = 0; i < n; i++) out[i] = a[i] - v;
    } else if (sa) {
      const v = a[0];
      for (let i = 0; i < n; i++) out[i] = v - b[i];
    } else for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
  }
}

export function where(cond: Storage, a: Storage, b: Storage, out: Storage): void {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = cond[i] !== 0 ? a[i] : b[i];
}
