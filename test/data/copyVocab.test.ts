import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { collate } from "../../src/data/batching.js";
import { copySource, copySourceOf, copyTargetIds } from "../../src/data/copyVocab.js";
import { buildTextPipeline, prepareData } from "../../src/data/dataset.js";
import { EOS, UNK, Vocab } from "../../src/data/vocab.js";
import { sourceBatch } from "../../src/decode/sourceBatch.js";
import { tempDir } from "./tmpFiles.js";

/**
 * The extended vocabulary of copy attention (See et al. 2017 §2.2): source words outside the
 * target vocabulary get ids V, V + 1, … per sentence, training targets take them when the source
 * has the word, batches carry them, and decoding turns them back into the source words.
 */
const vocab = new Vocab(["<pad>", "<s>", "</s>", "<unk>", "call", "at", "appelez", "au"]);
const V = vocab.size; // 8

describe("copy ids", () => {
  it("source words outside the target vocabulary get V + k in order of first occurrence; a repeated word keeps its id; </s> is EOS", () => {
    const c = copySource(["call", "zanu", "at", "4821", "zanu"], vocab);
    expect(Array.from(c.ids)).toEqual([vocab.id("call"), V, vocab.id("at"), V + 1, V, EOS]);
    expect(c.oov).toEqual(["zanu", "4821"]);
  });

  it("target words: vocabulary ids, the source's extended id for a word it has, <unk> for other unknown words", () => {
    const c = copySource(["call", "zanu", "at", "4821"], vocab);
    expect(Array.from(copyTargetIds(["appelez", "zanu", "au", "4821", "kiki"], vocab, c))).toEqual([1, vocab.id("appelez"), V, vocab.id("au"), V + 1, UNK, EOS]);
  });

  it("ids decode back to the source words; an id beyond the sentence's words is an error", () => {
    const c = copySource(["call", "zanu"], vocab);
    expect(vocab.decode([vocab.id("appelez"), V, EOS, V], c.oov)).toEqual(["appelez", "zanu"]);
    expect(vocab.token(V, c.oov)).toBe("zanu");
    expect(() => vocab.token(V + 1, c.oov)).toThrow(RangeError);
    expect(() => vocab.token(V)).toThrow(RangeError);
  });

  it("batches carry the ids (−1 at padding) and the largest out-of-vocabulary count; sourceBatch does the same", () => {
    const a = copySource(["call", "zanu", "at", "4821"], vocab);
    const b = copySource(["call", "kiki"], vocab);
    const examples = [
      { src: Int32Array.from([4, UNK, 5, UNK, EOS]), tgt: copyTargetIds(["appelez", "zanu"], vocab, a), index: 0, copy: a },
      { src: Int32Array.from([4, UNK, EOS]), tgt: copyTargetIds(["appelez", "kiki"], vocab, b), index: 1, copy: b },
    ];
    const batch = collate(examples, [0, 1]);
    expect(batch.copy).toEqual({ ids: Int32Array.from([4, V, 5, V + 1, EOS, 4, V, EOS, -1, -1]), oov: 2 });
    // Targets in extended ids: "zanu" and "kiki" are V in their own sentences.
    expect(Array.from(batch.tgtOut)).toEqual([vocab.id("appelez"), V, EOS, vocab.id("appelez"), V, EOS]);
    expect(sourceBatch(examples.map((e) => e.src), examples.map((e) => e.copy)).copy).toEqual(batch.copy);
    expect(() => collate([examples[0]!, { ...examples[1]!, copy: undefined }], [0, 1])).toThrow(/no copy ids/);
  });
});

describe("copy ids from the data pipeline", () => {
  const file = tempDir("copy-vocab");
  const corpus = ["call zanu at 4821\tappelez zanu au 4821", "call kiki at 17\tappelez kiki au 17", "call zanu at 17\tappelez zanu au 17"].join("\n") + "\n";
  const path = file("names.tsv", corpus);

  it("prepareData with copy gives every example its copy ids; targets outside the vocabulary that the source has are extended", async () => {
    const data = await prepareData({ train: "names.tsv", valid: "names.tsv", test: "names.tsv", vocab: { minFreq: 2 }, copy: true }, dirname(path));
    const tgt = data.pipeline.tgtVocab;
    // minFreq 2: "zanu" and "17" are in the vocabularies, "kiki" and "4821" are not.
    expect(tgt.has("zanu") && tgt.has("17") && !tgt.has("kiki") && !tgt.has("4821")).toBe(true);
    const ex = data.train.examples.find((e) => data.train.pairs[e.index]!.src === "call kiki at 17")!;
    // Source words are not target words ("call", "at"); "kiki" is the second word outside the target vocabulary.
    expect(ex.copy!.oov).toEqual(["call", "kiki", "at"]);
    expect(Array.from(ex.tgt)).toEqual([1, tgt.id("appelez"), tgt.size + 1, tgt.id("au"), tgt.id("17"), EOS]);
    expect(data.pipeline.decodeTarget(ex.tgt, ex.copy!.oov)).toBe("appelez kiki au 17");
    const plain = await prepareData({ train: "names.tsv", valid: "names.tsv", test: "names.tsv", vocab: { minFreq: 2 } }, dirname(path));
    expect(plain.train.examples.every((e) => e.copy === undefined && Math.max(...e.tgt) < tgt.size)).toBe(true);
  });

  it("copySourceOf reads raw text as the pipeline does", () => {
    const pipeline = buildTextPipeline([{ src: "call zanu", tgt: "appelez zanu", line: 1 }], { lowercase: true });
    // Lowercased and tokenised; "call" is a source word, not in the target vocabulary, "zanu" is in both.
    const c = copySourceOf(pipeline, "Call Kiki Zanu");
    const T = pipeline.tgtVocab;
    expect(c.oov).toEqual(["call", "kiki"]);
    expect(Array.from(c.ids)).toEqual([T.size, T.size + 1, T.id("zanu"), EOS]);
  });
});
