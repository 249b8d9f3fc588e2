import { add, gruCell, matmul } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { Tensor } from "../tensor/tensor.js";
import { RecurrentCell } from "./recurrentCell.js";
import { checkState, type RecurrentWeights } from "./recurrentWeights.js";

/**
 * GRU (Cho et al. 2014) in PyTorch's formulation, split in two so a layer can compute the
 * input half for all time steps with one big matmul and only the hidden half per step:
 *   gi = x W_ihᵀ + b_ih,  gh = h W_hhᵀ + b_hh  (gates r, z, n)
 *   r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r ⊙ gh_n), h' = (1 − z) ⊙ n + z ⊙ h.
 * b_hh cannot be folded into gi because r multiplies gh_n including its bias.
 */
export function gruInputProjection(x: Tensor, w: RecurrentWeights): Tensor {
  return add(matmul(x, w.weightIh, { transB: true }), w.biasIh);
}

/** One step from a precomputed input projection gi [B, 3H] and the state h [B, H]. */
export function gruStep(gi: Tensor, h: Tensor, w: RecurrentWeights): Tensor {
  return gruCell(gi, add(matmul(h, w.weightHh, { transB: true }), w.biasHh), h);
}

/** torch.nn.GRUCell(I, H): parameters weight_ih [3H, I], weight_hh [3H, H], bias_ih, bias_hh [3H]. */
export class GRUCell extends RecurrentCell {
  constructor(inputSize: number, hiddenSize: number, rng: Rng) {
    super(3, inputSize, hiddenSize, rng);
  }

  /** x [B, I], h [B, H] (zeros when omitted) → h' [B, H]. */
  forward(x: Tensor, h: Tensor | null = null): Tensor {
    const B = this.checkInput(x);
    return this.step(this.inputProjection(x), h ?? Tensor.zeros([B, this.hiddenSize]));
  }

  /** x [..., I] → gi [..., 3H]; compute it once for many steps and feed slices to `step`. */
  inputProjection(x: Tensor): Tensor {
    return gruInputProjection(x, this.weights);
  }

  /** One step from gi [B, 3H] (from `inputProjection`) and h [B, H]. */
  step(gi: Tensor, h: Tensor): Tensor {
    checkState("GRUCell", h, gi.shape[0]!, this.hiddenSize);
    return gruStep(gi, h, this.weights);
  }
}
