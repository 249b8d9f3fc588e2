import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/** Base of the rotary frequencies, θ_p = 10000^{−2p/d} (RoFormer eq. 15, as the sinusoids of Vaswani et al. 2017 §3.5). */
export const ROTARY_BASE = 10000;

/**
 * cos and sin of the rotary angles (offset + t)·θ_p for t < T and pairs p < headDim/2, as
 * [T·headDim/2] float64 tables (row t, column p).
 */
export function rotaryTables(offset: number, T: number, headDim: number): { cos: Float64Array; sin: Float64Array } {
  const half = headDim / 2;
  const cos = new Float64Array(T * half);
  const sin = new Float64Array(T * half);
  for (let p = 0; p < half; p++) {
    const frequency = Math.pow(ROTARY_BASE, (-2 * p) / headDim);
    for (let t = 0; t < T; t++) {
      const angle = (offset + t) * frequency;
      cos[t * half + p] = Math.cos(angle);
      sin[t * half + p] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/**
 * Rotary position embedding (Su et al. 2021, RoFormer §3.4.2, eq. 34): x [..., T, F] holds, per
 * position, `features / headDim` heads of headDim features (then F − features features left as
 * they are); in every head the pair (x_{2p}, x_{2p+1}) at position m = offset + t is rotated by
 * the angle m·θ_p, θ_p = 10000^{−2p/headDim}. Rotating queries and keys this way makes q_m·k_n
 * depend on the positions only through m − n (eq. 16). A rotation is orthogonal, so the backward
 * rotates the gradient back.
 */
export function rotary(x: Tensor, headDim: number, offset = 0, features?: number): Tensor {
  const F = x.shape[x.ndim - 1] ?? 0;
  const rotated = features ?? F;
  if (x.ndim < 2) throw shapeError("rotary", "expected x [..., T, F]", x.shape);
  if (!(Number.isInteger(headDim) && headDim >= 2 && headDim % 2 === 0)) throw new Error(`rotary: the head size must be even (pairs of features are rotated), got ${headDim}`);
  if (!(Number.isInteger(rotated) && rotated >= 0 && rotated <= F && rotated % headDim === 0)) throw new Error(`rotary: ${rotated} rotated features must be a multiple of the head size ${headDim}, at most ${F}`);
  if (!(Number.isInteger(offset) && offset >= 0)) throw new Error(`rotary: the first position must be a non-negative integer, got ${offset}`);
  const T = x.shape[x.ndim - 2]!;
  const rows = T * F === 0 ? 0 : x.size / (T * F);
  const { cos, sin } = rotaryTables(offset, T, headDim);
  const out = Tensor.zeros(x.shape);
  const K = kernels();
  K.rotaryForward(x.data, out.data, rows, T, F, headDim, rotated, cos, sin);
  return record(out, [x], (g) => {
    K.rotaryBackward(g, gradSink(x)!, rows, T, F, headDim, rotated, cos, sin);
  });
}
