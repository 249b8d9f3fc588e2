import { mulScalar } from "../ops/index.js";
import type { Tensor } from "../tensor/tensor.js";
import { dotEnergies } from "./dotEnergies.js";
import { AttentionScore } from "./score.js";

/**
 * Scaled dot product (Vaswani et al. 2017, eq. 1): e_s = qᵀ k_s / √d, which keeps the softmax out
 * of its saturated region as d grows. Needs Dq = Dk.
 */
export class ScaledDotScore extends AttentionScore {
  readonly kind = "scaled-dot";

  energies(query: Tensor, preparedKeys: Tensor): Tensor {
    const d = preparedKeys.shape[2]!;
    return mulScalar(dotEnergies(preparedKeys, query), 1 / Math.sqrt(d));
  }
}
