import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { encodeSafetensors, readSafetensors, writeSafetensors, type SafetensorsInput } from "../../src/train/safetensors.js";

const root = mkdtempSync(join(tmpdir(), "attn-safetensors-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let fileCounter = 0;
const freshPath = (name = "t") => join(root, `${name}-${fileCounter++}.safetensors`);

/** Float32 elements given as bit patterns (never through a JS number). */
function f32Bits(bits: number[]): Float32Array {
  return new Float32Array(Uint32Array.from(bits).buffer);
}
const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** Little-endian bytes of float32 values. */
function leF32(values: number[]): number[] {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeFloatLE(v, i * 4));
  return [...b];
}

/** A file from an 8-byte length, a header text (not padded unless the caller pads it) and data bytes. */
function handBuilt(header: string, data: ArrayLike<number> = [], length?: bigint): Buffer {
  const h = Buffer.from(header, "utf8");
  const n = Buffer.alloc(8);
  n.writeBigUInt64LE(length ?? BigInt(h.length));
  return Buffer.concat([n, h, Buffer.from(Array.from(data))]);
}

function writeRaw(bytes: Uint8Array): string {
  const p = freshPath("raw");
  writeFileSync(p, bytes);
  return p;
}

function fileBytes(tensors: Map<string, SafetensorsInput>, metadata: Record<string, string> = {}): Buffer {
  const p = freshPath();
  writeSafetensors(p, tensors, metadata);
  return readFileSync(p);
}

describe("safetensors byte layout", () => {
  it("matches the reference layout for one tensor whose header needs no padding", () => {
    const bytes = fileBytes(new Map([["attn.0", { shape: [1, 2, 3], data: Float32Array.from([0, 1, 2, 3, 4, 5]) }]]));
    const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(64);
    expect([...bytes.subarray(0, 8)]).toEqual([64, 0, 0, 0, 0, 0, 0, 0]);
    expect(bytes.subarray(8, 72).toString("utf8")).toBe(json);
    expect([...bytes.subarray(72)]).toEqual(leF32([0, 1, 2, 3, 4, 5]));
    expect([...bytes.subarray(72, 80)]).toEqual([0, 0, 0, 0, 0, 0, 128, 63]); // 0.0f, 1.0f
    expect(bytes.length).toBe(8 + 64 + 24);
  });

  it("pads the header with spaces to a multiple of 8 bytes", () => {
    const bytes = fileBytes(new Map([["attn0", { shape: [1, 1, 2, 3], data: Float32Array.from([0, 1, 2, 3, 4, 5]) }]]));
    const json = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(65);
    expect(bytes.readBigUInt64LE(0)).toBe(72n);
    expect(bytes.subarray(8, 80).toString("utf8")).toBe(json + " ".repeat(7));
    expect([...bytes.subarray(80)]).toEqual(leF32([0, 1, 2, 3, 4, 5]));
  });

  it("writes an empty file as {} and puts __metadata__ first", () => {
    expect([...fileBytes(new Map())]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, ...Buffer.from("{}      ")]);
    const withMeta = fileBytes(new Map(), { framework: "pt" });
    expect(withMeta.readBigUInt64LE(0)).toBe(40n);
    expect(withMeta.subarray(8).toString("utf8")).toBe('{"__metadata__":{"framework":"pt"}}' + " ".repeat(5));

    const two = fileBytes(
      new Map<string, SafetensorsInput>([
        ["b", { shape: [2], data: Float32Array.from([1, 2]) }],
        ["a", { shape: [1, 1], data: Float32Array.from([3]) }],
      ]),
      { format: "attn-checkpoint", version: "1" },
    );
    const n = Number(two.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    expect(two.subarray(8, 8 + n).toString("utf8").trimEnd()).toBe(
      '{"__metadata__":{"format":"attn-checkpoint","version":"1"},' +
        '"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
        '"a":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]}}',
    );
    expect([...two.subarray(8 + n)]).toEqual(leF32([1, 2, 3]));
  });

  it("keeps the given order even for integer-like names, and pads by UTF-8 bytes, not characters", () => {
    const names = ["z", "10", "0", "__proto__", "décodeur.poids→ü"];
    const tensors = new Map(names.map((n, i) => [n, { shape: [1], data: Float32Array.from([i]) }]));
    const bytes = fileBytes(tensors);
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const text = bytes.subarray(8, 8 + n).toString("utf8");
    const positions = names.map((name) => text.indexOf(JSON.stringify(name)));
    expect(positions.every((p, i) => p > 0 && (i === 0 || p > positions[i - 1]!))).toBe(true);
    expect(bytes.length).toBe(8 + n + 4 * names.length);
    const back = readSafetensors(writeRaw(bytes));
    expect([...back.tensors.keys()]).toEqual(names);
    names.forEach((name, i) => expect(Array.from(back.tensors.get(name)!.data as Float32Array)).toEqual([i]));
  });

  it("reads a hand-built file whose header is not in data order, with __metadata__ last and F32/I32/I64 tensors", () => {
    const header = JSON.stringify({
      w: { dtype: "F32", shape: [2, 2], data_offsets: [16, 32] },
      ids: { dtype: "I32", shape: [2], data_offsets: [8, 16] },
      big: { dtype: "I64", shape: [1], data_offsets: [0, 8] },
      __metadata__: { a: "1", b: "x" },
    });
    const data = Buffer.alloc(32);
    data.writeBigInt64LE(-(2n ** 40n) - 3n, 0);
    data.writeInt32LE(-7, 8);
    data.writeInt32LE(123456, 12);
    [0.5, -1.25, 3, 1e-3].forEach((v, i) => data.writeFloatLE(v, 16 + 4 * i));
    const back = readSafetensors(writeRaw(handBuilt(header, data)));
    expect(back.metadata).toEqual({ a: "1", b: "x" });
    expect([...back.tensors.keys()]).toEqual(["big", "ids", "w"]);
    const big = back.tensors.get("big")!;
    expect(big.dtype).toBe("I64");
    expect(Array.from(big.data as BigInt64Array)).toEqual([-(2n ** 40n) - 3n]);
    expect(Array.from(back.tensors.get("ids")!.data as Int32Array)).toEqual([-7, 123456]);
    const w = back.tensors.get("w")!;
    expect(w).toMatchObject({ dtype: "F32", shape: [2, 2] });
    expect(Array.from(w.data as Float32Array)).toEqual([0.5, -1.25, 3, Math.fround(1e-3)]);
  });
});

describe("safetensors round trip", () => {
  it("preserves names, shapes, metadata and every bit (−0, NaN payloads, ±Infinity, subnormals)", () => {
    const special = [
      0x00000000, 0x80000000, // +0, −0
      0x7fc00000, 0xffc00000, 0x7fc00001, 0x7fa00000, 0x7f800001, 0xffffffff, // quiet/signalling NaNs with payloads
      0x7f800000, 0xff800000, // ±Infinity
      0x00000001, 0x007fffff, 0x80000001, 0x80400000, // subnormals
      0x00800000, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0x3eaaaaab, // normals
    ];
    const backing = f32Bits([0xdeadbeef, ...special, 0xdeadbeef]);
    const view = backing.subarray(1, 1 + special.length); // a view with a byte offset
    const tensors = new Map<string, SafetensorsInput>([
      ["encoder.embedding.weight", { shape: [special.length], data: view }],
      ["scalar", { shape: [], data: f32Bits([0x80000000]) }],
      ["empty", { shape: [0, 3], data: new Float32Array(0) }],
      ["m", { shape: [2, 3, 1], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
    ]);
    const p = freshPath();
    writeSafetensors(p, tensors, { format: "attn-checkpoint", note: "ünïcode ✓" });
    const back = readSafetensors(p);
    expect(back.metadata).toEqual({ format: "attn-checkpoint", note: "ünïcode ✓" });
    expect([...back.tensors.keys()]).toEqual([...tensors.keys()]);
    for (const [name, t] of tensors) {
      const r = back.tensors.get(name)!;
      expect(r.dtype).toBe("F32");
      expect(r.shape).toEqual([...t.shape]);
      expect(bitsOf(r.data as Float32Array)).toEqual(bitsOf(t.data));
    }
    // the data read back is a copy, not a view on a shared buffer
    const r = back.tensors.get("m")!.data as Float32Array;
    expect(r.byteOffset).toBe(0);
    expect(r.buffer.byteLength).toBe(24);
  });

  it("replaces an existing file and leaves no temporary file behind", () => {
    const dir = join(root, "replace");
    mkdirSync(dir);
    const p = join(dir, "w.safetensors");
    writeSafetensors(p, new Map([["a", { shape: [1], data: Float32Array.from([1]) }]]));
    writeSafetensors(p, new Map([["b", { shape: [2], data: Float32Array.from([2, 3]) }]]));
    expect([...readSafetensors(p).tensors.keys()]).toEqual(["b"]);
    expect(readdirSync(dir)).toEqual(["w.safetensors"]);
  });

  it("refuses to write inconsistent tensors (a bug, not a user error)", () => {
    const bad = (name: string, t: SafetensorsInput) => () => encodeSafetensors(new Map([[name, t]]));
    expect(bad("x", { shape: [2, 2], data: new Float32Array(3) })).toThrow(/has 3 elements but shape \[2, 2\]/);
    expect(bad("x", { shape: [-1], data: new Float32Array(1) })).toThrow(/shape/);
    expect(bad("__metadata__", { shape: [1], data: new Float32Array(1) })).toThrow(/invalid tensor name/);
    expect(bad("x", { shape: [1], data: new Float64Array(1) as unknown as Float32Array })).toThrow(/Float32Array/);
    expect(() => encodeSafetensors(new Map(), { a: 1 as unknown as string })).toThrow(/must be a string/);
  });
});

describe("safetensors validation of corrupt files", () => {
  const ok = JSON.stringify({ w: { dtype: "F32", shape: [2], data_offsets: [0, 8] } });
  const data8 = leF32([1, 2]);
  const entry = (e: unknown) => JSON.stringify({ w: e });

  const cases: [string, () => Uint8Array, RegExp][] = [
    ["an empty file", () => new Uint8Array(0), /0 bytes, expected at least 8/],
    ["a file shorter than the length field", () => new Uint8Array([1, 2, 3]), /3 bytes, expected at least 8/],
    ["a header length over the limit", () => handBuilt(ok, data8, 200_000_000n), /header length 200000000 exceeds/],
    ["a huge header length (u64)", () => handBuilt(ok, data8, 2n ** 64n - 1n), /exceeds the 100000000-byte limit/],
    ["a header length beyond the end of the file", () => handBuilt(ok, [], 1000n), /truncated safetensors file: header length 1000/],
    ["a header that is not UTF-8", () => handBuilt("", [0x7b, 0xff, 0xfe, 0x7d], 4n), /not valid UTF-8/],
    ["a header that is not JSON", () => handBuilt('{"w": {', data8), /not valid JSON/],
    ["a header that is a JSON array", () => handBuilt("[1, 2]   "), /must be a JSON object/],
    ["a header that is JSON null", () => handBuilt("null    "), /must be a JSON object/],
    ["__metadata__ that is not an object", () => handBuilt(JSON.stringify({ __metadata__: ["a"] })), /"__metadata__" must be an object of strings/],
    ["a __metadata__ value that is not a string", () => handBuilt(JSON.stringify({ __metadata__: { epoch: 3 } })), /value of "epoch" must be a string/],
    ["an entry that is not an object", () => handBuilt(entry([0, 8]), data8), /tensor 'w': expected an object/],
    ["an entry without dtype", () => handBuilt(entry({ shape: [2], data_offsets: [0, 8] }), data8), /tensor 'w': missing "dtype"/],
    ["an unsupported dtype", () => handBuilt(entry({ dtype: "F16", shape: [4], data_offsets: [0, 8] }), data8), /unsupported dtype "F16"/],
    ["a negative dimension", () => handBuilt(entry({ dtype: "F32", shape: [-2], data_offsets: [0, 8] }), data8), /"shape" must be an array of non-negative integers/],
    ["a fractional dimension", () => handBuilt(entry({ dtype: "F32", shape: [1.5], data_offsets: [0, 8] }), data8), /"shape" must be/],
    ["a missing shape", () => handBuilt(entry({ dtype: "F32", data_offsets: [0, 8] }), data8), /"shape" must be/],
    ["data_offsets of the wrong arity", () => handBuilt(entry({ dtype: "F32", shape: [2], data_offsets: [0] }), data8), /"data_offsets" must be \[begin, end\]/],
    ["negative data_offsets", () => handBuilt(entry({ dtype: "F32", shape: [2], data_offsets: [-8, 0] }), data8), /"data_offsets" must be/],
    ["data_offsets that end before they begin", () => handBuilt(entry({ dtype: "F32", shape: [0], data_offsets: [8, 0] }), data8), /end before they begin/],
    ["a byte count that does not match the shape", () => handBuilt(entry({ dtype: "F32", shape: [3], data_offsets: [0, 8] }), data8), /shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] hold 8/],
    ["a shape too large to address", () => handBuilt(entry({ dtype: "F32", shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 8] }), data8), /too large/],
    ["data_offsets beyond the data buffer (truncated data)", () => handBuilt(ok, data8.slice(0, 6)), /data_offsets \[0, 8\] beyond the 6-byte data buffer/],
    [
      "overlapping tensors",
      () => handBuilt(JSON.stringify({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }), leF32([1, 2, 3])),
      /tensors 'a' and 'b' overlap/,
    ],
    [
      "a gap between tensors",
      () => handBuilt(JSON.stringify({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] }, b: { dtype: "F32", shape: [1], data_offsets: [8, 12] } }), leF32([1, 2, 3])),
      /bytes 4\.\.8 of the data buffer belong to no tensor \(before 'b'\)/,
    ],
    ["trailing bytes after the last tensor", () => handBuilt(ok, [...data8, 0, 0, 0, 0]), /last 4 bytes of the data buffer belong to no tensor/],
  ];

  for (const [what, make, message] of cases) {
    it(`rejects ${what} with a one-line UserError naming the file`, () => {
      const p = writeRaw(make());
      let err: unknown;
      try {
        readSafetensors(p);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      const msg = (err as Error).message;
      expect(msg).toMatch(message);
      expect(msg).toContain(p.split("/").pop()!);
      expect(msg).not.toContain("\n");
    });
  }

  it("reports a missing file and a directory", () => {
    expect(() => readSafetensors(join(root, "nope.safetensors"))).toThrow(/nope\.safetensors: file not found/);
    expect(() => readSafetensors(root)).toThrow(UserError);
  });

  it("accepts a header without padding and with whitespace inside", () => {
    const back = readSafetensors(writeRaw(handBuilt(' { "w" : {"data_offsets":[0,8], "shape":[2], "dtype":"F32"} }\n', data8)));
    expect(Array.from(back.tensors.get("w")!.data as Float32Array)).toEqual([1, 2]);
  });
});

// Python's standard library only (json + struct), so the check runs wherever python3 does.
describe("safetensors cross-check with Python (json + struct, no safetensors package)", () => {
  it("Python reads our file bit-exactly, and we read a file Python wrote", () => {
    const bits = [0x80000000, 0x7fc00001, 0x7f800000, 0x00000001, 0x3f800000, 0xc0490fdb];
    const ours = freshPath("ours");
    writeSafetensors(
      ours,
      new Map<string, SafetensorsInput>([
        ["a.weight", { shape: [2, 3], data: f32Bits(bits) }],
        ["b", { shape: [1], data: Float32Array.from([0.25]) }],
      ]),
      { format: "attn-checkpoint" },
    );
    const theirs = freshPath("theirs");
    const script = `
import json, struct, sys
raw = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
assert n % 8 == 0
header = json.loads(raw[8:8 + n].decode("utf-8"))
meta = header.pop("__metadata__")
buf = raw[8 + n:]
out = {"meta": meta, "tensors": {}}
for name, info in header.items():
    b, e = info["data_offsets"]
    count = (e - b) // 4
    out["tensors"][name] = {"shape": info["shape"], "bits": list(struct.unpack("<%dI" % count, buf[b:e]))}
print(json.dumps(out))
# write a file: tensors deliberately in reverse offset order in the header, __metadata__ last
x = struct.pack("<6f", *[i - 2.5 for i in range(6)])
y = struct.pack("<2i", 7, -8)
data = y + x
hdr = {"x": {"dtype": "F32", "shape": [2, 3], "data_offsets": [8, 32]},
       "y": {"dtype": "I32", "shape": [2], "data_offsets": [0, 8]},
       "__metadata__": {"from": "python"}}
h = json.dumps(hdr).encode("utf-8")
h += b" " * ((8 - len(h) % 8) % 8)
open(sys.argv[2], "wb").write(struct.pack("<Q", len(h)) + h + data)
`;
    const r = spawnSync("python3", ["-c", script, ours, theirs], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const seen = JSON.parse(r.stdout) as { meta: Record<string, string>; tensors: Record<string, { shape: number[]; bits: number[] }> };
    expect(seen.meta).toEqual({ format: "attn-checkpoint" });
    expect(seen.tensors["a.weight"]).toEqual({ shape: [2, 3], bits });
    expect(seen.tensors.b).toEqual({ shape: [1], bits: bitsOf(Float32Array.from([0.25])) });

    const back = readSafetensors(theirs);
    expect(back.metadata).toEqual({ from: "python" });
    expect(Array.from(back.tensors.get("x")!.data as Float32Array)).toEqual([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]);
    expect(back.tensors.get("x")!.shape).toEqual([2, 3]);
    expect(Array.from(back.tensors.get("y")!.data as Int32Array)).toEqual([7, -8]);
  });
});
