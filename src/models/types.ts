import type { AttentionMemory } from "../attention/attention.js";
import type { Module } from "../nn/module.js";
import type { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import type { CrossEntropyOptions } from "../ops/crossEntropy.js";

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

/**
 * Per-row tensors a decoder carries between steps besides h/c/feed — e.g. a Transformer's
 * self-attention key/value caches — moved with the other rows in beam search. Stepping may
 * append to a cache in place, so a cache is stepped from once: branch with select().
 */
export interface RowCache {
  /** Rows (hypotheses) in the cache. */
  readonly rows: number;
  /** A new, independent cache whose row i continues row rows[i] of this one (any count, repeats allowed). */
  select(rows: Int32Array): RowCache;
  /**
   * The same as select(rows) for rows.length === this.rows, but may work in place: returns the
   * reordered cache (possibly this one), and this cache must not be used afterwards.
   */
  reorder(rows: Int32Array): RowCache;
}

/**
 * Decoder state between steps. It has two kinds of rows:
 *  - per-hypothesis rows (h, c, feed, cache), N of them, batch-first;
 *  - per-sentence rows (memory), B of them, computed once per sentence and never copied per
 *    hypothesis: with G = N / B rows per sentence (beam search: G = K), row r belongs to sentence
 *    ⌊r / G⌋ (rows b·G … b·G + G − 1 are sentence b's hypotheses).
 */
export interface DecoderState {
  /** Hidden state per layer [N, H]. */
  h: Tensor[];
  /** LSTM cell state per layer [N, H], or null for GRU. */
  c: Tensor[] | null;
  /** Luong input feeding: the previous attentional state h̃_{t−1} [N, H], or null. */
  feed: Tensor | null;
  /** Prepared attention memory of the source, one row per sentence ([B, S, …]), or null without attention. */
  memory: AttentionMemory | null;
  /** Per-row caches besides h/c/feed (a Transformer's self-attention keys/values). Absent for recurrent decoders. */
  cache?: RowCache;
}

/** What a decoder may size its state for. */
export interface DecoderInitOptions {
  /** Most steps that will be taken (a Transformer preallocates its key/value caches for them; more still work). */
  steps?: number;
}

/** Per-step options of StepDecoder.step. */
export interface StepOptions {
  /** Whether the caller reads StepResult.weights (default true); when false a decoder may skip computing them and return null. */
  weights?: boolean;
}

/** One decoder step's result. */
export interface StepResult {
  /** Input of the output layer [N, F]; logits = output(features). */
  features: Tensor;
  state: DecoderState;
  /** Attention weights over the source [N, S], or null for the fixed-vector decoder (or when not asked for: StepOptions.weights). */
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
  /**
   * Cross-attention weights per target step, each [B, S]: only with TeacherForcingOptions.attention
   * (training does not read them); null otherwise and for the fixed-vector decoder.
   */
  attention: Tensor[] | null;
}

export interface TeacherForcingOptions {
  /** Also return the cross-attention weights of every step (forced decoding, attention dumps). Default false. */
  attention?: boolean;
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
  init(enc: EncodedBatch, opts?: DecoderInitOptions): DecoderState;
  /** Target embeddings: ids [...shape] → [...shape, E]. */
  embed(ids: Int32Array, shape: readonly number[]): Tensor;
  /** One step from the embedded previous token [N, E] at output position t. */
  step(emb: Tensor, state: DecoderState, t: number, opts?: StepOptions): StepResult;
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
  /**
   * The teacher-forced training loss, crossEntropy(forward(batch, opts).logits, targets, loss),
   * through the fused output layer (ops/outputLoss.ts): rows whose target is ignored (padding) are
   * never projected, and no [B·T, V] logits tensor is kept beside the loss. Same random draws
   * (dropout, scheduled sampling) as forward.
   */
  trainingLoss(batch: TargetBatch, targets: Int32Array, loss: CrossEntropyOptions, opts?: TeacherForcingOptions): Tensor;
  /** All attention maps of a teacher-forced pass, per sentence (rows: target steps incl. </s>; columns: real source positions). */
  attentionMaps(batch: TargetBatch & { tgtLengths: Int32Array }): AttentionMap[][];
};
