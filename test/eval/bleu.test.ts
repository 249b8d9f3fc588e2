import { describe, expect, it } from "vitest";
import { corpusBleu, type BleuOptions } from "../../src/eval/bleu.js";

// Whitespace tokens and no smoothing, so the numbers are Papineni et al.'s by hand; sacreBLEU's
// defaults (13a, exp smoothing) are checked against sacreBLEU itself in sacrebleu.test.ts.
const bleuOf = (hyps: string[], refs: string[], opts: BleuOptions = {}) => corpusBleu(hyps, [refs], { tokenize: "none", smooth: "none", ...opts });

describe("corpusBleu", () => {
  it("a perfect match scores 100 with all precisions 1 and no brevity penalty", () => {
    const r = bleuOf(["the cat sat on the mat", "a b c d"], ["the cat sat on the mat", "a b c d"]);
    expect(r.bleu).toBeCloseTo(100, 10);
    expect(r.precisions).toEqual([100, 100, 100, 100]);
    expect(r.bp).toBe(1);
    expect(r.hypLen).toBe(10);
    expect(r.refLen).toBe(10);
  });

  it("Papineni et al. 2002 §2.1: 'the' ×7 against 'the cat is on the mat' has modified unigram precision 2/7", () => {
    // "the" occurs at most twice in the reference, so only 2 of the 7 hypothesis unigrams count.
    // No hypothesis bigram "the the" is in the reference, so unsmoothed BLEU is 0.
    const r = bleuOf(["the the the the the the the"], ["the cat is on the mat"]);
    expect(r.precisions[0]).toBeCloseTo(200 / 7, 12);
    expect(r.matches[1]).toBe(0);
    expect(r.bleu).toBe(0);
  });

  it("hand-computed: 'a b c d e' against 'a b c d f g'", () => {
    // matches/totals: unigrams 4/5, bigrams 3/4 (ab bc cd), trigrams 2/3 (abc bcd), 4-grams 1/2 (abcd).
    // c = 5 < r = 6, so BP = exp(1 − 6/5) = exp(−0.2).
    // BLEU = 100 · exp(−0.2) · (4/5 · 3/4 · 2/3 · 1/2)^(1/4) = 100 · exp(−0.2) · 0.2^(1/4) ≈ 54.71.
    const r = bleuOf(["a b c d e"], ["a b c d f g"]);
    expect(r.precisions).toEqual([80, 75, 200 / 3, 50]);
    expect(r.bp).toBeCloseTo(Math.exp(-0.2), 12);
    expect(r.bleu).toBeCloseTo(100 * Math.exp(-0.2) * 0.2 ** 0.25, 10);
  });

  it("is corpus-level: n-gram counts are summed over sentences, not sentence scores averaged", () => {
    // Sentence 1 is perfect (6 tokens); sentence 2 "x y" vs "x z" matches 1 of 2
    // unigrams and 0 of 1 bigram, so its own BLEU is 0 and the sentence average would be 50.
    // Corpus: unigrams (6+1)/8, bigrams 5/6, trigrams 4/4, 4-grams 3/3; c = r = 8, BP = 1.
    const r = bleuOf(["a b c d e f", "x y"], ["a b c d e f", "x z"]);
    expect(r.matches).toEqual([7, 5, 4, 3]);
    expect(r.totals).toEqual([8, 6, 4, 3]);
    expect(r.bleu).toBeCloseTo(100 * ((7 / 8) * (5 / 6)) ** 0.25, 10);
  });

  it("brevity penalty: 1 for a longer output, exp(1 − r/c) for a shorter one, 0 for an empty one", () => {
    expect(bleuOf(["a b c d e"], ["a b c d"]).bp).toBe(1);
    // c = 4, r = 8: BP = exp(1 − 2) = e⁻¹.
    expect(bleuOf(["a b c d"], ["a b c d e f g h"]).bp).toBeCloseTo(Math.exp(-1), 12);
    const empty = bleuOf([""], ["a b"]);
    expect(empty.bp).toBe(0);
    expect(empty.bleu).toBe(0);
  });

  it("maxN chooses the orders: BLEU-2 of the hand-computed case", () => {
    // (4/5 · 3/4)^(1/2) · exp(−0.2)
    expect(bleuOf(["a b c d e"], ["a b c d f g"], { maxN: 2 }).bleu).toBeCloseTo(100 * Math.exp(-0.2) * Math.sqrt(0.6), 10);
  });

  it("add-k smoothing (Lin & Och 2004 for k = 1) adds k to matches and totals of orders ≥ 2", () => {
    // "the cat" vs "the cat sat": unigrams 2/2; bigrams (1+1)/(1+1); trigrams and 4-grams (0+1)/(0+1).
    // c = 2, r = 3: BP = exp(1 − 3/2) = exp(−0.5), so BLEU = 100 · exp(−0.5).
    const r = bleuOf(["the cat"], ["the cat sat"], { smooth: "add-k" });
    expect(r.precisions).toEqual([100, 100, 100, 100]);
    expect(r.bleu).toBeCloseTo(100 * Math.exp(-0.5), 10);
  });

  it("exp smoothing (Chen & Cherry 2014 method 3) gives the k-th zero order 1/(2^k · total)", () => {
    // "a b c d e" vs "a b x d e": unigrams 4/5; bigrams 2/4 (ab, de); trigrams 0 of 3 → 1/(2·3);
    // 4-grams 0 of 2 → 1/(4·2). c = r = 5, BP = 1.
    const r = bleuOf(["a b c d e"], ["a b x d e"], { smooth: "exp" });
    expect(r.precisions).toEqual([80, 50, 100 / 6, 100 / 8]);
    expect(r.bleu).toBeCloseTo(100 * ((4 / 5) * (1 / 2) * (1 / 6) * (1 / 8)) ** 0.25, 10);
    expect(bleuOf(["a b c d e"], ["a b x d e"]).bleu).toBe(0);
  });

  it("rejects corpora of different sizes", () => {
    expect(() => bleuOf(["a"], [])).toThrow(/1 hypotheses but reference stream 0 has 0 sentences/);
  });

  it("is 0 when no n-gram matches at all, even with exp smoothing (sacreBLEU issue #141)", () => {
    expect(bleuOf(["x y z w"], ["a b c d"], { smooth: "exp" }).bleu).toBe(0);
  });

  it("effective order averages only up to the highest order with hypothesis n-grams", () => {
    // "a b" vs "a b c": unigrams 2/2, bigrams 1/1, no trigram: BLEU-2 = BP = exp(1 − 3/2).
    expect(bleuOf(["a b"], ["a b c"]).bleu).toBe(0);
    expect(bleuOf(["a b"], ["a b c"], { effectiveOrder: true }).bleu).toBeCloseTo(100 * Math.exp(-0.5), 10);
  });

  it("multiple references: clipping by the largest count in one reference, the closest reference length", () => {
    // "the the cat" against "the cat" and "the the dog": "the" clips at 2 (second reference), "cat" matches once;
    // bigrams "the the" (ref 2) and "the cat" (ref 1) match. c = 3; reference lengths 2 and 3: r = 3.
    const r = corpusBleu(["the the cat"], [["the cat"], ["the the dog"]], { tokenize: "none", maxN: 2, smooth: "none" });
    expect(r.matches).toEqual([3, 2]);
    expect(r.refLen).toBe(3);
    expect(r.bleu).toBeCloseTo(100, 10);
    expect(r.signature).toBe("nrefs:2|case:mixed|eff:no|tok:none|smooth:none|version:2.6.0");
  });
});
