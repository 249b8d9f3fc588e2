import { matmul, reshape } from "../ops/index.js";
import { shapeError } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

/** e[b, s] = keys[b, s, :] · q[b, :], as one batched matmul [B,S,D]·[B,D,1]. */
export function dotEnergies(keys: Tensor, q: Tensor): Tensor {
  const [B, S, D] = keys.shape as [number, number, number];
  if (keys.ndim !== 3 || q.size !== B * D) throw shapeError("dotEnergies", `query must be [${B}, ${D}] for keys [B, S, D]`, keys.shape, q.shape);
  return reshape(matmul(keys, reshape(q, [B, D, 1])), [B, S]);
}
