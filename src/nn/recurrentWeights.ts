import type { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import { inverseSqrtBound, uniformTensor } from "./init.js";

/**
 * The four tensors of one recurrent cell in PyTorch's layout: weight_ih [G·H, I],
 * weight_hh [G·H, H], bias_ih [G·H], bias_hh [G·H], where the G row blocks are the gates in
 * PyTorch's order (GRU: r, z, n; LSTM: i, f, g, o).
 */
export interface RecurrentWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor;
  biasHh: Tensor;
}

/** PyTorch's RNN init: every tensor U(−1/√H, 1/√H), drawn in state_dict order. */
export function initRecurrentWeights(gates: number, inputSize: number, hiddenSize: number, rng: Rng): RecurrentWeights {
  const bound = inverseSqrtBound(hiddenSize);
  const G = gates * hiddenSize;
  return {
    weightIh: uniformTensor([G, inputSize], rng, bound),
    weightHh: uniformTensor([G, hiddenSize], rng, bound),
    biasIh: uniformTensor([G], rng, bound),
    biasHh: uniformTensor([G], rng, bound),
  };
}

/** Visit the tensors in state_dict order with their names, e.g. suffix "_l1_reverse" gives weight_ih_l1_reverse. */
export function forEachWeight(w: RecurrentWeights, suffix: string, fn: (name: string, t: Tensor) => void): void {
  fn(`weight_ih${suffix}`, w.weightIh);
  fn(`weight_hh${suffix}`, w.weightHh);
  fn(`bias_ih${suffix}`, w.biasIh);
  fn(`bias_hh${suffix}`, w.biasHh);
}

/** Check a per-step state [B, H]. */
export function checkState(op: string, s: Tensor, batch: number, hidden: number): void {
  if (s.ndim !== 2 || s.shape[0] !== batch || s.shape[1] !== hidden) {
    throw new Error(`${op}: expected a state of shape [${batch}, ${hidden}], got [${s.shape.join(", ")}]`);
  }
}
