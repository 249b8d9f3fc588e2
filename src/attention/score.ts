import { Module } from "../nn/module.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * How a decoder query is compared with every encoder output (the "score" or "alignment model").
 * Scores are split in two so that work depending only on the keys is done once per sentence
 * (Bahdanau's W₂h_j, Joey NMT's `compute_proj_keys`) and only the query side runs per step.
 *
 * Shapes: keys [B, S, Dk]; query [N, Dq]; energies [N, S], where N = G·B and query row r is
 * compared with sentence ⌊r / G⌋'s keys (G > 1: the hypotheses of beam search share their
 * sentence's prepared keys; see rowsPerSentence).
 */
export abstract class AttentionScore extends Module {
  /** Registry name of the score, e.g. "additive". */
  abstract readonly kind: string;

  /** Per-sentence precomputation over the keys (identity for dot-style scores). */
  prepareKeys(keys: Tensor): Tensor {
    return keys;
  }

  /** Unnormalised energies e[r, s] of each query row against its sentence's prepared keys. */
  abstract energies(query: Tensor, preparedKeys: Tensor): Tensor;
}

/** Options every score constructor receives from the config. */
export interface ScoreOptions {
  /** Hidden size A of additive / concat scorers. */
  size: number;
  /** Rank r of the low-rank bilinear score. */
  rank: number;
}
