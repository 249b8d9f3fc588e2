import type { Rng } from "../../../tensor/rng.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { TransformerEncoderLayer, type EncoderLayerForwardOptions } from "./encoderLayer.js";
import type { TransformerLayerOptions } from "./options.js";
import { TransformerStack, type TransformerStackOptions } from "./stack.js";

export interface EncoderStackOutput {
  /** [B, S, E]. */
  output: Tensor;
  /** Self-attention weights of each layer [B, heads, S, S]. */
  weights: Tensor[];
}

/**
 * A stack of encoder layers (nn.TransformerEncoder): parameters `layers.<i>.…` and, with
 * finalNorm, `norm.weight` / `norm.bias`. Unlike PyTorch, which deep-copies one layer, every
 * layer gets its own initialisation.
 */
export class TransformerEncoder extends TransformerStack<TransformerEncoderLayer> {
  /** numLayers fresh layers with the same settings. */
  static create(numLayers: number, dModel: number, nHead: number, dimFF: number, rng: Rng, opts: TransformerLayerOptions & TransformerStackOptions = {}): TransformerEncoder {
    const layers = Array.from({ length: numLayers }, () => new TransformerEncoderLayer(dModel, nHead, dimFF, rng, opts));
    return new TransformerEncoder(layers, opts);
  }

  /** src [B, S, E] → output [B, S, E] and each layer's self-attention weights. */
  forward(src: Tensor, opts: EncoderLayerForwardOptions = {}): EncoderStackOutput {
    let x = src;
    const weights: Tensor[] = [];
    for (const layer of this.layers) {
      const r = layer.forward(x, opts);
      x = r.output;
      weights.push(r.weights);
    }
    return { output: this.finish(x), weights };
  }
}
