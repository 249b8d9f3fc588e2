import { noGrad } from "../autograd/tape.js";
import { Module } from "../nn/module.js";
import { reshape, slice, stack } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import type { CrossEntropyOptions } from "../ops/crossEntropy.js";
import type { RecurrentDecoder } from "./decoders/recurrentDecoder.js";
import type { RecurrentEncoder } from "./encoder.js";
import type { AttentionMap, EncodedBatch, SourceBatch, TargetBatch, TeacherForcedOutput, TeacherForcingOptions, TranslationModel } from "./types.js";

/**
 * An encoder–decoder translation model (Sutskever et al. 2014; Bahdanau et al. 2014): the encoder
 * reads the source once, the decoder produces the target one token at a time.
 * Parameter names: encoder.embedding.weight, encoder.rnn.weight_ih_l0, …, decoder.… .
 */
export class Seq2Seq extends Module implements TranslationModel {
  readonly encoder: RecurrentEncoder;
  readonly decoder: RecurrentDecoder;
  /**
   * The random streams the modules draw dropout masks from, by name. Their states go into every
   * checkpoint so a resumed run draws the same masks as an uninterrupted one.
   */
  readonly randomStreams: Record<string, Rng>;

  constructor(encoder: RecurrentEncoder, decoder: RecurrentDecoder, randomStreams: Record<string, Rng> = {}) {
    super();
    this.randomStreams = randomStreams;
    this.encoder = this.module("encoder", encoder);
    this.decoder = this.module("decoder", decoder);
  }

  encodeBatch(batch: SourceBatch): EncodedBatch {
    return this.encoder.encode(batch.src, batch.batchSize, batch.srcLen, batch.srcLengths, batch.srcMask);
  }

  /** Teacher-forced pass over tgtIn (optionally with scheduled sampling) → logits for every target position. */
  forward(batch: TargetBatch, opts: TeacherForcingOptions = {}): TeacherForcedOutput {
    const { features, attention } = this.teacherForced(batch, opts);
    const logits = this.decoder.logits(features);
    return { logits: reshape(logits, [batch.batchSize * batch.tgtLen, logits.shape[2]!]), attention };
  }

  /** The teacher-forced loss through the fused output layer (TranslationModel.trainingLoss). */
  trainingLoss(batch: TargetBatch, targets: Int32Array, loss: CrossEntropyOptions, opts: TeacherForcingOptions = {}): Tensor {
    return this.decoder.loss(this.teacherForced(batch, opts).features, targets, loss);
  }

  /** The decoder run over tgtIn: the output-layer features of every step [B, T, F] (and the attention, if asked for). */
  private teacherForced(batch: TargetBatch, opts: TeacherForcingOptions): { features: Tensor; attention: Tensor[] | null } {
    const B = batch.batchSize;
    const T = batch.tgtLen;
    const enc = this.encodeBatch(batch);
    let state = this.decoder.init(enc);
    const p = this.training ? (opts.samplingProb ?? 0) : 0;
    const embAll = p > 0 ? null : this.decoder.embed(batch.tgtIn, [B, T]);
    const E = this.decoder.opts.embeddingSize;
    const features: Tensor[] = [];
    // Attention weights are collected only for callers that read them (forced decoding, dumps).
    const wantAttention = opts.attention ?? false;
    const attention: Tensor[] = [];
    let prevFeatures: Tensor | null = null;
    for (let t = 0; t < T; t++) {
      let emb: Tensor;
      if (embAll) {
        emb = reshape(slice(embAll, 1, t, t + 1), [B, E]);
      } else {
        const ids = new Int32Array(B);
        for (let b = 0; b < B; b++) ids[b] = batch.tgtIn[b * T + t]!;
        if (prevFeatures && opts.rng) {
          const predicted = noGrad(() => argmaxRows(this.decoder.logits(prevFeatures!)));
          for (let b = 0; b < B; b++) if (ids[b] !== 0 && opts.rng.next() < p) ids[b] = predicted[b]!;
        }
        emb = this.decoder.embed(ids, [B]);
      }
      const r = this.decoder.step(emb, state, t, { weights: wantAttention });
      state = r.state;
      features.push(r.features);
      prevFeatures = r.features;
      if (wantAttention && r.weights) attention.push(r.weights);
    }
    return { features: stack(features, 1), attention: attention.length > 0 ? attention : null };
  }

  /**
   * Every attention map of a teacher-forced pass, per sentence: the cross-attention matrix
   * (layer 0, head 0; heads averaged for the multihead score) of [target steps × real source
   * positions] — none for the fixed-vector decoder — and, for hybrid encoders, each head of each
   * encoder self-attention layer.
   */
  attentionMaps(batch: TargetBatch & { tgtLengths: Int32Array }): AttentionMap[][] {
    const { attention } = noGrad(() => this.forward(batch, { attention: true }));
    const selfMaps = this.encoder.lastSelfAttention;
    const S = batch.srcLen;
    return Array.from({ length: batch.batchSize }, (_, b) => {
      const maps: AttentionMap[] = [];
      const len = batch.srcLengths[b]!;
      // Hybrid encoders: every head of every self-attention layer over the real source positions.
      selfMaps.forEach((w, layer) => {
        const H = w.shape[1]!;
        for (let head = 0; head < H; head++) {
          const base = (b * H + head) * S * S;
          maps.push({ kind: "encoder-self", layer, head, weights: Array.from({ length: len }, (_, i) => Array.from(w.data.subarray(base + i * S, base + i * S + len))) });
        }
      });
      if (attention) {
        const steps = batch.tgtLengths[b]!;
        maps.push({ kind: "cross", layer: 0, head: 0, weights: attention.slice(0, steps).map((w) => Array.from(w.data.subarray(b * S, b * S + len))) });
      }
      return maps;
    });
  }
}

/** Index of the largest value of each row of a [N, V] tensor. */
export function argmaxRows(x: Tensor): Int32Array {
  const V = x.shape[x.ndim - 1]!;
  const N = x.size / V;
  const out = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    let best = 0;
    let bestV = -Infinity;
    for (let v = 0; v < V; v++) {
      const val = x.data[n * V + v]!;
      if (val > bestV) {
        bestV = val;
        best = v;
      }
    }
    out[n] = best;
  }
  return out;
}
