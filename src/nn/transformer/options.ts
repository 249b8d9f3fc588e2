import type { Rng } from "../../tensor/rng.js";

export type TransformerActivation = "relu" | "gelu";

/** Settings shared by TransformerEncoderLayer and TransformerDecoderLayer (PyTorch's defaults). */
export interface TransformerLayerOptions {
  /** Dropout after each sublayer, inside the feed-forward and on attention weights (default 0.1). */
  dropout?: number;
  /** Feed-forward activation (default relu; gelu is the exact erf form, PyTorch's "gelu"). */
  activation?: TransformerActivation;
  /** Pre-norm (Xiong et al. 2020) instead of the original post-norm (default false). */
  normFirst?: boolean;
  layerNormEps?: number;
  /** Shaw et al. 2018 relative positions in self-attention (parameters self_attn.relative.*). */
  relative?: { maxDistance: number } | null;
  /** T5-style relative bias in self-attention (parameter self_attn.relative_attention_bias.weight). */
  relativeBias?: { maxDistance: number } | null;
  /** One stream for every dropout mask of the layer (default: a fork of the layer's rng). */
  dropoutRng?: Rng;
}

export interface ResolvedLayerOptions {
  dropout: number;
  activation: TransformerActivation;
  normFirst: boolean;
  layerNormEps: number;
  dropoutRng: Rng;
}

export function resolveLayerOptions(opts: TransformerLayerOptions, rng: Rng): ResolvedLayerOptions {
  const activation = opts.activation ?? "relu";
  if (activation !== "relu" && activation !== "gelu") throw new Error(`Transformer layer: activation must be relu or gelu, got ${String(activation)}`);
  return {
    dropout: opts.dropout ?? 0.1,
    activation,
    normFirst: opts.normFirst ?? false,
    layerNormEps: opts.layerNormEps ?? 1e-5,
    dropoutRng: opts.dropoutRng ?? rng.fork("dropout"),
  };
}
