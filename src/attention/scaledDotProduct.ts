import { add, dropout, matmul, mulScalar, softmax } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { shapeError } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Normalizer } from "./normalizer.js";

/** Dropout on attention weights: active only when `training` (Vaswani et al. 2017 §5.4 applies it to sublayers; PyTorch also to the weights). */
export interface AttentionDropout {
  p: number;
  rng: Rng;
  training: boolean;
}

export interface ScaledDotProductOptions {
  /**
   * Added to the scaled scores QKᵀ/√d before the softmax, broadcast to [N, T, S]: relative
   * position terms (Shaw et al. 2018, eq. 5) or a learned bias (Raffel et al. 2020).
   */
  scoreBias?: Tensor | null;
  dropout?: AttentionDropout | null;
  /**
   * How the scores become weights (default softmax). A normaliser with one α per head reads
   * N = batch·heads rows in head order (row n belongs to head n mod heads).
   */
  normalizer?: Normalizer | null;
  /**
   * Applied to the normalised weights before dropout, e.g. the adaptive-span mask and
   * renormalisation (Sukhbaatar et al. 2019); `weights` in the result are its output.
   */
  reweight?: ((weights: Tensor) => Tensor) | null;
}

export interface ScaledDotProductResult {
  /** normalise(scores) V, [N, T, dv]. */
  output: Tensor;
  /** The attention distribution normalise(scores), [N, T, S] (before dropout). */
  weights: Tensor;
  /** The weights actually multiplied with V: `weights` after dropout (the same tensor without it). */
  applied: Tensor;
}

/**
 * Scaled dot-product attention (Vaswani et al. 2017, eq. 1): softmax(QKᵀ/√d + bias) V, or another
 * normaliser in place of the softmax (normalizer.ts).
 *  - q [N, T, d], k [N, S, d], v [N, S, dv] (N = batch·heads)
 *  - mask: [N·T·S] entries, 1 = masked out (PyTorch's bool convention); masked positions get
 *    exactly zero weight and a fully masked row gives zero weights and a zero output, not NaN.
 * Kᵀ is never materialised (matmul's transB).
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, mask: Uint8Array | null = null, opts: ScaledDotProductOptions = {}): ScaledDotProductResult {
  if (q.ndim !== 3 || k.ndim !== 3 || v.ndim !== 3 || k.shape[0] !== q.shape[0] || v.shape[0] !== q.shape[0] || k.shape[1] !== v.shape[1] || k.shape[2] !== q.shape[2]) {
    throw shapeError("scaledDotProductAttention", "expected q [N,T,d], k [N,S,d], v [N,S,dv]", q.shape, k.shape, v.shape);
  }
  const d = q.shape[2]!;
  const { weights, applied } = attentionWeights(mulScalar(matmul(q, k, { transB: true }), 1 / Math.sqrt(d)), mask, q.shape[1]!, opts);
  return { output: matmul(applied, v), weights, applied };
}

/**
 * The steps of scaledDotProductAttention between the scaled scores [N, T, S] and the values: the
 * score bias, the normaliser (rowsPerHead = T), the reweighting and dropout. Shared with
 * attention that reads its keys and values elsewhere (MultiheadAttention's decoding cache).
 */
export function attentionWeights(scaledScores: Tensor, mask: Uint8Array | null, rowsPerHead: number, opts: ScaledDotProductOptions): { weights: Tensor; applied: Tensor } {
  const scores = opts.scoreBias ? add(scaledScores, opts.scoreBias) : scaledScores;
  const normalised = opts.normalizer ? opts.normalizer.weights(scores, mask, rowsPerHead) : softmax(scores, mask);
  const weights = opts.reweight ? opts.reweight(normalised) : normalised;
  const drop = opts.dropout;
  const applied = drop ? dropout(weights, drop.p, drop.rng, drop.training) : weights;
  return { weights, applied };
}

/**
 * The [N·T·S] mask of scores [B·heads, T, S] (row b·heads + h) from a key padding mask [B·S]
 * and an attention mask [T·S] (both 1 = masked, either may be absent); null when both are.
 */
export function attentionMask(batch: number, heads: number, queries: number, keys: number, keyPaddingMask?: Uint8Array | null, attnMask?: Uint8Array | null): Uint8Array | null {
  if (!keyPaddingMask && !attnMask) return null;
  if (keyPaddingMask && keyPaddingMask.length !== batch * keys) {
    throw new Error(`attentionMask: keyPaddingMask has ${keyPaddingMask.length} entries, expected ${batch}×${keys}`);
  }
  if (attnMask && attnMask.length !== queries * keys) {
    throw new Error(`attentionMask: attnMask has ${attnMask.length} entries, expected ${queries}×${keys}`);
  }
  const block = queries * keys;
  const out = new Uint8Array(batch * heads * block);
  for (let b = 0; b < batch; b++) {
    const first = b * heads * block;
    for (let i = 0; i < queries; i++) {
      for (let j = 0; j < keys; j++) {
        out[first + i * keys + j] = (keyPaddingMask?.[b * keys + j] ?? 0) | (attnMask?.[i * keys + j] ?? 0);
      }
    }
    for (let h = 1; h < heads; h++) out.copyWithin(first + h * block, first, first + block);
  }
  return out;
}

/**
 * Causal ("subsequent") mask [T·S] for queries at positions S−T … S−1 over keys 0 … S−1:
 * 1 where key j is later than the query (Vaswani et al. 2017 §3.2.3). S defaults to T.
 */
export function causalMask(queries: number, keys = queries): Uint8Array {
  if (keys < queries) throw new Error(`causalMask: ${queries} queries need at least as many keys, got ${keys}`);
  const out = new Uint8Array(queries * keys);
  const start = keys - queries;
  for (let i = 0; i < queries; i++) out.fill(1, i * keys + start + i + 1, (i + 1) * keys);
  return out;
}
