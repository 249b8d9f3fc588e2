import { xavierUniform_ } from "../nn/init.js";
import { matmul } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { Tensor } from "../tensor/tensor.js";
import { dotEnergies } from "./dotEnergies.js";
import { AttentionScore } from "./score.js";

/**
 * Luong's "general" (bilinear) score (Luong et al. 2015, eq. 8): e_s = qᵀ W k_s with W [Dq, Dk].
 * The key side W k_s [B, S, Dq] is computed once per sentence, so a step is one dot product per
 * source position, the same cost as the dot score.
 */
export class GeneralScore extends AttentionScore {
  readonly kind = "general";
  readonly W: Tensor;

  constructor(queryDim: number, keyDim: number, rng: Rng) {
    super();
    this.W = this.param("W", xavierUniform_(Tensor.zeros([queryDim, keyDim]), rng));
  }

  override prepareKeys(keys: Tensor): Tensor {
    return matmul(keys, this.W, { transB: true });
  }

  energies(query: Tensor, preparedKeys: Tensor): Tensor {
    return dotEnergies(preparedKeys, query);
  }
}
