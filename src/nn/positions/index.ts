/**
 * Position information for Transformers:
 *  - sinusoidalPositions / SinusoidalPositions: the fixed table of Vaswani et al. 2017 (no parameters);
 *  - LearnedPositions: a learned absolute table, parameter `weight` [maxLen, d];
 *  - ShawRelativePositions: relative position representations (Shaw et al. 2018) inside attention,
 *    MultiheadAttention option `relative: { maxDistance }`, parameters `relative.key` / `relative.value` [2k+1, d_head];
 *  - RelativeBias: a T5-style learned bias per head and clipped distance, MultiheadAttention option
 *    `relativeBias: { maxDistance }`, parameter `relative_attention_bias.weight` [2k+1, heads].
 */
export { sinusoidalPositions, SinusoidalPositions } from "./sinusoidal.js";
export { LearnedPositions, type LearnedPositionsOptions } from "./learned.js";
export { addPositions } from "./addPositions.js";
export { relativeBuckets } from "./relativeBuckets.js";
export { gatherRelative, scatterRelative } from "./relativeGather.js";
export { ShawRelativePositions } from "./shaw.js";
export { RelativeBias } from "./relativeBias.js";
