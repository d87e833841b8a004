// The safetensors element types: their sizes, and how the readable ones become float32/float64 storage.

import type { DType, Storage } from "../dtype.js";
import { ValueError } from "../errors.js";

/** The element type names of the safetensors format (`"F32"`, `"BF16"`, ...). */
export type SafetensorsDType =
  | "BOOL"
  | "U8"
  | "I8"
  | "F8_E5M2"
  | "F8_E4M3"
  | "F8_E8M0"
  | "F4"
  | "F6_E2M3"
  | "F6_E3M2"
  | "I16"
  | "U16"
  | "F16"
  | "BF16"
  | "I32"
  | "U32"
  | "F32"
  | "F64"
  | "I64"
  | "U64"
  | "C64";

/** Bits per element of every dtype the format defines (sub-byte types pack several elements per byte). */
export const DTYPE_BITS: Readonly<Record<SafetensorsDType, number>> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  F64: 64,
  I64: 64,
  U64: 64,
  C64: 64,
};

/** True for a dtype name the format defines. */
export function isSafetensorsDType(value: unknown): value is SafetensorsDType {
  return typeof value === "string" && Object.hasOwn(DTYPE_BITS, value);
}

/**
 * The dtype chainrule reads each element type into. F32/F64 are read as they are; the others listed are
 * converted exactly (every value is representable): F16, BF16 and the small integers to float32, I32 and
 * U32 to float64. Types missing here (I64, U64, the 8-, 6- and 4-bit floats, C64) cannot be read.
 */
export const READ_AS: Readonly<Partial<Record<SafetensorsDType, DType>>> = {
  F32: "float32",
  F64: "float64",
  F16: "float32",
  BF16: "float32",
  BOOL: "float32",
  U8: "float32",
  I8: "float32",
  U16: "float32",
  I16: "float32",
  I32: "float64",
  U32: "float64",
};

/** The safetensors name of a chainrule dtype. */
export function safetensorsDTypeOf(dtype: DType): "F32" | "F64" {
  return dtype === "float64" ? "F64" : "F32";
}

/** True when typed arrays use little-endian byte order (the format's), so bytes can be copied directly. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** IEEE half precision bits to a number (exact: every half is a float32). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero or subnormal
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * Reads `count` elements of `dtype` from `bytes` (little-endian, any alignment) into new storage of the
 * dtype given by {@link READ_AS}. The caller has checked that `bytes` holds exactly `count` elements.
 */
export function readElements(dtype: SafetensorsDType, bytes: Uint8Array, count: number): Storage {
  const target = READ_AS[dtype];
  if (target === undefined) throw new ValueError("safetensors", `no reader for dtype ${dtype}`); // callers check first
  // slice() copies into a fresh, aligned buffer, so the result never aliases the file's bytes.
  if ((dtype === "F32" || dtype === "F64") && LITTLE_ENDIAN) {
    const copy = bytes.slice().buffer;
    return dtype === "F32" ? new Float32Array(copy, 0, count) : new Float64Array(copy, 0, count);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = target === "float64" ? new Float64Array(count) : new Float32Array(count);
  switch (dtype) {
    case "F32":
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case "F64":
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      break;
    case "F16":
      for (let i = 0; i < count; i++) out[i] = halfToNumber(view.getUint16(2 * i, true));
      break;
    case "BF16": {
      // bfloat16 is the top half of a float32's bits.
      const bits = new Uint32Array(1);
      const asFloat = new Float32Array(bits.buffer);
      for (let i = 0; i < count; i++) {
        bits[0] = view.getUint16(2 * i, true) << 16;
        out[i] = asFloat[0];
      }
      break;
    }
    case "BOOL":
      for (let i = 0; i < count; i++) out[i] = view.getUint8(i) === 0 ? 0 : 1;
      break;
    case "U8":
      for (let i = 0; i < count; i++) out[i] = view.getUint8(i);
      break;
    case "I8":
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      break;
    case "U16":
      for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, true);
      break;
    case "I16":
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, true);
      break;
    case "U32":
      for (let i = 0; i < count; i++) out[i] = view.getUint32(4 * i, true);
      break;
    case "I32":
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
      break;
  }
  return out;
}

/** The little-endian bytes of `storage`, copied into `out` at `offset`. */
export function writeElements(storage: Storage, out: Uint8Array, offset: number): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(storage.buffer, storage.byteOffset, storage.byteLength), offset);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + offset, storage.byteLength);
  if (storage instanceof Float64Array) {
    for (let i = 0; i < storage.length; i++) view.setFloat64(8 * i, storage[i], true);
  } else {
    for (let i = 0; i < storage.length; i++) view.setFloat32(4 * i, storage[i], true);
  }
}
