import type { DecoderAttention } from "../../attention/attention.js";
import { createAttention, scoreEntry } from "../../attention/registry.js";
import type { AttentionSpec } from "../../attention/spec.js";
import { Embedding } from "../../nn/embedding.js";
import { GRU } from "../../nn/gru.js";
import { LSTM } from "../../nn/lstm.js";
import { Module } from "../../nn/module.js";
import { Linear } from "../../nn/linear.js";
import { add, concat, type CrossEntropyOptions, dropout, logSoftmax } from "../../ops/index.js";
import type { Rng } from "../../tensor/rng.js";
import { shapeError } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Bridge } from "../bridge.js";
import { copyMemory, copyStepLogProbs, copyTeacherForcedLoss, embeddingIds } from "../copy.js";
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
  /** model.attention as it is: score, scope, normaliser and their settings (attention/spec.ts). */
  attention: AttentionSpec;
  inputFeeding: boolean;
  /** Heads and dropout of the "multihead" score. */
  multihead: { heads: number; dropout: number };
  /** Copy attention (pointer-generator, See et al. 2017; models/copy.ts). Default false. */
  copy?: boolean;
}

/** Size of the context vector the attention returns (the score's registry entry knows: the encoder size, or the query size for multi-head attention). */
export function contextSize(opts: RecurrentDecoderOptions): number {
  return scoreEntry(opts.attention.score).contextSize(opts.hiddenSize, opts.encoderSize);
}

/**
 * What every recurrent decoder shares: target embeddings, a unidirectional multi-layer GRU/LSTM
 * run one step at a time, the bridge from the encoder, and the output layer. Subclasses define
 * the step (where attention is read and what reaches the output layer).
 *
 * Parameter names: embedding.weight, rnn.weight_ih_l0 …, bridge.h.weight …, attention.score.…
 * (attention.normalizer.pre_alpha with a learned entmax α, attention.score.coverage_proj.weight
 * with coverage), output.weight / output.bias (no output.weight when tied to embedding.weight),
 * copy_gate.weight / copy_gate.bias with copy attention.
 *
 * Coverage (model.attention.coverage): the state carries c_t = Σ_{t'<t} a_{t'} (DecoderState.coverage)
 * into the score. Copy (model.decoder.copy): the output is the pointer-generator mixture over an
 * extended vocabulary (models/copy.ts), and the step also returns p_gen's logit.
 */
export abstract class RecurrentDecoder extends Module {
  readonly embedding: Embedding;
  readonly rnn: GRU | LSTM;
  readonly bridge: Bridge;
  readonly attention: DecoderAttention | null = null;
  readonly output: OutputLayer;
  /** p_gen's Linear over [c_t; s_t; x_t] (copy attention), or null; made by addCopyGate(). */
  private gate: Linear | null = null;
  /** Whether the state carries coverage into the score. */
  readonly coverage: boolean;
  protected readonly lstm: boolean;

  protected constructor(readonly opts: RecurrentDecoderOptions, rnnInputSize: number, readonly featureSize: number, protected readonly rng: Rng, withAttention: boolean, queryDim: number) {
    super();
    this.lstm = opts.cell === "lstm";
    this.embedding = this.module("embedding", new Embedding(opts.vocabSize, opts.embeddingSize, rng, { paddingIdx: 0 }));
    const rnnOpts = { numLayers: opts.layers, dropout: opts.dropout };
    this.rnn = this.module("rnn", this.lstm ? new LSTM(rnnInputSize, opts.hiddenSize, rng, rnnOpts) : new GRU(rnnInputSize, opts.hiddenSize, rng, rnnOpts));
    this.bridge = this.module("bridge", new Bridge(opts.bridge, opts.encoderSize, opts.hiddenSize, opts.layers, this.lstm, rng));
    if (withAttention) {
      const ctx = { queryDim, keyDim: opts.encoderSize, spec: opts.attention, heads: opts.multihead.heads, dropout: opts.multihead.dropout, rng };
      this.attention = this.module("attention", createAttention(ctx));
    }
    if (opts.tieEmbeddings && featureSize !== opts.embeddingSize) {
      throw new Error(`tieEmbeddings: the output layer reads ${featureSize} features but the target embedding has ${opts.embeddingSize}`);
    }
    this.output = this.module("output", new OutputLayer(featureSize, opts.vocabSize, rng, opts.tieEmbeddings ? this.embedding.weight : null));
    this.coverage = withAttention && (opts.attention.coverage ?? false);
    if (opts.copy && !this.attention) throw new Error("copy attention needs a decoder that attends (bahdanau, luong)");
  }

  /** p_gen's Linear over [c_t; s_t; x_t] (copy attention), or null. */
  get copyGate(): Linear | null {
    return this.gate;
  }

  /**
   * With copy attention, p_gen's parameters: called by subclasses at the end of their
   * constructors, so the gate is drawn last and every other parameter equals the model's without copy.
   */
  protected addCopyGate(): void {
    if (!this.opts.copy || !this.attention) return;
    this.gate = this.module("copy_gate", new Linear(this.attention.contextSize + this.opts.hiddenSize + this.opts.embeddingSize, 1, this.rng));
  }

  /** Initial state: bridged encoder state and the attention's prepared keys (one row per sentence). */
  init(enc: EncodedBatch): DecoderState {
    const { h, c } = this.bridge.init(enc, this.lstm);
    const prepared = this.attention ? this.attention.prepare(enc.outputs, enc.padMask, enc.lengths) : null;
    const memory = prepared && this.copyGate ? { ...prepared, copy: copyMemory(enc, this.opts.vocabSize) } : prepared;
    return { h, c, feed: null, memory, ...(this.coverage ? { coverage: null } : {}) };
  }

  /**
   * Embedded (and dropped-out) target tokens: ids [...shape] → [...shape, E]. With copy attention,
   * extended ids (copied source words outside the vocabulary) read <unk>'s embedding.
   */
  embed(ids: Int32Array, shape: readonly number[]): Tensor {
    const rows = this.copyGate ? embeddingIds(ids, this.opts.vocabSize) : ids;
    return dropout(this.embedding.forward(rows, shape), this.opts.dropout, this.rng, this.training);
  }

  /**
   * Log-probabilities of the next token [N, V] of a step: logSoftmax of the logits, or with copy
   * attention the pointer-generator mixture over the extended vocabulary [N, V + oov].
   */
  logProbs(step: StepResult): Tensor {
    const logits = this.logits(step.features);
    if (!this.copyGate) return logSoftmax(logits);
    if (!step.weights || !step.copyGate) throw new Error("copy attention: the step returned no attention weights or p_gen");
    return copyStepLogProbs(logits, step.copyGate, step.weights, step.state.memory!);
  }

  /**
   * The copy mixture's teacher-forced loss (models/copy.ts) for features [B, T, F], p_gen logits
   * [B·T], weights [B·T, S] and extended-id targets [B·T]; the same dropout draw as `loss`.
   */
  copyLoss(features: Tensor, gates: Tensor, weights: Tensor, memory: DecoderState["memory"], targets: Int32Array, opts: CrossEntropyOptions): Tensor {
    if (features.shape[features.ndim - 1] !== this.featureSize) throw shapeError("Decoder.copyLoss", `expected ${this.featureSize} features`, features.shape);
    if (!memory) throw new Error("copy attention: no attention memory");
    const dropped = dropout(features, this.opts.dropout, this.rng, this.training);
    return copyTeacherForcedLoss(dropped, (x) => this.output.forward(x), gates, weights, memory, targets, opts);
  }

  /**
   * Attention of one step, with coverage and copy attention served: the context, the weights
   * (always computed when coverage or copy need them) and the state fields to update (the next
   * coverage c_{t+1} = c_t + a_t).
   */
  protected attendStep(query: Tensor, state: DecoderState, t: number, opts: StepOptions): { context: Tensor; weights: Tensor | null; next: Partial<DecoderState> } {
    const needWeights = this.coverage || this.copyGate !== null;
    const attendOpts = this.coverage ? { ...opts, weights: true, coverage: state.coverage ?? null } : needWeights ? { ...opts, weights: true } : opts;
    const { context, weights } = this.attention!.attend(query, state.memory!, t, attendOpts);
    if (!this.coverage) return { context, weights, next: {} };
    if (!weights) throw new Error("coverage: the attention returned no weights");
    return { context, weights, next: { coverage: state.coverage ? add(state.coverage, weights) : weights } };
  }

  /** p_gen's logit [N, 1] from the context, the new top state and the input embedding (copy attention), or nothing. */
  protected copyGateOf(context: Tensor, top: Tensor, emb: Tensor): { copyGate: Tensor } | Record<string, never> {
    return this.copyGate ? { copyGate: this.copyGate.forward(concat([context, top, emb], 1)) } : {};
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
