import { Linear } from "../../nn/linear.js";
import { concat, tanh } from "../../ops/index.js";
import type { Rng } from "../../tensor/rng.js";
import { Tensor } from "../../tensor/tensor.js";
import type { DecoderState, StepOptions, StepResult } from "../types.js";
import { contextSize, RecurrentDecoder, type RecurrentDecoderOptions } from "./recurrentDecoder.js";

/**
 * Luong, Pham & Manning 2015, §3:
 *   h_t = RNN([E y_{t−1}; h̃_{t−1}], h_{t−1})   (input feeding, §3.3; without it just E y_{t−1})
 *   a_t = align(h_t, h̄_s)                       (the query is the current state)
 *   h̃_t = tanh(W_c [c_t; h_t])                  (eq. 5, the attentional state)
 *   logits_t = W_s h̃_t + b                      (eq. 6)
 */
export class LuongDecoder extends RecurrentDecoder {
  readonly combine: Linear;

  constructor(opts: RecurrentDecoderOptions, rng: Rng) {
    const rnnInput = opts.embeddingSize + (opts.inputFeeding ? opts.hiddenSize : 0);
    super(opts, rnnInput, opts.hiddenSize, rng, true, opts.hiddenSize);
    this.combine = this.module("combine", new Linear(contextSize(opts) + opts.hiddenSize, opts.hiddenSize, rng, { bias: false }));
    this.addCopyGate();
  }

  step(emb: Tensor, state: DecoderState, t: number, opts: StepOptions = {}): StepResult {
    let input = emb;
    if (this.opts.inputFeeding) {
      const feed = state.feed ?? Tensor.zeros([emb.shape[0]!, this.opts.hiddenSize]);
      input = concat([emb, feed], 1);
    }
    const { h, c } = this.advance(input, state);
    const top = this.top(h);
    const { context, weights, next } = this.attendStep(top, state, t, opts);
    const attentional = tanh(this.combine.forward(concat([context, top], 1)));
    return { features: attentional, state: { ...state, h, c, feed: attentional, ...next }, weights, ...this.copyGateOf(context, top, emb) };
  }
}
