import { rowsPerSentence } from "../../attention/attention.js";
import { causalMask } from "../../attention/scaledDotProduct.js";
import { concat, gatherRows, reshape, slice } from "../../ops/index.js";
import { Tensor } from "../../tensor/tensor.js";
import type { DecoderState, EncodedBatch, RowCache, StepResult } from "../types.js";
import { TransformerStepDecoderBase } from "./stepDecoder.js";

/** The raw target embeddings decoded so far, [N, t, d], as a RowCache. */
class PrefixCache implements RowCache {
  constructor(readonly prefix: Tensor) {}

  get rows(): number {
    return this.prefix.shape[0]!;
  }

  select(rows: Int32Array): PrefixCache {
    return new PrefixCache(gatherFirstAxis(this.prefix, rows));
  }

  reorder(rows: Int32Array): PrefixCache {
    return this.select(rows);
  }
}

function gatherFirstAxis(x: Tensor, rows: Int32Array): Tensor {
  const n = x.shape[0]!;
  const rest = x.shape.slice(1);
  return reshape(gatherRows(reshape(x, [n, n === 0 ? 0 : x.size / n]), rows, [rows.length]), [rows.length, ...rest]);
}

/**
 * The reference the cached decoder is checked against: at step t it re-runs the whole decoder
 * stack over the t + 1 target positions with a causal mask and keeps the last position — O(t²)
 * per sentence instead of O(t). The state's cache holds the raw target embeddings so far; the
 * memory is repeated for beam hypotheses at every step (simple, not fast).
 */
export class UncachedTransformerStepDecoder extends TransformerStepDecoderBase {
  init(enc: EncodedBatch): DecoderState {
    const B = enc.lengths.length;
    return { h: [], c: null, feed: null, memory: this.memoryOf(enc), cache: new PrefixCache(Tensor.zeros([B, 0, this.model.opts.dModel])) };
  }

  step(emb: Tensor, state: DecoderState, t: number): StepResult {
    const m = this.model;
    const N = emb.shape[0]!;
    const d = m.opts.dModel;
    const memory = state.memory!;
    const [B, S] = memory.keys.shape as [number, number];
    const G = rowsPerSentence(N, B, "UncachedTransformerStepDecoder.step");
    const sentence = Int32Array.from({ length: N }, (_, r) => Math.floor(r / G));
    const keys = G === 1 ? memory.keys : gatherFirstAxis(memory.keys, sentence);
    const padMask = new Uint8Array(N * S);
    sentence.forEach((b, r) => padMask.set(memory.padMask.subarray(b * S, b * S + S), r * S));
    const prefix = concat([(state.cache as PrefixCache).prefix, reshape(emb, [N, 1, d])], 1);
    const T = t + 1;
    const y = m.scaleAndPosition("tgt", prefix, 0);
    const r = m.decoderStack.forward(y, keys, { tgtMask: causalMask(T, T), memoryKeyPaddingMask: padMask });
    const lastCross = slice(r.crossWeights[r.crossWeights.length - 1]!, 2, t, T); // [N, heads, 1, S]
    return {
      features: reshape(slice(r.output, 1, t, T), [N, d]),
      state: { ...state, cache: new PrefixCache(prefix) },
      weights: this.headAverage(lastCross, N, S),
    };
  }
}
