import { add } from "../../../ops/index.js";
import type { Tensor } from "../../../tensor/tensor.js";
import type { LayerNorm } from "../../../nn/layerNorm.js";

/**
 * A residual sublayer with its LayerNorm, in two halves around the sublayer:
 *  - post-norm (Vaswani et al. 2017 §3.1): LayerNorm(x + Sublayer(x));
 *  - pre-norm (norm_first; Xiong et al. 2020): x + Sublayer(LayerNorm(x)).
 * The sublayer's own dropout (PyTorch's dropout1/2/3) goes before closing.
 */
export class ResidualNorm {
  constructor(private readonly norm: LayerNorm, private readonly normFirst: boolean) {}

  /** What the sublayer reads: LayerNorm(x) in pre-norm, x in post-norm. */
  input(x: Tensor): Tensor {
    return this.normFirst ? this.norm.forward(x) : x;
  }

  /** Add the sublayer's output s back: x + s in pre-norm, LayerNorm(x + s) in post-norm. */
  close(x: Tensor, s: Tensor): Tensor {
    return this.normFirst ? add(x, s) : this.norm.forward(add(x, s));
  }
}
