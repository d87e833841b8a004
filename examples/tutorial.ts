// The tutorial's NumPy network (chain-rule-and-backpropagation.md, section 5), rewritten with chainrule's autograd.
// Run: npx tsx examples/tutorial.ts
//
// The NumPy program writes the backward pass by hand. Here autograd derives it from the forward pass, so the
// four steps of section 4 become: forward (ordinary tensor ops), loss, backward (`loss.backward()`), update
// (`opt.step()`). Same seed, same data, same initial weights: it prints the tutorial's numbers.

import { NumpyRandom, nn, noGrad, optim, type Tensor, tensor, zeros } from "../src/index.js";

// np.random.seed(42); X = np.random.randn(100, 2)
// NumpyRandom replays NumPy's legacy generator bit for bit, so X is the tutorial's X.
const rng = new NumpyRandom(42);
const m = 100;
const Xd = rng.randn(m, 2);
// y = (X[:, 0] + X[:, 1] > 0).astype(float).reshape(-1, 1)
const yd = new Float64Array(m);
for (let i = 0; i < m; i++) yd[i] = Xd[2 * i] + Xd[2 * i + 1] > 0 ? 1 : 0;

const dtype = "float64"; // NumPy computes in float64; so do we.
const X = tensor(Xd, { shape: [m, 2], dtype });
const y = tensor(yd, { shape: [m, 1], dtype });

// SimpleNeuralNetwork(input_size=2, hidden_size=4, output_size=1): W1, b1, W2, b2.
// requiresGrad marks the leaves whose gradients backward() should fill in.
const W1 = tensor(
  rng.randn(2, 4).map((v) => v * 0.01),
  { shape: [2, 4], dtype, requiresGrad: true },
);
const b1 = zeros([4], { dtype, requiresGrad: true });
const W2 = tensor(
  rng.randn(4, 1).map((v) => v * 0.01),
  { shape: [4, 1], dtype, requiresGrad: true },
);
const b2 = zeros([1], { dtype, requiresGrad: true });

// W -= learning_rate * dW, for every parameter.
const opt = new optim.SGD([W1, b1, W2, b2], { lr: 0.1 });

// forward(): z1 = X @ W1 + b1; a1 = sigmoid(z1); z2 = a1 @ W2 + b2; a2 = sigmoid(z2)
function forward(input: Tensor): Tensor {
  const a1 = input.matmul(W1).add(b1).sigmoid();
  return a1.matmul(W2).add(b2).sigmoid();
}

for (let epoch = 0; epoch < 1000; epoch++) {
  opt.zeroGrad(); // gradients accumulate across backward() calls; start each epoch from zero

  // 1. Forward pass.
  const a2 = forward(X);

  // 2. Loss. The tutorial's backward starts from dz2 = a2 - y: that is the gradient of binary
  //    cross-entropy through the output sigmoid (not of the MSE it prints), so that is what we differentiate.
  const loss = nn.bceLoss(a2, y);

  // The tutorial prints the mean squared error, np.mean((y_pred - y_true)**2).
  if (epoch % 100 === 0) {
    const mse = noGrad(() => nn.mseLoss(a2, y)).item();
    console.log(`Epoch ${epoch}, Loss: ${mse.toFixed(6)}`);
  }

  // 3. Backward pass: the chain rule, layer by layer, replaces dz2, dW2, db2, dz1, dW1 and db1.
  loss.backward();

  // 4. Update the parameters by gradient descent.
  opt.step();
}

// Test the network (no gradients needed, so nothing is recorded).
const testInputs = [
  [1, 1],
  [-1, -1],
  [1, -1],
];
const predictions = noGrad(() => forward(tensor(testInputs, { dtype }))).data;
console.log("\nTest predictions:");
testInputs.forEach((x, i) => {
  console.log(`Input: [${x.join(", ")}], Prediction: ${predictions[i].toFixed(4)}`);
});
