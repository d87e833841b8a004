// The kernel module's entry (AssemblyScript): every export the JS side calls. Built by scripts/build-wasm.mjs.

export { binaryF32, binaryF64, unaryF32, unaryF64, whereF32, whereF64 } from "./elementwise";
export { matmulComputeF32, matmulComputeF64, matmulMR, matmulPackF32, matmulPackF64 } from "./matmul";
export { reduceF32, reduceF64 } from "./reduce";
export { softmaxF32, softmaxF64 } from "./softmax";

/** First byte the JS side may use (after the module's own static data). */
export function heapBase(): usize {
  return __heap_base;
}
