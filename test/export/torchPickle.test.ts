/**
 * attn's reader of torch.save files (src/workflows/export/torchPickle.ts) on files torch wrote
 * (test/fixtures/torch-pt/, made by tools/torch-pt-fixtures.py) and on damaged ones: the good ones
 * give torch's tensors bit for bit, everything else is one UserError line naming the file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { parseTorchStateDict, readTorchStateDict } from "../../src/workflows/export/torchPickle.js";
import { ROOT } from "../cli/fixture.js";

const DIR = join(ROOT, "test", "fixtures", "torch-pt");
const expected = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8")) as Record<string, Record<string, { shape: number[]; data: number[] }>>;

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    const message = (err as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    return message;
  }
  throw new Error("expected a UserError");
}

describe("readTorchStateDict", () => {
  for (const file of ["state_dict.pt", "shared.pt", "deflated.pt", "zip64.pt"]) {
    it(`reads ${file} as torch wrote it`, () => {
      const want = expected[file === "shared.pt" ? file : "state_dict.pt"]!;
      const got = readTorchStateDict(join(DIR, file));
      expect([...got.keys()]).toEqual(Object.keys(want));
      for (const [name, t] of got) {
        expect(t.shape, name).toEqual(want[name]!.shape);
        expect(Array.from(t.data), name).toEqual(Array.from(Float32Array.from(want[name]!.data)));
      }
    });
  }

  it("reads an archive whose directory is found through ZIP64 records", () => {
    // state_dict.pt with its end-of-central-directory record replaced by ZIP64's record + locator + a record of 0xff…ff.
    const b = readFileSync(join(DIR, "state_dict.pt"));
    const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const count = b.readUInt16LE(eocd + 10);
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(BigInt(count), 24);
    rec.writeBigUInt64LE(BigInt(count), 32);
    rec.writeBigUInt64LE(BigInt(b.readUInt32LE(eocd + 12)), 40);
    rec.writeBigUInt64LE(BigInt(b.readUInt32LE(eocd + 16)), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(eocd), 8);
    loc.writeUInt32LE(1, 16);
    const end = Buffer.alloc(22, 0xff);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt32LE(0, 4);
    end.writeUInt16LE(0, 20);
    const got = parseTorchStateDict(Buffer.concat([b.subarray(0, eocd), rec, loc, end]), "zip64.pt");
    expect([...got.keys()]).toEqual(Object.keys(expected["state_dict.pt"]!));
  });

  it.each([
    ["float64.pt", /float64\.pt: tensor 'w' is stored as torch\.DoubleStorage; expected float32/],
    ["transposed.pt", /transposed\.pt: tensor 'w' is not contiguous \(size \[3, 2\], stride \[1, 3\]\)/],
    ["parameter.pt", /parameter\.pt: data\.pkl refers to torch\._utils\._rebuild_parameter; only state_dicts of plain tensors are read/],
    ["list.pt", /list\.pt: 'w' is a list; expected a tensor/],
    ["opcode.pt", /opcode\.pt: data\.pkl uses pickle opcode 0x55 at byte \d+, which this reader does not support/],
  ])("refuses %s in one line", (file, pattern) => {
    expect(errorOf(() => readTorchStateDict(join(DIR, file)))).toMatch(pattern);
  });

  it("refuses truncated and foreign files in one line", () => {
    const good = readFileSync(join(DIR, "state_dict.pt"));
    // Cut anywhere: the end-of-central-directory record goes first, then entries run past the end.
    for (const cut of [10, 200, good.length - 30, good.length - 1]) {
      expect(errorOf(() => parseTorchStateDict(good.subarray(0, cut), "cut.pt"))).toMatch(/^cut\.pt: (not a zip archive|truncated zip archive)/);
    }
    // The central directory intact, a storage's bytes gone (the archive's middle zeroed).
    const holed = Buffer.from(good);
    holed.fill(0, 100, 400);
    expect(errorOf(() => parseTorchStateDict(holed, "holed.pt"))).toMatch(/^holed\.pt: /);
    expect(errorOf(() => parseTorchStateDict(Buffer.from("just text, not a zip archive at all"), "text.pt"))).toMatch(/^text\.pt: not a zip archive/);
    expect(errorOf(() => readTorchStateDict(join(DIR, "missing.pt")))).toMatch(/missing\.pt: cannot read the weights \(no such file\)/);
  });
});
