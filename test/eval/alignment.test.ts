import { describe, expect, it } from "vitest";
import { alignmentScores, argmaxAlignment, attentionAlignment, attentionMassOnGold, corpusAlignmentScores, corpusAttentionMassOnGold, meanMatrix } from "../../src/eval/alignment.js";
import { parsePharaoh } from "../../src/eval/pharaoh.js";

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

describe("AER with sure and possible links (Och & Ney 2003)", () => {
  // Gold: sure S = {0-0, 1-1}, possible-only {1-2, 2-2}; P = S ∪ {1-2, 2-2}.
  const gold = parsePharaoh("0-0 1-1 1?2 2p2\n", "gold.align")[0]!;

  it("parses sure links as i-j and possible links as i?j or ipj", () => {
    expect(gold).toEqual({ sure: [[0, 0], [1, 1]], possible: [[1, 2], [2, 2]] });
  });

  it("hand-made: a possible link counts for precision, not against recall", () => {
    // A = {0-0, 1-2, 2-1}: |A∩S| = 1 (0-0), |A∩P| = 2 (0-0, 1-2), |A| = 3, |S| = 2.
    // precision = 2/3, recall = 1/2, AER = 1 − (1 + 2)/(3 + 2) = 2/5.
    const r = alignmentScores([[0, 0], [1, 2], [2, 1]], gold.sure, gold.possible);
    expect(r.precision).toBeCloseTo(2 / 3, 12);
    expect(r.recall).toBe(0.5);
    expect(r.aer).toBeCloseTo(2 / 5, 12);
  });

  it("AER is 0 for exactly the sure links, and for sure plus possible links", () => {
    expect(alignmentScores([[0, 0], [1, 1]], gold.sure, gold.possible).aer).toBe(0);
    expect(alignmentScores([[0, 0], [1, 1], [1, 2], [2, 2]], gold.sure, gold.possible)).toEqual({ precision: 1, recall: 1, aer: 0 });
  });

  it("corpus scores sum the set sizes over sentences before dividing", () => {
    // Sentence 1 as above (|A| 3, |S| 2, |A∩S| 1, |A∩P| 2); sentence 2: A = {0-0}, S = {0-0, 1-1} (1, 2, 1, 1).
    // Totals |A| 4, |S| 4, |A∩S| 2, |A∩P| 3: precision 3/4, recall 2/4, AER = 1 − 5/8.
    const r = corpusAlignmentScores([
      { predicted: [[0, 0], [1, 2], [2, 1]], sure: gold.sure, possible: gold.possible },
      { predicted: [[0, 0]], sure: [[0, 0], [1, 1]] },
    ]);
    expect(r).toEqual({ precision: 0.75, recall: 0.5, aer: 1 - 5 / 8 });
  });
});

describe("hard alignments from attention: argmax and shift-att (Chen et al. 2020)", () => {
  // A decoder's cross-attention for 2 source tokens + </s> (columns) and 3 target tokens + </s>
  // (rows): row t is the step that predicts target token t; its input is token t − 1.
  const attention = [
    [0.1, 0.2, 0.7], // predicts t0: </s> column is largest but not a word; source 1 wins
    [0.8, 0.1, 0.1], // predicts t1 (input t0)
    [0.3, 0.6, 0.1], // predicts t2 (input t1)
    [0.5, 0.4, 0.1], // predicts </s> (input t2)
  ];

  it("argmax: target token t takes row t, over the source words only", () => {
    expect(attentionAlignment(attention, 2, 3, "argmax")).toEqual([[1, 0], [0, 1], [1, 2]]);
  });

  it("shift-att: target token t takes row t + 1, the step whose input is t", () => {
    expect(attentionAlignment(attention, 2, 3, "shift-att")).toEqual([[0, 0], [1, 1], [0, 2]]);
  });

  it("shift-att leaves the last token unaligned when the output was cut (no </s> row)", () => {
    expect(attentionAlignment(attention.slice(0, 3), 2, 3, "shift-att")).toEqual([[0, 0], [1, 1]]);
  });

  it("ties go to the first source token; an empty source aligns nothing", () => {
    expect(attentionAlignment([[0.4, 0.4, 0.2]], 2, 1, "argmax")).toEqual([[0, 0]]);
    expect(attentionAlignment([[1]], 0, 1, "argmax")).toEqual([]);
  });

  it("meanMatrix averages heads element-wise", () => {
    expect(meanMatrix([[[1, 0]], [[0, 1]], [[0.5, 0.5]]])).toEqual([[0.5, 0.5]]);
  });
});
