import type { KeyValueCache } from "../../attention/multiheadCache.js";
import { mean, reshape } from "../../ops/index.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { DecoderInitOptions, DecoderState, EncodedBatch, RowCache, StepDecoder, StepOptions, StepResult } from "../types.js";
import type { TransformerSeq2Seq } from "./transformerSeq2Seq.js";

/** What both Transformer step decoders share: the memory, raw embeddings and the output layer. */
export abstract class TransformerStepDecoderBase implements StepDecoder {
  constructor(protected readonly model: TransformerSeq2Seq) {}

  abstract init(enc: EncodedBatch, opts?: DecoderInitOptions): DecoderState;
  abstract step(emb: Tensor, state: DecoderState, t: number, opts?: StepOptions): StepResult;

  /** The encoder output as the attention memory (keys = values = the memory), one row per sentence. */
  protected memoryOf(enc: EncodedBatch): NonNullable<DecoderState["memory"]> {
    return { keys: enc.outputs, prepared: enc.outputs, padMask: enc.padMask, lengths: enc.lengths };
  }

  /** Raw target embeddings (scaling and positions are added in `step`, which knows the position). */
  embed(ids: Int32Array, shape: readonly number[]): Tensor {
    return this.model.tgtEmbed.forward(ids, shape);
  }

  logits(features: Tensor): Tensor {
    return this.model.output.forward(features);
  }

  /** Heatmaps show the last layer's cross-attention averaged over heads: [N, heads, 1, S] → [N, S]. */
  protected headAverage(crossWeights: Tensor, rows: number, srcLen: number): Tensor {
    return reshape(mean(crossWeights, 1), [rows, srcLen]);
  }
}

/** The per-row part of a Transformer's decoding state: each layer's self-attention key/value cache. */
export class SelfAttentionCaches implements RowCache {
  constructor(readonly layers: KeyValueCache[]) {}

  get rows(): number {
    return this.layers[0]?.rows ?? 0;
  }

  select(rows: Int32Array): SelfAttentionCaches {
    return new SelfAttentionCaches(this.layers.map((c) => c.select(rows)));
  }

  reorder(rows: Int32Array): SelfAttentionCaches {
    for (const c of this.layers) c.reorder(rows);
    return this;
  }
}

/**
 * Incremental Transformer decoding: each layer keeps the self-attention keys and values of the
 * positions decoded so far in a KeyValueCache (preallocated for the decoding length, split by
 * head, appended in place) and the cross-attention keys and values of the source, projected and
 * split by head once in `init`. Step t costs O(t) instead of re-running the decoder over the
 * whole prefix.
 *
 * The self-attention caches are per hypothesis (DecoderState.cache, a RowCache beam search
 * reorders); the cross-attention keys and values are per sentence (DecoderState.memory.extra, two
 * per layer), read by every hypothesis of the sentence and never copied.
 */
export class TransformerStepDecoder extends TransformerStepDecoderBase {
  init(enc: EncodedBatch, opts: DecoderInitOptions = {}): DecoderState {
    const state = this.model.decoderStack.initialState(enc.outputs, opts.steps ?? 0);
    const memory = { ...this.memoryOf(enc), extra: state.layers.flatMap((l) => [l.cross.key, l.cross.value]) };
    return { h: [], c: null, feed: null, memory, cache: new SelfAttentionCaches(state.layers.map((l) => l.self)) };
  }

  step(emb: Tensor, state: DecoderState, t: number, opts: StepOptions = {}): StepResult {
    const N = emb.shape[0]!;
    const d = this.model.opts.dModel;
    const memory = state.memory!;
    const caches = state.cache;
    if (!(caches instanceof SelfAttentionCaches) || !memory.extra || memory.extra.length !== 2 * caches.layers.length) {
      throw new Error("TransformerStepDecoder.step: the state does not come from this decoder's init()");
    }
    const extra = memory.extra;
    const layers = caches.layers.map((self, i) => ({ self, cross: { key: extra[2 * i]!, value: extra[2 * i + 1]! } }));
    const x = this.model.scaleAndPosition("tgt", reshape(emb, [N, 1, d]), t);
    const r = this.model.decoderStack.step(x, { layers }, { memoryKeyPaddingMask: memory.padMask });
    const weights = opts.weights === false ? null : this.headAverage(r.crossWeights[r.crossWeights.length - 1]!, N, memory.keys.shape[1]!);
    return { features: reshape(r.output, [N, d]), state, weights };
  }
}
