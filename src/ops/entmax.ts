import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Sparse alternatives to softmax over the last axis (α-entmax, Peters, Niculae & Martins 2019):
 * α-entmax(z)_i = [(α−1)z_i − τ]_+^{1/(α−1)}, which puts exactly zero weight on low scores.
 * α → 1 is softmax, α = 2 sparsemax. Like softmax: `mask` (1 = masked out, one entry per element)
 * gives exactly 0, and a fully masked row gives all zeros, never NaN.
 */

const SPARSEMAX_ALPHA = Float64Array.of(2);
const ENTMAX15_ALPHA = Float64Array.of(1.5);

function rowsCols(op: string, x: Tensor, mask: Uint8Array | null): [number, number] {
  if (mask && mask.length !== x.size) throw shapeError(op, `mask has ${mask.length} entries but the input has ${x.size}`, x.shape);
  const cols = x.shape[x.ndim - 1] ?? 1;
  return [cols === 0 ? 0 : x.size / cols, cols];
}

/** Sparsemax (Martins & Astudillo 2016): the Euclidean projection of each row onto the simplex. */
export function sparsemax(x: Tensor, mask: Uint8Array | null = null): Tensor {
  return fixedEntmax("sparsemax", x, mask);
}

/** 1.5-entmax (Peters et al. 2019), exact by sorting. */
export function entmax15(x: Tensor, mask: Uint8Array | null = null): Tensor {
  return fixedEntmax("entmax15", x, mask);
}

/** Sparsemax (α = 2) or 1.5-entmax by their exact kernels; the backward is entmax's with that fixed α. */
function fixedEntmax(op: "sparsemax" | "entmax15", x: Tensor, mask: Uint8Array | null): Tensor {
  const alpha = op === "sparsemax" ? SPARSEMAX_ALPHA : ENTMAX15_ALPHA;
  const [rows, cols] = rowsCols(op, x, mask);
  const out = Tensor.zeros(x.shape);
  const K = kernels();
  if (op === "sparsemax") K.sparsemaxRows(x.data, out.data, rows, cols, mask);
  else K.entmax15Rows(x.data, out.data, rows, cols, mask);
  return record(out, [x], (g) => {
    K.entmaxBackwardRows(out.data, g, gradSink(x)!, rows, cols, alpha, rows);
  });
}

/**
 * α-entmax by bisection with α > 1 from `alpha` [A]: row r (of the rows of x's last axis) uses
 * alpha[⌊r / rowsPerAlpha⌋ mod A], e.g. A heads of scores [B·A, T, S] with rowsPerAlpha = T.
 * Differentiable in x and in alpha (Correia et al. 2019), when alpha requires grad.
 */
export function entmaxBisect(x: Tensor, alpha: Tensor, mask: Uint8Array | null = null, rowsPerAlpha?: number): Tensor {
  const [rows, cols] = rowsCols("entmaxBisect", x, mask);
  if (alpha.ndim !== 1 || alpha.size < 1) throw shapeError("entmaxBisect", "alpha must be [A] with A ≥ 1", alpha.shape);
  const per = rowsPerAlpha ?? Math.max(rows, 1);
  if (!(Number.isInteger(per) && per >= 1)) throw new Error(`entmaxBisect: rowsPerAlpha must be a positive integer, got ${per}`);
  const out = Tensor.zeros(x.shape);
  const K = kernels();
  K.entmaxBisectRows(x.data, out.data, rows, cols, mask, alpha.data, per);
  return record(out, [x, alpha], (g) => {
    const dx = gradSink(x);
    if (dx) K.entmaxBackwardRows(out.data, g, dx, rows, cols, alpha.data, per);
    const dAlpha = gradSink(alpha);
    if (dAlpha) K.entmaxAlphaBackwardRows(out.data, g, dAlpha, rows, cols, alpha.data, per);
  });
}
