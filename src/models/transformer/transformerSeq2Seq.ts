import type { AdaptiveSpanOptions } from "../../attention/adaptiveSpan.js";
import type { SelfAttentionSpec } from "../../attention/efficient/index.js";
import { causalMask } from "../../attention/scaledDotProduct.js";
import type { NormalizerSpec } from "../../attention/spec.js";
import { noGrad } from "../../autograd/tape.js";
import { Embedding } from "../../nn/embedding.js";
import { normal_ } from "../../nn/init.js";
import { Module } from "../../nn/module.js";
import { LearnedPositions } from "../../nn/positions/learned.js";
import { SinusoidalPositions } from "../../nn/positions/sinusoidal.js";
import { type CrossEntropyOptions, dropout, mean, mulScalar, reshape, slice } from "../../ops/index.js";
import type { Rng } from "../../tensor/rng.js";
import type { Tensor } from "../../tensor/tensor.js";
import { OutputLayer } from "../outputLayer.js";
import { TransformerDecoder } from "./layers/decoder.js";
import { TransformerEncoder } from "./layers/encoder.js";
import type { AttentionMap, EncodedBatch, SourceBatch, TargetBatch, TeacherForcedOutput, TeacherForcingOptions, TranslationModel } from "../types.js";
import { TransformerStepDecoder } from "./stepDecoder.js";

export interface TransformerOptions {
  srcVocab: number;
  tgtVocab: number;
  dModel: number;
  heads: number;
  ffSize: number;
  encoderLayers: number;
  decoderLayers: number;
  dropout: number;
  activation: "relu" | "gelu";
  normFirst: boolean;
  /**
   * sinusoidal / learned: absolute, added to the embeddings; relative (Shaw et al. 2018), rotary
   * (Su et al. 2021), alibi (Press et al. 2022), t5 (Raffel et al. 2020): inside every self-attention.
   */
  positions: "sinusoidal" | "learned" | "relative" | "rotary" | "alibi" | "t5";
  maxRelativeDistance: number;
  /** t5: buckets and the distance of the last bucket (T5's relative_attention_num_buckets / max_distance). */
  t5Buckets?: number;
  t5MaxDistance?: number;
  /** Adaptive span of every self-attention (Sukhbaatar et al. 2019); null or absent = none. */
  adaptiveSpan?: AdaptiveSpanOptions | null;
  maxPositions: number;
  tieEmbeddings: boolean;
  /** How every attention (encoder self, decoder self, cross) normalises its scores: normalizer, alpha, learnAlpha, topK. */
  attention: NormalizerSpec;
  /** Self-attention variant of the encoder (and, except Linformer, decoder) layers; null / absent = exact. */
  selfAttention?: SelfAttentionSpec | null;
}

/** Per-layer attention weights of one teacher-forced pass, each [B, heads, rows, cols]. */
export interface TransformerAttention {
  encoderSelf: Tensor[];
  decoderSelf: Tensor[];
  cross: Tensor[];
}

/**
 * The Transformer (Vaswani et al. 2017): embeddings scaled by √d_model plus positions, an encoder
 * stack of self-attention layers and a decoder stack of masked self-attention + cross-attention
 * layers, then the output projection (optionally tied to the target embeddings, §3.4).
 * With pre-norm layers each stack ends in a LayerNorm, as in torch.nn.Transformer.
 * Parameter names: src_embed.weight, tgt_embed.weight, (src_pos.weight, tgt_pos.weight),
 * encoder.layers.N.self_attn.in_proj_weight …, encoder.norm.*, decoder.layers.N.multihead_attn.* …,
 * decoder.norm.*, output.weight / output.bias; positions "t5" add …self_attn.relative_attention_bias.weight,
 * an adaptive span …self_attn.adaptive_span.current_val (rotary and ALiBi have no parameters).
 */
export class TransformerSeq2Seq extends Module implements TranslationModel {
  readonly srcEmbed: Embedding;
  readonly tgtEmbed: Embedding;
  readonly srcPos: SinusoidalPositions | LearnedPositions | null;
  readonly tgtPos: SinusoidalPositions | LearnedPositions | null;
  readonly encoder: TransformerEncoder;
  readonly decoderStack: TransformerDecoder;
  readonly output: OutputLayer;
  readonly decoder: TransformerStepDecoder;
  readonly randomStreams: Record<string, Rng>;
  private readonly scale: number;

  constructor(readonly opts: TransformerOptions, rng: Rng, private readonly dropoutRng: Rng) {
    super();
    const d = opts.dModel;
    this.scale = Math.sqrt(d);
    // Embeddings start at N(0, 1/d) so that after the √d scaling their entries are O(1), like the
    // positions they are added to (fairseq's init; PyTorch's nn.Embedding default would be N(0, 1)).
    this.srcEmbed = this.module("src_embed", new Embedding(opts.srcVocab, d, rng, { paddingIdx: 0 }));
    this.tgtEmbed = this.module("tgt_embed", new Embedding(opts.tgtVocab, d, rng, { paddingIdx: 0 }));
    for (const e of [this.srcEmbed, this.tgtEmbed]) {
      normal_(e.weight, rng, 0, 1 / Math.sqrt(d));
      e.weight.data.fill(0, 0, d);
    }
    if (opts.positions === "learned") {
      this.srcPos = this.module("src_pos", new LearnedPositions(opts.maxPositions, d, rng, { std: 0.1 }));
      this.tgtPos = this.module("tgt_pos", new LearnedPositions(opts.maxPositions, d, rng, { std: 0.1 }));
    } else if (opts.positions === "sinusoidal") {
      this.srcPos = new SinusoidalPositions(opts.maxPositions, d);
      this.tgtPos = this.srcPos;
    } else {
      this.srcPos = null;
      this.tgtPos = null;
    }
    const layerOpts = {
      dropout: opts.dropout,
      activation: opts.activation,
      normFirst: opts.normFirst,
      dropoutRng,
      relative: opts.positions === "relative" ? { maxDistance: opts.maxRelativeDistance } : null,
      // Encoder buckets look both ways; the decoder layers make them unidirectional.
      relativeBias: opts.positions === "t5" ? { maxDistance: opts.t5MaxDistance ?? 128, t5: { numBuckets: opts.t5Buckets ?? 32, bidirectional: true } } : null,
      rotary: opts.positions === "rotary",
      alibi: opts.positions === "alibi",
      adaptiveSpan: opts.adaptiveSpan ?? null,
      attention: opts.attention,
      selfAttention: opts.selfAttention ?? null,
    };
    // torch.nn.Transformer's stacks: layers.N.… and, for pre-norm layers, a final norm.
    this.encoder = this.module("encoder", TransformerEncoder.create(opts.encoderLayers, d, opts.heads, opts.ffSize, rng, layerOpts));
    this.decoderStack = this.module("decoder", TransformerDecoder.create(opts.decoderLayers, d, opts.heads, opts.ffSize, rng, layerOpts));
    this.output = this.module("output", new OutputLayer(d, opts.tgtVocab, rng, opts.tieEmbeddings ? this.tgtEmbed.weight : null));
    this.decoder = new TransformerStepDecoder(this);
    this.randomStreams = { dropout: dropoutRng };
  }

  /** Embeddings · √d plus positions starting at `offset`, then dropout: ids [B·T] → [B, T, d]. */
  embedTokens(which: "src" | "tgt", ids: Int32Array, batch: number, len: number, offset = 0): Tensor {
    const emb = which === "src" ? this.srcEmbed : this.tgtEmbed;
    return this.scaleAndPosition(which, emb.forward(ids, [batch, len]), offset);
  }

  /** Raw embeddings [B, T, d] → · √d (§3.4) + positions offset … offset+T−1 (§3.5), then dropout. */
  scaleAndPosition(which: "src" | "tgt", emb: Tensor, offset: number): Tensor {
    const pos = which === "src" ? this.srcPos : this.tgtPos;
    let x = mulScalar(emb, this.scale);
    if (pos) x = pos.forward(x, offset);
    return dropout(x, this.opts.dropout, this.dropoutRng, this.training);
  }

  encodeBatch(batch: SourceBatch): EncodedBatch {
    return this.encode(batch).enc;
  }

  private encode(batch: SourceBatch): { enc: EncodedBatch; weights: Tensor[] } {
    const x = this.embedTokens("src", batch.src, batch.batchSize, batch.srcLen);
    const { output, weights } = this.encoder.forward(x, { keyPaddingMask: batch.srcMask });
    return { enc: { outputs: output, finalH: [], finalC: null, padMask: batch.srcMask, lengths: batch.srcLengths }, weights };
  }

  forward(batch: TargetBatch, opts: TeacherForcingOptions = {}): TeacherForcedOutput {
    const r = this.run(batch);
    const [B, T] = [batch.batchSize, batch.tgtLen];
    // Cross-attention of the last layer, averaged over heads, per step [B, S] (what a heatmap
    // shows) — only for callers that read it (forced decoding), not in training.
    const last = opts.attention ? r.attention.cross[r.attention.cross.length - 1] : undefined;
    let attention: Tensor[] | null = null;
    if (last) {
      const S = batch.srcLen;
      const avg = reshape(mean(last, 1), [B, T, S]);
      attention = Array.from({ length: T }, (_, t) => reshape(slice(avg, 1, t, t + 1), [B, S]));
    }
    return { logits: reshape(r.logits, [B * T, this.opts.tgtVocab]), attention };
  }

  /** Teacher-forced pass over tgtIn with a causal mask: logits [B, T, V] and every attention map. */
  run(batch: TargetBatch): { logits: Tensor; attention: TransformerAttention } {
    const { r, encoderSelf } = this.teacherForced(batch);
    return { logits: this.output.forward(r.output), attention: { encoderSelf, decoderSelf: r.selfWeights, cross: r.crossWeights } };
  }

  /** The teacher-forced loss through the fused output layer (TranslationModel.trainingLoss). */
  trainingLoss(batch: TargetBatch, targets: Int32Array, loss: CrossEntropyOptions): Tensor {
    return this.output.loss(this.teacherForced(batch).r.output, targets, loss);
  }

  /** Encoder and decoder stacks over the batch (teacher forcing, causal mask): the decoder output [B, T, d] and the attention weights. */
  private teacherForced(batch: TargetBatch) {
    const { enc, weights: encoderSelf } = this.encode(batch);
    const [B, T] = [batch.batchSize, batch.tgtLen];
    const tgtPad = new Uint8Array(B * T);
    for (let i = 0; i < tgtPad.length; i++) tgtPad[i] = batch.tgtIn[i] === 0 ? 1 : 0;
    const y = this.embedTokens("tgt", batch.tgtIn, B, T);
    const r = this.decoderStack.forward(y, enc.outputs, { tgtMask: causalMask(T, T), tgtKeyPaddingMask: tgtPad, memoryKeyPaddingMask: batch.srcMask });
    return { r, encoderSelf };
  }

  attentionMaps(batch: TargetBatch & { tgtLengths: Int32Array }): AttentionMap[][] {
    const { attention } = noGrad(() => this.run(batch));
    const [S, T] = [batch.srcLen, batch.tgtLen];
    const H = this.opts.heads;
    const read = (w: Tensor, b: number, h: number, rows: number, cols: number, width: number, height: number): number[][] =>
      Array.from({ length: rows }, (_, i) => Array.from(w.data.subarray(((b * H + h) * height + i) * width, ((b * H + h) * height + i) * width + cols)));
    return Array.from({ length: batch.batchSize }, (_, b) => {
      const srcLen = batch.srcLengths[b]!;
      const tgtLen = batch.tgtLengths[b]!;
      const maps: AttentionMap[] = [];
      attention.encoderSelf.forEach((w, layer) => {
        for (let head = 0; head < H; head++) maps.push({ kind: "encoder-self", layer, head, weights: read(w, b, head, srcLen, srcLen, S, S) });
      });
      attention.decoderSelf.forEach((w, layer) => {
        for (let head = 0; head < H; head++) maps.push({ kind: "decoder-self", layer, head, weights: read(w, b, head, tgtLen, tgtLen, T, T) });
      });
      attention.cross.forEach((w, layer) => {
        for (let head = 0; head < H; head++) maps.push({ kind: "cross", layer, head, weights: read(w, b, head, tgtLen, srcLen, S, T) });
      });
      return maps;
    });
  }
}
