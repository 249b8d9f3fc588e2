import type { AdaptiveSpanOptions } from "../../../attention/adaptiveSpan.js";
import type { SelfAttentionSpec } from "../../../attention/efficient/index.js";
import type { NormalizerSpec } from "../../../attention/spec.js";
import type { T5Bucketing } from "../../../nn/positions/relativeBias.js";
import type { Rng } from "../../../tensor/rng.js";

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
  /**
   * T5-style relative bias in self-attention (parameter self_attn.relative_attention_bias.weight):
   * clipped at ±maxDistance, or T5's logarithmic buckets with `t5` (a decoder layer makes them
   * unidirectional).
   */
  relativeBias?: { maxDistance: number; t5?: T5Bucketing | null } | null;
  /** Rotary position embeddings in self-attention (Su et al. 2021); no parameters. */
  rotary?: boolean;
  /** ALiBi biases in self-attention (Press et al. 2022); no parameters. */
  alibi?: boolean;
  /** Adaptive span of self-attention (Sukhbaatar et al. 2019; parameter self_attn.adaptive_span.current_val). */
  adaptiveSpan?: AdaptiveSpanOptions | null;
  /** One stream for every dropout mask of the layer (default: a fork of the layer's rng). */
  dropoutRng?: Rng;
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
export function selfAttentionOptions(opts: TransformerLayerOptions, causal: boolean) {
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
