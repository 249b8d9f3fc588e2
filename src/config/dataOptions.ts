import type { DataOptions } from "../data/dataset.js";
import { positionLimit } from "./positionLimit.js";
import type { Config } from "./schema.js";

/** The data layer's options from a validated config (data, tokenizer and vocab sections, and the model's length limit). */
export function toDataOptions(c: Config): DataOptions {
  const d = c.data;
  const limit = positionLimit(c.model);
  const side = (s: Config["tokenizer"]["source"]) => ({ kind: s.type, bpeVocabSize: s.vocabSize, bpeMinFrequency: s.minFrequency });
  return {
    ...(d.path !== undefined ? { path: d.path } : {}),
    ...(d.train !== undefined ? { train: d.train } : {}),
    ...(d.valid !== undefined ? { valid: d.valid } : {}),
    ...(d.test !== undefined ? { test: d.test } : {}),
    split: { valid: d.split.valid, test: d.split.test, groupBySource: d.split.groupBySource, seed: c.seed },
    lowercase: d.lowercase,
    stripAccents: d.stripAccents,
    onBadLine: d.onBadLine,
    ...(d.limit !== undefined ? { limit: d.limit } : {}),
    swap: d.swap,
    dedupe: d.dedupe,
    ...(d.maxSrcLen !== undefined ? { maxSrcLen: d.maxSrcLen } : {}),
    ...(d.maxTgtLen !== undefined ? { maxTgtLen: d.maxTgtLen } : {}),
    lengthFilter: d.lengthFilter,
    ...(limit ? { modelMaxLen: limit.sentenceTokens } : {}),
    ...(c.model.decoder.copy ? { copy: true } : {}),
    tokenizer: side(c.tokenizer.source),
    targetTokenizer: side(c.tokenizer.target),
    vocab: { minFreq: c.vocab.minFreq, ...(c.vocab.maxSize !== undefined ? { maxSize: c.vocab.maxSize } : {}), shared: c.vocab.shared },
  };
}
