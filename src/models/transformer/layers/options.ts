import type { SelfAttentionSpec } from "../../../attention/efficient/index.js";
import type { MultiheadAttentionOptions } from "../../../attention/multihead.js";
import type { NormalizerSpec } from "../../../attention/spec.js";
import type { Rng } from "../../../tensor/rng.js";

export type TransformerActivation = "relu" | "gelu";

/** The position and dropout settings a layer hands to its self-attention, typed once in MultiheadAttentionOptions. */
type SelfAttentionSettings = Pick<MultiheadAttentionOptions, "relative" | "relativeBias" | "rotary" | "alibi" | "adaptiveSpan">;

/**
 * Settings shared by TransformerEncoderLayer and TransformerDecoderLayer (PyTorch's defaults).
 * dropout: after each sublayer, inside the feed-forward and on attention weights (default 0.1);
 * dropoutRng: one stream for every dropout mask of the layer (default: a fork of the layer's rng);
 * relative / relativeBias / rotary / alibi / adaptiveSpan: as MultiheadAttentionOptions, in
 * self-attention (a decoder layer makes T5 buckets unidirectional).
 */
export interface TransformerLayerOptions extends SelfAttentionSettings, Pick<MultiheadAttentionOptions, "dropout" | "dropoutRng"> {
  /** Feed-forward activation (default relu; gelu is the exact erf form, PyTorch's "gelu"). */
  activation?: TransformerActivation;
  /** Pre-norm (Xiong et al. 2020) instead of the original post-norm (default false). */
  normFirst?: boolean;
  layerNormEps?: number;
  /** How every attention of the layer normalises its scores (default softmax); each attention gets its own normaliser. */
  attention?: NormalizerSpec | null;
  /**
   * Self-attention variant (model.transformer.selfAttention): exact (`full`, default, or null) or
   * an efficient one (attention/efficient/); decoder layers build its causal form, and keep exact
   * self-attention for Linformer, which has none.
   */
  selfAttention?: SelfAttentionSpec | null;
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

/** The self-attention options of a layer's settings: positions inside attention and the adaptive span. */
export function selfAttentionOptions(opts: TransformerLayerOptions, causal: boolean): SelfAttentionSettings {
  const bias = opts.relativeBias;
  return {
    relative: opts.relative ?? null,
    // T5: the decoder's buckets look back only (its later keys are masked anyway).
    relativeBias: bias ? { maxDistance: bias.maxDistance, t5: bias.t5 ? { ...bias.t5, bidirectional: bias.t5.bidirectional && !causal } : null } : null,
    rotary: opts.rotary ?? false,
    alibi: opts.alibi ?? false,
    adaptiveSpan: opts.adaptiveSpan ?? null,
  };
}
