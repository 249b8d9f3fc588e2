import { Embedding } from "../nn/embedding.js";
import { GRU } from "../nn/gru.js";
import { LSTM } from "../nn/lstm.js";
import { Module, ModuleList } from "../nn/module.js";
import { concat, dropout, reshape, slice } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import type { AdaptiveSpanOptions } from "../attention/adaptiveSpan.js";
import type { NormalizerSpec } from "../attention/spec.js";
import { TransformerEncoderLayer } from "./transformer/layers/encoderLayer.js";
import type { EncodedBatch } from "./types.js";

export interface RecurrentEncoderOptions {
  vocabSize: number;
  embeddingSize: number;
  hiddenSize: number;
  layers: number;
  bidirectional: boolean;
  cell: "gru" | "lstm";
  dropout: number;
  /** Hybrid: Transformer encoder layers on top of the RNN outputs (0 = none). */
  selfAttention?: { layers: number; heads: number; ffSize: number; dropout: number; activation: "relu" | "gelu"; normFirst: boolean; attention?: NormalizerSpec; adaptiveSpan?: AdaptiveSpanOptions | null };
}

/**
 * Source embeddings followed by a (bidirectional) GRU/LSTM (Bahdanau et al. 2014 §3.2: the
 * annotation h_j concatenates the forward and backward states). Padding never leaks into a
 * sentence's states (packed-sequence semantics of the RNN layer).
 */
export class RecurrentEncoder extends Module {
  readonly embedding: Embedding;
  readonly rnn: GRU | LSTM;
  readonly outputSize: number;
  readonly selfAttention: ModuleList<TransformerEncoderLayer> | null;
  /** Self-attention weights [B, heads, S, S] per hybrid layer from the last encode() (for dumps). */
  lastSelfAttention: Tensor[] = [];

  constructor(readonly opts: RecurrentEncoderOptions, private readonly rng: Rng) {
    super();
    this.embedding = this.module("embedding", new Embedding(opts.vocabSize, opts.embeddingSize, rng, { paddingIdx: 0 }));
    const rnnOpts = { numLayers: opts.layers, bidirectional: opts.bidirectional, dropout: opts.dropout };
    this.rnn = this.module("rnn", opts.cell === "gru" ? new GRU(opts.embeddingSize, opts.hiddenSize, rng, rnnOpts) : new LSTM(opts.embeddingSize, opts.hiddenSize, rng, rnnOpts));
    this.outputSize = opts.hiddenSize * (opts.bidirectional ? 2 : 1);
    const sa = opts.selfAttention;
    this.selfAttention = null;
    if (sa && sa.layers > 0) {
      // Recurrence then self-attention (Chen et al. 2018's "RNMT+ / Transformer hybrids"): the RNN
      // supplies order, the self-attention layers let every position see every other directly.
      const layers = new ModuleList<TransformerEncoderLayer>();
      const layerOpts = { dropout: sa.dropout, activation: sa.activation, normFirst: sa.normFirst, dropoutRng: rng, attention: sa.attention ?? null, adaptiveSpan: sa.adaptiveSpan ?? null };
      for (let l = 0; l < sa.layers; l++) layers.push(new TransformerEncoderLayer(this.outputSize, sa.heads, sa.ffSize, rng, layerOpts));
      this.selfAttention = this.module("self_attention", layers);
    }
  }

  /** src ids [B·S] (row-major, 0-padded), lengths [B], padMask [B·S] → encoder outputs and final states. */
  encode(src: Int32Array, batch: number, srcLen: number, lengths: Int32Array, padMask: Uint8Array): EncodedBatch {
    const emb = dropout(this.embedding.forward(src, [batch, srcLen]), this.opts.dropout, this.rng, this.training);
    if (this.rnn instanceof LSTM) {
      const { output, hN, cN } = this.rnn.forward(emb, { lengths });
      return { outputs: this.attendSelf(output, padMask), finalH: this.perLayer(hN, batch), finalC: this.perLayer(cN, batch), padMask, lengths };
    }
    const { output, hN } = this.rnn.forward(emb, { lengths });
    return { outputs: this.attendSelf(output, padMask), finalH: this.perLayer(hN, batch), finalC: null, padMask, lengths };
  }

  /** The hybrid's self-attention layers over the RNN outputs (identity without them). */
  private attendSelf(x: Tensor, padMask: Uint8Array): Tensor {
    this.lastSelfAttention = [];
    if (!this.selfAttention) return x;
    for (const layer of this.selfAttention) {
      const r = layer.forward(x, { keyPaddingMask: padMask });
      x = r.output;
      this.lastSelfAttention.push(r.weights);
    }
    return x;
  }

  /** [layers·dirs, B, H] → per layer [B, dirs·H] (forward state first, as Bahdanau's h_j). */
  private perLayer(states: Tensor, batch: number): Tensor[] {
    const H = this.opts.hiddenSize;
    const dirs = this.opts.bidirectional ? 2 : 1;
    const out: Tensor[] = [];
    for (let l = 0; l < this.opts.layers; l++) {
      const parts: Tensor[] = [];
      for (let d = 0; d < dirs; d++) parts.push(reshape(slice(states, 0, l * dirs + d, l * dirs + d + 1), [batch, H]));
      out.push(parts.length === 1 ? parts[0]! : concat(parts, 1));
    }
    return out;
  }
}
