import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { buildVocabs, loadParallelData, prepareData } from "../../src/data/dataset.js";
import { loadTextPipeline, saveTextPipeline, TextPipeline } from "../../src/data/textPipeline.js";
import { BOS, EOS, UNK } from "../../src/data/vocab.js";
import { tempDir } from "./tmpFiles.js";

const file = tempDir("dataset");
const corpus = Array.from({ length: 60 }, (_, i) => `The cat number ${i % 30} sleeps.\tLe chat numéro ${i % 30} dort.`).join("\n") + "\n";
const corpusPath = file("corpus.tsv", corpus);
const base = dirname(corpusPath);

describe("loadParallelData", () => {
  it("splits one corpus from the seed and fractions", async () => {
    const d = await loadParallelData({ path: "corpus.tsv", split: { valid: 0.1, test: 0.1, seed: 3 } }, base);
    expect(d.train.length + d.valid.length + d.test.length).toBe(60);
    expect(d.test.length).toBeGreaterThanOrEqual(6);
    const again = await loadParallelData({ path: "corpus.tsv", split: { valid: 0.1, test: 0.1, seed: 3 } }, base);
    expect(again).toEqual(d);
  });

  it("de-duplicates before splitting and reports it", async () => {
    const d = await loadParallelData({ path: "corpus.tsv", dedupe: true, split: { valid: 0.1, test: 0.1 } }, base);
    expect(d.train.length + d.valid.length + d.test.length).toBe(30);
    expect(d.warnings).toEqual([expect.stringMatching(/removed 30 duplicate pairs/)]);
  });

  it("reads explicit files per split, in TSV or two-file form, and removes train pairs found in test", async () => {
    file("tr.en", "a\nb\nc\n");
    file("tr.fr", "x\ny\nz\n");
    file("te.tsv", "c\tz\n");
    const d = await loadParallelData({ train: { src: "tr.en", tgt: "tr.fr" }, test: "te.tsv", dedupe: true }, base);
    expect(d.train.map((p) => p.src)).toEqual(["a", "b"]);
    expect(d.valid).toEqual([]);
    expect(d.test.map((p) => p.tgt)).toEqual(["z"]);
    expect(d.warnings).toEqual(["train: removed 1 pair that also occur in valid or test"]);
  });

  it("splits off only the split that has no file of its own", async () => {
    file("v.tsv", "valid\tsentence\n");
    const d = await loadParallelData({ train: "corpus.tsv", valid: "v.tsv", split: { test: 0.5, seed: 1, groupBySource: false } }, base);
    expect(d.valid).toEqual([{ src: "valid", tgt: "sentence", line: 1 }]);
    expect([d.train.length, d.test.length]).toEqual([30, 30]);
  });

  it("reads a dataset folder (train.tsv, valid.tsv, test.tsv)", async () => {
    const d = await loadParallelData({ path: "../../data/dates" }, new URL(".", import.meta.url).pathname);
    expect([d.train.length, d.valid.length, d.test.length]).toEqual([12000, 1000, 1000]);
  });

  it("says what is missing", async () => {
    await expect(loadParallelData({}, base)).rejects.toThrow(/no input; expected data\.path/);
    await expect(loadParallelData({ path: "missing.tsv" }, base)).rejects.toThrow(/missing\.tsv: file not found/);
    await expect(loadParallelData({ path: "corpus.tsv", train: "corpus.tsv" }, base)).rejects.toThrow(/both data\.path and data\.train/);
  });
});

describe("buildVocabs", () => {
  it("builds one shared vocabulary or two separate ones", () => {
    const shared = buildVocabs([["a", "b"]], [["c"]], { shared: true });
    expect(shared.src).toBe(shared.tgt);
    expect(shared.src.size).toBe(7);
    const separate = buildVocabs([["a", "b"]], [["c"]]);
    expect([separate.src.size, separate.tgt.size]).toEqual([6, 5]);
  });
});

describe("buildTextPipeline", () => {
  it("gives every BPE symbol an id, so new words of known characters need no <unk>", async () => {
    const p = await prepareData({ path: "corpus.tsv", tokenizer: { kind: "bpe", bpeVocabSize: 60 } }, base);
    const ids = p.pipeline.encodeSource("The bat number 42 sleeps at the best spa.");
    expect(Array.from(ids)).not.toContain(UNK);
    expect(p.pipeline.decodeSource(ids)).toBe("The bat number 42 sleeps at the best spa.");
  });

  it("learns one joint BPE for a shared vocabulary when both sides have the same tokenizer spec", async () => {
    const bpe = { kind: "bpe" as const, bpeVocabSize: 70 };
    const joint = await prepareData({ path: "corpus.tsv", tokenizer: bpe, targetTokenizer: { ...bpe }, vocab: { shared: true } }, base);
    expect(joint.pipeline.srcTokenizer).toBe(joint.pipeline.tgtTokenizer);
    expect(joint.pipeline.sharedVocab).toBe(true);
    const separate = await prepareData({ path: "corpus.tsv", tokenizer: bpe }, base);
    expect(separate.pipeline.srcTokenizer).not.toBe(separate.pipeline.tgtTokenizer);
    expect(separate.pipeline.sharedVocab).toBe(false);
  });
});

describe("prepareData", () => {
  it("encodes sources as ids + </s> and targets as <s> ids </s>", async () => {
    const p = await prepareData({ path: "corpus.tsv", split: { valid: 0.1, test: 0.1 } }, base);
    const ex = p.train.examples[0]!;
    const pair = p.train.pairs[ex.index]!;
    expect(ex.src.at(-1)).toBe(EOS);
    expect(ex.tgt[0]).toBe(BOS);
    expect(ex.tgt.at(-1)).toBe(EOS);
    expect(p.pipeline.decodeSource(ex.src)).toBe(pair.src);
    expect(p.pipeline.decodeTarget(ex.tgt)).toBe(pair.tgt);
  });

  it("filters training pairs by token length, keeping examples and pairs in step", async () => {
    // Pair k has k source words and 2k target words.
    const lengths = file("lengths.tsv", Array.from({ length: 40 }, (_, i) => {
      const k = (i % 10) + 1;
      return `${"a ".repeat(k).trim()}\t${"b ".repeat(2 * k).trim()}`;
    }).join("\n"));
    const split = { valid: 0.25, test: 0.25, seed: 2, groupBySource: false };
    const p = await prepareData({ path: lengths, maxSrcLen: 6, maxTgtLen: 10, split }, base);
    expect(p.train.examples.length).toBeGreaterThan(0);
    expect(p.train.examples.every((e) => e.src.length - 1 <= 6 && e.tgt.length - 2 <= 10)).toBe(true);
    expect(p.train.removed).toBeGreaterThan(0);
    expect(p.warnings).toEqual([expect.stringMatching(/^train: dropped \d+ pairs longer than maxSrcLen 6 \/ maxTgtLen 10$/)]);
    p.train.examples.forEach((e, i) => {
      expect(e.index).toBe(i);
      expect(p.pipeline.decodeSource(e.src)).toBe(p.train.pairs[i]!.src);
    });
    // Evaluation splits keep every pair unless lengthFilter is "all".
    expect(p.test.removed).toBe(0);
    const all = await prepareData({ path: lengths, maxSrcLen: 6, maxTgtLen: 10, lengthFilter: "all", split }, base);
    expect(all.test.examples.every((e) => e.tgt.length - 2 <= 10)).toBe(true);
    await expect(prepareData({ path: lengths, maxTgtLen: 1, split }, base)).rejects.toThrow(/every training pair is longer/);
  });

  it("uses a given pipeline instead of learning a new one (resume, eval)", async () => {
    const first = await prepareData({ path: "corpus.tsv", tokenizer: { kind: "bpe", bpeVocabSize: 60 } }, base);
    const other = file("other.tsv", "Zebra 99 sleeps.\tZèbre 99 dort.\n");
    const p = await prepareData({ path: other, split: { valid: 0, test: 0 } }, base, first.pipeline);
    expect(p.pipeline).toBe(first.pipeline);
    expect(Array.from(p.train.examples[0]!.src)).toContain(UNK);
  });
});

describe("TextPipeline", () => {
  it("saves and restores tokenizers, vocabularies and normalisation exactly", async () => {
    const p = await prepareData(
      { path: "corpus.tsv", lowercase: true, tokenizer: { kind: "bpe", bpeVocabSize: 80 }, vocab: { shared: true } },
      base,
    );
    const path = file("text-pipeline.json");
    await saveTextPipeline(path, p.pipeline);
    const back = await loadTextPipeline(path);
    expect(back.sharedVocab).toBe(true);
    expect(back.toJSON()).toEqual(p.pipeline.toJSON());
    const sentence = "THE Cat number 12 sleeps.";
    expect(Array.from(back.encodeSource(sentence))).toEqual(Array.from(p.pipeline.encodeSource(sentence)));
    expect(back.decodeTarget(back.encodeTarget("Le chat dort."))).toBe("le chat dort.");
  });

  it("rejects files that are not a saved pipeline", async () => {
    expect(() => TextPipeline.fromJSON({ tokens: [] }, "x.json")).toThrow(/x\.json: not a saved attn text pipeline/);
    await expect(loadTextPipeline(file("none.json"))).rejects.toThrow(/cannot read the saved tokenizers/);
    await expect(loadTextPipeline(file("bad.json", "{"))).rejects.toThrow(/bad\.json: invalid JSON/);
  });
});
