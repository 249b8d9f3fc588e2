import { describe, expect, it } from "vitest";
import { coveragePenalty } from "../../src/decode/coveragePenalty.js";
import { SentenceBeam } from "../../src/decode/sentenceBeam.js";
import { expandState, nextStepState, selectStateRows } from "../../src/decode/state.js";
import type { DecoderState } from "../../src/models/types.js";
import { Tensor } from "../../src/tensor/tensor.js";

/**
 * Coverage in decoding: the coverage vector is a per-hypothesis row of the decoder state (moved
 * by beam search and greedy like h), and the GNMT coverage penalty (Wu et al. 2016 eq. 14)
 * re-ranks finished hypotheses.
 */

const rowsOf = (t: Tensor): number[][] => {
  const w = t.size / t.shape[0]!;
  return Array.from({ length: t.shape[0]! }, (_, r) => Array.from(t.data.subarray(r * w, r * w + w)));
};

/** Two sentences of S = 2 with one hypothesis row each; coverage row r = [10r, 10r + 1]. */
function state2(): DecoderState {
  return {
    h: [Tensor.from([0, 1], [2, 1])],
    c: null,
    feed: null,
    memory: { keys: Tensor.zeros([2, 2, 1]), prepared: Tensor.zeros([2, 2, 1]), padMask: new Uint8Array(4), lengths: Int32Array.from([2, 2]), copy: { ids: Int32Array.from([5, 8, 9, -1]), size: 10 } },
    coverage: Tensor.from([0, 1, 10, 11], [2, 2]),
  };
}

describe("the coverage vector in the decoder state", () => {
  it("moves with its hypothesis rows: expand, re-rank in place, drop a finished sentence", () => {
    const expanded = expandState(state2(), 3); // rows b·3 + k
    expect(rowsOf(expanded.coverage!)).toEqual([[0, 1], [0, 1], [0, 1], [10, 11], [10, 11], [10, 11]]);
    const reranked = nextStepState(expanded, Int32Array.from([2, 0, 0, 5, 3, 4]));
    expect(rowsOf(reranked.coverage!)).toEqual([[0, 1], [0, 1], [0, 1], [10, 11], [10, 11], [10, 11]]);
    // Tag the rows so a move is visible, then keep only sentence 1 (rows 3..5, reordered).
    const tagged = { ...expanded, coverage: Tensor.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [6, 2]) };
    const kept = nextStepState(tagged, Int32Array.from([5, 3, 3]), Int32Array.from([1]));
    expect(rowsOf(kept.coverage!)).toEqual([[10, 11], [6, 7], [6, 7]]);
    expect(Array.from(kept.memory!.copy!.ids)).toEqual([9, -1]);
    expect(kept.memory!.copy!.size).toBe(10);
  });

  it("greedy's selectStateRows keeps the unfinished rows' coverage and memory (copy ids included); null coverage stays null", () => {
    const s = selectStateRows(state2(), Int32Array.from([1]));
    expect(rowsOf(s.coverage!)).toEqual([[10, 11]]);
    expect(Array.from(s.memory!.copy!.ids)).toEqual([9, -1]);
    expect(selectStateRows({ ...state2(), coverage: null }, Int32Array.from([1])).coverage).toBeUndefined();
    expect("coverage" in selectStateRows({ ...state2(), coverage: undefined }, Int32Array.from([0]))).toBe(false);
  });
});

describe("GNMT coverage penalty", () => {
  it("is β·Σ_j log(min(Σ_t a_t(j), 1)) over the source words, </s> (the last column) not counted", () => {
    const rows = [
      [0.5, 0.1, 0.4],
      [0.7, 0.2, 0.1],
    ];
    expect(coveragePenalty(rows, 0.5)).toBeCloseTo(0.5 * (Math.log(1) + Math.log(0.3)), 14);
    expect(coveragePenalty(rows, 0)).toBe(0);
    expect(coveragePenalty([], 1)).toBe(0);
    // A word no step attended to: log 0.
    expect(coveragePenalty([[1, 0, 0]], 1)).toBe(-Infinity);
  });

  it("re-ranks finished hypotheses: the more probable one that ignores a source word loses with β = 1", () => {
    // Vocabulary of 5 (id 4 is a word), a source of one word + </s>. Step 0: </s> (log 0.5) or the
    // word (log 0.4); the short hypothesis attends to </s>, the long one to the word.
    const V = 5;
    const lp0 = Float64Array.from([-Infinity, -Infinity, Math.log(0.5), -5, Math.log(0.4)]);
    const lp1 = Float64Array.from([-Infinity, -Infinity, Math.log(0.9), -5, -5, -Infinity, -Infinity, Math.log(0.9), -5, -5]);
    const run = (beta: number) => {
      const beam = new SentenceBeam(2, 5, 0, beta);
      beam.advance(lp0, V, 0, 0, () => [0.1, 0.9]);
      beam.advance(lp1, V, 0, 1, () => [0.9, 0.1]);
      return beam.best(2);
    };
    const [plainBest] = run(0);
    expect(plainBest!.tokens).toEqual([]);
    const [best, second] = run(1);
    expect(best!.tokens).toEqual([4]);
    expect(best!.score).toBeCloseTo(Math.log(0.4) + Math.log(0.9) + Math.log(1), 12);
    expect(second!.score).toBeCloseTo(Math.log(0.5) + Math.log(0.1), 12);
  });
});
