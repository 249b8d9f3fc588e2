import type { Tensor } from "../tensor/tensor.js";
import { dotEnergies } from "./dotEnergies.js";
import { AttentionScore } from "./score.js";

/** Luong's "dot" score (Luong et al. 2015, eq. 8): e_s = qᵀ k_s. Needs Dq = Dk; no parameters. */
export class DotScore extends AttentionScore {
  readonly kind = "dot";

  energies(query: Tensor, preparedKeys: Tensor): Tensor {
    return dotEnergies(preparedKeys, query);
  }
}
