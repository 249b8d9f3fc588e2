import { inScopedArena } from "../tensor/storage.js";
import { join } from "node:path";
import { noGrad } from "../autograd/tape.js";
import type { Config } from "../config/schema.js";
import { makeBatches } from "../data/batching.js";
import type { EncodedSplit } from "../data/dataset.js";
import type { TextPipeline } from "../data/textPipeline.js";
import { PAD } from "../data/vocab.js";
import { translateExamples } from "../decode/translate.js";
import { corpusBleu } from "../eval/bleu.js";
import { corpusChrF } from "../eval/chrF.js";
import { withFsErrors } from "../fsErrors.js";
import { decodeNumber } from "../json.js";
import type { TranslationModel } from "../models/types.js";
import { attentionCsv, type AttentionMatrix } from "../viz/attentionCsv.js";
import { writeFileAtomic } from "./atomic.js";

export interface ValidationResult {
  step: number;
  /** Mean cross-entropy per target token (no label smoothing). */
  loss: number;
  perplexity: number;
  /** Fraction of decoded sentences equal to the reference (after normalisation). */
  exactMatch: number;
  /** Corpus BLEU (0–100) of the decoded text, sacreBLEU's default (13a tokens, exp smoothing): src/eval/bleu.ts. */
  bleu: number;
  /** Corpus chrF (0–100, character 6-grams, β = 2), sacreBLEU's default CHRF: src/eval/chrF.ts. */
  chrF: number;
  /** Sentences decoded for exact match and BLEU. */
  decoded: number;
}

/** Texts of a decoded sample next to their references. */
export interface DecodedSample {
  /** The examples decoded (the first `limit` of the split). */
  examples: EncodedSplit["examples"];
  hypotheses: string[];
  references: string[];
}

/** Exact match, corpus BLEU and chrF (equal to sacreBLEU's defaults on the same texts) of decoded texts against their references. */
export function decodedScores(hypotheses: readonly string[], references: readonly string[]): { exactMatch: number; bleu: number; chrF: number } {
  const n = hypotheses.length;
  if (n === 0) return { exactMatch: 0, bleu: 0, chrF: 0 };
  let exact = 0;
  hypotheses.forEach((h, i) => {
    if (h === references[i]) exact++;
  });
  return { exactMatch: exact / n, bleu: corpusBleu(hypotheses, [references]).bleu, chrF: corpusChrF(hypotheses, [references]).chrF };
}

/** Mean teacher-forced cross-entropy per target token over the whole split (no label smoothing). */
export function teacherForcedLoss(model: TranslationModel, split: EncodedSplit, batchSize: number): number {
  let lossSum = 0;
  let tokens = 0;
  noGrad(() => {
    for (const batch of makeBatches(split.examples, { batchSize, bucket: true, shuffle: false })) {
      lossSum += inScopedArena(() => model.trainingLoss(batch, batch.tgtOut, { ignoreIndex: PAD, reduction: "sum" }).item());
      tokens += batch.tgtTokens;
    }
  });
  return tokens > 0 ? lossSum / tokens : 0;
}

/** Decode the first `limit` sentences of a split (greedy or beam) into texts, with their references. */
export function decodeSample(model: TranslationModel, split: EncodedSplit, pipeline: TextPipeline, config: Config, limit: number, beam: number): DecodedSample {
  const examples = split.examples.slice(0, Math.min(limit, split.examples.length));
  const hyps = translateExamples(model, examples, { beam, maxLen: config.decoding.maxLen, lengthPenalty: config.decoding.lengthPenalty, coveragePenalty: config.decoding.coveragePenalty, batchSize: config.training.batchSize, attention: false });
  return {
    examples,
    // Copy attention: ids V + k are the sentence's source words outside the target vocabulary.
    hypotheses: hyps.map((h, i) => pipeline.decodeTarget(h.tokens, examples[i]!.copy?.oov)),
    references: examples.map((e) => split.pairs[e.index]!.tgt),
  };
}

/**
 * Validation: teacher-forced loss and perplexity over the whole split, then decoding (greedy or
 * beam, training.validBeam) of the first training.validLimit sentences for exact match and BLEU.
 * Pass `sample` when the caller has already decoded them.
 */
export function validate(model: TranslationModel, split: EncodedSplit, pipeline: TextPipeline, config: Config, step = 0, sample?: DecodedSample): ValidationResult {
  const t = config.training;
  model.eval();
  try {
    const loss = teacherForcedLoss(model, split, t.batchSize);
    const decoded = sample ?? decodeSample(model, split, pipeline, config, t.validLimit, t.validBeam);
    const { exactMatch, bleu, chrF } = decodedScores(decoded.hypotheses, decoded.references);
    return { step, loss, perplexity: Math.exp(loss), exactMatch, bleu, chrF, decoded: decoded.hypotheses.length };
  } finally {
    model.train();
  }
}

/** A validation as stored in meta.json (src/json.ts), its "Infinity" / "NaN" strings back to numbers. */
export function validationFromJson(v: ValidationResult): ValidationResult {
  const num = (x: unknown) => decodeNumber(x) ?? NaN;
  return { ...v, loss: num(v.loss), perplexity: num(v.perplexity), exactMatch: num(v.exactMatch), bleu: num(v.bleu), chrF: num(v.chrF) };
}

/** Greedy-decode the first output.attentionSamples validation sentences and write their cross-attention to attention/step-N.csv. */
export function dumpValidationAttention(model: TranslationModel, split: EncodedSplit, pipeline: TextPipeline, config: Config, dir: string, step: number): void {
  const n = Math.min(config.output.attentionSamples, split.examples.length);
  if (n === 0 || config.model.decoder.type === "none") return;
  const examples = split.examples.slice(0, n);
  model.eval();
  try {
    const hyps = translateExamples(model, examples, { beam: 1, maxLen: config.decoding.maxLen, lengthPenalty: 0, batchSize: n });
    const matrices: AttentionMatrix[] = hyps.map((h, i) => ({
      sentence: i,
      kind: "cross",
      layer: 0,
      head: 0,
      targetTokens: [...h.tokens.map((id) => pipeline.tgtVocab.token(id, examples[i]!.copy?.oov)), "</s>"].slice(0, h.attention.length),
      sourceTokens: Array.from(examples[i]!.src, (id) => pipeline.srcVocab.token(id)),
      weights: h.attention,
      ...(h.pGen.length > 0 ? { pGen: h.pGen } : {}),
    }));
    const file = join(dir, `step-${step}.csv`);
    // Atomic, so a full disk leaves no half-written dump behind.
    withFsErrors("write the attention dump", file, () => writeFileAtomic(file, attentionCsv(matrices)));
  } finally {
    model.train();
  }
}

