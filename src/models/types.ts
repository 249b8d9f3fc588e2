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
  /** The source as copy attention sees it (SourceBatch.copy), passed through. */
  copy?: SourceCopy;
}

/**
 * Copy attention's view of a batch of sources (model.decoder.copy; See et al. 2017 §2.2): built by
 * the data layer (data/copyVocab.ts) from the source token strings, which the ids alone have lost.
 */
export interface SourceCopy {
  /**
   * [B·S]: the output-vocabulary id of each source position — the target-vocabulary id of its
   * token, or V + k for the k-th distinct word of its sentence outside the target vocabulary
   * (V = target vocabulary size); −1 at padding. The source's </s> is EOS.
   */
  ids: Int32Array;
  /** The most out-of-vocabulary words of one sentence: the extended vocabulary has V + oov entries. */
  oov: number;
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
 *  - per-hypothesis rows (h, c, feed, coverage, cache), N of them, batch-first;
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
  /**
   * Coverage (model.attention.coverage; Tu et al. 2016, See et al. 2017): per hypothesis row, the
   * sum of its attention weights over the steps so far, c_t = Σ_{t'<t} a_{t'} [N, S]; null before
   * the first step (all zeros), absent without coverage. Moved with the rows like h.
   */
  coverage?: Tensor | null;
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
  /** Copy attention: the logit of p_gen [N, 1] (See et al. 2017 eq. 8); absent without copy. */
  copyGate?: Tensor;
}

/** The padded id tensors a model reads (a subset of data/batching's Batch). */
export interface SourceBatch {
  batchSize: number;
  srcLen: number;
  src: Int32Array;
  srcLengths: Int32Array;
  srcMask: Uint8Array;
  /** What copy attention reads of the sources (required by models with model.decoder.copy). */
  copy?: SourceCopy;
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
  /**
   * Copy attention only: log-probabilities over the extended vocabulary [B·T, V + oov] (the
   * pointer-generator mixture; `logits` are then those of its vocabulary part).
   */
  logProbs?: Tensor;
  /** Copy attention only: p_gen of every step [B, T]. */
  pGen?: Tensor;
}

export interface TeacherForcingOptions {
  /** Also return the cross-attention weights of every step (forced decoding, attention dumps). Default false. */
  attention?: boolean;
  /** Probability of feeding the model's own previous prediction (scheduled sampling, Bengio et al. 2015). */
  samplingProb?: number;
  rng?: Rng;
  /**
   * λ of the coverage loss (See et al. 2017 eq. 12), added by trainingLoss: λ·Σ_t Σ_j min(a_t(j),
   * c_t(j)) over the target tokens that count, reduced like the cross-entropy (mean: per token).
   * Models with model.attention.coverage only; default 0.
   */
  coverageLoss?: number;
}


/** One attention matrix of one sentence: weights[query position][key position]. */
export interface AttentionMap {
  kind: "cross" | "encoder-self" | "decoder-self";
  layer: number;
  head: number;
  weights: number[][];
  /** Copy attention, cross maps: p_gen of each row (target step). */
  pGen?: number[];
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
  /**
   * Log-probabilities of the next token [N, V'] from a step's result, when a decoder defines them
   * (copy attention: over the extended vocabulary); otherwise decoding takes logSoftmax(logits(features)).
   */
  logProbs?(step: StepResult): Tensor;
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
