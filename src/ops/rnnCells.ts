import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { allocFloat } from "../tensor/dtype.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Fused GRU cell nonlinearity (Cho et al. 2014, PyTorch's gate order r, z, n):
 * given gi = x W_ihᵀ + b_ih and gh = h W_hhᵀ + b_hh, both [B, 3H], and h [B, H],
 * returns h' = (1 − z) ⊙ n + z ⊙ h with n = tanh(gi_n + r ⊙ gh_n).
 */
export function gruCell(gi: Tensor, gh: Tensor, h: Tensor): Tensor {
  const [B, H] = h.shape as [number, number];
  if (h.ndim !== 2 || gi.size !== B * 3 * H || gh.size !== B * 3 * H) {
    throw shapeError("gruCell", "expected gi, gh [B, 3H] and h [B, H]", gi.shape, gh.shape, h.shape);
  }
  const out = Tensor.zeros([B, H]);
  const cache = allocFloat(B * 3 * H);
  const K = kernels();
  K.gruCellForward(gi.data, gh.data, h.data, out.data, cache, B, H);
  return record(out, [gi, gh, h], (g) => {
    K.gruCellBackward(g, cache, gh.data, h.data, gradSink(gi), gradSink(gh), gradSink(h), B, H);
  });
}

/**
 * Fused LSTM cell nonlinearity (Hochreiter & Schmidhuber 1997; PyTorch's gate order i, f, g, o)
 * on summed gate pre-activations [B, 4H] and the cell state c [B, H]. Returns [B, 2H] holding
 * h' in the first H columns and c' in the last H (split it with `slice`).
 */
export function lstmCell(gates: Tensor, c: Tensor): Tensor {
  const [B, H] = c.shape as [number, number];
  if (c.ndim !== 2 || gates.size !== B * 4 * H) throw shapeError("lstmCell", "expected gates [B, 4H] and c [B, H]", gates.shape, c.shape);
  const out = Tensor.zeros([B, 2 * H]);
  const cache = allocFloat(B * 5 * H);
  const K = kernels();
  K.lstmCellForward(gates.data, c.data, out.data, cache, B, H);
  return record(out, [gates, c], (g) => {
    K.lstmCellBackward(g, cache, c.data, gradSink(gates), gradSink(c), B, H);
  });
}
