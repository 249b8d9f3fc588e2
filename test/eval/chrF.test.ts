import { describe, expect, it } from "vitest";
import { chrF } from "../../src/eval/chrF.js";
import { exactMatch } from "../../src/eval/exactMatch.js";

describe("chrF", () => {
  it("identical strings score 100", () => {
    expect(chrF(["the cat sat", "ab"], ["the cat sat", "ab"]).chrF).toBeCloseTo(100, 10);
  });

  it("ignores whitespace", () => {
    expect(chrF(["a b c"], ["abc"]).chrF).toBeCloseTo(100, 10);
  });

  it("hand-computed: 'ab' against 'abc'", () => {
    // n=1: 2 matches, P = 2/2, R = 2/3.  n=2: "ab" matches, P = 1/1, R = 1/2.
    // n=3: no hypothesis trigram, one reference trigram: P = R = 0.  n ≥ 4: neither side, skipped.
    // chrP = (1 + 1 + 0)/3 = 2/3, chrR = (2/3 + 1/2 + 0)/3 = 7/18.
    // chrF2 = 5 · chrP · chrR / (4 · chrP + chrR) = (35/27) / (55/18) = 14/33.
    const r = chrF(["ab"], ["abc"]);
    expect(r.precision).toBeCloseTo(2 / 3, 12);
    expect(r.recall).toBeCloseTo(7 / 18, 12);
    expect(r.chrF).toBeCloseTo((100 * 14) / 33, 10);
    // β = 1 weighs them equally: F1 = 2PR/(P + R) = (14/27)/(19/18) = 28/57.
    expect(chrF(["ab"], ["abc"], { beta: 1 }).chrF).toBeCloseTo((100 * 28) / 57, 10);
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
