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

  /** Whether energies() reads a coverage vector (built with ScoreOptions.coverage). */
  get readsCoverage(): boolean {
    return false;
  }

  /** Per-sentence precomputation over the keys (identity for dot-style scores). */
  prepareKeys(keys: Tensor): Tensor {
    return keys;
  }

  /**
   * Unnormalised energies e[r, s] of each query row against its sentence's prepared keys.
   * `coverage` [N, S] (scores built with ScoreOptions.coverage only): each row's running sum of
   * its past attention weights, fed into the score; null or absent counts as zeros.
   */
  abstract energies(query: Tensor, preparedKeys: Tensor, coverage?: Tensor | null): Tensor;
}

/** The error of a score asked to read coverage it was not built for. */
export function noCoverage(kind: string): Error {
  return new Error(`attention score "${kind}" was built without coverage (ScoreOptions.coverage); it cannot read a coverage vector`);
}

/** Options every score constructor receives from the config. */
export interface ScoreOptions {
  /** Hidden size A of additive / concat scorers. */
  size: number;
  /** Rank r of the low-rank bilinear score. */
  rank: number;
  /** Give the score a coverage weight w_c (scores whose registry entry has `coverage` only). */
  coverage?: boolean;
}
