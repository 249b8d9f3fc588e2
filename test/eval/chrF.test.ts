import { describe, expect, it } from "vitest";
import { corpusChrF, type ChrFOptions } from "../../src/eval/chrF.js";

const chrF = (hyps: string[], refs: string[], opts: ChrFOptions = {}) => corpusChrF(hyps, [refs], opts);
import { exactMatch } from "../../src/eval/exactMatch.js";

describe("chrF", () => {
  it("identical strings score 100", () => {
    expect(chrF(["the cat sat", "ab"], ["the cat sat", "ab"]).chrF).toBeCloseTo(100, 10);
  });

  it("ignores whitespace", () => {
    expect(chrF(["a b c"], ["abc"]).chrF).toBeCloseTo(100, 10);
  });

  it("hand-computed: 'ab' against 'abc' (sacreBLEU's effective order)", () => {
    // n=1: 2 matches, P = 2/2, R = 2/3.  n=2: "ab" matches, P = 1/1, R = 1/2.
    // n=3: no hypothesis trigram, so the order does not count; n ≥ 4: neither side has n-grams.
    // chrP = (1 + 1)/2 = 1, chrR = (2/3 + 1/2)/2 = 7/12.
    // chrF2 = 5 · chrP · chrR / (4 · chrP + chrR) = (35/12) / (55/12) = 7/11.
    const r = chrF(["ab"], ["abc"]);
    expect(r.stats.slice(0, 3)).toEqual([[2, 3, 2], [1, 2, 1], [0, 1, 0]]);
    expect(r.chrF).toBeCloseTo((100 * 7) / 11, 10);
    // β = 1 weighs them equally: F1 = 2PR/(P + R) = (7/6)/(19/12) = 14/19.
    expect(chrF(["ab"], ["abc"], { beta: 1 }).chrF).toBeCloseTo((100 * 14) / 19, 10);
    expect(chrF(["ab"], ["abc"], { beta: 1 }).name).toBe("chrF1");
  });

  it("chrF++ adds word unigrams and bigrams", () => {
    // Characters are identical once whitespace is removed, but the words differ: "ab" vs "a b".
    const r = chrF(["ab c"], ["a bc"], { wordOrder: 2 });
    expect(r.name).toBe("chrF2++");
    expect(r.stats.slice(6)).toEqual([[2, 2, 0], [1, 1, 0]]);
    // "abc": character orders 1–3 match perfectly, 4–6 have no n-grams and do not count; both
    // word orders match nothing: chrP = chrR = (1 + 1 + 1 + 0 + 0)/5 = 3/5.
    expect(r.chrF).toBeCloseTo(60, 10);
  });

  it("nothing in common scores 0", () => {
    expect(chrF(["xyz"], ["abc"]).chrF).toBe(0);
  });
});

describe("exactMatch", () => {
  it("is the fraction of identical strings", () => {
    expect(exactMatch(["a b", "c", "d"], ["a b", "c ", "d"])).toBeCloseTo(2 / 3, 12);
    expect(exactMatch([], [])).toBe(0);
    expect(() => exactMatch(["a"], [])).toThrow(/1 hypotheses/);
  });
});
