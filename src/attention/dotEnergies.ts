import { matmul, reshape } from "../ops/index.js";
import { shapeError } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * e[r, s] = keys[⌊r/G⌋, s, :] · q[r, :] for keys [B, S, D] and q [G·B, D]. With G = 1 one batched
 * matmul [B,S,D]·[B,D,1]; with G > 1 (beam hypotheses sharing a sentence's keys)
 * [B,G,D]·[B,S,D]ᵀ, so the keys are never copied per hypothesis.
 */
export function dotEnergies(keys: Tensor, q: Tensor): Tensor {
  const [B, S, D] = keys.shape as [number, number, number];
  const N = D === 0 ? (q.shape[0] ?? 0) : q.size / D;
  if (keys.ndim !== 3 || q.shape[q.ndim - 1] !== D || !Number.isInteger(N) || (B === 0 ? N !== 0 : N % B !== 0 || N === 0)) {
    throw shapeError("dotEnergies", `query must be [G·${B}, ${D}] for keys [B, S, D]`, keys.shape, q.shape);
  }
  if (N === B) return reshape(matmul(keys, reshape(q, [B, D, 1])), [B, S]);
  return reshape(matmul(reshape(q, [B, N / B, D]), keys, { transB: true }), [N, S]);
}
