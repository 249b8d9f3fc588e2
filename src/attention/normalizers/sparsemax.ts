import { sparsemax } from "../../ops/index.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Normalizer } from "../normalizer.js";

/**
 * Sparsemax (Martins & Astudillo 2016, eq. 2): the Euclidean projection of the scores onto the
 * simplex, [e − τ]_+; positions far enough below the best get exactly zero weight (α-entmax with α = 2).
 */
export class SparsemaxNormalizer extends Normalizer {
  readonly kind = "sparsemax";

  protected normalize(scores: Tensor, mask: Uint8Array | null): Tensor {
    return sparsemax(scores, mask);
  }
}
