export { bleuFromStats, bleuSentenceStats, bleuSignature, bleuTokens, corpusBleu, sentenceBleu, type BleuOptions, type BleuResult, type BleuSmoothing, type BleuStats, type BleuTokenize } from "./bleu.js";
export { chrFSignature, corpusChrF, sentenceChrF, type ChrFOptions, type ChrFResult } from "./chrF.js";
export { exactMatch } from "./exactMatch.js";
export { type ReferenceStreams } from "./references.js";
export { SACREBLEU_VERSION } from "./signature.js";
export { textScores, type TextScores } from "./textScores.js";
export { tokenize13a } from "./tokenize13a.js";
export {
  ALIGNMENT_METHODS, alignmentCounts, alignmentScores, argmaxAlignment, attentionAlignment, attentionMassOnGold, attentionMassStats,
  addCounts, corpusAlignmentScores, corpusAttentionMassOnGold, meanMatrix, scoresFromCounts, zeroCounts,
  type AlignmentCounts, type AlignmentMethod, type AlignmentScores, type GoldAlignment, type MassStats,
} from "./alignment.js";
export { checkLinkRanges, formatPharaoh, parsePharaoh, type GoldLinks, type Link } from "./pharaoh.js";
