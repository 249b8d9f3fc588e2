import { BOS, EOS } from "../data/vocab.js";
import type { SourceBatch } from "../models/types.js";
import { inference } from "./inference.js";
import { resolveMaxLens } from "./maxLen.js";
import { SentenceBeam } from "./sentenceBeam.js";
import { nextStepState } from "./state.js";
import { attentionRow, decodeStep } from "./step.js";
import type { BeamOptions, DecodableModel, Hypothesis } from "./types.js";

/**
 * Batched beam search (Sutskever et al. 2014 §3.1; length penalty of Wu et al. 2016 §7).
 *
 * The sentences still searching run as one batch of hypothesis rows, G per sentence: the encoder
 * and the decoder's per-sentence state (the attention memory: encoder keys/values, projected
 * keys, cross-attention keys/values, masks) are computed once per sentence and stay one row per
 * sentence — hypothesis row r reads sentence ⌊r / G⌋ — so only the per-hypothesis state (hidden
 * states, self-attention caches) is gathered when beams are re-ranked.
 *
 * The first step runs one row per sentence (every slot continues <s>, G = 1); after it each
 * sentence has K rows (G = K), row i·K + k holding slot k of the i-th sentence still searching.
 * After every step each sentence re-ranks its beam (SentenceBeam) and the hypothesis rows are
 * gathered so that row i·K + j continues its new slot j's parent. A sentence whose search has
 * ended leaves the batch (its rows and memory row are dropped), so later steps compute only live
 * sentences. Empty slots (a beam not yet full, a vocabulary smaller than K) are still computed
 * but ignored. A row's numbers never depend on the other rows, which keeps results independent
 * of batching.
 *
 * Returns per sentence the nBest ended hypotheses, best first. A sentence whose beam ran out of
 * candidates (a vocabulary smaller than K) can return fewer.
 */
export function beamSearch(model: DecodableModel, batch: SourceBatch, opts: BeamOptions): Hypothesis[][] {
  const K = opts.beam;
  const nBest = opts.nBest ?? 1;
  const alpha = opts.lengthPenalty ?? 0;
  const beta = opts.coveragePenalty ?? 0;
  // The coverage penalty sums every step's attention, so it records them whatever opts.attention says.
  const withAttention = (opts.attention ?? true) || beta > 0;
  if (!Number.isInteger(K) || K < 1) throw new Error(`beamSearch: beam ${K}; expected a positive integer`);
  if (!Number.isInteger(nBest) || nBest < 1 || nBest > K) throw new Error(`beamSearch: nBest ${nBest}; expected an integer in [1, beam ${K}]`);
  if (!(alpha >= 0)) throw new Error(`beamSearch: lengthPenalty ${alpha}; expected α ≥ 0`);
  if (!(beta >= 0)) throw new Error(`beamSearch: coveragePenalty ${beta}; expected β ≥ 0`);
  return inference(model, () => {
    const B = batch.batchSize;
    const maxLens = resolveMaxLens(opts.maxLen, batch.srcLengths);
    const steps = Math.max(0, ...maxLens);
    const beams = Array.from(maxLens, (m) => new SentenceBeam(K, m, alpha, beta));
    if (B === 0 || steps === 0) return beams.map((beam) => beam.best(nBest));
    let state = model.decoder.init(model.encodeBatch(batch), { steps });
    // The sentences still in the batch (indices into `batch`), in state order, and their rows each.
    let active = Int32Array.from({ length: B }, (_, b) => b);
    let G = 1;
    let prev = new Int32Array(B).fill(BOS);
    for (let t = 0; t < steps; t++) {
      const out = decodeStep(model, prev, state, t, withAttention);
      const n = active.length;
      const order = new Int32Array(n * K);
      const tokens = new Int32Array(n * K).fill(EOS);
      const kept: number[] = [];
      for (let i = 0; i < n; i++) {
        const b = active[i]!;
        const beam = beams[b]!;
        const first = i * G;
        const len = batch.srcLengths[b]!;
        const pGen = out.pGen;
        const next = beam.advance(out.logProbs, out.vocab, first, t, withAttention ? (row) => attentionRow(out.weights, row, len) : () => null, pGen ? (row) => pGen[row]! : () => null);
        // Empty slots continue any of the sentence's rows (their outputs are ignored).
        for (let j = 0; j < K; j++) order[i * K + j] = j < next.length ? first + next[j]!.parent : first + (j < G ? j : 0);
        next.forEach((c, j) => (tokens[i * K + j] = c.token));
        if (!beam.done) kept.push(i);
      }
      if (kept.length === 0) break;
      if (kept.length < n) {
        // Finished sentences leave the batch: keep the other sentences' rows and memory rows.
        const rows = new Int32Array(kept.length * K);
        const nextPrev = new Int32Array(kept.length * K);
        kept.forEach((i, k) => {
          rows.set(order.subarray(i * K, i * K + K), k * K);
          nextPrev.set(tokens.subarray(i * K, i * K + K), k * K);
        });
        state = nextStepState(out.state, rows, Int32Array.from(kept));
        active = Int32Array.from(kept, (i) => active[i]!);
        prev = nextPrev;
      } else {
        state = nextStepState(out.state, order);
        prev = tokens;
      }
      G = K;
    }
    return beams.map((beam) => beam.best(nBest));
  });
}
