import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { noGrad } from "../autograd/tape.js";
import type { Config } from "../config/schema.js";
import { makeBatches } from "../data/batching.js";
import type { EncodedSplit } from "../data/dataset.js";
import type { TextPipeline } from "../data/textPipeline.js";
import { JOINER_MARK } from "../data/normalize.js";
import { WordTokenizer } from "../data/tokenizers/index.js";
import { PAD } from "../data/vocab.js";
import { translateExamples } from "../decode/translate.js";
import { corpusBleu } from "../eval/bleu.js";
import type { TranslationModel } from "../models/types.js";
import { crossEntropy } from "../ops/index.js";
import { attentionCsv, type AttentionMatrix } from "../viz/attentionCsv.js";

export interface ValidationResult {
  step: number;
  /** Mean cross-entropy per target token (no label smoothing). */
  loss: number;
  perplexity: number;
  /** Fraction of decoded sentences equal to the reference (after normalisation). */
  exactMatch: number;
  /** Corpus BLEU (0–100) on word tokens of the decoded text. */
  bleu: number;
  /** Sentences decoded for exact match and BLEU. */
  decoded: number;
}

const bleuTokenizer = new WordTokenizer();

/** Tokens for BLEU: words with punctuation split off (like sacreBLEU's 13a), whatever the model's tokenizer. */
export function bleuTokens(text: string): string[] {
  return bleuTokenizer.encode(text).map((t) => t.replaceAll(JOINER_MARK, ""));
}

/**
 * Validation: teacher-forced loss and perplexity over the whole split, then decoding (greedy or
 * beam, training.validBeam) of the first training.validLimit sentences for exact match and BLEU.
 */
export function validate(model: TranslationModel, split: EncodedSplit, pipeline: TextPipeline, config: Config, step = 0): ValidationResult {
  const t = config.training;
  model.eval();
  try {
    let lossSum = 0;
    let tokens = 0;
    noGrad(() => {
      for (const batch of makeBatches(split.examples, { batchSize: t.batchSize, bucket: true, shuffle: false })) {
        const { logits } = model.forward(batch);
        lossSum += crossEntropy(logits, batch.tgtOut, { ignoreIndex: PAD, reduction: "sum" }).item();
        tokens += batch.tgtTokens;
      }
    });
    const loss = tokens > 0 ? lossSum / tokens : 0;
    const n = Math.min(t.validLimit, split.examples.length);
    const examples = split.examples.slice(0, n);
    const hyps = translateExamples(model, examples, { beam: t.validBeam, maxLen: config.decoding.maxLen, lengthPenalty: config.decoding.lengthPenalty, batchSize: t.batchSize });
    let exact = 0;
    const hypTokens: string[][] = [];
    const refTokens: string[][] = [];
    hyps.forEach((h, i) => {
      const hypText = pipeline.decodeTarget(h.tokens);
      const refText = split.pairs[examples[i]!.index]!.tgt;
      if (hypText === refText) exact++;
      hypTokens.push(bleuTokens(hypText));
      refTokens.push(bleuTokens(refText));
    });
    const bleu = n > 0 ? corpusBleu(hypTokens, refTokens).bleu : 0;
    return { step, loss, perplexity: Math.exp(loss), exactMatch: n > 0 ? exact / n : 0, bleu, decoded: n };
  } finally {
    model.train();
  }
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
      targetTokens: [...h.tokens.map((id) => pipeline.tgtVocab.token(id)), "</s>"].slice(0, h.attention.length),
      sourceTokens: Array.from(examples[i]!.src, (id) => pipeline.srcVocab.token(id)),
      weights: h.attention,
    }));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `step-${step}.csv`), attentionCsv(matrices));
  } finally {
    model.train();
  }
}

