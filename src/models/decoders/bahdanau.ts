import { concat } from "../../ops/index.js";
import type { Rng } from "../../tensor/rng.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { DecoderState, StepOptions, StepResult } from "../types.js";
import { contextSize, RecurrentDecoder, type RecurrentDecoderOptions } from "./recurrentDecoder.js";

/**
 * Bahdanau, Cho & Bengio 2014 ("RNNsearch"), §3.1:
 *   c_t = Σ_j α_tj h_j with α_t = softmax(score(s_{t−1}, h_j))   (the query is the previous state)
 *   s_t = RNN([E y_{t−1}; c_t], s_{t−1})                          (the context joins the recurrent input)
 *   logits_t = W_o [s_t; c_t; E y_{t−1}] + b_o                    (deep output, without the maxout)
 */
export class BahdanauDecoder extends RecurrentDecoder {
  constructor(opts: RecurrentDecoderOptions, rng: Rng) {
    const ctx = contextSize(opts);
    super(opts, opts.embeddingSize + ctx, opts.hiddenSize + ctx + opts.embeddingSize, rng, true, opts.hiddenSize);
    this.addCopyGate();
  }

  step(emb: Tensor, state: DecoderState, t: number, opts: StepOptions = {}): StepResult {
    const { context, weights, next } = this.attendStep(this.top(state.h), state, t, opts);
    const { h, c } = this.advance(concat([emb, context], 1), state);
    return { features: concat([this.top(h), context, emb], 1), state: { ...state, h, c, ...next }, weights, ...this.copyGateOf(context, this.top(h), emb) };
  }
}
