import type { Rng } from "../../tensor/rng.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { DecoderState, StepResult } from "../types.js";
import { RecurrentDecoder, type RecurrentDecoderOptions } from "./recurrentDecoder.js";

/**
 * The fixed-vector ("thought vector") baseline of Sutskever, Vinyals & Le 2014 and Cho et al.
 * 2014: the decoder sees the source only through its initial state, bridged from the encoder's
 * final state. Every source sentence is squeezed into one fixed-size vector — the bottleneck that
 * Bahdanau et al. 2014 (Fig. 2) showed degrading with sentence length, and that attention removes.
 */
export class ThoughtVectorDecoder extends RecurrentDecoder {
  constructor(opts: RecurrentDecoderOptions, rng: Rng) {
    if (opts.bridge === "none") throw new Error('decoder "none" needs bridge "linear-tanh": without it the decoder never sees the source');
    super(opts, opts.embeddingSize, opts.hiddenSize, rng, false, 0);
  }

  step(emb: Tensor, state: DecoderState): StepResult {
    const { h, c } = this.advance(emb, state);
    return { features: this.top(h), state: { ...state, h, c }, weights: null };
  }
}
