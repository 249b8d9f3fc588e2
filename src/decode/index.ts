export type { BeamOptions, DecodableModel, GreedyOptions, Hypothesis, MaxLen } from "./types.js";
export { greedyDecode } from "./greedy.js";
export { beamSearch } from "./beam.js";
export { forcedAttention, forcedDecode, type ForcedModel, type ForcedResult } from "./forced.js";
export { decodeCorpus, translateExamples, type CorpusOptions, type TranslateOptions } from "./translate.js";
export { sourceBatch } from "./sourceBatch.js";
export { lengthPenalty, normalizedScore } from "./lengthPenalty.js";
export { defaultMaxLen } from "./maxLen.js";
export { expandState, nextStepState, repeatIndices, selectStateRows, selectTensorRows } from "./state.js";
