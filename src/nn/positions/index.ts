/**
 * Position information for Transformers:
 *  - sinusoidalPositions / SinusoidalPositions: the fixed table of Vaswani et al. 2017 (no parameters, no length limit: it grows);
 *  - LearnedPositions: a learned absolute table, parameter `weight` [maxLen, d];
 *  - ShawRelativePositions: relative position representations (Shaw et al. 2018) inside attention,
 *    MultiheadAttention option `relative: { maxDistance }`, parameters `relative.key` / `relative.value` [2k+1, d_head];
 *  - RelativeBias: a T5-style learned bias per head and clipped distance, MultiheadAttention option
 *    `relativeBias: { maxDistance }`, parameter `relative_attention_bias.weight` [2k+1, heads]; with
 *    `t5: { numBuckets, bidirectional }` T5's logarithmic buckets (t5Buckets), weight [numBuckets, heads];
 *  - AlibiBias: ALiBi's fixed −m_h·|i − j| (Press et al. 2022), MultiheadAttention option `alibi`;
 *  - rotary embeddings (Su et al. 2021) are an op (ops/rotary.ts), MultiheadAttention option `rotary`.
 */
export { sinusoidalPositions, SinusoidalPositions } from "./sinusoidal.js";
export { LearnedPositions, type LearnedPositionsOptions } from "./learned.js";
export { addPositions } from "./addPositions.js";
export { relativeBuckets } from "./relativeBuckets.js";
export { gatherRelative, scatterRelative } from "./relativeGather.js";
export { ShawRelativePositions } from "./shaw.js";
export { RelativeBias, type T5Bucketing } from "./relativeBias.js";
export { t5Buckets } from "./t5Buckets.js";
export { AlibiBias, alibiSlopes } from "./alibi.js";
