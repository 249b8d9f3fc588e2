import { entmax15 } from "../../ops/index.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Normalizer } from "../normalizer.js";

/**
 * 1.5-entmax (Peters, Niculae & Martins 2019, eq. 9 with α = 1.5), [e/2 − τ]_+², computed exactly
 * by sorting: sparse like sparsemax, smoother like softmax.
 */
export class Entmax15Normalizer extends Normalizer {
  readonly kind = "entmax15";

  protected normalize(scores: Tensor, mask: Uint8Array | null): Tensor {
    return entmax15(scores, mask);
  }
}
