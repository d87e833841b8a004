// Every primitive's forward-mode (jvp) rule, table-driven from the op table: tangents against float64 central
// differences, jacfwd against jacrev, forward over reverse against differences of the gradient, and a
// check that the table reaches every differentiable primitive.

import { describe, expect, it } from "vitest";
import {
  binaryCrossEntropy,
  type DType,
  grad,
  jacfwd,
  jacrev,
  jvp,
  noGrad,
  type Tensor,
  tensor,
} from "../src/index.js";
import type { DifferentiableRule, Rule } from "../src/ops/rule.js";
import { rules } from "../src/ops/rules.js";
import { type Arr, closeViolation, generate, OP_TABLE, type OpRow, rng } from "./op-table.js";

const f64 = (a: Arr): Tensor => tensor(Float64Array.from(a.data), { shape: a.shape, dtype: "float64" });
/** A float64 leaf copy of `x` that requires grad, so the op's graph is recorded. */
const leaf = (x: Tensor): Tensor =>
  tensor(x.data, { shape: [...x.shape], dtype: "float64", requiresGrad: true });

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Ops whose node appears in the graph of `t` (walked iteratively). */
const reached = new Set<string>();
function collectOps(t: Tensor): void {
  const stack = [t];
  const seen = new Set<Tensor>();
  while (stack.length > 0) {
    const u = stack.pop()!;
    if (seen.has(u) || u._node === null) continue;
    seen.add(u);
    reached.add(u._node.op);
    stack.push(...u._node.inputs);
  }
}

/** Random tangent directions of each input's shape, in float64. */
function directions(inputs: Tensor[], seed: number): Tensor[] {
  const r = rng(seed);
  return inputs.map((x) =>
    tensor(
      Float64Array.from({ length: x.size }, () => 2 * r() - 1),
      { shape: [...x.shape], dtype: "float64" },
    ),
  );
}

/** (f(x + εv) - f(x - εv)) / 2ε in float64: the directional derivative by central differences. */
function centralDifference(
  f: (...xs: Tensor[]) => Tensor,
  xs: Tensor[],
  vs: Tensor[],
  eps: number,
): number[] {
  const shifted = (s: number) =>
    noGrad(() =>
      f(
        ...xs.map((x, i) =>
          tensor(
            Float64Array.from(x.data, (v, k) => v + s * eps * vs[i]._storage[k]),
            { shape: [...x.shape], dtype: "float64" },
          ),
        ),
      ),
    );
  const plus = shifted(1).data;
  const minus = shifted(-1).data;
  return Array.from(plus, (p, k) => (p - minus[k]) / (2 * eps));
}

/** The rows with a derivative, each with its samples (the generated ones, as the op table test makes them). */
function samplesOf(row: OpRow): Arr[][] {
  const generated = row.shapes.map((shapes, i) =>
    generate(shapes, row.domain ?? ["real"], hash(row.name) + i),
  );
  return [...generated, ...(row.samples ?? [])];
}

/** Rows for primitives the op table does not cover directly (they are tested elsewhere by other means). */
const EXTRA_ROWS: OpRow[] = [
  {
    // Targets are data: a fixed tensor here (reverse and forward mode both give them no derivative).
    name: "binaryCrossEntropy(p, t)",
    op: (p) =>
      binaryCrossEntropy(
        p,
        tensor(
          [
            [0, 1, 0.25],
            [1, 0, 0.5],
          ],
          { dtype: p.dtype },
        ),
      ),
    ref: (a) => a,
    shapes: [],
    samples: [[{ shape: [2, 3], data: [0.1, 0.35, 0.5, 0.62, 0.8, 0.93] }]],
  },
  {
    name: "cast to float64 and back (float64 inputs)",
    op: (x) => x.to("float32").to("float64").mul(x),
    ref: (a) => a,
    shapes: [[[3]]],
  },
];

const ROWS = [...OP_TABLE.filter((r) => r.differentiable ?? true), ...EXTRA_ROWS];
const TANGENT_TOL = { rtol: 1e-6, atol: 1e-7 };

describe("jvp rules against central differences, and jacfwd against jacrev, for every op-table row", () => {
  for (const row of ROWS) {
    const isCast = row.name.startsWith("cast");
    samplesOf(row).forEach((sample, k) => {
      const inputs = sample.map(f64);
      const label = `${row.name} ${inputs.map((x) => `[${x.shape.join(", ")}]`).join(" & ")} #${k}`;

      it(`jvp = central difference: ${label}`, () => {
        const vs = directions(inputs, hash(label));
        const { value, tangent } = jvp(row.op, inputs, vs);
        expect(value.shape).toEqual(row.op(...inputs).shape);
        expect(tangent.shape).toEqual(value.shape);
        expect(tangent.dtype).toBe(value.dtype);
        // NOTE: through float32 the differences carry float32 rounding: a larger step and a looser tolerance.
        const eps = isCast ? 1e-2 : 1e-6;
        const tol = isCast ? { rtol: 1e-4, atol: 1e-5 } : TANGENT_TOL;
        const want = centralDifference(row.op, inputs, vs, eps);
        expect(closeViolation(tangent.data, want, tol.rtol, tol.atol)).toBeNull();
        collectOps(row.op(...inputs.map(leaf)));
      });

      it(`jacfwd = jacrev: ${label}`, () => {
        inputs.forEach((_, i) => {
          const fwd = jacfwd(row.op, { argnums: i })(...inputs);
          const rev = jacrev(row.op, { argnums: i })(...inputs);
          const out = row.op(...inputs);
          expect(fwd.shape).toEqual([...out.shape, ...inputs[i].shape]);
          expect(rev.shape).toEqual(fwd.shape);
          // NOTE: through float32 the two modes round differently.
          const tol = isCast ? 1e-6 : 1e-12;
          expect(closeViolation(fwd.data, rev.data, tol, tol / 10)).toBeNull();
        });
      });
    });
  }
});

describe("forward over reverse: jvp(grad(f)) = central difference of the gradient", () => {
  for (const row of ROWS) {
    if (row.secondOrder === false) continue;
    const sample = samplesOf(row)[samplesOf(row).length > 1 ? 1 : 0];
    const inputs = sample.map(f64);
    const label = `${row.name} ${inputs.map((x) => `[${x.shape.join(", ")}]`).join(" & ")}`;
    if (row.name.startsWith("cast")) continue;
    it(label, () => {
      // A scalar of the op's output with fixed weights, so every output element matters; squared, so that
      // the gradient of a linear op depends on the input too (and its vjp's primitives get tangents).
      const w = (y: Tensor) =>
        tensor(
          Float64Array.from({ length: y.size }, (_, i) => Math.cos(i + 1)),
          { shape: [...y.shape], dtype: "float64" },
        );
      const scalar = (...xs: Tensor[]) => {
        const y = row.op(...xs);
        return y.square().mul(w(y)).sum();
      };
      const g = grad(scalar, { argnums: inputs.map((_, i) => i) });
      const vs = directions(inputs, hash(label) + 7);
      const { tangent } = jvp(g, inputs, vs);
      const want = inputs.map((_, i) =>
        centralDifference((...xs) => (g(...xs) as Tensor[])[i], inputs, vs, 1e-6),
      );
      tangent.forEach((t, i) => {
        expect(closeViolation(t.data, want[i], 1e-5, 1e-6)).toBeNull();
      });
      // The gradient's own graph: the primitives its vjp rules use (embedSlice, scatterAdd...).
      for (const gi of g(...inputs.map(leaf)) as Tensor[]) collectOps(gi);
    });
  }
});

describe("coverage", () => {
  it("the rows above reach every primitive that has derivative rules", () => {
    const table = rules() as unknown as Record<string, Rule<unknown>>;
    const differentiable = Object.keys(table).filter((name) => table[name].jvp !== undefined);
    expect(differentiable.length).toBeGreaterThan(30);
    const missing = differentiable.filter((name) => !reached.has(name));
    expect(missing, `primitives no jvp test reached: ${missing.join(", ")}`).toEqual([]);
  });

  it("a rule with a vjp but no jvp does not type-check (checked by tsc over test/)", () => {
    const forward = ([x]: readonly Tensor[]) => x;
    // @ts-expect-error the jvp rule is missing
    const missingJvp: Rule<null> = { forward, vjp: (g: Tensor) => [g] };
    // @ts-expect-error the vjp rule is missing
    const missingVjp: Rule<null> = { forward, jvp: ([t]: readonly (Tensor | null)[]) => t };
    const complete: DifferentiableRule<null> = { forward, vjp: (g) => [g], jvp: ([t]) => t };
    expect([missingJvp, missingVjp, complete].every((r) => typeof r.forward === "function")).toBe(true);
  });
});

describe("float32 tangents", () => {
  for (const dtype of ["float32", "float64"] as DType[])
    it(`jvp keeps the primal's dtype (${dtype})`, () => {
      const x = tensor([0.5, -1, 2], { dtype });
      const { value, tangent } = jvp(
        (u: Tensor) => u.tanh().mul(u),
        [x],
        [tensor([1, 1, 1], { dtype: "float64" })],
      );
      expect(value.dtype).toBe(dtype);
      expect(tangent.dtype).toBe(dtype);
      const want = [0.5, -1, 2].map((u) => Math.tanh(u) + u * (1 - Math.tanh(u) ** 2));
      expect(closeViolation(tangent.data, want, dtype === "float32" ? 1e-6 : 1e-15, 1e-7)).toBeNull();
    });
});
