import { causalMask } from "../../attention/scaledDotProduct.js";
import { concat, reshape, slice } from "../../ops/index.js";
import { Tensor } from "../../tensor/tensor.js";
import type { DecoderState, EncodedBatch, StepResult } from "../types.js";
import { TransformerStepDecoderBase } from "./stepDecoder.js";

/**
 * The reference the cached decoder is checked against: at step t it re-runs the whole decoder
 * stack over the t + 1 target positions with a causal mask and keeps the last position — O(t²)
 * per sentence instead of O(t). The state's cache holds the raw target embeddings so far.
 */
export class UncachedTransformerStepDecoder extends TransformerStepDecoderBase {
  init(enc: EncodedBatch): DecoderState {
    const B = enc.lengths.length;
    return { h: [], c: null, feed: null, memory: this.memoryOf(enc), cache: [Tensor.zeros([B, 0, this.model.opts.dModel])] };
  }

  step(emb: Tensor, state: DecoderState, t: number): StepResult {
    const m = this.model;
    const B = emb.shape[0]!;
    const d = m.opts.dModel;
    const prefix = concat([state.cache![0]!, reshape(emb, [B, 1, d])], 1);
    const T = t + 1;
    const y = m.scaleAndPosition("tgt", prefix, 0);
    const r = m.decoderStack.forward(y, state.memory!.keys, { tgtMask: causalMask(T, T), memoryKeyPaddingMask: state.memory!.padMask });
    const lastCross = slice(r.crossWeights[r.crossWeights.length - 1]!, 2, t, T); // [B, heads, 1, S]
    return {
      features: reshape(slice(r.output, 1, t, T), [B, d]),
      state: { ...state, cache: [prefix] },
      weights: this.headAverage(lastCross, B, state.memory!.keys.shape[1]!),
    };
  }
}
