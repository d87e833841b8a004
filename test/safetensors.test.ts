// Tests of the safetensors reader and writer: the byte layout, exact round trips, conversions, errors,
// the Node file wrappers, nn.Module state dicts, and a cross-check against an independent Python reader/writer.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ChainruleError,
  decodeSafetensors,
  encodeSafetensors,
  nn,
  readSafetensorsHeader,
  Tensor,
  tensor,
  ValueError,
} from "chainrule";
import { loadSafetensors, saveSafetensors } from "chainrule/node";
import { afterAll, describe, expect, it } from "vitest";

/** Layer `i` of a Sequential, as the Linear it is. */
const lin = (net: nn.Sequential, i: number): nn.Linear => net.at(i) as nn.Linear;

const f64 = { dtype: "float64" as const };
const dir = mkdtempSync(join(tmpdir(), "chainrule-safetensors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The bytes of a storage array, to compare bit patterns (NaN payloads, -0) exactly. */
function bits(t: Tensor): number[] {
  return Array.from(new Uint8Array(t._storage.buffer, t._storage.byteOffset, t._storage.byteLength));
}

/** Builds a safetensors file by hand: header JSON (unpadded unless asked) and data bytes. */
function build(header: unknown, data: number[] | Uint8Array, pad = false): Uint8Array {
  let json = JSON.stringify(header);
  if (pad) json += " ".repeat((8 - (json.length % 8)) % 8);
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

function headerText(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
}

function errorOf(fn: () => unknown): ChainruleError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ChainruleError);
    return e as ChainruleError;
  }
  throw new Error("expected an error");
}

describe("encodeSafetensors", () => {
  it("writes the documented layout: u64 length, space-padded JSON, data in dtype-then-name order", () => {
    const bytes = encodeSafetensors(
      { b: tensor([1, 2, 3]), a: tensor([[0.5, -2]]), z: tensor([7], f64) },
      { source: "test" },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = headerText(bytes);
    expect(text).toMatch(/^\{"__metadata__":\{"source":"test"\},"z":/);
    expect(text.trimEnd().length).toBeGreaterThan(n - 8);
    expect(/ *$/.exec(text)?.[0].length).toBe(n - text.trimEnd().length);
    const header = JSON.parse(text);
    // float64 first (8-byte elements), then float32 by name: every tensor starts at a multiple of its size.
    expect(header.z).toEqual({ dtype: "F64", shape: [1], data_offsets: [0, 8] });
    expect(header.a).toEqual({ dtype: "F32", shape: [1, 2], data_offsets: [8, 16] });
    expect(header.b).toEqual({ dtype: "F32", shape: [3], data_offsets: [16, 28] });
    expect(bytes.length).toBe(8 + n + 28);
    const data = new DataView(bytes.buffer, 8 + n);
    expect(data.getFloat64(0, true)).toBe(7);
    expect([data.getFloat32(8, true), data.getFloat32(12, true)]).toEqual([0.5, -2]);
    expect([16, 20, 24].map((o) => data.getFloat32(o, true))).toEqual([1, 2, 3]);
  });

  it("omits __metadata__ when none is given and writes 0-d and empty tensors", () => {
    const bytes = encodeSafetensors({ s: tensor(3.5), e: Tensor._fromStorage(new Float32Array(0), [0, 4]) });
    const header = JSON.parse(headerText(bytes));
    expect(Object.keys(header)).toEqual(["e", "s"]);
    expect(header.s).toEqual({ dtype: "F32", shape: [], data_offsets: [0, 4] });
    expect(header.e).toEqual({ dtype: "F32", shape: [0, 4], data_offsets: [0, 0] });
    const back = decodeSafetensors(bytes);
    expect(back.tensors.s.shape).toEqual([]);
    expect(back.tensors.s.item()).toBe(3.5);
    expect(back.tensors.e.shape).toEqual([0, 4]);
    expect(back.metadata).toEqual({});
  });

  it("rejects what it cannot write, naming the key", () => {
    expect(() => encodeSafetensors({ w: [1, 2] as unknown as Tensor })).toThrow(
      'encodeSafetensors: expected a Tensor for "w", got an array of length 2',
    );
    expect(() => encodeSafetensors({ __metadata__: tensor([1]) })).toThrow(/reserved/);
    expect(() => encodeSafetensors({}, { n: 3 as unknown as string })).toThrow(
      'encodeSafetensors: expected metadata to be an object of strings, got 3 for key "n"',
    );
    expect(() => encodeSafetensors(null as unknown as Record<string, Tensor>)).toThrow(ChainruleError);
  });
});

describe("decodeSafetensors", () => {
  it("round-trips float32 and float64 bit for bit, including -0, infinities, subnormals and NaN payloads", () => {
    const f32 = new Float32Array([
      0,
      -0,
      1.5,
      -3.25e-39,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      3.4e38,
    ]);
    const nan32 = new Uint32Array([0x7fc00001]); // a NaN with a payload
    const g32 = new Float32Array(8);
    g32.set(f32);
    new Uint32Array(g32.buffer)[7] = nan32[0];
    const g64 = Float64Array.from([Math.PI, -0, 5e-324, -1e308, Number.NaN, 1 / 3]);
    new Uint32Array(g64.buffer)[9] = 0x7ff80000 | 0x123; // NaN with a payload in the high word
    const a = Tensor._fromStorage(g32, [2, 4]);
    const b = Tensor._fromStorage(g64, [3, 2]);
    const back = decodeSafetensors(encodeSafetensors({ a, b }));
    expect(back.tensors.a.dtype).toBe("float32");
    expect(back.tensors.b.dtype).toBe("float64");
    expect(back.tensors.a.shape).toEqual([2, 4]);
    expect(bits(back.tensors.a)).toEqual(bits(a));
    expect(bits(back.tensors.b)).toEqual(bits(b));
    expect(back.dtypes).toEqual({ a: "F32", b: "F64" });
  });

  it("reads an unpadded file whose data is not aligned, and copies the data out of the input", () => {
    // A metadata value long enough to put the data at an odd offset: float64 cannot be viewed in place there.
    let note = "";
    let bytes: Uint8Array;
    const data = new Uint8Array(new Float64Array([1.25, -7]).buffer);
    do {
      note += "v";
      bytes = build(
        { x: { dtype: "F64", shape: [2], data_offsets: [0, 16] }, __metadata__: { k: note } },
        data,
      );
    } while ((bytes.length - 16) % 2 === 0);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(tensors.x.toArray()).toEqual([1.25, -7]);
    expect(metadata).toEqual({ k: note });
    bytes.fill(0);
    expect(tensors.x.toArray()).toEqual([1.25, -7]);
  });

  it("converts F16, BF16 and integer dtypes exactly, and refuses them with convert: false", () => {
    const half = new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7bff, 0x7c00, 0x8000, 0x3555]); // 1, -2, 2^-24, 65504, inf, -0, 0.33325
    const bf16 = new Uint16Array([0x3f80, 0xc0a0, 0x7f80]); // 1, -5, inf
    const i8 = new Int8Array([-128, 127, 0]);
    const u16 = new Uint16Array([65535, 1]);
    const i32 = new Int32Array([-2147483648, 2147483647]);
    const u32 = new Uint32Array([4294967295]);
    const bool = new Uint8Array([0, 1, 2]);
    const parts: [string, string, ArrayBufferView, number[]][] = [
      ["h", "F16", half, [7]],
      ["g", "BF16", bf16, [3]],
      ["i", "I8", i8, [3]],
      ["u", "U16", u16, [2]],
      ["j", "I32", i32, [2]],
      ["k", "U32", u32, [1]],
      ["b", "BOOL", bool, [3]],
    ];
    const header: Record<string, unknown> = {};
    const chunks: number[] = [];
    for (const [name, dtype, view, shape] of parts) {
      const raw = Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
      header[name] = { dtype, shape, data_offsets: [chunks.length, chunks.length + raw.length] };
      chunks.push(...raw);
    }
    const bytes = build(header, chunks);
    const { tensors, dtypes } = decodeSafetensors(bytes);
    expect(tensors.h.dtype).toBe("float32");
    expect(Array.from(tensors.h._storage)).toEqual([
      1,
      -2,
      2 ** -24,
      65504,
      Number.POSITIVE_INFINITY,
      -0,
      0.333251953125,
    ]);
    expect(Object.is(tensors.h._storage[5], -0)).toBe(true);
    expect(Array.from(tensors.g._storage)).toEqual([1, -5, Number.POSITIVE_INFINITY]);
    expect(Array.from(tensors.i._storage)).toEqual([-128, 127, 0]);
    expect(Array.from(tensors.u._storage)).toEqual([65535, 1]);
    expect(tensors.j.dtype).toBe("float64");
    expect(Array.from(tensors.j._storage)).toEqual([-2147483648, 2147483647]);
    expect(Array.from(tensors.k._storage)).toEqual([4294967295]);
    expect(Array.from(tensors.b._storage)).toEqual([0, 1, 1]);
    expect(dtypes.h).toBe("F16");
    expect(() => decodeSafetensors(bytes, { convert: false })).toThrow(
      'decodeSafetensors: tensor "h": expected a dtype chainrule can read (F32, F64), got F16; pass { convert: true } to convert it',
    );
  });

  it("refuses dtypes it cannot represent exactly, after checking the layout", () => {
    const bytes = build({ big: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, new Array(8).fill(0));
    expect(() => decodeSafetensors(bytes, { source: "w.safetensors" })).toThrow(
      /^decodeSafetensors: w\.safetensors: tensor "big": expected a dtype chainrule can read \(F32, F64, F16, BF16, .*\), got I64$/,
    );
    // F4 packs two elements a byte: 3 elements are not a whole number of bytes.
    const f4 = build({ q: { dtype: "F4", shape: [3], data_offsets: [0, 2] } }, [0, 0]);
    expect(() => decodeSafetensors(f4)).toThrow(
      'tensor "q": expected a whole number of bytes, got 3 F4 elements of 4 bits',
    );
  });

  it("keeps a tensor named __proto__ as data", () => {
    const bytes = build(
      { ["__proto__"]: { dtype: "F32", shape: [1], data_offsets: [0, 4] } },
      [0, 0, 128, 63],
    );
    const { tensors } = decodeSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    const own = Object.getOwnPropertyDescriptor(tensors, "__proto__") as PropertyDescriptor;
    expect((own.value as Tensor).item()).toBe(1);
  });

  const entry = (dtype: string, shape: unknown, offsets: unknown) => ({
    dtype,
    shape,
    data_offsets: offsets,
  });
  const cases: [string, Uint8Array, string][] = [
    [
      "too short",
      new Uint8Array(5),
      "expected at least 8 bytes (the header length field), got 5; the file is truncated",
    ],
    [
      "a header length under 2",
      build({}, []).fill(0, 0, 8),
      "expected a header length of at least 2 bytes, got 0",
    ],
    [
      "a header length over the cap",
      (() => {
        const b = build({}, []);
        new DataView(b.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
        return b;
      })(),
      "expected a header length of at most 100000000 bytes, got 18446744073709551615; the file is corrupt or not a safetensors file",
    ],
    [
      "a header length past the end",
      (() => {
        const b = build({}, []);
        new DataView(b.buffer).setBigUint64(0, 3n, true);
        return b;
      })(),
      "expected a header length of at most 2 bytes (what follows the length field), got 3; the file is truncated or corrupt",
    ],
    [
      "invalid UTF-8",
      (() => {
        const b = build({ a: 1 }, []);
        b[10] = 0xff;
        return b;
      })(),
      "expected the header to be UTF-8 text, got invalid bytes",
    ],
    ["invalid JSON", build({}, []).fill(0x7b, 8, 10), "expected the header to be JSON, got a syntax error"],
    ["a JSON array", build([1, 2], []), "expected the header to be a JSON object, got [1,2]"],
    [
      "non-string metadata",
      build({ __metadata__: { a: 1 } }, []),
      'expected "__metadata__" to be an object of strings, got 1 for key "a"',
    ],
    [
      "an entry that is no object",
      build({ w: 3 }, []),
      'tensor "w": expected an object with dtype, shape and data_offsets, got 3',
    ],
    [
      "an unknown dtype",
      build({ w: entry("F33", [1], [0, 4]) }, [0, 0, 0, 0]),
      'tensor "w": expected dtype to be one of BOOL, U8, I8,',
    ],
    [
      "a negative dim",
      build({ w: entry("F32", [2, -1], [0, 4]) }, [0, 0, 0, 0]),
      'tensor "w": expected shape to be an array of non-negative integers, got [2,-1]',
    ],
    ["a fractional dim", build({ w: entry("F32", [1.5], [0, 4]) }, [0, 0, 0, 0]), "got [1.5]"],
    [
      "a huge shape",
      build({ w: entry("F32", [2 ** 40, 2 ** 40], [0, 4]) }, [0, 0, 0, 0]),
      'tensor "w": expected data_offsets spanning more than 2^64 bytes (more than 2^64 F32 elements of shape [1099511627776,1099511627776]), got [0,4] spanning 4',
    ],
    [
      "offsets out of range",
      build({ w: entry("F32", [1], [0, 100]) }, [0, 0, 0, 0]),
      'tensor "w": expected data_offsets to be [begin, end] with 0 <= begin <= end <= 4 (the data section\'s length), got [0,100]',
    ],
    ["reversed offsets", build({ w: entry("F32", [0], [4, 0]) }, [0, 0, 0, 0]), "got [4,0]"],
    [
      "a size mismatch",
      build({ w: entry("F32", [2, 3], [0, 4]), v: entry("U8", [24], [4, 28]) }, new Array(28).fill(0)),
      'tensor "w": expected data_offsets spanning 24 bytes (6 F32 elements of shape [2,3]), got [0,4] spanning 4',
    ],
    [
      "overlapping tensors",
      build({ a: entry("F32", [2], [0, 8]), b: entry("F32", [1], [4, 8]) }, new Array(8).fill(0)),
      'tensor "b": expected data_offsets that overlap no other tensor, got [4, 8], which overlaps tensor "a" at [0,8]',
    ],
    [
      "a gap",
      build({ a: entry("F32", [1], [0, 4]), b: entry("F32", [1], [8, 12]) }, new Array(12).fill(0)),
      'tensor "b": expected data_offsets starting at byte 4, got [8, 12], which leaves bytes 4..8 unused after tensor "a"',
    ],
    [
      "trailing bytes",
      build({ a: entry("F32", [1], [0, 4]) }, new Array(6).fill(0)),
      "expected the tensors to cover the data section's 6 bytes, got 4 covered; the file has 2 trailing bytes",
    ],
  ];
  for (const [what, bytes, message] of cases) {
    it(`rejects ${what} with a clear ValueError`, () => {
      const e = errorOf(() => decodeSafetensors(bytes, { source: "m.safetensors" }));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.message.startsWith("decodeSafetensors: m.safetensors: ")).toBe(true);
      expect(e.message).toContain(message);
    });
  }

  it("reads just the header with readSafetensorsHeader", () => {
    const bytes = encodeSafetensors({ w: tensor([[1, 2, 3]]), v: tensor([1], f64) }, { a: "b" });
    const header = readSafetensorsHeader(bytes);
    expect(header.entries.map((e) => [e.name, e.dtype, e.shape, e.dataOffsets])).toEqual([
      ["v", "F64", [1], [0, 8]],
      ["w", "F32", [1, 3], [8, 20]],
    ]);
    expect(header.metadata).toEqual({ a: "b" });
    expect(header.dataStart).toBe(bytes.length - 20);
  });
});

describe("nn.Module state dicts through safetensors", () => {
  it("round-trips a network's weights bit for bit, float32 and float64", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const make = (seed: number) =>
        new nn.Sequential(
          new nn.Linear(3, 5, { dtype, seed }),
          new nn.Tanh(),
          new nn.Linear(5, 2, { dtype, seed: seed + 10, bias: false }),
        );
      const source = make(1);
      const target = make(2);
      expect(bits(lin(target, 0).weight as Tensor)).not.toEqual(bits(lin(source, 0).weight as Tensor));
      const path = join(dir, `net-${dtype}.safetensors`);
      saveSafetensors(path, source.stateDict(), { note: dtype });
      const { tensors, metadata } = loadSafetensors(path);
      expect(metadata).toEqual({ note: dtype });
      target.loadStateDict(tensors);
      for (const [name, p] of source.namedParameters()) {
        const q = target.namedParameters().find(([n]) => n === name)?.[1] as Tensor;
        expect(q.dtype).toBe(dtype);
        expect(bits(q)).toEqual(bits(p));
      }
    }
  });
});

describe("saveSafetensors / loadSafetensors", () => {
  it("leaves no temporary file behind and replaces an existing file whole", () => {
    const path = join(dir, "replace.safetensors");
    saveSafetensors(path, { a: tensor([1, 2, 3]) });
    saveSafetensors(path, { b: tensor([4]) });
    expect(Object.keys(loadSafetensors(path).tensors)).toEqual(["b"]);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("names the file in every error", () => {
    const missing = join(dir, "nope.safetensors");
    expect(() => loadSafetensors(missing)).toThrow(
      `loadSafetensors: ${missing}: expected a readable file, got ENOENT: no such file or directory`,
    );
    const bad = join(dir, "bad.safetensors");
    const bytes = encodeSafetensors({ "fc1.weight": tensor([[1, 2]]) });
    const header = headerText(bytes).replace("[0,8]", "[0,100]");
    writeFileSync(bad, build(JSON.parse(header), bytes.subarray(bytes.length - 8)));
    expect(() => loadSafetensors(bad)).toThrow(
      `loadSafetensors: ${bad}: tensor "fc1.weight": expected data_offsets to be [begin, end] with 0 <= begin <= end <= 8 (the data section's length), got [0,100]`,
    );
    expect(() => saveSafetensors(join(dir, "no-such-dir", "x.safetensors"), {})).toThrow(
      /^saveSafetensors: .*x\.safetensors: expected a writable location, got ENOENT/,
    );
    expect(() => loadSafetensors("" as string)).toThrow(
      'loadSafetensors: expected a file path (a non-empty string), got ""',
    );
  });
});

// Cross-check with an independent implementation: Python parses our files with struct/json/numpy, and
// writes files (F32, F64, F16 and BF16) that we read. Skipped where Python or NumPy is missing.
const python = "/usr/bin/python3";
const hasNumpy =
  spawnSync(python, ["-c", "import importlib.util as u, sys; sys.exit(0 if u.find_spec('numpy') else 1)"], {
    timeout: 60_000,
  }).status === 0;

describe.skipIf(!hasNumpy)("cross-check with a Python reader and writer (numpy)", () => {
  const script = `
import json, struct, sys
import numpy as np

mode, path = sys.argv[1], sys.argv[2]
if mode == "read":
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0, "header not padded to 8 bytes"
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    out = {"__metadata__": header.pop("__metadata__", None)}
    for name, info in header.items():
        b, e = info["data_offsets"]
        dt = {"F32": "<f4", "F64": "<f8"}[info["dtype"]]
        arr = np.frombuffer(data[b:e], dtype=dt).reshape(info["shape"])
        out[name] = {"dtype": info["dtype"], "shape": list(arr.shape), "values": [float(v) for v in arr.ravel()]}
    print(json.dumps(out))
else:
    rng = np.random.default_rng(0)
    w32 = rng.standard_normal((3, 4)).astype("<f4")
    w64 = rng.standard_normal(5).astype("<f8")
    h16 = rng.standard_normal((2, 3)).astype("<f2")
    # bfloat16 is the top half of a float32: keep those bits, and their exact float32 value.
    b16_bits = (rng.standard_normal(4).astype("<f4").view("<u4") >> 16).astype("<u2")
    b16 = (b16_bits.astype("<u4") << 16).view("<f4")
    stored = [("w32", "F32", w32, w32), ("w64", "F64", w64, w64), ("h16", "F16", h16, h16), ("b16", "BF16", b16_bits, b16)]
    header, chunks, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, dtype, raw_array, _ in stored:
        raw = raw_array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(raw_array.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    open(path, "wb").write(struct.pack("<Q", len(text)) + text + b"".join(chunks))
    print(json.dumps({name: value.astype("<f8").ravel().tolist() for name, _, _, value in stored}))
`;
  const run = (mode: string, path: string): unknown => {
    const r = spawnSync(python, ["-c", script, mode, path], { encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };

  it("Python reads chainrule's file: same dtypes, shapes and values, bit for bit", () => {
    const a = tensor([
      [0.1, -2.5, 3e-8],
      [1e30, -0, 7],
    ]);
    const b = tensor([Math.PI, -1 / 3], f64);
    const path = join(dir, "to-python.safetensors");
    saveSafetensors(path, { a, b }, { who: "chainrule" });
    // Python's float repr and JSON.parse both round-trip doubles exactly, and toEqual tells -0 from 0.
    const seen = run("read", path) as Record<string, { dtype: string; shape: number[]; values: number[] }>;
    expect(seen.__metadata__).toEqual({ who: "chainrule" });
    expect(seen.a.dtype).toBe("F32");
    expect(seen.a.shape).toEqual([2, 3]);
    expect(seen.b.shape).toEqual([2]);
    expect(seen.b.values).toEqual([Math.PI, -1 / 3]);
    expect(seen.a.values).toEqual(Array.from(a._storage));
  });

  it("chainrule reads Python's file: F32, F64, and F16/BF16 converted exactly to float32", () => {
    const path = join(dir, "from-python.safetensors");
    const expected = run("write", path) as Record<string, number[]>;
    const { tensors, metadata, dtypes } = loadSafetensors(path);
    expect(metadata).toEqual({ format: "pt" });
    expect(dtypes).toEqual({ w32: "F32", w64: "F64", h16: "F16", b16: "BF16" });
    expect(tensors.w32.shape).toEqual([3, 4]);
    expect(tensors.h16.shape).toEqual([2, 3]);
    expect(tensors.w64.dtype).toBe("float64");
    expect(tensors.h16.dtype).toBe("float32");
    for (const name of ["w32", "w64", "h16", "b16"]) {
      expect(Array.from(tensors[name]._storage), name).toEqual(expected[name]);
    }
  });
});
