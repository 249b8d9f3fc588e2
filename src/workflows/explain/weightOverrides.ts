import type { AttentionWeightsLayout, AttentionWeightsTransform } from "../../attention/weightsTransform.js";
import { Tensor } from "../../tensor/tensor.js";

/**
 * The counterfactual attention of Jain & Wallace 2019 and Wiegreffe & Pinter 2019 as weights
 * transforms (attention/weightsTransform.ts). explain decodes one sentence at a time, so every
 * column of the weights is a real source position (no padding to keep at zero).
 */

/**
 * Replace each row of the weights in head `head` (every head when null) by `replace(row, query)`,
 * with `query` the row's index within its head (0 … rowsPerHead − 1: explain's probe, as it runs
 * one query per probe); other rows pass unchanged. Runs without gradients (a fresh tensor).
 */
export function replaceRows(replace: (row: ArrayLike<number>, query: number) => ArrayLike<number>, head: number | null): AttentionWeightsTransform {
  return (weights, layout) => {
    const S = weights.shape[weights.ndim - 1]!;
    const out = Tensor.zeros(weights.shape);
    out.data.set(weights.data);
    const rows = S === 0 ? 0 : weights.size / S;
    for (let r = 0; r < rows; r++) {
      if (head !== null && Math.floor(r / layout.rowsPerHead) % layout.heads !== head) continue;
      out.data.set(replace(weights.data.subarray(r * S, (r + 1) * S), r % layout.rowsPerHead), r * S);
    }
    return out;
  };
}

/** a'_j = a_{π(j)}: the same weights on other source positions (Jain & Wallace 2019 §4.2). */
export function permuteWeights(perm: Int32Array): (row: ArrayLike<number>) => Float64Array {
  return (row) => {
    if (row.length !== perm.length) throw new Error(`permuteWeights: a permutation of ${perm.length} for ${row.length} positions`);
    return Float64Array.from(perm, (j) => row[j]!);
  };
}

/** a'_j = 1/S over the S source positions (Wiegreffe & Pinter 2019, the uniform baseline). */
export function uniformWeights(row: ArrayLike<number>): Float64Array {
  return new Float64Array(row.length).fill(1 / row.length);
}

/** A transform that changes nothing and hands each call's weights, copied, and their layout to `record`. */
export function recordWeights(record: (weights: Float64Array, layout: AttentionWeightsLayout) => void): AttentionWeightsTransform {
  return (weights, layout) => {
    record(Float64Array.from(weights.data), layout);
    return weights;
  };
}
