// Assertions shared by the nn tests: closeness in float64 and an independent central-difference check.

import { expect } from "vitest";
import { noGrad, Tensor } from "../../src/core.js";

/** The elements of `t` as plain numbers. */
export function values(t: Tensor): number[] {
  return Array.from(t._storage);
}

/** Asserts elementwise |actual - expected| <= tol (1 + |expected|). */
export function expectClose(
  actual: Tensor | number[] | number,
  expected: number[] | number,
  tol = 1e-12,
): void {
  const a = typeof actual === "number" ? [actual] : actual instanceof Tensor ? values(actual) : actual;
  const e = typeof expected === "number" ? [expected] : expected;
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    expect(Math.abs(v - e[i]), `element ${i}: ${v} vs ${e[i]}`).toBeLessThanOrEqual(
      tol * (1 + Math.abs(e[i])),
    );
  });
}

/**
 * Compares reverse-mode gradients of scalar `f` with float64 central differences, for every input.
 * Written independently of the library's gradcheck, so the two check each other.
 */
export function expectGradcheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  eps = 1e-6,
  tol = 1e-6,
): void {
  const leaves = inputs.map((x) => Tensor._fromStorage(Float64Array.from(x._storage), [...x.shape], true));
  f(...leaves).backward();
  leaves.forEach((leaf, k) => {
    const s = leaf._storage;
    for (let i = 0; i < s.length; i++) {
      const old = s[i];
      s[i] = old + eps;
      const plus = noGrad(() => f(...leaves).item());
      s[i] = old - eps;
      const minus = noGrad(() => f(...leaves).item());
      s[i] = old;
      const numerical = (plus - minus) / (2 * eps);
      const analytical = leaf.grad === null ? 0 : leaf.grad._storage[i];
      expect(Number.isFinite(analytical)).toBe(true);
      expect(
        Math.abs(analytical - numerical),
        `input ${k}, element ${i}: analytical ${analytical}, numerical ${numerical}`,
      ).toBeLessThanOrEqual(tol * (1 + Math.abs(numerical)));
    }
  });
}
