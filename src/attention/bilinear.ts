import { xavierUniform_ } from "../nn/init.js";
import { matmul } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { Tensor } from "../tensor/tensor.js";
import { dotEnergies } from "./dotEnergies.js";
import { AttentionScore, type ScoreOptions } from "./score.js";

/**
 * Low-rank bilinear score: e_s = qᵀ U Vᵀ k_s with U [Dq, r], V [Dk, r], i.e. the general score
 * with W = UVᵀ of rank r (as in low-rank bilinear pooling, Kim et al. 2017). Vᵀk is computed once
 * per sentence, so a step costs O(S·r) instead of O(S·Dk).
 */
export class BilinearScore extends AttentionScore {
  readonly kind = "bilinear";
  readonly U: Tensor;
  readonly V: Tensor;

  constructor(queryDim: number, keyDim: number, opts: ScoreOptions, rng: Rng) {
    super();
    this.U = this.param("U", xavierUniform_(Tensor.zeros([queryDim, opts.rank]), rng));
    this.V = this.param("V", xavierUniform_(Tensor.zeros([keyDim, opts.rank]), rng));
  }

  override prepareKeys(keys: Tensor): Tensor {
    return matmul(keys, this.V);
  }

  energies(query: Tensor, preparedKeys: Tensor): Tensor {
    return dotEnergies(preparedKeys, matmul(query, this.U));
  }
}
