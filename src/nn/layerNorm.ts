import { layerNorm } from "../ops/index.js";
import { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";

export interface LayerNormOptions {
  eps?: number;
}

/**
 * Layer normalisation over the last axis (Ba et al. 2016) with a learned gain and bias,
 * torch.nn.LayerNorm(D): weight = 1, bias = 0 at init, so it needs no Rng.
 */
export class LayerNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly eps: number;

  constructor(readonly normalizedShape: number, opts: LayerNormOptions = {}) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.weight = this.param("weight", Tensor.full([normalizedShape], 1));
    this.bias = this.param("bias", Tensor.zeros([normalizedShape]));
  }

  /** x [..., D] → same shape. */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
