export { AttentionScore, type ScoreOptions } from "./score.js";
export { Attention, type AttendOptions, type AttentionMemory, type AttentionOutput, type DecoderAttention } from "./attention.js";
export { CoverageProjection, additiveWithCoverage } from "./coverage.js";
export { Normalizer } from "./normalizer.js";
export { type Scope, type ScopeContext, type ScopeInput, type ParameterOwner } from "./scope.js";
export { type AttentionSpec, type NormalizerSpec, SOFTMAX } from "./spec.js";
export {
  SCORE_REGISTRY,
  SCOPE_REGISTRY,
  NORMALIZER_REGISTRY,
  SCORE_NAMES,
  SCOPE_NAMES,
  NORMALIZER_NAMES,
  createAttention,
  createNormalizer,
  createScore,
  scoreEntry,
  scopeEntry,
  normalizerEntry,
  type AttentionContext,
  type NormalizerEntry,
  type NormalizerName,
  type ScopeEntry,
  type ScopeName,
  type ScoreEntry,
  type ScoreFactory,
  type ScoreName,
} from "./registry.js";
export { AdditiveScore } from "./additive.js";
export { ConcatScore } from "./concat.js";
export { DotScore } from "./dot.js";
export { ScaledDotScore } from "./scaledDot.js";
export { GeneralScore } from "./general.js";
export { BilinearScore } from "./bilinear.js";
export { SoftmaxNormalizer } from "./normalizers/softmax.js";
export { SparsemaxNormalizer } from "./normalizers/sparsemax.js";
export { Entmax15Normalizer } from "./normalizers/entmax15.js";
export { EntmaxNormalizer, ALPHA_FLOOR, DEFAULT_ALPHA } from "./normalizers/entmax.js";
export { MultiheadAttention, splitHeads, mergeHeads, type MultiheadAttentionOptions, type MultiheadForwardOptions, type MultiheadOutput, type MultiheadStep, type KeyValue } from "./multihead.js";
export { MultiheadCrossAttention } from "./multiheadCross.js";
export { scaledDotProductAttention, attentionMask, causalMask, type AttentionDropout, type ScaledDotProductOptions, type ScaledDotProductResult } from "./scaledDotProduct.js";
