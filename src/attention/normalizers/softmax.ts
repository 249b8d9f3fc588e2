import { softmax } from "../../ops/index.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Normalizer } from "../normalizer.js";

/** softmax(e)_i = exp(e_i) / Σ_j exp(e_j) (Bahdanau et al. 2014 eq. 6; Vaswani et al. 2017 eq. 1): dense, every allowed position gets some weight. */
export class SoftmaxNormalizer extends Normalizer {
  readonly kind = "softmax";

  protected normalize(scores: Tensor, mask: Uint8Array | null): Tensor {
    return softmax(scores, mask);
  }
}
