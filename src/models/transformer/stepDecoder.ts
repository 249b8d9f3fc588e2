import { decoderStateFromTensors, decoderStateTensors } from "../../nn/transformer/decoder.js";
import { mean, reshape } from "../../ops/index.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { DecoderState, EncodedBatch, StepDecoder, StepResult } from "../types.js";
import type { TransformerSeq2Seq } from "./transformerSeq2Seq.js";

/** What both Transformer step decoders share: the memory, raw embeddings and the output layer. */
export abstract class TransformerStepDecoderBase implements StepDecoder {
  constructor(protected readonly model: TransformerSeq2Seq) {}

  abstract init(enc: EncodedBatch): DecoderState;
  abstract step(emb: Tensor, state: DecoderState, t: number): StepResult;

  /** The encoder output as the attention memory (keys = values = the memory). */
  protected memoryOf(enc: EncodedBatch): DecoderState["memory"] {
    return { keys: enc.outputs, prepared: enc.outputs, padMask: enc.padMask, lengths: enc.lengths };
  }

  /** Raw target embeddings (scaling and positions are added in `step`, which knows the position). */
  embed(ids: Int32Array, shape: readonly number[]): Tensor {
    return this.model.tgtEmbed.forward(ids, shape);
  }

  logits(features: Tensor): Tensor {
    return this.model.output.forward(features);
  }

  /** Heatmaps show the last layer's cross-attention averaged over heads: [B, heads, 1, S] → [B, S]. */
  protected headAverage(crossWeights: Tensor, batch: number, srcLen: number): Tensor {
    return reshape(mean(crossWeights, 1), [batch, srcLen]);
  }
}

/**
 * Incremental Transformer decoding: each layer keeps the projected self-attention keys and values
 * of the positions decoded so far and the cross-attention keys and values of the source (computed
 * once in `init`), so step t costs O(t) instead of re-running the decoder over the whole prefix.
 * The caches live in DecoderState.cache as batch-first tensors (decoderStateTensors: four per
 * layer), so beam search reorders them with the other rows.
 */
export class TransformerStepDecoder extends TransformerStepDecoderBase {
  init(enc: EncodedBatch): DecoderState {
    const cache = decoderStateTensors(this.model.decoderStack.initialState(enc.outputs));
    return { h: [], c: null, feed: null, memory: this.memoryOf(enc), cache };
  }

  step(emb: Tensor, state: DecoderState, t: number): StepResult {
    const B = emb.shape[0]!;
    const d = this.model.opts.dModel;
    const x = this.model.scaleAndPosition("tgt", reshape(emb, [B, 1, d]), t);
    const r = this.model.decoderStack.step(x, decoderStateFromTensors(state.cache!), { memoryKeyPaddingMask: state.memory!.padMask });
    const weights = this.headAverage(r.crossWeights[r.crossWeights.length - 1]!, B, state.memory!.keys.shape[1]!);
    return { features: reshape(r.output, [B, d]), state: { ...state, cache: decoderStateTensors(r.state) }, weights };
  }
}
