import type { SourceBatch } from "../models/types.js";
import type { EncodedBatch, StepDecoder } from "../models/types.js";

/**
 * What decoding needs of a model: Seq2Seq satisfies it structurally. Tests pass hand-written
 * models with known distributions through the same interface.
 */
export interface DecodableModel {
  training: boolean;
  train(on?: boolean): unknown;
  encodeBatch(batch: SourceBatch): EncodedBatch;
  decoder: StepDecoder;
}

/** One decoded output sentence. */
export interface Hypothesis {
  /** Output ids without <s> and </s>. */
  tokens: number[];
  /**
   * The ranking score: `logProb`, divided by the GNMT length penalty when beam search has α > 0.
   * For greedy decoding (and α = 0) it equals `logProb`.
   */
  score: number;
  /** Sum of the log-probabilities of every emitted token, </s> included when `finished`. */
  logProb: number;
  /**
   * Cross-attention per decoder step: row t holds the weights over the sentence's real source
   * positions (srcLengths[b] of them, the source </s> included) when token t was emitted. A
   * finished hypothesis has one more row than tokens (the step that emitted </s>). Empty for
   * models without attention (the fixed-vector decoder) and when decoding with `attention: false`.
   */
  attention: number[][];
  /**
   * Copy attention: p_gen of each decoder step (one per attention row: the step that emitted
   * token t, then </s>'s step when finished); empty without copy.
   */
  pGen: number[];
  /** True when the hypothesis ended with </s>; false when it was cut at maxLen. */
  finished: boolean;
}

/**
 * Maximum number of decoder steps, </s> included (so a finished output has at most maxLen − 1
 * tokens and a cut one exactly maxLen), either fixed or per sentence from its source length
 * (</s> included). A per-sentence rule keeps outputs independent of how sentences are batched.
 */
export type MaxLen = number | ((srcLength: number) => number);

export interface GreedyOptions {
  maxLen: MaxLen;
  /** Record each hypothesis's attention rows (Hypothesis.attention). Default true; false leaves them empty and saves the copies. */
  attention?: boolean;
}

export interface BeamOptions {
  /** Beam size K (live hypotheses per sentence). */
  beam: number;
  maxLen: MaxLen;
  /** Record each hypothesis's attention rows (Hypothesis.attention). Default true; false leaves them empty and saves the copies. */
  attention?: boolean;
  /** GNMT length-penalty exponent α ≥ 0 (0: rank by raw log-probability). */
  lengthPenalty?: number;
  /**
   * β ≥ 0 of the GNMT coverage penalty (Wu et al. 2016 eq. 14), added to an ended hypothesis's
   * score: β·Σ_j log(min(Σ_t a_t(j), 1)) over its source words j (decode/coveragePenalty.ts).
   * Needs attention weights, which are then recorded whatever `attention` says. Default 0.
   */
  coveragePenalty?: number;
  /** Hypotheses returned per sentence, 1 ≤ nBest ≤ K. Default 1. */
  nBest?: number;
}
