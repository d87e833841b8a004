// The safetensors format (Hugging Face's tensor files), bytes in and bytes out: works in browsers and Node.

import { Tensor } from "../core.js";
import { describeValue, TypeMismatchError, ValueError } from "../errors.js";
import {
  READ_AS,
  readElements,
  type SafetensorsDType,
  safetensorsDTypeOf,
  writeElements,
} from "./safetensors-dtypes.js";
import { formatError, parseHeader, type ReadContext, type SafetensorsHeader } from "./safetensors-header.js";

export type { SafetensorsDType } from "./safetensors-dtypes.js";
export type { SafetensorsEntry, SafetensorsHeader } from "./safetensors-header.js";

/** Options of {@link decodeSafetensors} and {@link readSafetensorsHeader}. */
export interface DecodeSafetensorsOptions {
  /** A name for the bytes (usually the file path), put at the start of error messages. */
  source?: string;
  /**
   * Whether to read the element types that are not F32/F64 by converting them exactly: F16, BF16, BOOL,
   * U8, I8, U16 and I16 to float32, I32 and U32 to float64 (default `true`). With `false` any dtype but
   * F32 and F64 is an error. I64, U64, C64 and the 8-, 6- and 4-bit floats are always an error.
   */
  convert?: boolean;
}

/** What {@link decodeSafetensors} returns. */
export interface DecodedSafetensors {
  /** The tensors by name, each with its own copy of the data (none shares the input's memory). */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` strings (an empty object when the file has none). */
  metadata: Record<string, string>;
  /** The dtype each tensor was stored with, before any conversion (`"F32"`, `"BF16"`, ...). */
  dtypes: Record<string, SafetensorsDType>;
}

const ENCODE = "encodeSafetensors";
const DECODE = "decodeSafetensors";

/**
 * Writes tensors (float32 as `F32`, float64 as `F64`) and optional metadata strings in the safetensors
 * format: an 8-byte little-endian header length, a JSON header padded with spaces to a multiple of 8 bytes,
 * then the data. As the reference writer does, tensors are laid out largest element type first, then by
 * name, so every tensor starts at a multiple of its element size. Gradients and `requiresGrad` are not saved.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ w: tensor([[1, 2], [3, 4]]) }, { note: "hello" });
 * decodeSafetensors(bytes).tensors.w.toArray(); // [[1, 2], [3, 4]]
 * ```
 */
export function encodeSafetensors(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  if (
    typeof tensors !== "object" ||
    tensors === null ||
    Array.isArray(tensors) ||
    tensors instanceof Tensor
  ) {
    throw new TypeMismatchError(ENCODE, `expected an object of tensors, got ${describeValue(tensors)}`);
  }
  const named = Object.entries(tensors);
  for (const [name, t] of named) {
    if (name === "__metadata__") {
      throw new ValueError(
        ENCODE,
        `expected tensor names other than "__metadata__" (reserved), got "__metadata__"`,
      );
    }
    if (!(t instanceof Tensor)) {
      throw new TypeMismatchError(
        ENCODE,
        `expected a Tensor for ${JSON.stringify(name)}, got ${describeValue(t)}`,
      );
    }
  }
  if (metadata !== undefined) {
    if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
      throw new TypeMismatchError(
        ENCODE,
        `expected metadata to be an object of strings, got ${describeValue(metadata)}`,
      );
    }
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== "string") {
        throw new TypeMismatchError(
          ENCODE,
          `expected metadata to be an object of strings, got ${describeValue(value)} for key ${JSON.stringify(key)}`,
        );
      }
    }
  }
  const itemSize = (t: Tensor): number => (t.dtype === "float64" ? 8 : 4);
  named.sort(([a, ta], [b, tb]) => itemSize(tb) - itemSize(ta) || (a < b ? -1 : a > b ? 1 : 0));
  // Built by hand so keys keep this order (an object would move integer-like names to the front).
  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const [name, t] of named) {
    const end = offset + t._storage.byteLength;
    const info = { dtype: safetensorsDTypeOf(t.dtype), shape: t.shape, data_offsets: [offset, end] };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // space padding keeps the data 8-byte aligned
  let at = 8 + headerLength;
  for (const [, t] of named) {
    writeElements(t._storage, out, at);
    at += t._storage.byteLength;
  }
  return out;
}

/**
 * Reads and validates the header of a safetensors file without reading any tensor data: the tensors'
 * names, dtypes, shapes and offsets (in data order) and the metadata. Throws a `ValueError` for anything
 * malformed (see {@link decodeSafetensors}).
 *
 * @example
 * ```ts
 * const header = readSafetensorsHeader(bytes);
 * header.entries.map((e) => [e.name, e.dtype, e.shape]); // [["w", "F32", [2, 2]]]
 * ```
 */
export function readSafetensorsHeader(
  bytes: Uint8Array,
  options: DecodeSafetensorsOptions = {},
): SafetensorsHeader {
  return parseHeader(bytes, contextOf(DECODE, options));
}

/**
 * Reads a safetensors file's bytes into tensors. Everything is validated before any tensor is allocated:
 * the header length (at least 2, at most 100 MB and what the file holds), UTF-8 and JSON, each entry's
 * dtype, shape (non-negative integers whose product fits the data) and `data_offsets` (integers in range,
 * spanning exactly the shape's bytes), and that the tensors cover the data section with no overlap, gap or
 * trailing byte. A problem throws a `ValueError` naming the source and the tensor, e.g.
 * `decodeSafetensors: model.safetensors: tensor "0.weight": expected data_offsets spanning 24 bytes ...`.
 * Element types other than F32/F64 are converted exactly where possible (see {@link DecodeSafetensorsOptions.convert}).
 *
 * @example
 * ```ts
 * const { tensors, metadata } = decodeSafetensors(encodeSafetensors({ b: tensor([1, 2]) }, { a: "1" }));
 * tensors.b.toArray(); // [1, 2]
 * metadata;            // { a: "1" }
 * ```
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  options: DecodeSafetensorsOptions = {},
): DecodedSafetensors {
  return decodeWith(bytes, contextOf(DECODE, options), options.convert ?? true);
}

function contextOf(op: string, options: DecodeSafetensorsOptions): ReadContext {
  if (typeof options !== "object" || options === null) {
    throw new TypeMismatchError(op, `expected an options object, got ${describeValue(options)}`);
  }
  const { source, convert } = options;
  if (source !== undefined && typeof source !== "string") {
    throw new TypeMismatchError(op, `expected source to be a string, got ${describeValue(source)}`);
  }
  if (convert !== undefined && typeof convert !== "boolean") {
    throw new TypeMismatchError(op, `expected convert to be a boolean, got ${describeValue(convert)}`);
  }
  return source === undefined ? { op } : { op, source };
}

/** @internal {@link decodeSafetensors} under another op name (`loadSafetensors`, `loadModel`). */
export function decodeWith(bytes: Uint8Array, ctx: ReadContext, convert: boolean): DecodedSafetensors {
  const header = parseHeader(bytes, ctx);
  // Every dtype is checked before the first tensor is read.
  for (const { name, dtype } of header.entries) {
    const readable = convert ? READ_AS[dtype] !== undefined : dtype === "F32" || dtype === "F64";
    if (!readable) {
      const supported = convert ? Object.keys(READ_AS).join(", ") : "F32, F64";
      throw formatError(
        ctx,
        `tensor ${JSON.stringify(name)}: expected a dtype chainrule can read (${supported}), got ${dtype}${convert ? "" : "; pass { convert: true } to convert it"}`,
      );
    }
  }
  const tensors: [string, Tensor][] = [];
  const dtypes: [string, SafetensorsDType][] = [];
  for (const { name, dtype, shape, size, dataOffsets } of header.entries) {
    const [begin, end] = dataOffsets;
    const data = bytes.subarray(header.dataStart + begin, header.dataStart + end);
    tensors.push([name, Tensor._fromStorage(readElements(dtype, data, size), shape)]);
    dtypes.push([name, dtype]);
  }
  // fromEntries defines own properties, so even a tensor named "__proto__" is kept as data.
  return {
    tensors: Object.fromEntries(tensors),
    metadata: header.metadata ?? {},
    dtypes: Object.fromEntries(dtypes),
  };
}
