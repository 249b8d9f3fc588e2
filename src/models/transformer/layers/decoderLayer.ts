import { MultiheadAttention, type HeadKeyValue, type MultiheadOutput } from "../../../attention/multihead.js";
import type { KeyValueCache } from "../../../attention/multiheadCache.js";
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

export interface DecoderLayerForwardOptions {
  /** [T·T], 1 = disallowed; causalMask(T) for training (PyTorch's tgt_mask). */
  tgtMask?: Uint8Array | null;
  /** [B·T], 1 = padded target position (tgt_key_padding_mask). */
  tgtKeyPaddingMask?: Uint8Array | null;
  /** [T·S], 1 = disallowed (memory_mask). */
  memoryMask?: Uint8Array | null;
  /** [B·S], 1 = padded source position (memory_key_padding_mask). */
  memoryKeyPaddingMask?: Uint8Array | null;
}

export interface DecoderStepOptions {
  /** [B·S] per sentence (the memory's rows), 1 = padded source position. */
  memoryKeyPaddingMask?: Uint8Array | null;
  /** [N·(t+T)] over all cached and new target positions of every row, 1 = padded. */
  tgtKeyPaddingMask?: Uint8Array | null;
}

export interface DecoderLayerOutput {
  /** [B, T, E]. */
  output: Tensor;
  /** Self-attention weights [B, heads, T, T] (forward) or [B, heads, T, t+T] (step). */
  selfWeights: Tensor;
  /** Cross-attention weights over the memory [B, heads, T, S]. */
  crossWeights: Tensor;
}

/**
 * What one decoder layer carries between decoding steps. `self` has a row per hypothesis (N);
 * `cross` a row per sentence (B), shared by the N = G·B rows (row r reads sentence ⌊r / G⌋).
 */
export interface DecoderLayerCache {
  /** Self-attention keys/values of the earlier target positions, preallocated and split by head (appended in place by step()). */
  self: KeyValueCache;
  /** Projected memory keys/values split by head [B, heads, S, d], computed once per sentence by precompute(). */
  cross: HeadKeyValue;
}

export interface DecoderLayerStep extends DecoderLayerOutput {
  cache: DecoderLayerCache;
}

/**
 * One Transformer decoder layer (Vaswani et al. 2017 §3.1) as torch 1.13's
 * nn.TransformerDecoderLayer(batch_first=True): masked self-attention, cross-attention over the
 * encoder memory and a feed-forward network, each a residual sublayer (post- or pre-norm, with
 * dropout1/2/3 before the additions). Parameters: self_attn.*, multihead_attn.* (cross),
 * linear1, linear2, norm1, norm2, norm3.
 */
export class TransformerDecoderLayer extends Module {
  readonly selfAttn: MultiheadAttention;
  readonly multiheadAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly norm3: LayerNorm;
  readonly normFirst: boolean;
  readonly activation: TransformerActivation;
  private readonly dropout: Dropout;
  private readonly dropout1: Dropout;
  private readonly dropout2: Dropout;
  private readonly dropout3: Dropout;
  private readonly blocks: [ResidualNorm, ResidualNorm, ResidualNorm];

  constructor(readonly dModel: number, readonly nHead: number, readonly dimFF: number, rng: Rng, opts: TransformerLayerOptions = {}) {
    super();
    const o = resolveLayerOptions(opts, rng);
    this.normFirst = o.normFirst;
    this.activation = o.activation;
    const attnOpts = { dropout: o.dropout, dropoutRng: o.dropoutRng };
    const normalizer = () => createNormalizer(opts.attention ?? SOFTMAX, nHead);
    this.selfAttn = this.module("self_attn", new MultiheadAttention(dModel, nHead, rng, { ...attnOpts, ...selfAttentionOptions(opts, true), normalizer: normalizer(), efficient: opts.selfAttention?.kind === "linformer" ? null : createSelfAttention(opts.selfAttention, dModel / nHead, true, rng) }));
    this.multiheadAttn = this.module("multihead_attn", new MultiheadAttention(dModel, nHead, rng, { ...attnOpts, normalizer: normalizer() }));
    this.linear1 = this.module("linear1", new Linear(dModel, dimFF, rng));
    this.dropout = this.module("dropout", new Dropout(o.dropout, o.dropoutRng));
    this.linear2 = this.module("linear2", new Linear(dimFF, dModel, rng));
    const eps = { eps: o.layerNormEps };
    this.norm1 = this.module("norm1", new LayerNorm(dModel, eps));
    this.norm2 = this.module("norm2", new LayerNorm(dModel, eps));
    this.norm3 = this.module("norm3", new LayerNorm(dModel, eps));
    this.dropout1 = this.module("dropout1", new Dropout(o.dropout, o.dropoutRng));
    this.dropout2 = this.module("dropout2", new Dropout(o.dropout, o.dropoutRng));
    this.dropout3 = this.module("dropout3", new Dropout(o.dropout, o.dropoutRng));
    this.blocks = [new ResidualNorm(this.norm1, o.normFirst), new ResidualNorm(this.norm2, o.normFirst), new ResidualNorm(this.norm3, o.normFirst)];
  }

  /** tgt [B, T, E], memory [B, S, E] → output [B, T, E] and both attentions' weights. */
  forward(tgt: Tensor, memory: Tensor, opts: DecoderLayerForwardOptions = {}): DecoderLayerOutput {
    const { output, self, cross } = this.run(
      tgt,
      (y) => this.selfAttn.forward(y, y, y, { attnMask: opts.tgtMask ?? null, keyPaddingMask: opts.tgtKeyPaddingMask ?? null }),
      (y) => this.multiheadAttn.forward(y, memory, memory, { attnMask: opts.memoryMask ?? null, keyPaddingMask: opts.memoryKeyPaddingMask ?? null }),
    );
    return { output, selfWeights: self.weights, crossWeights: cross.weights };
  }

  /** The cross-attention keys/values of memory [B, S, E] split by head, once per sentence (the memory is used as given, not normalised). */
  precompute(memory: Tensor): HeadKeyValue {
    return this.multiheadAttn.projectMemory(memory);
  }

  /**
   * Incremental decoding (inference only): x [N, T, E] are the next T (usually 1) target
   * positions of N = G·B rows; equals the matching rows of forward() with a causal tgtMask, at
   * O(t) per step. The self-attention cache is extended in place.
   */
  step(x: Tensor, cache: DecoderLayerCache, opts: DecoderStepOptions = {}): DecoderLayerStep {
    const { output, self, cross } = this.run(
      x,
      (y) => this.selfAttn.step(y, cache.self, { keyPaddingMask: opts.tgtKeyPaddingMask ?? null }),
      (y) => this.multiheadAttn.attendMemory(y, cache.cross, { keyPaddingMask: opts.memoryKeyPaddingMask ?? null }),
    );
    return { output, selfWeights: self.weights, crossWeights: cross.weights, cache: { self: self.cache, cross: cache.cross } };
  }

  /** The three residual sublayers around the given attentions (PyTorch's _sa_block, _mha_block, _ff_block). */
  private run<S extends MultiheadOutput>(x: Tensor, selfAttend: (y: Tensor) => S, crossAttend: (y: Tensor) => MultiheadOutput): { output: Tensor; self: S; cross: MultiheadOutput } {
    const [b1, b2, b3] = this.blocks;
    const self = selfAttend(b1.input(x));
    x = b1.close(x, this.dropout1.forward(self.output));
    const cross = crossAttend(b2.input(x));
    x = b2.close(x, this.dropout2.forward(cross.output));
    const ff = feedForward(b3.input(x), this.linear1, this.linear2, this.activation, this.dropout);
    return { output: b3.close(x, this.dropout3.forward(ff)), self, cross };
  }
}
