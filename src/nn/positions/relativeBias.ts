import { gatherRows, reshape } from "../../ops/index.js";
import { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { relativeBuckets } from "./relativeBuckets.js";
import { t5Buckets } from "./t5Buckets.js";

/** T5's logarithmic buckets (t5Buckets.ts) instead of linear clipping. */
export interface T5Bucketing {
  numBuckets: number;
  /** Encoder self-attention looks both ways; decoder self-attention only back. */
  bidirectional: boolean;
}

/**
 * A learned scalar bias per head and relative-distance bucket, added to the attention scores
 * (the relative positions of T5, Raffel et al. 2020 §2.1). Buckets are either T5's own —
 * `t5: { numBuckets, bidirectional }`, exact up to numBuckets/4 (bidirectional) or /2 and
 * logarithmic up to maxDistance — or linear clipping at ±maxDistance (2k+1 buckets, as Shaw et
 * al. 2018). `weight` [buckets, heads] is laid out like T5's `relative_attention_bias` embedding
 * (num_buckets × n_heads) and starts at zero, so an untrained layer attends as if it had no bias.
 * Unlike T5, every layer has its own table (T5 shares the first layer's across its stack).
 */
export class RelativeBias extends Module {
  readonly weight: Tensor;
  readonly numBuckets: number;

  constructor(readonly numHeads: number, readonly maxDistance: number, readonly t5: T5Bucketing | null = null) {
    super();
    if (!(Number.isInteger(maxDistance) && maxDistance >= 1)) throw new Error(`relative bias: maxDistance must be a positive integer, got ${maxDistance}`);
    this.numBuckets = t5 ? t5.numBuckets : 2 * maxDistance + 1;
    if (t5) t5Buckets(1, 1, t5.numBuckets, maxDistance, t5.bidirectional); // checks the settings
    this.weight = this.param("weight", Tensor.zeros([this.numBuckets, numHeads]));
  }

  /** Buckets [T·S] of queries at positions queryStart … queryStart+T−1 over keys 0 … S−1. */
  buckets(queries: number, keys: number, queryStart = keys - queries): Int32Array {
    return this.t5 ? t5Buckets(queries, keys, this.t5.numBuckets, this.maxDistance, this.t5.bidirectional, queryStart) : relativeBuckets(queries, keys, this.maxDistance, queryStart);
  }

  /** bias[b·heads + h, i, j] = weight[bucket(i, j), h] as [B·heads, T, S] (the scores' layout). */
  forward(batch: number, queries: number, keys: number, queryStart = keys - queries): Tensor {
    const H = this.numHeads;
    const buckets = this.buckets(queries, keys, queryStart);
    const block = queries * keys;
    const ids = new Int32Array(batch * H * block);
    for (let h = 0; h < H; h++) for (let p = 0; p < block; p++) ids[h * block + p] = buckets[p]! * H + h;
    for (let b = 1; b < batch; b++) ids.copyWithin(b * H * block, 0, H * block);
    const flat = reshape(this.weight, [this.numBuckets * H, 1]);
    return reshape(gatherRows(flat, ids, [batch * H, queries, keys]), [batch * H, queries, keys]);
  }
}
