import { Module } from "../nn/module.js";
import { topKMask } from "../ops/index.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * How attention scores become weights: an optional top-k selection (which scores compete), then
 * a normaliser (how they become a distribution: softmax, sparsemax, entmax). Shapes: scores
 * [..., S], normalised over the last axis; mask has one entry per score, 1 = masked out (padding,
 * causal, outside a local window). Masked positions get exactly 0 and a fully masked row is all
 * zeros, never NaN.
 *
 * Rows may belong to attention heads with parameters of their own (a learned entmax α per head):
 * scores laid out [batch·heads, rowsPerHead, S] put row r in head ⌊r / rowsPerHead⌋ mod heads.
 */
export abstract class Normalizer extends Module {
  /** Registry name, e.g. "softmax". */
  abstract readonly kind: string;

  /** @param topK keep only the k largest unmasked scores per row (ties: lowest index); null keeps all. */
  constructor(readonly topK: number | null = null) {
    super();
    if (topK !== null && !(Number.isInteger(topK) && topK >= 1)) throw new Error(`attention topK must be a positive integer, got ${topK}`);
  }

  /** Weights [..., S] from scores [..., S]; rowsPerHead as above (default: one head). */
  weights(scores: Tensor, mask: Uint8Array | null, rowsPerHead?: number): Tensor {
    return this.normalize(scores, this.topK === null ? mask : topKMask(scores, this.topK, mask), rowsPerHead);
  }

  /** The normaliser proper, over the rows' unmasked scores. */
  protected abstract normalize(scores: Tensor, mask: Uint8Array | null, rowsPerHead: number | undefined): Tensor;
}
