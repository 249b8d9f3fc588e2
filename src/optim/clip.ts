import { kernels } from "../kernels/index.js";
import type { Tensor } from "../tensor/tensor.js";
import { paramTensors, type NamedParams } from "./params.js";

/**
 * Total norm of all gradients taken together, as if concatenated into one vector:
 * `(sum |g|^p)^(1/p)`, or `max |g|` for `normType = Infinity`. Parameters without a gradient are
 * ignored; with no gradients at all the norm is 0. Computed in float64: each gradient's sum
 * (`Kernels.sumSquares`/`sumAbs`/`maxAbs`, in an order fixed by its length) is added in parameter
 * order, so the result is reproducible. NaN or ±Infinity in a gradient gives a non-finite result.
 */
export function gradNorm(params: readonly Tensor[] | NamedParams, normType = 2): number {
  if (!(normType > 0)) throw new Error(`gradNorm: normType must be > 0 or Infinity, got ${normType}`);
  const k = kernels();
  let acc = 0;
  for (const t of paramTensors(params)) {
    const g = t.grad;
    if (!g) continue;
    const n = g.length;
    if (normType === Infinity) {
      const a = k.maxAbs(g, 0, n);
      if (a > acc) acc = a;
      else if (Number.isNaN(a)) return NaN;
    } else if (normType === 2) {
      acc += k.sumSquares(g, 0, n);
    } else if (normType === 1) {
      acc += k.sumAbs(g, 0, n);
    } else {
      // Other p-norms are rare; no kernel.
      for (let i = 0; i < n; i++) acc += Math.abs(g[i]!) ** normType;
    }
  }
  if (normType === Infinity || normType === 1) return acc;
  return normType === 2 ? Math.sqrt(acc) : acc ** (1 / normType);
}

/**
 * Gradient-norm clipping with the semantics of PyTorch's `torch.nn.utils.clip_grad_norm_`:
 * computes the total norm `N` of all gradients (see `gradNorm`), then multiplies every gradient
 * in place by `maxNorm / (N + 1e-6)` when that factor is below 1 (so, in effect, when
 * `N > maxNorm`). Returns `N`, the norm before clipping.
 *
 * When `N` is NaN or infinite the gradients are left untouched and `N` is returned, so the
 * trainer can report it and stop (PyTorch would instead multiply the gradients by NaN).
 */
export function clipGradNorm(params: readonly Tensor[] | NamedParams, maxNorm: number, normType = 2): number {
  if (!(maxNorm >= 0)) throw new Error(`clipGradNorm: maxNorm must be >= 0, got ${maxNorm}`);
  const tensors = paramTensors(params);
  const total = gradNorm(tensors, normType);
  if (!Number.isFinite(total)) return total;
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) {
    const k = kernels();
    for (const t of tensors) {
      const g = t.grad;
      if (!g) continue;
      k.scaleInPlace(g, 0, g.length, coef);
    }
  }
  return total;
}
