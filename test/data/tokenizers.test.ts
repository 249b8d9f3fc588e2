import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { normalizeText } from "../../src/data/normalize.js";
import {
  BpeTokenizer, CharTokenizer, WordTokenizer, preTokenize, tokenizerFromJSON, trainTokenizer,
} from "../../src/data/tokenizers/index.js";

const SAMPLE = readFileSync(new URL("../../data/samples/accents.txt", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => normalizeText(l));

describe("WordTokenizer", () => {
  const word = new WordTokenizer();

  it("splits punctuation off words and marks attached punctuation with the joiner", () => {
    expect(word.encode("Hello, world!")).toEqual(["Hello", "￭,", "world", "￭!"]);
    expect(word.encode("Va !")).toEqual(["Va", "!"]);
    expect(word.encode("l'homme (vraiment)")).toEqual(["l", "￭'￭", "homme", "(￭", "vraiment", "￭)"]);
    expect(word.encode("Wait... what?!")).toEqual(["Wait", "￭.", "￭.", "￭.", "what", "￭?", "￭!"]);
    expect(word.encode("23/11/26")).toEqual(["23", "￭/￭", "11", "￭/￭", "26"]);
  });

  it("keeps words free of markers, so a word is one token wherever it stands", () => {
    for (const line of SAMPLE) {
      for (const t of word.encode(line)) if (/^[\p{L}\p{N}]/u.test(t)) expect(t).not.toMatch(/￭/);
    }
  });

  it("round-trips normalised text exactly, spacing around punctuation included", () => {
    for (const line of SAMPLE) expect(word.decode(word.encode(line))).toBe(line);
  });

  it("has no spaces in tokens and splits plain words at spaces", () => {
    expect(word.encode("the big red cat")).toEqual(["the", "big", "red", "cat"]);
    for (const line of SAMPLE) for (const t of word.encode(line)) expect(t).not.toMatch(/\s/);
  });
});

describe("CharTokenizer", () => {
  const char = new CharTokenizer();

  it("makes spaces visible as ▁ and round-trips", () => {
    expect(char.encode("23 Nov")).toEqual(["2", "3", "▁", "N", "o", "v"]);
    for (const line of SAMPLE) expect(char.decode(char.encode(line))).toBe(line);
  });

  it("uses code points, not UTF-16 units", () => {
    expect(char.encode("a😀b")).toEqual(["a", "😀", "b"]);
  });
});

describe("BpeTokenizer", () => {
  it("pre-tokenizes at spaces and letter/punctuation boundaries, marking word starts", () => {
    expect(preTokenize("Hello, world!")).toEqual(["▁Hello", ",", "▁world", "!"]);
    expect(preTokenize("Va !")).toEqual(["▁Va", "▁!"]);
  });

  it("round-trips the committed sample text with accents and punctuation", () => {
    const bpe = BpeTokenizer.train(SAMPLE, { vocabSize: 300 });
    expect(bpe.merges.length).toBeGreaterThan(50);
    for (const line of SAMPLE) expect(bpe.decode(bpe.encode(line))).toBe(line);
  });

  it("round-trips text it was not trained on, unseen characters included", () => {
    const bpe = BpeTokenizer.train(SAMPLE.slice(0, 20), { vocabSize: 200 });
    for (const line of [...SAMPLE.slice(20), "日本語も大丈夫？ はい。", "x"]) expect(bpe.decode(bpe.encode(line))).toBe(line);
  });

  it("learns merges deterministically and stops at the vocabulary size", () => {
    const a = BpeTokenizer.train(SAMPLE, { vocabSize: 250 });
    const b = BpeTokenizer.train([...SAMPLE], { vocabSize: 250 });
    expect(a.toJSON()).toEqual(b.toJSON());
    const alphabet = new Set(SAMPLE.flatMap((l) => Array.from(l.replaceAll(" ", "▁"))));
    alphabet.add("▁");
    expect(alphabet.size + a.merges.length).toBeLessThanOrEqual(250);
  });

  it("merges the most frequent pair first, ties in symbol order", () => {
    const bpe = BpeTokenizer.train(["ab ab ab cd cd cd"], { vocabSize: 100 });
    // ▁a, ab, ▁c, cd are all seen 3 times: the pair that sorts first comes first.
    expect(bpe.merges.slice(0, 2)).toEqual([["a", "b"], ["c", "d"]]);
    expect(bpe.encode("ab cd")).toEqual(["▁ab", "▁cd"]);
  });

  it("ignores pairs below the minimum frequency", () => {
    expect(BpeTokenizer.train(["one six zap"], { vocabSize: 1000 }).merges).toEqual([]);
  });

  it("lists every symbol it can produce: the alphabet and every merge result", () => {
    const bpe = BpeTokenizer.train(SAMPLE, { vocabSize: 300 });
    const symbols = new Set(bpe.symbols());
    for (const line of SAMPLE) for (const t of bpe.encode(line)) expect(symbols.has(t)).toBe(true);
    expect(symbols.has("é") && symbols.has("▁")).toBe(true);
    expect(symbols.size).toBeLessThanOrEqual(300);
  });

  it("never merges across words", () => {
    const bpe = BpeTokenizer.train(SAMPLE, { vocabSize: 400 });
    for (const line of SAMPLE) for (const t of bpe.encode(line)) expect(t.indexOf("▁", 1)).toBe(-1);
  });
});

describe("tokenizer JSON", () => {
  it("restores each kind so that it encodes identically", () => {
    const kinds = [
      trainTokenizer({ kind: "word" }, () => []),
      trainTokenizer({ kind: "char" }, () => []),
      trainTokenizer({ kind: "bpe", bpeVocabSize: 300 }, () => SAMPLE),
    ];
    for (const t of kinds) {
      const restored = tokenizerFromJSON(JSON.parse(JSON.stringify(t.toJSON())));
      expect(restored.kind).toBe(t.kind);
      expect(restored.symbols?.()).toEqual(t.symbols?.());
      for (const line of SAMPLE) expect(restored.encode(line)).toEqual(t.encode(line));
    }
  });

  it("rejects unknown or broken tokenizers with a one-line message", () => {
    expect(() => tokenizerFromJSON({ kind: "sentencepiece" })).toThrow(/unknown tokenizer "sentencepiece"; expected one of word, char, bpe/);
    expect(() => tokenizerFromJSON({ kind: "bpe", merges: ["ab"] })).toThrow(/BPE merge 1 "ab"/);
  });
});

describe("space tokenizer (the PyTorch tutorial's tokenisation)", () => {
  it("puts a space before . ! ? and splits on any whitespace, keeping other punctuation attached", async () => {
    const { SpaceTokenizer } = await import("../../src/data/tokenizers/index.js");
    const t = new SpaceTokenizer();
    expect(t.encode("run!")).toEqual(["run", "!"]);
    expect(t.encode("don't go, ok?")).toEqual(["don't", "go,", "ok", "?"]);
    // French uses narrow no-break spaces (U+202F) before "!": they separate tokens too.
    expect(t.encode("va\u202f!")).toEqual(["va", "!"]);
    expect(t.decode(t.encode("it's fine."))).toBe("it's fine .");
  });

  it("round-trips through its JSON form", async () => {
    const { SpaceTokenizer, tokenizerFromJSON } = await import("../../src/data/tokenizers/index.js");
    expect(tokenizerFromJSON(new SpaceTokenizer().toJSON()).kind).toBe("space");
  });
});
