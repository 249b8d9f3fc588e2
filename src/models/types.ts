import type { AttentionMemory } from "../attention/attention.js";
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
