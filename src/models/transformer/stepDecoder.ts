import type { KeyValue } from "../../attention/multihead.js";
import { mean, reshape } from "../../ops/index.js";
import { Tensor } from "../../tensor/tensor.js";
import type { DecoderState, EncodedBatch, StepDecoder, StepResult } from "../types.js";
import type { TransformerSeq2Seq } from "./transformerSeq2Seq.js";

/**
 * Incremental Transformer decoding: each layer keeps the projected self-attention keys and values
 * of the positions decoded so far and the cross-attention keys and values of the source (computed
 * once in `init`), so step t costs O(t) instead of re-running the decoder over the whole prefix.
 * The caches live in DecoderState.cache as batch-first tensors, four per layer
 * [crossK, crossV, selfK, selfV], so beam search reorders them with the other rows.
 */
export class TransformerStepDecoder implements StepDecoder {
  constructor(private readonly model: TransformerSeq2Seq) {}

  init(enc: EncodedBatch): DecoderState {
    const B = enc.lengths.length;
    const d = this.model.opts.dModel;
    const cache: Tensor[] = [];
    for (const layer of this.model.decoderLayers) {
      const cross = layer.precompute(enc.outputs);
      cache.push(cross.key, cross.value, Tensor.zeros([B, 0, d]), Tensor.zeros([B, 0, d]));
    }
    return { h: [], c: null, feed: null, memory: { keys: enc.outputs, prepared: enc.outputs, padMask: enc.padMask, lengths: enc.lengths }, cache };
  }

  /** Raw target embeddings (scaling and positions are added in `step`, which knows the position). */
  embed(ids: Int32Array, shape: readonly number[]): Tensor {
    return this.model.tgtEmbed.forward(ids, shape);
  }

  step(emb: Tensor, state: DecoderState, t: number): StepResult {
    const m = this.model;
    const B = emb.shape[0]!;
    const d = m.opts.dModel;
    let x = m.scaleAndPosition("tgt", reshape(emb, [B, 1, d]), t);
    const cache = state.cache!;
    const next: Tensor[] = [];
    let crossWeights: Tensor | null = null;
    let l = 0;
    for (const layer of m.decoderLayers) {
      const [ck, cv, sk, sv] = [cache[4 * l]!, cache[4 * l + 1]!, cache[4 * l + 2]!, cache[4 * l + 3]!];
      const self: KeyValue | null = sk.shape[1]! > 0 ? { key: sk, value: sv } : null;
      const r = layer.step(x, { self, cross: { key: ck, value: cv } }, { memoryKeyPaddingMask: state.memory!.padMask });
      x = r.output;
      next.push(ck, cv, r.cache.self!.key, r.cache.self!.value);
      crossWeights = r.crossWeights;
      l++;
    }
    if (m.decoderNorm) x = m.decoderNorm.forward(x);
    const S = state.memory!.keys.shape[1]!;
    // Heatmaps show the last layer's cross-attention averaged over heads: [B, heads, 1, S] → [B, S].
    const weights = reshape(mean(crossWeights!, 1), [B, S]);
    return { features: reshape(x, [B, d]), state: { ...state, cache: next }, weights };
  }

  logits(features: Tensor): Tensor {
    return this.model.output.forward(features);
  }
}
