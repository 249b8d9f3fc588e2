import { BOS, EOS } from "../data/vocab.js";
import type { SourceBatch } from "../models/types.js";
import { inference } from "./inference.js";
import { resolveMaxLens } from "./maxLen.js";
import { SentenceBeam } from "./sentenceBeam.js";
import { expandState, selectStateRows } from "./state.js";
import { attentionRow, decodeStep } from "./step.js";
import type { BeamOptions, DecodableModel, Hypothesis } from "./types.js";

/**
 * Batched beam search (Sutskever et al. 2014 §3.1; length penalty of Wu et al. 2016 §7).
 *
 * The B sentences × K beams run as one batch of B·K rows, row b·K + k holding slot k of sentence
 * b: the encoder runs once on the B sentences and the decoder's initial state (attention memory
 * included) is repeated K times. After every step each sentence re-ranks its beam
 * (SentenceBeam) and the state rows are gathered so that row b·K + j continues its new slot j's
 * parent. Empty slots (before the beam has filled, after hypotheses ended) and the rows of
 * finished sentences are still computed but ignored, so the batch keeps its shape; a row's
 * numbers never depend on the other rows, which keeps results independent of batching.
 *
 * Returns per sentence the nBest ended hypotheses, best first. A sentence whose beam ran out of
 * candidates (a vocabulary smaller than K) can return fewer.
 */
export function beamSearch(model: DecodableModel, batch: SourceBatch, opts: BeamOptions): Hypothesis[][] {
  const K = opts.beam;
  const nBest = opts.nBest ?? 1;
  const alpha = opts.lengthPenalty ?? 0;
  if (!Number.isInteger(K) || K < 1) throw new Error(`beamSearch: beam ${K}; expected a positive integer`);
  if (!Number.isInteger(nBest) || nBest < 1 || nBest > K) throw new Error(`beamSearch: nBest ${nBest}; expected an integer in [1, beam ${K}]`);
  if (!(alpha >= 0)) throw new Error(`beamSearch: lengthPenalty ${alpha}; expected α ≥ 0`);
  return inference(model, () => {
    const B = batch.batchSize;
    const maxLens = resolveMaxLens(opts.maxLen, batch.srcLengths);
    const steps = Math.max(0, ...maxLens);
    const beams = Array.from(maxLens, (m) => new SentenceBeam(K, m, alpha));
    let state = expandState(model.decoder.init(model.encodeBatch(batch)), K);
    const prev = new Int32Array(B * K).fill(BOS);
    for (let t = 0; t < steps && beams.some((s) => !s.done); t++) {
      const out = decodeStep(model, prev, state, t);
      // Identity by default: empty slots and finished sentences keep their (ignored) rows.
      const order = Int32Array.from({ length: B * K }, (_, r) => r);
      beams.forEach((beam, b) => {
        if (beam.done) return;
        const first = b * K;
        const next = beam.advance(out.logProbs, out.vocab, first, t, (row) => attentionRow(out.weights, row, batch.srcLengths[b]!));
        for (let j = 0; j < K; j++) {
          order[first + j] = j < next.length ? first + next[j]!.parent : first + j;
          prev[first + j] = j < next.length ? next[j]!.token : EOS;
        }
      });
      // Re-ranking moves rows only within a sentence, whose K rows share one attention memory.
      state = selectStateRows(out.state, order, { memory: false });
    }
    return beams.map((beam) => beam.best(nBest));
  });
}
