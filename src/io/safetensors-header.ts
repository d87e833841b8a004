// Reads and validates a safetensors header, treating every number in it as hostile, before any tensor is allocated.

import { describeValue, TypeMismatchError, ValueError } from "../errors.js";
import { DTYPE_BITS, isSafetensorsDType, type SafetensorsDType } from "./safetensors-dtypes.js";

/** The largest header accepted, in bytes (the reference implementation's limit). */
export const MAX_HEADER_LENGTH = 100_000_000;

/** One tensor as a safetensors header describes it. */
export interface SafetensorsEntry {
  /** The tensor's name (its key in the header). */
  name: string;
  /** The stored element type. */
  dtype: SafetensorsDType;
  /** The shape, outermost dimension first. */
  shape: number[];
  /** Element count (the product of `shape`). */
  size: number;
  /** `[begin, end)` in bytes, relative to the start of the data section. */
  dataOffsets: [number, number];
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** Every tensor, in the order of their data (by `dataOffsets`). */
  entries: SafetensorsEntry[];
  /** The `__metadata__` strings, or `null` when the header has none. */
  metadata: Record<string, string> | null;
  /** Byte offset of the data section in the file: 8 + the header length. */
  dataStart: number;
}

/** Where an error is reported: the op name and the file (or other source) being read. */
export interface ReadContext {
  op: string;
  source?: string;
}

/** Builds the error for a problem in the file, naming the source when there is one. */
export function formatError(ctx: ReadContext, message: string): ValueError {
  return new ValueError(ctx.op, ctx.source === undefined ? message : `${ctx.source}: ${message}`);
}

/** A received JSON value, briefly, for an error message. */
export function describeJson(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = describeValue(value);
  }
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses the header of the safetensors file in `bytes` and checks it completely: the length field against
 * the file and the 100 MB cap, UTF-8, JSON, every entry's dtype, shape and offsets, and that the tensors
 * cover the data section exactly, without overlaps or gaps. Throws a `ValueError` naming the problem;
 * allocates nothing in proportion to a number read from the file.
 */
export function parseHeader(bytes: Uint8Array, ctx: ReadContext): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeMismatchError(
      ctx.op,
      `expected the file's bytes as a Uint8Array, got ${describeValue(bytes)}`,
    );
  }
  if (bytes.length < 8) {
    throw formatError(
      ctx,
      `expected at least 8 bytes (the header length field), got ${bytes.length}; the file is truncated`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength < 2n) {
    throw formatError(ctx, `expected a header length of at least 2 bytes, got ${headerLength}`);
  }
  if (headerLength > BigInt(MAX_HEADER_LENGTH)) {
    throw formatError(
      ctx,
      `expected a header length of at most ${MAX_HEADER_LENGTH} bytes, got ${headerLength}; the file is corrupt or not a safetensors file`,
    );
  }
  const n = Number(headerLength);
  if (n > bytes.length - 8) {
    throw formatError(
      ctx,
      `expected a header length of at most ${bytes.length - 8} bytes (what follows the length field), got ${n}; the file is truncated or corrupt`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw formatError(ctx, "expected the header to be UTF-8 text, got invalid bytes");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw formatError(ctx, `expected the header to be JSON, got a syntax error (${(e as Error).message})`);
  }
  if (!isObject(json)) {
    throw formatError(ctx, `expected the header to be a JSON object, got ${describeJson(json)}`);
  }
  const dataLength = bytes.length - 8 - n;
  let metadata: Record<string, string> | null = null;
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === "__metadata__") metadata = checkMetadata(value, ctx);
    else entries.push(checkEntry(name, value, dataLength, ctx));
  }
  checkCoverage(entries, dataLength, ctx);
  return { entries, metadata, dataStart: 8 + n };
}

function checkMetadata(value: unknown, ctx: ReadContext): Record<string, string> {
  if (!isObject(value)) {
    throw formatError(ctx, `expected "__metadata__" to be an object of strings, got ${describeJson(value)}`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") {
      throw formatError(
        ctx,
        `expected "__metadata__" to be an object of strings, got ${describeJson(v)} for key ${JSON.stringify(key)}`,
      );
    }
  }
  return Object.fromEntries(Object.entries(value as Record<string, string>));
}

function checkEntry(name: string, value: unknown, dataLength: number, ctx: ReadContext): SafetensorsEntry {
  const where = `tensor ${JSON.stringify(name)}`;
  if (!isObject(value)) {
    throw formatError(
      ctx,
      `${where}: expected an object with dtype, shape and data_offsets, got ${describeJson(value)}`,
    );
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (!isSafetensorsDType(dtype)) {
    throw formatError(
      ctx,
      `${where}: expected dtype to be one of ${Object.keys(DTYPE_BITS).join(", ")}, got ${describeJson(dtype)}`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw formatError(
      ctx,
      `${where}: expected shape to be an array of non-negative integers, got ${describeJson(shape)}`,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1] ||
    offsets[1] > dataLength
  ) {
    const pastEnd =
      Array.isArray(offsets) &&
      offsets.length === 2 &&
      typeof offsets[1] === "number" &&
      offsets[1] > dataLength;
    throw formatError(
      ctx,
      `${where}: expected data_offsets to be [begin, end] with 0 <= begin <= end <= ${dataLength} (the data section's length), got ${describeJson(offsets)}${pastEnd ? "; the file is truncated or the header is corrupt" : ""}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  const bits = DTYPE_BITS[dtype];
  const spanError = () => {
    // The exact element count for the message, capped so an absurd shape cannot make the product huge.
    let count = 1n;
    for (const d of shape as number[]) {
      count *= BigInt(d);
      if (count > 2n ** 64n) break;
    }
    const elements = count > 2n ** 64n ? "more than 2^64" : String(count);
    const bytes = count > 2n ** 64n ? "more than 2^64" : String((count * BigInt(bits) + 7n) / 8n);
    return formatError(
      ctx,
      `${where}: expected data_offsets spanning ${bytes} bytes (${elements} ${dtype} elements of shape ${describeJson(shape)}), got ${describeJson(offsets)} spanning ${end - begin}`,
    );
  };
  // Elements that fit in the span: a larger count is rejected before the product can overflow.
  const capacity = Math.floor(((end - begin) * 8) / bits);
  let size = 1;
  if (!shape.includes(0)) {
    for (const d of shape as number[]) {
      if (size > capacity / d) throw spanError();
      size *= d;
    }
  } else size = 0;
  if ((size * bits) % 8 !== 0) {
    throw formatError(
      ctx,
      `${where}: expected a whole number of bytes, got ${size} ${dtype} elements of ${bits} bits`,
    );
  }
  if (end - begin !== (size * bits) / 8) throw spanError();
  return { name, dtype, shape: [...(shape as number[])], size, dataOffsets: [begin, end] };
}

/** Sorts the entries by offset and checks that they tile the data section exactly. */
function checkCoverage(entries: SafetensorsEntry[], dataLength: number, ctx: ReadContext): void {
  entries.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let covered = 0;
  let previous: SafetensorsEntry | null = null;
  for (const entry of entries) {
    const [begin, end] = entry.dataOffsets;
    const where = `tensor ${JSON.stringify(entry.name)}`;
    if (begin < covered && previous !== null) {
      throw formatError(
        ctx,
        `${where}: expected data_offsets that overlap no other tensor, got [${begin}, ${end}], which overlaps tensor ${JSON.stringify(previous.name)} at ${describeJson(previous.dataOffsets)}`,
      );
    }
    if (begin > covered) {
      const after =
        previous === null
          ? "at the start of the data section"
          : `after tensor ${JSON.stringify(previous.name)}`;
      throw formatError(
        ctx,
        `${where}: expected data_offsets starting at byte ${covered}, got [${begin}, ${end}], which leaves bytes ${covered}..${begin} unused ${after}`,
      );
    }
    covered = end;
    if (end > begin) previous = entry;
  }
  if (covered !== dataLength) {
    throw formatError(
      ctx,
      `expected the tensors to cover the data section's ${dataLength} bytes, got ${covered} covered; the file has ${dataLength - covered} trailing bytes`,
    );
  }
}
