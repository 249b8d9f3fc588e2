import { kernels } from "../kernels/index.js";
import { shapeError } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * The mask (1 = masked out) that keeps, in each row of x's last axis, only the k largest values
 * among those `mask` leaves in (ties: lowest index first); everything else is masked. A row with
 * k or fewer unmasked values keeps them all. Not differentiable: it selects, the normaliser that
 * reads the mask then carries the gradient to the kept entries.
 */
export function topKMask(x: Tensor, k: number, mask: Uint8Array | null = null): Uint8Array {
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`topKMask: k must be a positive integer, got ${k}`);
  if (mask && mask.length !== x.size) throw shapeError("topKMask", `mask has ${mask.length} entries but the input has ${x.size}`, x.shape);
  const cols = x.shape[x.ndim - 1] ?? 1;
  const rows = cols === 0 ? 0 : x.size / cols;
  const out = new Uint8Array(x.size);
  kernels().topKMaskRows(x.data, mask, out, rows, cols, k);
  return out;
}
