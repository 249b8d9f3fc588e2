import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { allocFloat } from "../tensor/dtype.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Fused additive-attention energies (Bahdanau et al. 2014, eq. 6; Luong's "concat"):
 *   e[b, s] = Σ_a v[a] · tanh(keysProj[b, s, a] + queryProj[b, a])
 * with keysProj [B, S, A] (W₂h, computed once per sentence), queryProj [B, A] (W₁s, per step)
 * and v [A]. Fusing avoids materialising the broadcast sum and its tanh as separate graph
 * nodes at every decoder step (`Kernels.additiveEnergiesForward` / `additiveEnergiesBackward`;
 * the tanh values are kept for the backward).
 */
export function additiveEnergies(keysProj: Tensor, queryProj: Tensor, v: Tensor): Tensor {
  if (keysProj.ndim !== 3) throw shapeError("additiveEnergies", "keysProj must be [B, S, A]", keysProj.shape);
  const [B, S, A] = keysProj.shape as [number, number, number];
  if (queryProj.size !== B * A || v.size !== A) {
    throw shapeError("additiveEnergies", `expected queryProj [${B}, ${A}] and v [${A}]`, keysProj.shape, queryProj.shape, v.shape);
  }
  const out = Tensor.zeros([B, S]);
  const T = allocFloat(B * S * A);
  kernels().additiveEnergiesForward(keysProj.data, queryProj.data, v.data, out.data, T, B, S, A);
  return record(out, [keysProj, queryProj, v], (g) => {
    kernels().additiveEnergiesBackward(g, T, v.data, gradSink(keysProj), gradSink(queryProj), gradSink(v), B, S, A);
  });
}
