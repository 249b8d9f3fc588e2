import { describe, expect, it } from "vitest";
import { BOS, EOS, PAD, UNK, Vocab } from "../../src/data/vocab.js";

const lists = [["b", "a", "c"], ["a", "b"], ["a", "d"], ["e"]];

describe("Vocab", () => {
  it("puts the specials first at fixed ids", () => {
    const v = Vocab.build(lists);
    expect([PAD, BOS, EOS, UNK]).toEqual([0, 1, 2, 3]);
    expect([0, 1, 2, 3].map((i) => v.token(i))).toEqual(["<pad>", "<s>", "</s>", "<unk>"]);
  });

  it("orders by frequency, ties by token, deterministically", () => {
    const v = Vocab.build(lists);
    expect(v.toJSON().tokens.slice(4)).toEqual(["a", "b", "c", "d", "e"]);
    expect(Vocab.build([...lists].reverse()).toJSON()).toEqual(v.toJSON());
  });

  it("applies minFreq and maxSize (specials included in the size)", () => {
    expect(Vocab.build(lists, { minFreq: 2 }).toJSON().tokens.slice(4)).toEqual(["a", "b"]);
    const small = Vocab.build(lists, { maxSize: 5 });
    expect(small.size).toBe(5);
    expect(small.toJSON().tokens[4]).toBe("a");
    expect(() => Vocab.build(lists, { maxSize: 3 })).toThrow(/at least 4/);
  });

  it("maps unknown tokens to <unk> and decodes up to </s>", () => {
    const v = Vocab.build(lists);
    const ids = v.encode(["a", "zzz", "e"]);
    expect(ids).toBeInstanceOf(Int32Array);
    expect(Array.from(ids)).toEqual([v.id("a"), UNK, v.id("e")]);
    expect(v.decode([BOS, v.id("a"), UNK, EOS, v.id("b"), PAD])).toEqual(["a", "<unk>"]);
  });

  it("survives JSON and rejects malformed vocabularies", () => {
    const v = Vocab.build(lists);
    const back = Vocab.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(back.toJSON()).toEqual(v.toJSON());
    expect(() => Vocab.fromJSON({ tokens: ["a", "b"] })).toThrow(/entry 0 is "a"; expected <pad>/);
    expect(() => Vocab.fromJSON({ tokens: ["<pad>", "<s>", "</s>", "<unk>", "x", "x"] })).toThrow(/appears twice/);
    expect(() => Vocab.fromJSON([])).toThrow(/expected \{ "tokens"/);
  });

  it("keeps tokens it is told to keep, whatever their count", () => {
    const v = Vocab.build(lists, { minFreq: 2, keep: ["e", "zz"] });
    expect(v.toJSON().tokens.slice(4)).toEqual(["a", "b", "e", "zz"]);
  });

  it("never counts specials found in the text twice", () => {
    const v = Vocab.build([["<unk>", "a"]]);
    expect(v.size).toBe(5);
  });
});
