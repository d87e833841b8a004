// The compiled kernel module: picks the relaxed-SIMD build where the engine validates it, else plain SIMD,
// with a shared memory import where SharedArrayBuffer exists (else an unshared one, for one thread), and
// compiles it synchronously (Node, workers) or asynchronously (a browser's main thread).

import { envVar, sharedMemoryAvailable } from "./env.js";
import { KERNELS_RELAXED, KERNELS_SIMD } from "./generated/kernels.js";

// (v128, v128, v128) -> v128 returning f32x4.relaxed_madd of its arguments: valid only with relaxed SIMD.
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32,
  1, 32, 2, 253, 133, 2, 11,
]);

// (v128, v128) -> v128 returning f32x4.add of its arguments: valid with 128-bit SIMD.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 123, 123, 1, 123, 3, 2, 1, 0, 10, 11, 1, 9, 0, 32, 0, 32, 1,
  253, 228, 1, 11,
]);

function validates(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/** True when the engine runs 128-bit WebAssembly SIMD. */
export function simdSupported(): boolean {
  return validates(SIMD_PROBE);
}

/**
 * True when the relaxed-SIMD build will be used: the engine validates relaxed SIMD (current browsers; Node 20
 * with `--experimental-wasm-relaxed-simd`) and `CHAINRULE_WASM_RELAXED=0` does not turn it off.
 */
export function relaxedSimdSupported(): boolean {
  return envVar("CHAINRULE_WASM_RELAXED") !== "0" && validates(RELAXED_PROBE);
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The bytes of the build this engine should run. */
export function kernelBytes(relaxed = relaxedSimdSupported()): Uint8Array<ArrayBuffer> {
  return decodeBase64(relaxed ? KERNELS_RELAXED : KERNELS_SIMD);
}

// The module's one import, `env.memory`, as it is encoded: its limits flags follow (0x03: has a maximum,
// shared; 0x01: has a maximum).
const MEMORY_IMPORT = [3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2];

/**
 * The same module importing an unshared memory: for hosts without SharedArrayBuffer (browser pages that are
 * not cross-origin isolated), which then run the kernels on one thread. The kernels use no atomics, so only
 * the import's shared flag changes.
 */
export function unsharedVariant(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const out = bytes.slice();
  for (let i = 8; i + MEMORY_IMPORT.length < out.length; i++) {
    let match = true;
    for (let j = 0; j < MEMORY_IMPORT.length && match; j++) match = out[i + j] === MEMORY_IMPORT[j];
    if (match) {
      out[i + MEMORY_IMPORT.length] &= ~0x02;
      return out;
    }
  }
  throw new Error("wasm backend: the kernel module has no env.memory import");
}

/** A compiled kernel module: relaxed-SIMD build or not, importing a shared memory or not. */
export interface CompiledKernels {
  module: WebAssembly.Module;
  relaxed: boolean;
  shared: boolean;
}

function bytesFor(relaxed: boolean, shared: boolean): Uint8Array<ArrayBuffer> {
  const bytes = kernelBytes(relaxed);
  return shared ? bytes : unsharedVariant(bytes);
}

/** Compiles synchronously; throws where the host forbids it (large modules on some browsers' main thread). */
export function compileKernelsSync(): CompiledKernels {
  const relaxed = relaxedSimdSupported();
  const shared = sharedMemoryAvailable();
  return { module: new WebAssembly.Module(bytesFor(relaxed, shared)), relaxed, shared };
}

/** Compiles without blocking the thread (works everywhere WebAssembly does). */
export async function compileKernels(): Promise<CompiledKernels> {
  const relaxed = relaxedSimdSupported();
  const shared = sharedMemoryAvailable();
  return { module: await WebAssembly.compile(bytesFor(relaxed, shared)), relaxed, shared };
}
