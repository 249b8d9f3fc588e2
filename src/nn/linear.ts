import { add, matmul } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { inverseSqrtBound, kaimingUniform_, uniformTensor } from "./init.js";
import { Module } from "./module.js";

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * y = x Wᵀ + b over the last axis, with W stored [out, in] like torch.nn.Linear so its
 * state_dict loads unchanged; the transpose is never materialised (matmul's transB).
 * Init as PyTorch: W ~ kaiming_uniform(a=√5) = U(±1/√in), b ~ U(±1/√in).
 */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, rng: Rng, opts: LinearOptions = {}) {
    super();
    this.weight = this.param("weight", kaimingUniform_(Tensor.zeros([outFeatures, inFeatures]), rng, Math.sqrt(5)));
    this.bias = (opts.bias ?? true) ? this.param("bias", uniformTensor([outFeatures], rng, inverseSqrtBound(inFeatures))) : null;
  }

  /** x [..., in] → [..., out]. */
  forward(x: Tensor): Tensor {
    if (x.shape[x.ndim - 1] !== this.inFeatures) throw shapeError("Linear", `expected ${this.inFeatures} input features`, x.shape, this.weight.shape);
    const y = matmul(x, this.weight, { transB: true });
    return this.bias ? add(y, this.bias) : y;
  }
}
