import { matmul, mulScalar } from "../../ops/index.js";
import type { Rng } from "../../tensor/rng.js";
import { Tensor } from "../../tensor/tensor.js";
import { xavierUniform_ } from "../init.js";
import { Module } from "../module.js";
import { relativeBuckets } from "./relativeBuckets.js";
import { gatherRelative, scatterRelative } from "./relativeGather.js";

/**
 * Relative position representations (Shaw, Uszkoreit & Vaswani 2018), shared by all heads of
 * one attention layer as in the paper: learned tables a^K = `key` and a^V = `value`, each
 * [2k+1, d_head], indexed by the clipped distance clip(j − i, −k, k) (eqs. 3–4), enter
 *   e_ij = q_i (k_j + a^K_ij)ᵀ / √d   (eq. 5)     z_i = Σ_j α_ij (v_j + a^V_ij)   (eq. 3).
 * Both terms are computed per distance rather than per (i, j) pair (the paper's §3.3 trick):
 * q_i·a^K_r for the 2k+1 distances is one matmul, then spread over the keys; the weights are
 * summed per distance, then multiplied with a^V. Init: Xavier uniform (our choice; the paper
 * does not say).
 */
export class ShawRelativePositions extends Module {
  readonly key: Tensor;
  readonly value: Tensor;
  readonly numBuckets: number;

  constructor(readonly headDim: number, readonly maxDistance: number, rng: Rng) {
    super();
    if (!(Number.isInteger(maxDistance) && maxDistance >= 1)) throw new Error(`relative positions: maxDistance must be a positive integer, got ${maxDistance}`);
    this.numBuckets = 2 * maxDistance + 1;
    this.key = this.param("key", xavierUniform_(Tensor.zeros([this.numBuckets, headDim]), rng));
    this.value = this.param("value", xavierUniform_(Tensor.zeros([this.numBuckets, headDim]), rng));
  }

  /** Buckets [T·S] of queries at positions queryStart … queryStart+T−1 over keys 0 … S−1. */
  buckets(queries: number, keys: number, queryStart = keys - queries): Int32Array {
    return relativeBuckets(queries, keys, this.maxDistance, queryStart);
  }

  /** q [N, T, d] → q_i·a^K_ij / √d as [N, T, S], to add to the scaled scores. */
  scoreBias(q: Tensor, buckets: Int32Array, keys: number): Tensor {
    const perDistance = matmul(q, this.key, { transB: true }); // [N, T, 2k+1]
    return mulScalar(gatherRelative(perDistance, buckets, keys), 1 / Math.sqrt(this.headDim));
  }

  /** Attention weights [N, T, S] → Σ_j α_ij a^V_ij as [N, T, d], to add to α·V. */
  valueTerm(weights: Tensor, buckets: Int32Array): Tensor {
    return matmul(scatterRelative(weights, buckets, this.numBuckets), this.value);
  }
}
