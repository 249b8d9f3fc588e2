import { beforeAll, describe, expect, it } from "vitest";
import { collate, type Example } from "../../src/data/batching.js";
import { beamSearch } from "../../src/decode/beam.js";
import { sourceBatch } from "../../src/decode/sourceBatch.js";
import { decodeCorpus, translateExamples } from "../../src/decode/translate.js";
import { forcedAttention, forcedDecode } from "../../src/decode/forced.js";
import { greedyDecode } from "../../src/decode/greedy.js";
import type { Hypothesis } from "../../src/decode/types.js";
import type { TranslationModel } from "../../src/models/types.js";
import { heldOut, trainedTinyModel } from "./tinyModel.js";

const MAX_LEN = 20;
const sources = heldOut(40).map((e) => e.src);

/** Decode `sources` in consecutive batches of `size` (mixed lengths, so rows are padded). */
function inBatches<T>(size: number, decode: (batch: ReturnType<typeof sourceBatch>) => T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < sources.length; i += size) out.push(...decode(sourceBatch(sources.slice(i, i + size))));
  return out;
}

function expectSameHypothesis(a: Hypothesis, b: Hypothesis, tol: number): void {
  expect(a.tokens).toEqual(b.tokens);
  expect(Math.abs(a.score - b.score)).toBeLessThanOrEqual(tol);
  expect(a.attention.length).toBe(b.attention.length);
  a.attention.forEach((row, t) => row.forEach((w, s) => expect(Math.abs(w - b.attention[t]![s]!)).toBeLessThanOrEqual(tol)));
}

/**
 * Teacher forcing each finished hypothesis must reproduce its log-probability and attention:
 * this fails if beam search ever continues a hypothesis from another beam's state row.
 * Returns how many hypotheses were checked.
 */
function expectForcedConsistent(model: TranslationModel, srcs: Int32Array[], lists: Hypothesis[][]): number {
  const pairs = lists.flatMap((l, i) => l.filter((h) => h.finished).map((hyp) => ({ src: srcs[i]!, hyp })));
  const examples: Example[] = pairs.map((p, i) => ({ src: p.src, tgt: Int32Array.from([1, ...p.hyp.tokens, 2]), index: i }));
  forcedDecode(model, collate(examples, examples.map((_, i) => i))).forEach((f, j) => {
    const hyp = pairs[j]!.hyp;
    expect(Math.abs(f.logProb - hyp.logProb)).toBeLessThan(1e-4);
    expectSameHypothesis({ ...hyp, attention: f.attention }, hyp, 1e-5);
  });
  return pairs.length;
}

describe("decoding a tiny trained Bahdanau model", () => {
  let model: TranslationModel;
  beforeAll(() => {
    // 150 steps: good enough to decode sensibly, still wrong on longer held-out sentences.
    model = trainedTinyModel({ decoder: { type: "bahdanau" } }, 150);
  });

  it("beam 1 gives exactly the greedy output (tokens and scores)", () => {
    const batch = sourceBatch(sources);
    const greedy = greedyDecode(model, batch, { maxLen: MAX_LEN });
    const beam1 = beamSearch(model, batch, { beam: 1, maxLen: MAX_LEN }).map((l) => l[0]!);
    greedy.forEach((g, i) => {
      expect(beam1[i]!.tokens).toEqual(g.tokens);
      expect(beam1[i]!.score).toBe(g.score);
    });
  });

  it("greedy: batches of 1 and of 32 give the same outputs", () => {
    const single = inBatches(1, (b) => greedyDecode(model, b, { maxLen: MAX_LEN }));
    const many = inBatches(32, (b) => greedyDecode(model, b, { maxLen: MAX_LEN }));
    single.forEach((h, i) => expectSameHypothesis(h, many[i]!, 1e-5));
  });

  it("beam 3 with 3-best lists: batches of 1 and of 32 give the same outputs", () => {
    const opts = { beam: 3, maxLen: MAX_LEN, nBest: 3 };
    const single = inBatches(1, (b) => beamSearch(model, b, opts));
    const many = inBatches(32, (b) => beamSearch(model, b, opts));
    single.forEach((list, i) => {
      expect(list.length).toBe(many[i]!.length);
      list.forEach((h, k) => expectSameHypothesis(h, many[i]![k]!, 1e-5));
    });
  });

  it("a 4-best list holds 4 distinct hypotheses sorted by score, the first being beam search's 1-best", () => {
    const batch = sourceBatch(sources);
    const lists = beamSearch(model, batch, { beam: 4, maxLen: MAX_LEN, nBest: 4 });
    const best = beamSearch(model, batch, { beam: 4, maxLen: MAX_LEN, nBest: 1 });
    lists.forEach((list, i) => {
      expect(list).toHaveLength(4);
      expect(new Set(list.map((h) => h.tokens.join(" "))).size).toBe(4);
      for (let k = 1; k < 4; k++) expect(list[k]!.score).toBeLessThanOrEqual(list[k - 1]!.score);
      expect(best[i]).toHaveLength(1);
      expect(list[0]!.tokens).toEqual(best[i]![0]!.tokens);
      expect(list[0]!.score).toBe(best[i]![0]!.score);
    });
  });

  it("attention rows sum to 1 and cover exactly the sentence's source length", () => {
    const batch = sourceBatch(sources);
    const hyps = [...greedyDecode(model, batch, { maxLen: MAX_LEN }).map((h, i) => ({ h, i })), ...beamSearch(model, batch, { beam: 3, maxLen: MAX_LEN, nBest: 3 }).flatMap((l, i) => l.map((h) => ({ h, i })))];
    for (const { h, i } of hyps) {
      expect(h.attention).toHaveLength(h.tokens.length + (h.finished ? 1 : 0));
      for (const row of h.attention) {
        expect(row).toHaveLength(sources[i]!.length);
        expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
      }
    }
  });

  it("beam search finds outputs at least as probable as greedy on average", () => {
    const batch = sourceBatch(sources);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const greedy = mean(greedyDecode(model, batch, { maxLen: MAX_LEN }).map((h) => h.score));
    const beam = mean(beamSearch(model, batch, { beam: 4, maxLen: MAX_LEN }).map((l) => l[0]!.score));
    expect(beam).toBeGreaterThanOrEqual(greedy);
  });

  it("teacher forcing the decoded outputs reproduces their log-probabilities and attention", () => {
    const lists = beamSearch(model, sourceBatch(sources), { beam: 3, maxLen: MAX_LEN, nBest: 3 });
    expect(expectForcedConsistent(model, sources, lists)).toBeGreaterThan(100);
  });

  it("forcedAttention gives one row per predicted token (</s> included) over each real source", () => {
    const examples = heldOut(6);
    const mats = forcedAttention(model, collate(examples, examples.map((_, i) => i)));
    mats.forEach((m, i) => {
      expect(m).toHaveLength(examples[i]!.tgt.length - 1);
      for (const row of m) expect(row).toHaveLength(examples[i]!.src.length);
    });
  });

  it("decodeCorpus and translateExamples return results in input order, equal to decoding each sentence alone", () => {
    const corpus = decodeCorpus(model, sources, { beam: 2, maxLen: MAX_LEN, nBest: 2, batchSize: 16 });
    const alone = inBatches(1, (b) => beamSearch(model, b, { beam: 2, maxLen: MAX_LEN, nBest: 2 }));
    corpus.forEach((list, i) => list.forEach((h, k) => expectSameHypothesis(h, alone[i]![k]!, 1e-5)));
    const best = translateExamples(model, sources.map((src) => ({ src })), { beam: 1, maxLen: MAX_LEN, batchSize: 16 });
    const greedy = inBatches(1, (b) => greedyDecode(model, b, { maxLen: MAX_LEN }));
    best.forEach((h, i) => expectSameHypothesis(h, greedy[i]!, 1e-5));
  });
});

describe("beam search on an LSTM Luong model with input feeding", () => {
  it("re-ranked states (h, c and the fed attentional state) stay consistent with teacher forcing", () => {
    const model = trainedTinyModel({ encoder: { type: "lstm" }, decoder: { type: "luong", cell: "lstm", inputFeeding: true }, attention: { score: "general" } }, 60);
    const few = sources.slice(0, 12);
    const lists = beamSearch(model, sourceBatch(few), { beam: 3, maxLen: MAX_LEN, nBest: 3 });
    expect(expectForcedConsistent(model, few, lists)).toBeGreaterThan(12);
  });
});

describe("a decoder without attention", () => {
  it("returns empty attention histories (untrained thought-vector model)", () => {
    const model = trainedTinyModel({ decoder: { type: "none" } }, 0);
    const batch = sourceBatch(sources.slice(0, 3));
    for (const h of greedyDecode(model, batch, { maxLen: 5 })) expect(h.attention).toEqual([]);
    for (const l of beamSearch(model, batch, { beam: 2, maxLen: 5 })) expect(l[0]!.attention).toEqual([]);
  });
});
