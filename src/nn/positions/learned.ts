import type { Rng } from "../../tensor/rng.js";
import { Tensor } from "../../tensor/tensor.js";
import { normal_ } from "../init.js";
import { Module } from "../module.js";
import { addPositions } from "./addPositions.js";

export interface LearnedPositionsOptions {
  /** Init std of the table (default 1, torch.nn.Embedding's N(0, 1)). */
  std?: number;
}

/**
 * Learned absolute position embeddings (Gehring et al. 2017; the variant Vaswani et al. 2017
 * §3.5 compare with the sinusoids): a table `weight` [maxLen, d] added to the embeddings.
 */
export class LearnedPositions extends Module {
  readonly weight: Tensor;

  constructor(readonly maxLen: number, readonly dim: number, rng: Rng, opts: LearnedPositionsOptions = {}) {
    super();
    this.weight = this.param("weight", normal_(Tensor.zeros([maxLen, dim]), rng, 0, opts.std ?? 1));
  }

  /** x [B, T, d] → x + weight[offset … offset+T−1]. */
  forward(x: Tensor, offset = 0): Tensor {
    return addPositions(x, this.weight, offset);
  }
}
