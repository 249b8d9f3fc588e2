import { describe, expect, it } from "vitest";
import { alignmentScores, argmaxAlignment, attentionMassOnGold, corpusAttentionMassOnGold } from "../../src/eval/alignment.js";

// 4 target words × 3 source words. Gold [src, tgt]: 0-0, 2-1, 0-2 and 1-2 (target 2 is
// one-to-many), target 3 unaligned.
const attention = [
  [0.7, 0.2, 0.1],
  [0.1, 0.1, 0.8],
  [0.3, 0.3, 0.4],
  [0.5, 0.5, 0.0],
];
const gold: [number, number][] = [[0, 0], [2, 1], [0, 2], [1, 2]];

describe("attention against a gold alignment", () => {
  it("mass on gold: mean over linked target positions, one-to-many links summed", () => {
    // t0: 0.7; t1: 0.8; t2: 0.3 + 0.3 = 0.6; t3 has no link and is skipped → 2.1 / 3 = 0.7.
    expect(attentionMassOnGold(attention, gold)).toBeCloseTo(0.7, 12);
  });

  it("mass on gold is 1 for attention exactly on the links and NaN without links", () => {
    expect(attentionMassOnGold([[0, 1], [1, 0]], [[1, 0], [0, 1]])).toBe(1);
    expect(attentionMassOnGold(attention, [])).toBeNaN();
  });

  it("corpus mass micro-averages over target positions", () => {
    // 3 positions with mass 2.1 and 1 position with mass 0.5 → 2.6 / 4.
    const other = { attention: [[0.5, 0.5]], gold: [[1, 0]] as [number, number][] };
    expect(corpusAttentionMassOnGold([{ attention, gold }, other])).toBeCloseTo(2.6 / 4, 12);
  });

  it("argmax alignment links each target row to its most attended source (ties: the first)", () => {
    expect(argmaxAlignment(attention)).toEqual([[0, 0], [2, 1], [2, 2], [0, 3]]);
  });

  it("precision, recall and AER of the argmax links (Och & Ney 2003)", () => {
    // A = {0-0, 2-1, 2-2, 0-3}, S = gold: |A∩S| = 2, |A| = |S| = 4.
    // precision = recall = 2/4, AER = 1 − (2 + 2)/(4 + 4) = 0.5.
    const a = argmaxAlignment(attention);
    expect(alignmentScores(a, gold)).toEqual({ precision: 0.5, recall: 0.5, aer: 0.5 });
    // With 2-2 as a possible link: |A∩P| = 3, precision 3/4, AER = 1 − (2 + 3)/8 = 3/8.
    const r = alignmentScores(a, gold, [[2, 2]]);
    expect(r.precision).toBe(0.75);
    expect(r.recall).toBe(0.5);
    expect(r.aer).toBeCloseTo(3 / 8, 12);
  });
});
