import { Embedding } from "../nn/embedding.js";
import { GRU } from "../nn/gru.js";
import { LSTM } from "../nn/lstm.js";
import { Module } from "../nn/module.js";
import { concat, dropout, reshape, slice } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import type { EncodedBatch } from "./types.js";

export interface RecurrentEncoderOptions {
  vocabSize: number;
  embeddingSize: number;
  hiddenSize: number;
  layers: number;
  bidirectional: boolean;
  cell: "gru" | "lstm";
  dropout: number;
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

  constructor(readonly opts: RecurrentEncoderOptions, private readonly rng: Rng) {
    super();
    this.embedding = this.module("embedding", new Embedding(opts.vocabSize, opts.embeddingSize, rng, { paddingIdx: 0 }));
    const rnnOpts = { numLayers: opts.layers, bidirectional: opts.bidirectional, dropout: opts.dropout };
    this.rnn = this.module("rnn", opts.cell === "gru" ? new GRU(opts.embeddingSize, opts.hiddenSize, rng, rnnOpts) : new LSTM(opts.embeddingSize, opts.hiddenSize, rng, rnnOpts));
    this.outputSize = opts.hiddenSize * (opts.bidirectional ? 2 : 1);
  }

  /** src ids [B·S] (row-major, 0-padded), lengths [B], padMask [B·S] → encoder outputs and final states. */
  encode(src: Int32Array, batch: number, srcLen: number, lengths: Int32Array, padMask: Uint8Array): EncodedBatch {
    const emb = dropout(this.embedding.forward(src, [batch, srcLen]), this.opts.dropout, this.rng, this.training);
    if (this.rnn instanceof LSTM) {
      const { output, hN, cN } = this.rnn.forward(emb, { lengths });
      return { outputs: output, finalH: this.perLayer(hN, batch), finalC: this.perLayer(cN, batch), padMask, lengths };
    }
    const { output, hN } = this.rnn.forward(emb, { lengths });
    return { outputs: output, finalH: this.perLayer(hN, batch), finalC: null, padMask, lengths };
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
