import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { readLines, readParallelFiles, readTsv } from "../../src/data/readers/index.js";
import { tempDir } from "./tmpFiles.js";

const file = tempDir("readers");

async function lines(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const l of readLines(path)) out.push(l.text);
  return out;
}

describe("readLines", () => {
  it("strips a BOM, accepts CRLF and a last line without newline", async () => {
    expect(await lines(file("bom.txt", "\uFEFFone\r\ntwo\nthree"))).toEqual(["one", "two", "three"]);
  });

  it("keeps multi-byte characters that straddle read chunks intact", async () => {
    // ~200 KB: several 64 KiB chunks, with 2-, 3- and 4-byte characters at every offset.
    const chars = Array.from("é€😀".repeat(7) + "x");
    const text = Array.from({ length: 3000 }, (_, i) => `${i} ${chars.slice(0, (i % 20) + 1).join("")}`).join("\n") + "\n";
    const read = await lines(file("big.txt", text));
    expect(read.length).toBe(3000);
    expect(read.join("\n") + "\n").toBe(text);
  });

  it("reports invalid UTF-8 with file:line", async () => {
    const bad = Buffer.concat([Buffer.from("ok\nfine\ncaf"), Buffer.from([0xe9]), Buffer.from("\nmore\n")]);
    const path = file("latin1.txt", bad);
    await expect(lines(path)).rejects.toThrow(/latin1\.txt:3: invalid UTF-8/);
    await expect(lines(path)).rejects.toBeInstanceOf(UserError);
  });

  it("reports a missing file in one line", async () => {
    await expect(lines(file("nope.txt"))).rejects.toThrow(/nope\.txt: file not found$/);
  });
});

describe("readTsv", () => {
  it("reads source<TAB>target, ignoring further columns, normalising to NFC", async () => {
    const path = file("a.tsv", "Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272\nCafe\u0301\tCafé\n");
    const r = await readTsv(path);
    expect(r.pairs).toEqual([
      { src: "Go.", tgt: "Va !", line: 1 },
      { src: "Café", tgt: "Café", line: 2 },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it("lowercases, strips accents and swaps sides on request", async () => {
    const r = await readTsv(file("b.tsv", "Été\tSUMMER\n"), { lowercase: true, stripAccents: true, swap: true });
    expect(r.pairs).toEqual([{ src: "summer", tgt: "ete", line: 1 }]);
  });

  it("skips and counts pairs with an empty side", async () => {
    const r = await readTsv(file("c.tsv", "a\tb\n\tb\na\t  \n\nc\td\n"));
    expect(r.pairs.map((p) => p.src)).toEqual(["a", "c"]);
    expect(r.skippedEmpty).toBe(3);
    expect(r.warnings).toEqual([expect.stringMatching(/c\.tsv: skipped 3 pairs with an empty side \(first at line 2\)/)]);
  });

  it("rejects a line without a tab with file:line, or skips and counts it", async () => {
    const path = file("d.tsv", "a\tb\nno tab here\nc\td\nstill none\n");
    await expect(readTsv(path)).rejects.toThrow(/d\.tsv:2: no tab; expected "source<TAB>target"/);
    const r = await readTsv(path, { onBadLine: "skip" });
    expect(r.pairs.length).toBe(2);
    expect(r.skippedBad).toBe(2);
    expect(r.warnings).toEqual([expect.stringMatching(/skipped 2 lines without a tab \(first at line 2\)/)]);
  });

  it("stops reading at the pair limit", async () => {
    const r = await readTsv(file("e.tsv", "a\t1\nb\t2\nc\t3\n"), { limit: 2 });
    expect(r.pairs.map((p) => p.tgt)).toEqual(["1", "2"]);
  });
});

describe("readParallelFiles", () => {
  it("pairs line i of one file with line i of the other", async () => {
    const r = await readParallelFiles(file("p.en", "Hello\nBye\n"), file("p.fr", "Bonjour\r\nSalut\r\n"));
    expect(r.pairs).toEqual([
      { src: "Hello", tgt: "Bonjour", line: 1 },
      { src: "Bye", tgt: "Salut", line: 2 },
    ]);
  });

  it("names both files and both counts when the line counts differ", async () => {
    const en = file("q.en", "1\n2\n3\n4\n5\n");
    const fr = file("q.fr", "1\n2\n3\n");
    await expect(readParallelFiles(en, fr)).rejects.toThrow(/q\.en has 5 lines but .*q\.fr has 3; expected line-aligned files/);
    await expect(readParallelFiles(fr, en)).rejects.toThrow(/q\.fr has 3 lines but .*q\.en has 5/);
  });

  it("skips and counts pairs with an empty side", async () => {
    const r = await readParallelFiles(file("r.en", "a\n\nc\n"), file("r.fr", "x\ny\n \n"));
    expect(r.pairs.length).toBe(1);
    expect(r.warnings[0]).toMatch(/r\.en \+ .*r\.fr: skipped 2 pairs with an empty side \(first at line 2\)/);
  });
});
