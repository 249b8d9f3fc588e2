import { add, lstmCell, matmul, slice } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { Tensor } from "../tensor/tensor.js";
import { RecurrentCell } from "./recurrentCell.js";
import { checkState, type RecurrentWeights } from "./recurrentWeights.js";

/** Hidden and cell state, each [B, H]. */
export interface LSTMState {
  h: Tensor;
  c: Tensor;
}

/**
 * LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000) in PyTorch's
 * formulation, gates i, f, g, o:
 *   gates = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh,  c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g),  h' = σ(o) ⊙ tanh(c').
 * Both biases enter only through the sum, so the input projection absorbs both and a step costs
 * one matmul, one add and the fused cell.
 */
export function lstmInputProjection(x: Tensor, w: RecurrentWeights): Tensor {
  return add(matmul(x, w.weightIh, { transB: true }), add(w.biasIh, w.biasHh));
}

/** One step from a precomputed input projection gi [B, 4H] (both biases included) and the state. */
export function lstmStep(gi: Tensor, state: LSTMState, w: RecurrentWeights): LSTMState {
  const H = state.h.shape[1]!;
  const hc = lstmCell(add(gi, matmul(state.h, w.weightHh, { transB: true })), state.c);
  return { h: slice(hc, 1, 0, H), c: slice(hc, 1, H, 2 * H) };
}

/** torch.nn.LSTMCell(I, H): parameters weight_ih [4H, I], weight_hh [4H, H], bias_ih, bias_hh [4H]. */
export class LSTMCell extends RecurrentCell {
  constructor(inputSize: number, hiddenSize: number, rng: Rng) {
    super(4, inputSize, hiddenSize, rng);
  }

  /** x [B, I] and the state (zeros when omitted) → the next state. */
  forward(x: Tensor, state: LSTMState | null = null): LSTMState {
    const B = this.checkInput(x);
    return this.step(this.inputProjection(x), state ?? this.zeroState(B));
  }

  zeroState(batch: number): LSTMState {
    return { h: Tensor.zeros([batch, this.hiddenSize]), c: Tensor.zeros([batch, this.hiddenSize]) };
  }

  /** x [..., I] → gi [..., 4H] including both biases. */
  inputProjection(x: Tensor): Tensor {
    return lstmInputProjection(x, this.weights);
  }

  /** One step from gi [B, 4H] (from `inputProjection`) and the state. */
  step(gi: Tensor, state: LSTMState): LSTMState {
    checkState("LSTMCell", state.h, gi.shape[0]!, this.hiddenSize);
    checkState("LSTMCell", state.c, gi.shape[0]!, this.hiddenSize);
    return lstmStep(gi, state, this.weights);
  }
}
