// Node-only safetensors files: save (atomically) and load, with every error naming the file.

import type { Tensor } from "../core.js";
import { describeValue, TypeMismatchError } from "../errors.js";
import { readFileOrThrow, writeFileAtomic } from "./atomic-write.js";
import { type DecodedSafetensors, decodeWith, encodeSafetensors } from "./safetensors.js";

/** Options of {@link loadSafetensors}. */
export interface LoadSafetensorsOptions {
  /** Convert F16, BF16, small integer types, I32 and U32 exactly to float32/float64 (default `true`); see `decodeSafetensors`. */
  convert?: boolean;
}

function checkPath(op: string, path: unknown): string {
  if (typeof path !== "string" || path === "") {
    throw new TypeMismatchError(op, `expected a file path (a non-empty string), got ${describeValue(path)}`);
  }
  return path;
}

/**
 * Writes tensors to a `.safetensors` file, atomically (a temporary file renamed into place, so a crash
 * never leaves a half-written file). `nn.Module` weights round-trip exactly with `stateDict()` and
 * `loadStateDict()`; the file also loads in Python with `safetensors.torch.load_file`.
 *
 * @example
 * ```ts
 * import { saveSafetensors, loadSafetensors } from "chainrule/node";
 * saveSafetensors("net.safetensors", net.stateDict(), { epoch: "10" });
 * net.loadStateDict(loadSafetensors("net.safetensors").tensors);
 * ```
 */
export function saveSafetensors(
  path: string,
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): void {
  checkPath("saveSafetensors", path);
  writeFileAtomic("saveSafetensors", path, encodeSafetensors(tensors, metadata));
}

/**
 * Reads a `.safetensors` file, validating it completely before allocating any tensor (see
 * `decodeSafetensors`). Errors name the file and the tensor:
 * `loadSafetensors: net.safetensors: tensor "0.weight": expected data_offsets spanning 24 bytes ...`.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = loadSafetensors("net.safetensors");
 * tensors["0.weight"].shape; // [16, 2]
 * ```
 */
export function loadSafetensors(path: string, options: LoadSafetensorsOptions = {}): DecodedSafetensors {
  const op = "loadSafetensors";
  checkPath(op, path);
  const convert = options?.convert ?? true;
  if (typeof convert !== "boolean") {
    throw new TypeMismatchError(op, `expected convert to be a boolean, got ${describeValue(convert)}`);
  }
  return decodeWith(readFileOrThrow(op, path), { op, source: path }, convert);
}
