import { describe, expect, it } from "vitest";
import { beamSearch } from "../../src/decode/beam.js";
import { sourceBatch } from "../../src/decode/sourceBatch.js";
import { greedyDecode } from "../../src/decode/greedy.js";
import { lengthPenalty } from "../../src/decode/lengthPenalty.js";
import { A, B, C, logP, seqLogP, tableModel, type Table } from "./tableModel.js";

const EOS = 2;
const BOS = 1;
const one = sourceBatch([Int32Array.from([7, 8, EOS])]);

/**
 * The textbook case where greedy is not optimal:
 *   after <s>: A .5, B .4, </s> .1;  after A: A .3, B .3, C .35, </s> .05;  after B: </s> .9, A .1;
 *   after C: </s> 1.
 * Greedy: A C </s> with P = .5 · .35 · 1 = .175; beam 2 finds B </s> with P = .4 · .9 = .36.
 */
const garden: Table = {
  [BOS]: { [A]: 0.5, [B]: 0.4, [EOS]: 0.1 },
  [A]: { [A]: 0.3, [B]: 0.3, [C]: 0.35, [EOS]: 0.05 },
  [B]: { [EOS]: 0.9, [A]: 0.1 },
  [C]: { [EOS]: 1 },
};

describe("greedy and beam search on a known distribution", () => {
  it("greedy follows the argmax and scores the sum of log-probs including </s>", () => {
    const [h] = greedyDecode(tableModel(garden), one, { maxLen: 10 });
    expect(h!.tokens).toEqual([A, C]);
    expect(h!.finished).toBe(true);
    expect(h!.score).toBeCloseTo(seqLogP(garden, [A, C]), 5);
    expect(h!.logProb).toBe(h!.score);
  });

  it("beam 2 finds the better hypothesis greedy misses; the 2-best list holds both", () => {
    const [list] = beamSearch(tableModel(garden), one, { beam: 2, maxLen: 10, nBest: 2 });
    expect(list!.map((h) => h.tokens)).toEqual([[B], [A, C]]);
    expect(list![0]!.score).toBeCloseTo(seqLogP(garden, [B]), 5);
    expect(seqLogP(garden, [B])).toBeCloseTo(Math.log(0.4 * 0.9), 4); // up to the 1e-6 mass of unlisted tokens
    expect(list![1]!.score).toBeCloseTo(seqLogP(garden, [A, C]), 5);
  });

  it("beam 1 reproduces greedy exactly", () => {
    const g = greedyDecode(tableModel(garden), one, { maxLen: 10 })[0]!;
    const b = beamSearch(tableModel(garden), one, { beam: 1, maxLen: 10 })[0]![0]!;
    expect(b.tokens).toEqual(g.tokens);
    expect(b.score).toBe(g.score);
  });

  it("ties go to the lower token id, and among beams to the lower beam", () => {
    // After <s>: A and B equally likely; both are then certain to end.
    const tie: Table = { [BOS]: { [B]: 0.4, [A]: 0.4, [EOS]: 0.2 }, [A]: { [EOS]: 1 }, [B]: { [EOS]: 1 } };
    expect(greedyDecode(tableModel(tie), one, { maxLen: 5 })[0]!.tokens).toEqual([A]);
    const [list] = beamSearch(tableModel(tie), one, { beam: 2, maxLen: 5, nBest: 2 });
    expect(list!.map((h) => h.tokens)).toEqual([[A], [B]]);
    expect(list![0]!.score).toBe(list![1]!.score);
  });

  it("maxLen cuts an output that never ends: maxLen tokens, no </s>, unfinished", () => {
    const loop: Table = { [BOS]: { [A]: 1 }, [A]: { [A]: 1 } };
    const g = greedyDecode(tableModel(loop), one, { maxLen: 3 })[0]!;
    expect(g.tokens).toEqual([A, A, A]);
    expect(g.finished).toBe(false);
    expect(g.attention).toHaveLength(3);
    expect(g.score).toBeCloseTo(seqLogP(loop, [A, A, A], false), 5);
    const b = beamSearch(tableModel(loop), one, { beam: 2, maxLen: 3 })[0]![0]!;
    expect(b.tokens).toEqual([A, A, A]);
    expect(b.finished).toBe(false);
  });

  it("a per-sentence maxLen applies to each sentence of a batch", () => {
    const loop: Table = { [BOS]: { [A]: 1 }, [A]: { [A]: 1 } };
    const batch = sourceBatch([Int32Array.from([7, EOS]), Int32Array.from([7, 8, 9, EOS])]);
    const hyps = greedyDecode(tableModel(loop), batch, { maxLen: (len) => len + 1 });
    expect(hyps.map((h) => h.tokens.length)).toEqual([3, 5]);
  });

  it("the GNMT length penalty (α = 2) prefers the longer output that α = 0 ranks second", () => {
    // maxLen 2. "</s>" has log .4 over |Y| = 1; "A </s>" has log(.6 · .6) = log .36 over |Y| = 2;
    // "A B" (cut, no </s>) log(.6 · .4) = log .24 over 2. α = 0: log .4 > log .36.
    // α = 2: lp(1) = 1, lp(2) = (7/6)² ≈ 1.361, and log(.36)/1.361 ≈ −0.751 > log(.4) ≈ −0.916.
    const short: Table = { [BOS]: { [EOS]: 0.4, [A]: 0.6 }, [A]: { [EOS]: 0.6, [B]: 0.4 } };
    const plain = beamSearch(tableModel(short), one, { beam: 2, maxLen: 2 })[0]![0]!;
    expect(plain.tokens).toEqual([]);
    const [best] = beamSearch(tableModel(short), one, { beam: 2, maxLen: 2, lengthPenalty: 2 })[0]!;
    expect(best!.tokens).toEqual([A]);
    const raw = logP(short, BOS, A) + logP(short, A, EOS);
    expect(best!.logProb).toBeCloseTo(raw, 5);
    expect(best!.score).toBeCloseTo(raw / lengthPenalty(2, 2), 5);
    expect(lengthPenalty(2, 2)).toBeCloseTo((7 / 6) ** 2, 12);
  });

  it("attention has one row per step (the </s> step included), uniform over the real source", () => {
    const batch = sourceBatch([Int32Array.from([7, EOS]), Int32Array.from([7, 8, 9, 8, EOS])]);
    for (const h of greedyDecode(tableModel(garden), batch, { maxLen: 10 })) {
      expect(h.attention).toHaveLength(h.tokens.length + 1);
    }
    const [short, long] = beamSearch(tableModel(garden), batch, { beam: 2, maxLen: 10 }).map((l) => l[0]!);
    expect(short!.attention[0]).toEqual([0.5, 0.5]);
    expect(long!.attention[0]!.length).toBe(5);
    for (const w of long!.attention[0]!) expect(w).toBeCloseTo(0.2, 6);
  });

  it("rejects a beam below 1 and an nBest above the beam", () => {
    expect(() => beamSearch(tableModel(garden), one, { beam: 0, maxLen: 5 })).toThrow(/beam/);
    expect(() => beamSearch(tableModel(garden), one, { beam: 2, maxLen: 5, nBest: 3 })).toThrow(/nBest/);
  });

  it("restores the model's training mode", () => {
    const m = tableModel(garden);
    greedyDecode(m, one, { maxLen: 5 });
    expect(m.training).toBe(true);
  });
});
