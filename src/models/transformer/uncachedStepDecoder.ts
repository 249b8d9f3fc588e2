import { causalMask } from "../../attention/scaledDotProduct.js";
import { concat, mean, reshape, slice } from "../../ops/index.js";
import { Tensor } from "../../tensor/tensor.js";
import type { DecoderState, EncodedBatch, StepDecoder, StepResult } from "../types.js";
import type { TransformerSeq2Seq } from "./transformerSeq2Seq.js";

/**
 * The reference the cached decoder is checked against: at step t it re-runs the whole decoder
 * stack over the t + 1 target positions with a causal mask and keeps the last position — O(t²)
 * per sentence instead of O(t). The state's cache holds the raw target embeddings so far.
 */
export class UncachedTransformerStepDecoder implements StepDecoder {
  constructor(private readonly model: TransformerSeq2Seq) {}

  init(enc: EncodedBatch): DecoderState {
    const B = enc.lengths.length;
    return { h: [], c: null, feed: null, memory: { keys: enc.outputs, prepared: enc.outputs, padMask: enc.padMask, lengths: enc.lengths }, cache: [Tensor.zeros([B, 0, this.model.opts.dModel])] };
  }

  embed(ids: Int32Array, shape: readonly number[]): Tensor {
    return this.model.tgtEmbed.forward(ids, shape);
  }

  step(emb: Tensor, state: DecoderState, t: number): StepResult {
    const m = this.model;
    const B = emb.shape[0]!;
    const d = m.opts.dModel;
    const prefix = concat([state.cache![0]!, reshape(emb, [B, 1, d])], 1);
    const T = t + 1;
    let y = m.scaleAndPosition("tgt", prefix, 0);
    let cross: Tensor | null = null;
    for (const layer of m.decoderLayers) {
      const r = layer.forward(y, state.memory!.keys, { tgtMask: causalMask(T, T), memoryKeyPaddingMask: state.memory!.padMask });
      y = r.output;
      cross = r.crossWeights;
    }
    if (m.decoderNorm) y = m.decoderNorm.forward(y);
    const S = state.memory!.keys.shape[1]!;
    const lastCross = slice(cross!, 2, t, T); // [B, heads, 1, S]
    return {
      features: reshape(slice(y, 1, t, T), [B, d]),
      state: { ...state, cache: [prefix] },
      weights: reshape(mean(lastCross, 1), [B, S]),
    };
  }

  logits(features: Tensor): Tensor {
    return this.model.output.forward(features);
  }
}
