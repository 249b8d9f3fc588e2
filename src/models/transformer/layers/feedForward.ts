import { gelu, relu } from "../../../ops/index.js";
import type { Tensor } from "../../../tensor/tensor.js";
import type { Dropout } from "../../../nn/dropout.js";
import type { Linear } from "../../../nn/linear.js";
import type { TransformerActivation } from "./options.js";

/**
 * Position-wise feed-forward network (Vaswani et al. 2017 §3.3, eq. 2) as PyTorch's
 * `_ff_block` before its final dropout: linear2(dropout(act(linear1(x)))), x [..., E] → [..., E].
 * The layers own linear1 / linear2 directly, so their names match PyTorch's state_dict.
 */
export function feedForward(x: Tensor, linear1: Linear, linear2: Linear, activation: TransformerActivation, dropout: Dropout): Tensor {
  const h = linear1.forward(x);
  return linear2.forward(dropout.forward(activation === "gelu" ? gelu(h) : relu(h)));
}
