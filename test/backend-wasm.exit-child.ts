// Child process of test/backend-wasm.test.ts: runs threaded wasm kernels, prints a line, and must then exit
// on its own (the worker threads are unref'd). Not a test file itself.

import { getBackend, getNumThreads, matmul, randn, tensor } from "../src/index.js";

const a = randn([300, 300], { seed: 1 });
for (let i = 0; i < 5; i++) matmul(a, a).relu().sum();
const v = tensor([[1, 2, 3]]);
process.stdout.write(`${getBackend().name} ${getNumThreads()} ${matmul(v, v.T).item()}\n`);
