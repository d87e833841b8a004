// Every error a user can cause: a typed Error whose message names the op and what it received.

import { describe, expect, it } from "vitest";
import { AutogradError, ChainruleError, ShapeError, TypeMismatchError, ValueError } from "../src/errors.js";
import {
  arange,
  concat,
  eye,
  full,
  grad,
  linspace,
  ones,
  rand,
  randn,
  stack,
  type Tensor,
  tensor,
  where,
  zeros,
} from "../src/index.js";
import { gradcheck } from "../src/tools/gradcheck.js";

type ErrorClass = abstract new (...args: never[]) => Error;

/** Runs `fn`, expecting a throw of class `cls` (a ChainruleError) whose message matches every pattern. */
function expectError(fn: () => unknown, cls: ErrorClass, ...patterns: RegExp[]): Error {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, "expected a throw").toBeInstanceOf(Error);
  const err = caught as Error;
  expect(err, `${err.name}: ${err.message}`).toBeInstanceOf(cls);
  expect(err).toBeInstanceOf(ChainruleError);
  for (const p of patterns) expect(err.message).toMatch(p);
  return err;
}

const x23 = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

describe("tensor creation errors", () => {
  it("ragged nested arrays", () => {
    expectError(() => tensor([[1, 2], [3]]), ShapeError, /^tensor: /, /ragged|rectangular|length/i);
    expectError(() => tensor([[1, 2], 3] as unknown as number[][]), ChainruleError, /^tensor: /);
    expectError(() => tensor([[[1], [2]], [[3]]]), ShapeError, /^tensor: /);
  });
  it("non-numeric entries", () => {
    expectError(() => tensor([1, "a"] as unknown as number[]), TypeMismatchError, /^tensor: /, /"a"|string/);
    expectError(() => tensor(null as unknown as number), TypeMismatchError, /^tensor: /, /null/);
  });
  it("unknown dtype", () => {
    expectError(
      () => tensor([1], { dtype: "int32" as "float32" }),
      ChainruleError,
      /^tensor: /,
      /dtype/,
      /int32/,
    );
    expectError(() => zeros([2], { dtype: "float16" as "float32" }), ChainruleError, /^zeros: /, /float16/);
  });
  it("typed array whose length does not match the shape", () => {
    expectError(
      () => tensor(new Float32Array(6), { shape: [2, 2] }),
      ShapeError,
      /^tensor: /,
      /\[2, 2\]/,
      /6/,
    );
  });
  it("bad shapes", () => {
    expectError(() => zeros([2, -1]), ValueError, /^zeros: /, /-1/);
  });
  it("bad shapes in ones and full", () => {
    expectError(() => ones([1.5]), ValueError, /^ones: /, /1\.5/);
    expectError(() => full("2" as unknown as number[], 1), ValueError, /^full: /);
    expectError(() => full([2], "a" as unknown as number), TypeMismatchError, /^full: /, /"a"|string/);
  });
  it("bad ranges and sizes", () => {
    expectError(() => arange(0, 5, 0), ValueError, /^arange: /, /step/);
    expectError(() => linspace(0, 1, -2), ValueError, /^linspace: /, /-2/);
    expectError(() => eye(-1), ValueError, /^eye: /, /-1/);
  });
  it("bad seeds", () => {
    expectError(() => rand([2], { seed: -1 }), ValueError, /seed/, /-1/);
    expectError(() => randn([2], { seed: 1.5 }), ValueError, /seed/, /1\.5/);
  });
});

describe("elementwise and broadcasting errors", () => {
  it("non-broadcastable add names the op and both shapes", () => {
    expectError(() => x23().add(tensor([1, 2, 3, 4])), ShapeError, /^add: /, /\[2, 3\]/, /\[4\]/);
    expectError(() => x23().mul(ones([3, 3])), ShapeError, /^mul: /, /\[2, 3\]/, /\[3, 3\]/);
    expectError(() => x23().maximum(ones([2, 2])), ShapeError, /^maximum: /);
  });
  it("a wrong operand type names the op", () => {
    expectError(() => x23().add("1" as unknown as number), TypeMismatchError, /^add: /, /"1"|string/);
    expectError(() => x23().mul([1, 2, 3] as unknown as number), TypeMismatchError, /^mul: /, /array/);
  });
  it("where with shapes that do not broadcast", () => {
    expectError(() => where(ones([2, 3]), x23(), ones([4])), ShapeError, /^where: /, /\[4\]/);
  });
});

describe("matmul errors", () => {
  it("inner dimension mismatch has the documented message", () => {
    expectError(() => zeros([2, 3]).matmul(zeros([4, 5])), ShapeError);
    expect(() => zeros([2, 3]).matmul(zeros([4, 5]))).toThrow(
      "matmul: inner dimensions must match, got [2, 3] @ [4, 5]",
    );
  });
  it("mismatch with 1-D and batched operands names the shapes", () => {
    expectError(() => zeros([3]).matmul(zeros([4])), ShapeError, /^matmul: /, /\[3\]/, /\[4\]/);
    expectError(() => zeros([2, 2, 3]).matmul(zeros([2, 4, 2])), ShapeError, /^matmul: /, /\[2, 2, 3\]/);
  });
  it("batch dims that do not broadcast", () => {
    expectError(
      () => zeros([2, 2, 3]).matmul(zeros([3, 3, 2])),
      ShapeError,
      /^matmul: /,
      /\[2, 2, 3\]/,
      /\[3, 3, 2\]/,
    );
  });
  it("0-d operands", () => {
    expectError(() => tensor(2).matmul(zeros([2])), ShapeError, /^matmul: /, /\[\]|0-d|scalar/);
  });
});

describe("shape op errors", () => {
  it("reshape size mismatch", () => {
    expectError(() => x23().reshape([4]), ShapeError, /^reshape: /, /\[2, 3\]/, /\[4\]/);
    expectError(() => x23().reshape([4, -1]), ShapeError, /^reshape: /, /\[4, -1\]/);
  });
  it("two -1 in reshape", () => {
    expectError(() => x23().reshape([-1, -1]), ValueError, /^reshape: /, /-1/);
  });
  it("dims out of range name the op and the dim", () => {
    expectError(() => x23().sum(2), ValueError, /^sum: /, /\b2\b/);
    expectError(() => x23().mean(-3), ValueError, /^mean: /, /-3/);
    expectError(() => x23().max(5), ValueError, /^max: /, /5/);
    expectError(() => x23().softmax(2), ValueError, /^softmax: /, /2/);
    expectError(() => x23().logSoftmax(-3), ValueError, /^logSoftmax: /, /-3/);
    expectError(() => x23().transpose(0, 2), ValueError, /^transpose: /, /2/);
    expectError(() => x23().unsqueeze(3), ValueError, /^unsqueeze: /, /3/);
    expectError(() => x23().squeeze(2), ValueError, /^squeeze: /, /2/);
    expectError(() => x23().argmax(2), ValueError, /^argmax: /, /2/);
    expectError(() => x23().slice(2, 0, 1), ValueError, /^slice: /, /2/);
    expectError(() => x23().sum([0, 0]), ValueError, /^sum: /, /repeat|duplicate/i);
    expectError(() => x23().sum(0.5), ValueError, /^sum: /, /0\.5/);
  });
  it("permute needs a permutation of every dim", () => {
    expectError(() => x23().permute([0]), ValueError, /^permute: /);
    expectError(() => x23().permute([0, 0]), ValueError, /^permute: /, /\[0, 0\]/);
  });
  it("expand to a shape that does not fit", () => {
    expectError(() => x23().expand([3, 3]), ShapeError, /^expand: /, /\[2, 3\]/, /\[3, 3\]/);
    expectError(() => x23().expand([3]), ShapeError, /^expand: /);
  });
  it("concat and stack check shapes and counts", () => {
    expectError(() => concat([x23(), zeros([2, 2])], 0), ShapeError, /^concat: /, /\[2, 3\]/, /\[2, 2\]/);
    expectError(() => concat([], 0), ValueError, /^concat: /);
    expectError(() => concat([x23(), zeros([3])], 0), ShapeError, /^concat: /);
    expectError(() => stack([x23(), zeros([3, 2])], 0), ShapeError, /^stack: /, /\[2, 3\]/, /\[3, 2\]/);
    expectError(() => stack([x23(), x23()], 3), ValueError, /^stack: /, /3/);
  });
  it("gather index out of range", () => {
    expectError(() => x23().gather(1, tensor([[0], [3]])), ValueError, /^gather: /, /3/);
  });
});

describe("argument errors of ops", () => {
  it("to() with an unknown dtype", () => {
    expectError(() => x23().to("int8" as "float32"), TypeMismatchError, /^(to|cast): /, /int8/);
  });
  it("a composite op names itself, not the primitive it is built from", () => {
    expectError(
      () => x23().leakyRelu("a" as unknown as number),
      ChainruleError,
      /^leakyRelu: /,
      /"a"|string/,
    );
  });
  it("clamp with a non-number bound quotes it", () => {
    expectError(() => x23().clamp("a" as unknown as number), ValueError, /^clamp: /, /"a"/);
  });
  it("a dim error describes the input tensor, not the result", () => {
    expectError(() => x23().unsqueeze(3), ValueError, /^unsqueeze: /, /\b3\b/, /\[2, 3\]|2-d/);
  });
  it("bad slice arguments", () => {
    expectError(() => x23().slice(1, 0, 2, 0), ValueError, /^slice: /, /step/, /0/);
    expectError(() => x23().slice(1, 0.5), ValueError, /^slice: /, /0\.5/);
  });
  it("bad reshape dims", () => {
    expectError(() => x23().reshape([2, 3.5]), ValueError, /^reshape: /, /3\.5/);
    expectError(() => x23().reshape([-2, -3]), ValueError, /^reshape: /, /-2/);
  });
  it("flatten with start after end", () => {
    expectError(() => x23().flatten(1, 0), ValueError, /^flatten: /, /1/, /0/);
  });
  it("matmul with a non-tensor", () => {
    expectError(() => x23().matmul(3 as unknown as Tensor), TypeMismatchError, /^matmul: /, /3/);
  });
  it("missing or null operands", () => {
    expectError(() => (x23().add as (o?: unknown) => Tensor)(), TypeMismatchError, /^add: /, /undefined/);
    expectError(() => x23().sub(null as unknown as number), TypeMismatchError, /^sub: /, /null/);
  });
  it("nested data with a shape that does not fit, bad options", () => {
    expectError(
      () =>
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          { shape: [3] },
        ),
      ShapeError,
      /^tensor: /,
      /\[3\]/,
      /\[2, 2\]/,
    );
    expectError(
      () => tensor([1], { requiresGrad: "yes" as unknown as boolean }),
      TypeMismatchError,
      /^tensor: /,
      /"yes"/,
    );
    expectError(() => tensor(undefined as unknown as number), TypeMismatchError, /^tensor: /, /undefined/);
  });
});

describe("reading errors", () => {
  it("item() on a multi-element tensor names the shape", () => {
    expectError(() => x23().item(), ValueError, /^item: /, /\[2, 3\]/);
    expectError(() => zeros([0]).item(), ValueError, /^item: /, /\[0\]/);
  });
});

describe("autograd errors", () => {
  it("backward on a tensor that does not require grad", () => {
    expectError(() => x23().sum().backward(), AutogradError, /^backward: /, /requires? ?grad/i);
  });
  it("backward on a non-scalar without a gradient names the shape", () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    expectError(() => y.backward(), AutogradError, /^backward: /, /\[2\]/);
  });
  it("backward with a gradient of the wrong shape", () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    expectError(() => y.backward(ones([3])), ChainruleError, /^backward: /, /\[2\]/, /\[3\]/);
  });
  it("turning off requiresGrad on a non-leaf", () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    expectError(
      () => {
        y.requiresGrad = false;
      },
      AutogradError,
      /requiresGrad/,
      /detach/,
    );
  });
  it("grad of a function that does not return a scalar tensor", () => {
    expectError(() => grad((x: Tensor) => x.mul(2))(tensor([1, 2])), ChainruleError, /^grad: /, /\[2\]/);
    expectError(
      () => grad((() => 3) as unknown as (x: Tensor) => Tensor)(tensor(1)),
      ChainruleError,
      /^grad: /,
    );
  });
  it("grad with argnums that do not name tensor arguments", () => {
    expectError(
      () => grad((x: Tensor) => x.sum(), { argnums: 2 })(tensor([1])),
      ValueError,
      /^grad: /,
      /argnums|2/,
    );
    expectError(
      () => grad((x: Tensor) => x.sum())("3" as unknown as Tensor),
      TypeMismatchError,
      /^grad: /,
      /"3"/,
    );
  });
});

describe("gradcheck errors", () => {
  it("a function that returns a number", () => {
    expectError(
      () => gradcheck((() => 1) as unknown as () => Tensor, [tensor(1)]),
      TypeMismatchError,
      /^gradcheck: /,
    );
  });
  it("no tensor inputs, bad wrt, bad eps", () => {
    expectError(() => gradcheck((a: number) => tensor(a), [1]), ValueError, /^gradcheck: /, /tensor/);
    expectError(
      () => gradcheck((a: Tensor) => a, [tensor(1)], { wrt: [1] }),
      ValueError,
      /^gradcheck: /,
      /wrt/,
    );
    expectError(
      () => gradcheck((a: Tensor) => a, [tensor(1)], { eps: 0 }),
      ValueError,
      /^gradcheck: /,
      /eps/,
    );
  });
});
