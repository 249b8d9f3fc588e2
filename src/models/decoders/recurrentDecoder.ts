import { Attention } from "../../attention/attention.js";
import { MultiheadCrossAttention } from "../../attention/multiheadCross.js";
import { createScore } from "../../attention/registry.js";
import { Embedding } from "../../nn/embedding.js";
import { GRU } from "../../nn/gru.js";
import { LSTM } from "../../nn/lstm.js";
import { Module } from "../../nn/module.js";
import { type CrossEntropyOptions, dropout } from "../../ops/index.js";
import type { Rng } from "../../tensor/rng.js";
import { shapeError } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Bridge } from "../bridge.js";
import { OutputLayer } from "../outputLayer.js";
import type { DecoderState, EncodedBatch, StepOptions, StepResult } from "../types.js";

export interface RecurrentDecoderOptions {
  vocabSize: number;
  embeddingSize: number;
  hiddenSize: number;
  layers: number;
  cell: "gru" | "lstm";
  dropout: number;
  bridge: "none" | "linear-tanh";
  /** Output size of the encoder (hidden × directions). */
  encoderSize: number;
  tieEmbeddings: boolean;
  attention: { score: string; scope: "global" | "local-m" | "local-p"; window: number; size: number; rank: number };
  inputFeeding: boolean;
  /** Heads and dropout of the "multihead" score. */
  multihead: { heads: number; dropout: number };
}

/** Size of the context vector the attention returns: the encoder size, or the query size for multi-head attention. */
export function contextSize(opts: RecurrentDecoderOptions): number {
  return opts.attention.score === "multihead" ? opts.hiddenSize : opts.encoderSize;
}

/**
 * What every recurrent decoder shares: target embeddings, a unidirectional multi-layer GRU/LSTM
 * run one step at a time, the bridge from the encoder, and the output layer. Subclasses define
 * the step (where attention is read and what reaches the output layer).
 *
 * Parameter names: embedding.weight, rnn.weight_ih_l0 …, bridge.h.weight …, attention.score.…,
 * output.weight / output.bias (no output.weight when tied to embedding.weight).
 */
export abstract class RecurrentDecoder extends Module {
  readonly embedding: Embedding;
  readonly rnn: GRU | LSTM;
  readonly bridge: Bridge;
  readonly attention: Attention | MultiheadCrossAttention | null = null;
  readonly output: OutputLayer;
  protected readonly lstm: boolean;

  protected constructor(readonly opts: RecurrentDecoderOptions, rnnInputSize: number, readonly featureSize: number, protected readonly rng: Rng, withAttention: boolean, queryDim: number) {
    super();
    this.lstm = opts.cell === "lstm";
    this.embedding = this.module("embedding", new Embedding(opts.vocabSize, opts.embeddingSize, rng, { paddingIdx: 0 }));
    const rnnOpts = { numLayers: opts.layers, dropout: opts.dropout };
    this.rnn = this.module("rnn", this.lstm ? new LSTM(rnnInputSize, opts.hiddenSize, rng, rnnOpts) : new GRU(rnnInputSize, opts.hiddenSize, rng, rnnOpts));
    this.bridge = this.module("bridge", new Bridge(opts.bridge, opts.encoderSize, opts.hiddenSize, opts.layers, this.lstm, rng));
    if (withAttention && opts.attention.score === "multihead") {
      this.attention = this.module("attention", new MultiheadCrossAttention(queryDim, opts.encoderSize, opts.multihead.heads, rng, { dropout: opts.multihead.dropout, dropoutRng: rng }));
    } else if (withAttention) {
      const a = opts.attention;
      const score = createScore(a.score, queryDim, opts.encoderSize, { size: a.size, rank: a.rank }, rng);
      this.attention = this.module("attention", new Attention(score, queryDim, { scope: a.scope, window: a.window, size: a.size }, rng));
    }
    if (opts.tieEmbeddings && featureSize !== opts.embeddingSize) {
      throw new Error(`tieEmbeddings: the output layer reads ${featureSize} features but the target embedding has ${opts.embeddingSize}`);
    }
    this.output = this.module("output", new OutputLayer(featureSize, opts.vocabSize, rng, opts.tieEmbeddings ? this.embedding.weight : null));
  }

  /** Initial state: bridged encoder state and the attention's prepared keys (one row per sentence). */
  init(enc: EncodedBatch): DecoderState {
    const { h, c } = this.bridge.init(enc, this.lstm);
    const memory = this.attention ? this.attention.prepare(enc.outputs, enc.padMask, enc.lengths) : null;
    return { h, c, feed: null, memory };
  }

  /** Embedded (and dropped-out) target tokens: ids [...shape] → [...shape, E]. */
  embed(ids: Int32Array, shape: readonly number[]): Tensor {
    return dropout(this.embedding.forward(ids, shape), this.opts.dropout, this.rng, this.training);
  }

  /** One decoder step from the embedded previous target token y_{t−1} [B, E]. */
  abstract step(emb: Tensor, state: DecoderState, t: number, opts?: StepOptions): StepResult;

  /** Logits [..., V] from features [..., F]. */
  logits(features: Tensor): Tensor {
    if (features.shape[features.ndim - 1] !== this.featureSize) throw shapeError("Decoder.logits", `expected ${this.featureSize} features`, features.shape);
    return this.output.forward(dropout(features, this.opts.dropout, this.rng, this.training));
  }

  /** The loss of `logits(features)` against targets, through the fused output layer (same dropout draw). */
  loss(features: Tensor, targets: Int32Array, opts: CrossEntropyOptions): Tensor {
    if (features.shape[features.ndim - 1] !== this.featureSize) throw shapeError("Decoder.loss", `expected ${this.featureSize} features`, features.shape);
    return this.output.loss(dropout(features, this.opts.dropout, this.rng, this.training), targets, opts);
  }

  /** Advance the recurrent stack by one step on input x [B, I]. */
  protected advance(x: Tensor, state: DecoderState): { h: Tensor[]; c: Tensor[] | null } {
    if (this.rnn instanceof LSTM) {
      const next = this.rnn.step(x, { h: state.h, c: state.c! });
      return { h: next.h, c: next.c };
    }
    return { h: this.rnn.step(x, state.h), c: null };
  }

  protected top(h: Tensor[]): Tensor {
    return h[h.length - 1]!;
  }
}
