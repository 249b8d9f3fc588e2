export { AttentionScore, type ScoreOptions } from "./score.js";
export { Attention, type AttentionMemory, type AttentionOutput, type AttentionOptions, type AttentionScope } from "./attention.js";
export { SCORE_REGISTRY, createScore, type ScoreFactory } from "./registry.js";
export { AdditiveScore } from "./additive.js";
export { ConcatScore } from "./concat.js";
export { DotScore } from "./dot.js";
export { ScaledDotScore } from "./scaledDot.js";
export { GeneralScore } from "./general.js";
export { BilinearScore } from "./bilinear.js";
