import { gatherRows, reshape } from "../../ops/index.js";
import { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { relativeBuckets } from "./relativeBuckets.js";

/**
 * A learned scalar bias per head and clipped relative distance, added to the attention scores
 * (the simplification of relative positions in T5, Raffel et al. 2020 §2.1, with linear
 * clipping at ±k instead of T5's logarithmic buckets). `weight` [2k+1, heads] is laid out like
 * T5's `relative_attention_bias` embedding (num_buckets × n_heads) and starts at zero, so an
 * untrained layer attends as if it had no bias.
 */
export class RelativeBias extends Module {
  readonly weight: Tensor;
  readonly numBuckets: number;

  constructor(readonly numHeads: number, readonly maxDistance: number) {
    super();
    if (!(Number.isInteger(maxDistance) && maxDistance >= 1)) throw new Error(`relative bias: maxDistance must be a positive integer, got ${maxDistance}`);
    this.numBuckets = 2 * maxDistance + 1;
    this.weight = this.param("weight", Tensor.zeros([this.numBuckets, numHeads]));
  }

  /** bias[b·heads + h, i, j] = weight[bucket(i, j), h] as [B·heads, T, S] (the scores' layout). */
  forward(batch: number, queries: number, keys: number, queryStart = keys - queries): Tensor {
    const H = this.numHeads;
    const buckets = relativeBuckets(queries, keys, this.maxDistance, queryStart);
    const block = queries * keys;
    const ids = new Int32Array(batch * H * block);
    for (let h = 0; h < H; h++) for (let p = 0; p < block; p++) ids[h * block + p] = buckets[p]! * H + h;
    for (let b = 1; b < batch; b++) ids.copyWithin(b * H * block, 0, H * block);
    const flat = reshape(this.weight, [this.numBuckets * H, 1]);
    return reshape(gatherRows(flat, ids, [batch * H, queries, keys]), [batch * H, queries, keys]);
  }
}
