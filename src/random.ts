// Seeded random numbers that give the same bits on every platform.
//
// Algorithm: xoshiro128** (Blackman & Vigna) on 32-bit integer arithmetic, seeded through splitmix32.
// Uniform doubles take 53 bits from two draws. Normal draws use Marsaglia's polar method with a logarithm
// written in plain IEEE-754 arithmetic (no Math.log, whose last bit may differ between JavaScript engines),
// so seeded tensors are identical across runs, platforms and browsers.

import { describeValue, ValueError } from "./errors.js";

const LN2 = Math.LN2;
const view = new DataView(new ArrayBuffer(8));

/**
 * Natural logarithm from +, -, *, / and bit manipulation only, accurate to about 1 ulp.
 * Deterministic on every IEEE-754 platform, unlike `Math.log`.
 */
export function deterministicLog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : Number.NaN;
  if (x === Infinity) return Infinity;
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  let e = ((hi >>> 20) & 0x7ff) - 1023;
  if (e === -1023) {
    // Subnormal: scale into the normal range first.
    return deterministicLog(x * 2 ** 54) - 54 * LN2;
  }
  // Put the mantissa in [1, 2), then move it into [sqrt(1/2), sqrt(2)) so the series converges fast.
  view.setUint32(0, (hi & 0x800fffff) | 0x3ff00000);
  let m = view.getFloat64(0);
  if (m > Math.SQRT2) {
    m /= 2;
    e += 1;
  }
  // log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = s;
  for (let k = 3; k <= 29; k += 2) {
    term *= s2;
    sum += term / k;
  }
  return e * LN2 + 2 * sum;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seeded pseudo-random generator (xoshiro128**). The same seed gives the same sequence on every platform.
 *
 * @example
 * ```ts
 * const g = new Generator(42);
 * g.uniform(); // a number in [0, 1)
 * g.normal();  // a standard normal draw
 * ```
 */
export class Generator {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private spare: number | null = null;

  /** @param seed a non-negative integer up to 2^53. */
  constructor(seed: number, op = "Generator") {
    this.seed(seed, op);
  }

  /** Resets the generator to the start of the sequence for `seed`. */
  seed(seed: number, op = "Generator.seed"): void {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new ValueError(op, `seed must be a non-negative safe integer, got ${describeValue(seed)}`);
    const state = { s: (seed % 4294967296) ^ (Math.floor(seed / 4294967296) * 0x6a09e667) };
    this.a = splitmix32(state);
    this.b = splitmix32(state);
    this.c = splitmix32(state);
    this.d = splitmix32(state);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
    this.spare = null;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal draw (Marsaglia's polar method; pairs are cached). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const f = Math.sqrt((-2 * deterministicLog(s)) / s);
      this.spare = v * f;
      return u * f;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** PyTorch also starts from a fixed default seed, so unseeded runs are reproducible too. */
const DEFAULT_SEED = 67280421;

let globalGenerator = new Generator(DEFAULT_SEED);

/**
 * Re-seeds the generator that `rand`, `randn` and initialisers use when they get no `seed`.
 *
 * @example
 * ```ts
 * manualSeed(0);
 * const a = randn([3]);
 * manualSeed(0);
 * const b = randn([3]); // same values as a
 * ```
 */
export function manualSeed(seed: number): void {
  globalGenerator = new Generator(seed, "manualSeed");
}

/** The generator for a call: a fresh one for an explicit seed, else the global one. */
export function generatorFor(seed: number | undefined, op = "Generator"): Generator {
  return seed === undefined ? globalGenerator : new Generator(seed, op);
}
