import type { DecoderState } from "../models/types.js";
import { logSoftmax } from "../ops/index.js";
import type { FloatArray } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { BOS, PAD } from "../data/vocab.js";
import type { DecodableModel } from "./types.js";

/** One decoder step for every row of the batch. */
export interface StepOutput {
  /** Log-probabilities [N, V] row-major (log-softmax of the logits over the whole vocabulary). */
  logProbs: FloatArray;
  vocab: number;
  state: DecoderState;
  /** Attention weights [N, S], or null for decoders without attention (or when not asked for). */
  weights: Tensor | null;
  /** Copy attention: p_gen of each row [N]; null without copy. */
  pGen: Float64Array | null;
}

/**
 * Feed the previous tokens `prev` (one per row) at step t and score the next token. With
 * `weights` false the decoder may skip the attention weights (StepOutput.weights is then null).
 * The log-probabilities are the decoder's own (StepDecoder.logProbs: copy attention's mixture over
 * the extended vocabulary) or logSoftmax of the logits.
 */
export function decodeStep(model: DecodableModel, prev: Int32Array, state: DecoderState, t: number, weights = true): StepOutput {
  const d = model.decoder;
  const r = d.step(d.embed(prev, [prev.length]), state, t, { weights });
  const lp = d.logProbs ? d.logProbs(r) : logSoftmax(d.logits(r.features));
  return { logProbs: lp.data, vocab: lp.shape[1]!, state: r.state, weights: r.weights, pGen: r.copyGate ? probabilities(r.copyGate) : null };
}

/** σ of each gate logit (p_gen), in float64. */
function probabilities(logits: Tensor): Float64Array {
  return Float64Array.from(logits.data, (z) => 1 / (1 + Math.exp(-z)));
}

/**
 * Whether a token may be emitted. <pad> and <s> never appear in a target after <s> (training
 * ignores <pad>), so choosing them would only produce junk; their probability mass still counts
 * in the normalisation, so scores remain the model's true log-probabilities.
 */
export function canEmit(id: number): boolean {
  return id !== PAD && id !== BOS;
}

/**
 * The k best emittable tokens of one row, best first; ties go to the lower token id. With k = 1
 * this is greedy's argmax, which is what makes beam 1 reproduce greedy exactly.
 */
export function topTokens(logProbs: FloatArray, row: number, vocab: number, k: number): { token: number; logProb: number }[] {
  const best: { token: number; logProb: number }[] = [];
  const base = row * vocab;
  let v = 0;
  // Fill the list with the first k emittable tokens, then scan for anything strictly better than
  // the current k-th (equal values keep the earlier, lower id).
  for (; v < vocab && best.length < k; v++) if (canEmit(v)) insertRanked(best, v, logProbs[base + v]!, k);
  if (best.length < k) return best;
  let threshold = best[k - 1]!.logProb;
  for (; v < vocab; v++) {
    const lp = logProbs[base + v]!;
    if (lp > threshold && canEmit(v)) {
      insertRanked(best, v, lp, k);
      threshold = best[k - 1]!.logProb;
    }
  }
  return best;
}

/** Insert (token, lp) after every entry ≥ lp, keeping at most k entries. */
function insertRanked(best: { token: number; logProb: number }[], token: number, lp: number, k: number): void {
  let i = best.length;
  while (i > 0 && best[i - 1]!.logProb < lp) i--;
  best.splice(i, 0, { token, logProb: lp });
  if (best.length > k) best.pop();
}

/** Row `row` of the attention weights, restricted to the sentence's `length` real positions. */
export function attentionRow(weights: Tensor | null, row: number, length: number): number[] | null {
  if (!weights) return null;
  const S = weights.shape[1]!;
  return Array.from(weights.data.subarray(row * S, row * S + length));
}
