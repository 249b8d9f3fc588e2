import { MultiheadAttention } from "../../../attention/multihead.js";
import { createSelfAttention } from "../../../attention/efficient/index.js";
import { createNormalizer } from "../../../attention/registry.js";
import { SOFTMAX } from "../../../attention/spec.js";
import type { Rng } from "../../../tensor/rng.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { Dropout } from "../../../nn/dropout.js";
import { LayerNorm } from "../../../nn/layerNorm.js";
import { Linear } from "../../../nn/linear.js";
import { Module } from "../../../nn/module.js";
import { feedForward } from "./feedForward.js";
import { resolveLayerOptions, selfAttentionOptions, type TransformerActivation, type TransformerLayerOptions } from "./options.js";
import { ResidualNorm } from "./residual.js";

export interface EncoderLayerForwardOptions {
  /** [B·S], 1 = padding (PyTorch's src_key_padding_mask). Padded positions are still computed. */
  keyPaddingMask?: Uint8Array | null;
  /** [S·S], 1 = disallowed (PyTorch's src_mask). */
  attnMask?: Uint8Array | null;
}

export interface EncoderLayerOutput {
  /** [B, S, E]. */
  output: Tensor;
  /** Self-attention weights per head [B, heads, S, S]. */
  weights: Tensor;
}

/**
 * One Transformer encoder layer (Vaswani et al. 2017 §3.1) as torch 1.13's
 * nn.TransformerEncoderLayer(batch_first=True): self-attention and a feed-forward network, each
 * a residual sublayer with dropout before the addition (residual.ts for post-/pre-norm).
 * Parameters: self_attn.{in_proj_weight, in_proj_bias, out_proj.weight, out_proj.bias},
 * linear1 [dimFF, E], linear2 [E, dimFF], norm1, norm2.
 */
export class TransformerEncoderLayer extends Module {
  readonly selfAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly normFirst: boolean;
  readonly activation: TransformerActivation;
  private readonly dropout: Dropout;
  private readonly dropout1: Dropout;
  private readonly dropout2: Dropout;
  private readonly attnBlock: ResidualNorm;
  private readonly ffBlock: ResidualNorm;

  constructor(readonly dModel: number, readonly nHead: number, readonly dimFF: number, rng: Rng, opts: TransformerLayerOptions = {}) {
    super();
    const o = resolveLayerOptions(opts, rng);
    this.normFirst = o.normFirst;
    this.activation = o.activation;
    const normalizer = createNormalizer(opts.attention ?? SOFTMAX, nHead);
    this.selfAttn = this.module("self_attn", new MultiheadAttention(dModel, nHead, rng, { dropout: o.dropout, dropoutRng: o.dropoutRng, ...selfAttentionOptions(opts, false), normalizer, efficient: createSelfAttention(opts.selfAttention, dModel / nHead, false, rng) }));
    this.linear1 = this.module("linear1", new Linear(dModel, dimFF, rng));
    this.dropout = this.module("dropout", new Dropout(o.dropout, o.dropoutRng));
    this.linear2 = this.module("linear2", new Linear(dimFF, dModel, rng));
    this.norm1 = this.module("norm1", new LayerNorm(dModel, { eps: o.layerNormEps }));
    this.norm2 = this.module("norm2", new LayerNorm(dModel, { eps: o.layerNormEps }));
    this.dropout1 = this.module("dropout1", new Dropout(o.dropout, o.dropoutRng));
    this.dropout2 = this.module("dropout2", new Dropout(o.dropout, o.dropoutRng));
    this.attnBlock = new ResidualNorm(this.norm1, this.normFirst);
    this.ffBlock = new ResidualNorm(this.norm2, this.normFirst);
  }

  /** src [B, S, E] → output [B, S, E] and the self-attention weights. */
  forward(src: Tensor, opts: EncoderLayerForwardOptions = {}): EncoderLayerOutput {
    const y = this.attnBlock.input(src);
    const sa = this.selfAttn.forward(y, y, y, { keyPaddingMask: opts.keyPaddingMask ?? null, attnMask: opts.attnMask ?? null });
    const x = this.attnBlock.close(src, this.dropout1.forward(sa.output));
    const ff = feedForward(this.ffBlock.input(x), this.linear1, this.linear2, this.activation, this.dropout);
    return { output: this.ffBlock.close(x, this.dropout2.forward(ff)), weights: sa.weights };
  }
}
