// Training converges end to end through the public API: XOR, and the tutorial's data set.

import { nn, optim, type Tensor, tensor } from "chainrule";
import { describe, expect, it } from "vitest";
import { tutorialProblem } from "../src/data/tutorial.js";

function accuracy(prob: Tensor, target: Tensor): number {
  const p = prob.data;
  const t = target.data;
  let right = 0;
  for (let i = 0; i < p.length; i++) if ((p[i] > 0.5 ? 1 : 0) === t[i]) right++;
  return right / p.length;
}

describe("training converges", () => {
  it("learns XOR with a 2-8-1 tanh network and Adam", () => {
    const x = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = tensor([[0], [1], [1], [0]]);
    const net = new nn.Sequential(
      new nn.Linear(2, 8, { seed: 3 }),
      new nn.Tanh(),
      new nn.Linear(8, 1, { seed: 4 }),
    );
    const opt = new optim.Adam(net.parameters(), { lr: 0.05 });
    let loss = Number.POSITIVE_INFINITY;
    for (let epoch = 0; epoch < 500; epoch++) {
      opt.zeroGrad();
      const out = nn.bceWithLogits(net.forward(x), y);
      out.backward();
      opt.step();
      loss = out.item();
    }
    expect(loss).toBeLessThan(0.05);
    expect(accuracy(net.forward(x).sigmoid(), y)).toBe(1);
  });

  it("fits the tutorial's data to above 95% accuracy with its 2-4-1 sigmoid network", () => {
    // The tutorial's data: 100 points, label = (x0 + x1 > 0), drawn as NumPy does with seed 42.
    const { x, y } = tutorialProblem();
    const net = new nn.Sequential(
      new nn.Linear(2, 4, { dtype: "float64", seed: 1 }),
      new nn.Sigmoid(),
      new nn.Linear(4, 1, { dtype: "float64", seed: 2 }),
      new nn.Sigmoid(),
    );
    const opt = new optim.SGD(net.parameters(), { lr: 1, momentum: 0.9 });
    for (let epoch = 0; epoch < 1000; epoch++) {
      opt.zeroGrad();
      nn.bceLoss(net.forward(x), y).backward();
      opt.step();
    }
    expect(accuracy(net.forward(x), y)).toBeGreaterThan(0.95);
  });
});
