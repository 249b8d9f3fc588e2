export { corpusBleu, type BleuOptions, type BleuResult, type BleuSmoothing } from "./bleu.js";
export { chrF, type ChrFOptions, type ChrFResult } from "./chrF.js";
export { exactMatch } from "./exactMatch.js";
export {
  alignmentScores, argmaxAlignment, attentionMassOnGold, attentionMassStats, corpusAttentionMassOnGold,
  type AlignmentScores, type GoldAlignment, type MassStats,
} from "./alignment.js";
