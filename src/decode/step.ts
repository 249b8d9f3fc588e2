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
  /** Attention weights [N, S], or null for decoders without attention. */
  weights: Tensor | null;
}

/** Feed the previous tokens `prev` (one per row) at step t and score the next token. */
export function decodeStep(model: DecodableModel, prev: Int32Array, state: DecoderState, t: number): StepOutput {
  const d = model.decoder;
  const r = d.step(d.embed(prev, [prev.length]), state, t);
  const lp = logSoftmax(d.logits(r.features));
  return { logProbs: lp.data, vocab: lp.shape[1]!, state: r.state, weights: r.weights };
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
  for (let v = 0; v < vocab; v++) {
    if (!canEmit(v)) continue;
    const lp = logProbs[base + v]!;
    if (best.length === k && !(lp > best[k - 1]!.logProb)) continue;
    // Insert after every entry ≥ lp: equal values keep the earlier (lower) id first.
    let i = best.length;
    while (i > 0 && best[i - 1]!.logProb < lp) i--;
    best.splice(i, 0, { token: v, logProb: lp });
    if (best.length > k) best.pop();
  }
  return best;
}

/** Row `row` of the attention weights, restricted to the sentence's `length` real positions. */
export function attentionRow(weights: Tensor | null, row: number, length: number): number[] | null {
  if (!weights) return null;
  const S = weights.shape[1]!;
  return Array.from(weights.data.subarray(row * S, row * S + length));
}
