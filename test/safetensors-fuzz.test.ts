// Fuzzes the safetensors reader with thousands of seeded mutations of small valid files. Every file must
// either decode (exactly when an independent, deliberately simple validator says it is valid) or throw a
// ChainruleError; never another exception, never a result larger than the file warrants.

import { ChainruleError, decodeSafetensors, encodeSafetensors, Tensor, tensor } from "chainrule";
import { describe, expect, it } from "vitest";

/** mulberry32: a small seeded generator, so every run fuzzes the same files. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BITS: Record<string, number> = {
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
const READABLE = new Set(["F32", "F64", "F16", "BF16", "BOOL", "U8", "I8", "U16", "I16", "I32", "U32"]);

type Verdict = "valid" | "invalid" | "unsupported";

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The format's rules, written independently of the reader (BigInt arithmetic, one pass). */
function referenceVerdict(bytes: Uint8Array): Verdict {
  if (bytes.length < 8) return "invalid";
  let n = 0n;
  for (let i = 7; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  if (n < 2n || n > 100_000_000n || n > BigInt(bytes.length - 8)) return "invalid";
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + Number(n))),
    );
  } catch {
    return "invalid";
  }
  if (!isPlainObject(header)) return "invalid";
  const dataLength = BigInt(bytes.length - 8) - n;
  const spans: [bigint, bigint][] = [];
  let unsupported = false;
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (!isPlainObject(info) || !Object.values(info).every((v) => typeof v === "string")) return "invalid";
      continue;
    }
    if (!isPlainObject(info)) return "invalid";
    const { dtype, shape, data_offsets: offsets } = info;
    if (typeof dtype !== "string" || !Object.hasOwn(BITS, dtype)) return "invalid";
    const isIndex = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
    if (!Array.isArray(shape) || !shape.every(isIndex)) return "invalid";
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) return "invalid";
    const [b, e] = offsets.map((x) => BigInt(x as number));
    if (b > e || e > dataLength) return "invalid";
    const bits = shape.reduce((p: bigint, d) => p * BigInt(d as number), 1n) * BigInt(BITS[dtype]);
    if (bits % 8n !== 0n || bits / 8n !== e - b) return "invalid";
    spans.push([b, e]);
    if (!READABLE.has(dtype)) unsupported = true;
  }
  spans.sort((x, y) => (x[0] === y[0] ? (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) : x[0] < y[0] ? -1 : 1));
  let position = 0n;
  for (const [b, e] of spans) {
    if (b !== position) return "invalid";
    position = e;
  }
  if (position !== dataLength) return "invalid";
  return unsupported ? "unsupported" : "valid";
}

/** A file from a header object (or raw header text) and data, with an optional pad to 8 bytes. */
function assemble(header: unknown, data: Uint8Array, pad: boolean): Uint8Array {
  let text = typeof header === "string" ? header : JSON.stringify(header);
  if (pad) text += " ".repeat((8 - (text.length % 8)) % 8);
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function split(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return {
    header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))),
    data: bytes.slice(8 + n),
  };
}

function bases(): Uint8Array[] {
  const f16 = new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b]);
  const i32 = new Uint8Array(new Int32Array([-5, 7]).buffer);
  const data = new Uint8Array(f16.length + i32.length);
  data.set(f16);
  data.set(i32, f16.length);
  return [
    encodeSafetensors(
      {
        "0.weight": tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        "0.bias": tensor([0.5, -0.5]),
        "2.weight": tensor([[1, -1]], { dtype: "float64" }),
      },
      { format: "pt" },
    ),
    encodeSafetensors({ s: tensor(2.5), e: Tensor._fromStorage(new Float32Array(0), [0, 3]) }),
    assemble(
      {
        h: { dtype: "F16", shape: [3], data_offsets: [0, 6] },
        i: { dtype: "I32", shape: [2], data_offsets: [6, 14] },
      },
      data,
      false,
    ),
  ];
}

const DTYPES: unknown[] = [...Object.keys(BITS), "F33", "", "f32", "F32 ", 5, null, ["F32"]];
const SHAPES: unknown[] = [
  [],
  [0],
  [1],
  [2],
  [3],
  [6],
  [2, 3],
  [3, 2],
  [-1],
  [1.5],
  [2 ** 53],
  [2 ** 40, 2 ** 40],
  [2 ** 60, 0],
  ["2"],
  [[2]],
  null,
  3,
  "3",
  [0, 2 ** 53 - 1],
  [1, 1, 1, 1, 6],
  new Array(200).fill(1),
];

/** One random edit of a parsed header (may make it valid or not). */
function editHeader(header: Record<string, unknown>, rand: () => number, dataLength: number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const names = Object.keys(header).filter((k) => k !== "__metadata__");
  const name = names.length > 0 ? pick(names) : "x";
  const entry = isPlainObject(header[name]) ? { ...(header[name] as Record<string, unknown>) } : {};
  const [b, e] = Array.isArray(entry.data_offsets) ? (entry.data_offsets as number[]) : [0, 0];
  const otherEntry = names.length > 0 ? header[pick(names)] : null;
  const other = isPlainObject(otherEntry) ? otherEntry.data_offsets : [0, 4];
  const out: Record<string, unknown> = { ...header };
  switch (Math.floor(rand() * 12)) {
    case 0:
      entry.dtype = pick(DTYPES);
      break;
    case 1:
      entry.shape = pick(SHAPES);
      break;
    case 2:
      entry.data_offsets = pick([
        [e, b],
        [b, e + 1],
        [b - 1, e],
        [b + 4, e + 4],
        [b - 4, e - 4],
        [0, 2 ** 64],
        [-1, e],
        [b, 1.5],
        [b],
        [b, e, 0],
        null,
        "0,4",
        [b, dataLength + 1],
        other,
        [0, 0],
        [dataLength, dataLength],
        [b, 2 ** 53],
      ]);
      break;
    case 3:
      delete entry[pick(["dtype", "shape", "data_offsets"])];
      break;
    case 4:
      entry[pick(["extra", "dtypes", "__proto__x"])] = pick([1, "x", null]);
      break;
    case 5:
      delete out[name];
      return out;
    case 6:
      out[`${name}_copy`] = entry;
      return out;
    case 7:
      out.__metadata__ = pick([[1], { a: 1 }, "x", null, { a: "b" }, {}, { k: ["v"] }]);
      return out;
    case 8:
      return pick([[], 3, "x", null, true, [header]]);
    case 9:
      out[name] = pick([3, "x", null, [], [entry]]);
      return out;
    case 10: {
      // Swap two tensors' offsets: stays valid only when their sizes agree.
      const second = pick(names);
      if (isPlainObject(header[second])) {
        out[second] = { ...(header[second] as Record<string, unknown>), data_offsets: entry.data_offsets };
        entry.data_offsets = (header[second] as Record<string, unknown>).data_offsets;
      }
      break;
    }
    default:
      entry.shape = Array.isArray(entry.shape)
        ? (entry.shape as number[]).map((d, i) => (i === 0 ? d + pick([-1, 1, 2]) : d))
        : [1];
  }
  out[name] = entry;
  return out;
}

describe("safetensors reader under fuzzing", () => {
  it("decodes every mutated file validly or throws a ChainruleError, agreeing with an independent validator", () => {
    const rand = generator(20240607);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
    const files = bases();
    const counts = { cases: 0, decoded: 0, rejected: 0 };
    const kinds: Record<string, number> = {};

    const check = (bytes: Uint8Array, kind: string): void => {
      counts.cases++;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      const verdict = referenceVerdict(bytes);
      let result: ReturnType<typeof decodeSafetensors> | null = null;
      try {
        result = decodeSafetensors(bytes);
      } catch (e) {
        if (!(e instanceof ChainruleError)) {
          throw new Error(
            `${kind} case ${counts.cases}: threw ${(e as Error)?.name}: ${(e as Error)?.message}`,
          );
        }
        if (verdict === "valid") {
          throw new Error(`${kind} case ${counts.cases}: rejected a valid file: ${(e as Error).message}`);
        }
        counts.rejected++;
        return;
      }
      if (verdict !== "valid")
        throw new Error(`${kind} case ${counts.cases}: accepted a file the validator calls ${verdict}`);
      counts.decoded++;
      let storageBytes = 0;
      for (const t of Object.values(result.tensors)) {
        expect(t.size).toBe(t.shape.reduce((p, d) => p * d, 1));
        storageBytes += t._storage.byteLength;
      }
      // The widest conversion (BOOL/U8/I8 to float32) makes 4 bytes of one: nothing beyond that is allocated.
      expect(storageBytes).toBeLessThanOrEqual(4 * bytes.length);
    };

    for (const base of files) check(base, "base");
    // Truncation at every length.
    for (const base of files) for (let n = 0; n < base.length; n++) check(base.slice(0, n), "truncate");
    // Header length field set to interesting and random values.
    for (const base of files) {
      const n = Number(new DataView(base.buffer).getBigUint64(0, true));
      const values = [
        0n,
        1n,
        2n,
        3n,
        7n,
        BigInt(n - 1),
        BigInt(n + 1),
        BigInt(base.length - 8),
        BigInt(base.length - 7),
        100_000_000n,
        100_000_001n,
        2n ** 32n,
        2n ** 53n + 1n,
        2n ** 63n,
        2n ** 64n - 1n,
      ];
      for (let k = 0; k < 60; k++)
        values.push(BigInt(Math.floor(rand() * 2 ** 32)) * BigInt(Math.floor(rand() * 2 ** 32)));
      for (const v of values) {
        const copy = base.slice();
        new DataView(copy.buffer).setBigUint64(0, v, true);
        check(copy, "length");
      }
    }
    // Bit flips, half of them inside the header.
    for (let k = 0; k < 2500; k++) {
      const copy = pick(files).slice();
      const flips = 1 + Math.floor(rand() * 3);
      for (let f = 0; f < flips; f++) {
        const n = Number(new DataView(copy.buffer).getBigUint64(0, true));
        const limit = rand() < 0.5 ? Math.min(copy.length, 8 + n) : copy.length;
        const at = Math.floor(rand() * limit);
        copy[at] ^= 1 << Math.floor(rand() * 8);
      }
      check(copy, "bitflip");
    }
    // Structured edits of the JSON header (one to three), re-serialised with a consistent length.
    for (let k = 0; k < 3000; k++) {
      const { header, data } = split(pick(files));
      let edited: unknown = header;
      const edits = 1 + Math.floor(rand() * 3);
      for (let j = 0; j < edits && isPlainObject(edited); j++) edited = editHeader(edited, rand, data.length);
      let text = JSON.stringify(edited) ?? "null";
      if (rand() < 0.1) text = text.replace(/\d+/, pick(["1e400", "-0", "1.0", "00", "1e3", "0x10"]));
      if (rand() < 0.03) text = `\ufeff${text}`;
      let body = data;
      if (rand() < 0.1)
        body =
          rand() < 0.5
            ? data.slice(0, Math.max(0, data.length - 1 - Math.floor(rand() * 4)))
            : new Uint8Array([...data, 0, 0, 0, 0]);
      check(assemble(text, body, rand() < 0.5), "json");
    }
    // Random character edits of the header text, length kept consistent so the JSON parser sees them.
    for (let k = 0; k < 1500; k++) {
      const { header, data } = split(pick(files));
      const chars = [...JSON.stringify(header)];
      const edits = 1 + Math.floor(rand() * 4);
      for (let j = 0; j < edits; j++) {
        const at = Math.floor(rand() * chars.length);
        const c = pick([...'{}[]",:0123456789-.e FI', "\u00e9", "\ud83d\ude00"]);
        const op = rand();
        if (op < 0.33) chars.splice(at, 1);
        else if (op < 0.66) chars.splice(at, 0, c);
        else chars[at] = c;
      }
      check(assemble(chars.join(""), data, rand() < 0.5), "text");
    }

    expect(counts.cases).toBeGreaterThan(7500);
    // The mutations must exercise both outcomes, or the test would prove little.
    expect(counts.decoded).toBeGreaterThan(300);
    expect(counts.rejected).toBeGreaterThan(6000);
    console.log(
      `safetensors fuzz: ${counts.cases} files, ${counts.decoded} decoded, ${counts.rejected} rejected`,
      kinds,
    );
  });
});
