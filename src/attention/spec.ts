/**
 * What an attention is built from, as the config states it (model.attention for recurrent
 * decoders, the normaliser keys of model.transformer for Transformer attention). Names are
 * registry keys (registry.ts); the registry checks them and the config enums are derived from it.
 */

/** How scores become weights: a normaliser, optionally over the top-k scores only. */
export interface NormalizerSpec {
  /** Registry name: softmax, sparsemax, entmax15, entmax. */
  normalizer: string;
  /** entmax only: α > 1 (default DEFAULT_ALPHA); with learnAlpha, the starting α of every head. */
  alpha?: number | undefined;
  /** entmax only: learn α per head (Correia et al. 2019). */
  learnAlpha?: boolean | undefined;
  /** Keep the k largest scores of each query and normalise over them (1 = hard attention); absent = all. */
  topK?: number | undefined;
}

/** A recurrent decoder's attention: score × scope × normaliser. */
export interface AttentionSpec extends NormalizerSpec {
  /** Registry name of the score, e.g. "additive" or "multihead". */
  score: string;
  /** Registry name of the scope: global, local-m, local-p. */
  scope: string;
  /** Half-width D of local windows. */
  window: number;
  /** local-p: "renormalised" (default: the Gaussian inside the normaliser) or "paper" (Luong et al. 2015 eq. 10: on the weights). */
  localP?: string | undefined;
  /** Hidden size of additive / concat scores and of the local-p position predictor. */
  size: number;
  /** Rank r of the low-rank bilinear score. */
  rank: number;
  /**
   * Feed the running sum of past attention c_t = Σ_{t'<t} a_{t'} into the score (Tu et al. 2016;
   * See et al. 2017 eq. 11); only scores whose registry entry says `coverage` take it.
   */
  coverage?: boolean | undefined;
}

/** The softmax normaliser over all scores: what every attention used before normalisers were configurable. */
export const SOFTMAX: NormalizerSpec = { normalizer: "softmax" };
