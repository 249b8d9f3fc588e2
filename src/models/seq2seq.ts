import { noGrad } from "../autograd/tape.js";
import { Module } from "../nn/module.js";
import { add, reshape, rowsOfSentences, sigmoid, slice, stack, copyLogProbs } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import type { CrossEntropyOptions } from "../ops/crossEntropy.js";
import type { RecurrentDecoder } from "./decoders/recurrentDecoder.js";
import type { RecurrentEncoder } from "./encoder.js";
import { coverageLossTerm } from "./coverageLoss.js";
import type { AttentionMap, DecoderState, EncodedBatch, SourceBatch, StepResult, TargetBatch, TeacherForcedOutput, TeacherForcingOptions, TranslationModel } from "./types.js";

/** What one teacher-forced pass of the decoder produced. */
interface ForcedPass {
  /** Output-layer features of every step [B, T, F]. */
  features: Tensor;
  /** Attention weights per step [B, S]: when asked for, or needed by copy attention / the coverage loss; else null. */
  attention: Tensor[] | null;
  /** Copy attention: p_gen's logit per step [B, 1]; else null. */
  gates: Tensor[] | null;
  /** Coverage loss: c_t of each step [B, S] (null at step 0); else null. */
  coverage: (Tensor | null)[] | null;
  /** The decoder state after the first step (its memory is the batch's). */
  memory: DecoderState["memory"];
}

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
    const enc = this.encoder.encode(batch.src, batch.batchSize, batch.srcLen, batch.srcLengths, batch.srcMask);
    return batch.copy ? { ...enc, copy: batch.copy } : enc;
  }

  /**
   * Teacher-forced pass over tgtIn (optionally with scheduled sampling) → logits for every target
   * position; with copy attention also the mixture's log-probabilities and p_gen.
   */
  forward(batch: TargetBatch, opts: TeacherForcingOptions = {}): TeacherForcedOutput {
    const pass = this.teacherForced(batch, opts);
    const logits = this.decoder.logits(pass.features);
    const flat = reshape(logits, [batch.batchSize * batch.tgtLen, logits.shape[2]!]);
    const wantAttention = opts.attention ?? false;
    const attention = wantAttention ? pass.attention : null;
    if (!pass.gates) return { logits: flat, attention };
    const { gates, weights } = this.copyInputs(pass, batch);
    const copy = pass.memory!.copy!;
    const logProbs = copyLogProbs(flat, gates, weights, copy.ids, rowsOfSentences(flat.shape[0]!, batch.tgtLen), copy.size);
    return { logits: flat, attention, logProbs, pGen: reshape(sigmoid(gates), [batch.batchSize, batch.tgtLen]) };
  }

  /**
   * The teacher-forced loss through the fused output layer (TranslationModel.trainingLoss); with
   * copy attention the mixture's −log P (models/copy.ts), plus the coverage loss when
   * `opts.coverageLoss` > 0.
   */
  trainingLoss(batch: TargetBatch, targets: Int32Array, loss: CrossEntropyOptions, opts: TeacherForcingOptions = {}): Tensor {
    const pass = this.teacherForced(batch, opts);
    let nll: Tensor;
    if (pass.gates) {
      const { gates, weights } = this.copyInputs(pass, batch);
      nll = this.decoder.copyLoss(pass.features, gates, weights, pass.memory, targets, loss);
    } else {
      nll = this.decoder.loss(pass.features, targets, loss);
    }
    const coverage = pass.coverage ? coverageLossTerm(pass.attention!, pass.coverage, targets, opts.coverageLoss ?? 0, loss) : null;
    return coverage ? add(nll, coverage) : nll;
  }

  /** The copy mixture's inputs of a pass: p_gen logits [B·T] and weights [B·T, S], row b·T + t. */
  private copyInputs(pass: ForcedPass, batch: TargetBatch): { gates: Tensor; weights: Tensor } {
    const B = batch.batchSize;
    const T = batch.tgtLen;
    return {
      gates: reshape(stack(pass.gates!, 1), [B * T]),
      weights: reshape(stack(pass.attention!, 1), [B * T, batch.srcLen]),
    };
  }

  /** The decoder run over tgtIn: the output-layer features of every step [B, T, F], and what copy attention, the coverage loss or the caller need. */
  private teacherForced(batch: TargetBatch, opts: TeacherForcingOptions): ForcedPass {
    const B = batch.batchSize;
    const T = batch.tgtLen;
    const enc = this.encodeBatch(batch);
    let state = this.decoder.init(enc);
    const memory = state.memory;
    const copy = this.decoder.copyGate !== null;
    const coverageLoss = this.decoder.coverage && (opts.coverageLoss ?? 0) > 0;
    if ((opts.coverageLoss ?? 0) > 0 && !this.decoder.coverage) throw new Error("coverage loss: the model has no coverage (model.attention.coverage)");
    const p = this.training ? (opts.samplingProb ?? 0) : 0;
    const embAll = p > 0 ? null : this.decoder.embed(batch.tgtIn, [B, T]);
    const E = this.decoder.opts.embeddingSize;
    const features: Tensor[] = [];
    // Attention weights are collected only for callers that read them (forced decoding, dumps) and for copy attention and the coverage loss.
    const wantAttention = (opts.attention ?? false) || copy || coverageLoss;
    const attention: Tensor[] = [];
    const gates: Tensor[] = [];
    const coverage: (Tensor | null)[] = [];
    let prev: StepResult | null = null;
    for (let t = 0; t < T; t++) {
      let emb: Tensor;
      if (embAll) {
        emb = reshape(slice(embAll, 1, t, t + 1), [B, E]);
      } else {
        const ids = new Int32Array(B);
        for (let b = 0; b < B; b++) ids[b] = batch.tgtIn[b * T + t]!;
        if (prev && opts.rng) {
          // With copy attention the prediction is the mixture's argmax (an extended id reads <unk>'s embedding).
          const last: StepResult = prev;
          const predicted = noGrad(() => argmaxRows(copy ? this.decoder.logProbs(last) : this.decoder.logits(last.features)));
          for (let b = 0; b < B; b++) if (ids[b] !== 0 && opts.rng.next() < p) ids[b] = predicted[b]!;
        }
        emb = this.decoder.embed(ids, [B]);
      }
      if (coverageLoss) coverage.push(state.coverage ?? null);
      const r = this.decoder.step(emb, state, t, { weights: wantAttention });
      state = r.state;
      features.push(r.features);
      prev = r;
      if (wantAttention && r.weights) attention.push(r.weights);
      if (r.copyGate) gates.push(r.copyGate);
    }
    return {
      features: stack(features, 1),
      attention: attention.length > 0 ? attention : null,
      gates: copy && T > 0 ? gates : null,
      coverage: coverageLoss && T > 0 ? coverage : null,
      memory,
    };
  }

  /**
   * Every attention map of a teacher-forced pass, per sentence: the cross-attention matrix
   * (layer 0, head 0; heads averaged for the multihead score) of [target steps × real source
   * positions] — none for the fixed-vector decoder — and, for hybrid encoders, each head of each
   * encoder self-attention layer.
   */
  attentionMaps(batch: TargetBatch & { tgtLengths: Int32Array }): AttentionMap[][] {
    const { attention, pGen } = noGrad(() => this.forward(batch, { attention: true }));
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
        const T = batch.tgtLen;
        maps.push({
          kind: "cross",
          layer: 0,
          head: 0,
          weights: attention.slice(0, steps).map((w) => Array.from(w.data.subarray(b * S, b * S + len))),
          ...(pGen ? { pGen: Array.from(pGen.data.subarray(b * T, b * T + steps)) } : {}),
        });
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
