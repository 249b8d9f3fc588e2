import type { AttentionMemory } from "../attention/attention.js";
import type { Module } from "../nn/module.js";
import type { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";

/** What the encoder hands the decoder for one batch. */
export interface EncodedBatch {
  /** Encoder outputs [B, S, Denc] (0 at padding): the attention keys and values. */
  outputs: Tensor;
  /** Final hidden state per encoder layer, directions concatenated: each [B, Denc]. */
  finalH: Tensor[];
  /** LSTM only: final cell state per layer, directions concatenated. */
  finalC: Tensor[] | null;
  /** [B·S], 1 at padding positions. */
  padMask: Uint8Array;
  /** Real source lengths [B]. */
  lengths: Int32Array;
}

/** Recurrent decoder state between steps. Every tensor has the batch as its first axis. */
export interface DecoderState {
  /** Hidden state per layer [B, H]. */
  h: Tensor[];
  /** LSTM cell state per layer [B, H], or null for GRU. */
  c: Tensor[] | null;
  /** Luong input feeding: the previous attentional state h̃_{t−1} [B, H], or null. */
  feed: Tensor | null;
  /** Prepared attention keys of the source, or null without attention. */
  memory: AttentionMemory | null;
  /**
   * Batch-first tensors a decoder carries between steps besides h/c/feed — e.g. a Transformer's
   * per-layer key/value caches [B, t, E] — reordered with the other rows in beam search.
   * Absent for recurrent decoders.
   */
  cache?: Tensor[];
}

/** One decoder step's result. */
export interface StepResult {
  /** Input of the output layer [B, F]; logits = output(features). */
  features: Tensor;
  state: DecoderState;
  /** Attention weights over the source [B, S], or null for the fixed-vector decoder. */
  weights: Tensor | null;
}

/** The padded id tensors a model reads (a subset of data/batching's Batch). */
export interface SourceBatch {
  batchSize: number;
  srcLen: number;
  src: Int32Array;
  srcLengths: Int32Array;
  srcMask: Uint8Array;
}

export interface TargetBatch extends SourceBatch {
  tgtLen: number;
  tgtIn: Int32Array;
}

export interface TeacherForcedOutput {
  /** Logits [B·T, V], row b·T + t. */
  logits: Tensor;
  /** Cross-attention weights per target step, each [B, S] (null for the fixed-vector decoder). */
  attention: Tensor[] | null;
}

export interface TeacherForcingOptions {
  /** Probability of feeding the model's own previous prediction (scheduled sampling, Bengio et al. 2015). */
  samplingProb?: number;
  rng?: Rng;
}


/** One attention matrix of one sentence: weights[query position][key position]. */
export interface AttentionMap {
  kind: "cross" | "encoder-self" | "decoder-self";
  layer: number;
  head: number;
  weights: number[][];
}

/** What a decoder offers for step-by-step decoding (greedy, beam search). */
export interface StepDecoder {
  init(enc: EncodedBatch): DecoderState;
  /** Target embeddings: ids [...shape] → [...shape, E]. */
  embed(ids: Int32Array, shape: readonly number[]): Tensor;
  /** One step from the embedded previous token [B, E] at output position t. */
  step(emb: Tensor, state: DecoderState, t: number): StepResult;
  /** Logits [..., V] from step features [..., F]. */
  logits(features: Tensor): Tensor;
}

/** Any trainable translation model: recurrent Seq2Seq or the Transformer. */
export type TranslationModel = Module & {
  /** Named random streams (dropout), saved in checkpoints for exact resume. */
  readonly randomStreams: Record<string, Rng>;
  readonly decoder: StepDecoder;
  encodeBatch(batch: SourceBatch): EncodedBatch;
  forward(batch: TargetBatch, opts?: TeacherForcingOptions): TeacherForcedOutput;
  /** All attention maps of a teacher-forced pass, per sentence (rows: target steps incl. </s>; columns: real source positions). */
  attentionMaps(batch: TargetBatch & { tgtLengths: Int32Array }): AttentionMap[][];
};
