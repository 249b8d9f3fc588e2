import type { Config } from "./schema.js";
import { showValue, valueAt, type ValueOrigins } from "./origins.js";

/**
 * Upper bounds of every integer option. The schema only says "positive integer"; without these a
 * typo such as `hiddenSize: 1000000000` would surface as a RangeError or an allocation that never
 * ends, instead of a config error naming the option. The bounds are generous for a laptop
 * trainer: reaching one is almost certainly a typo. A test checks that every integer option of
 * the schema is listed here or in NOT_SIZES, so a new option cannot forget its bound.
 * docs/config.md shows each bound next to its option.
 */
export const SIZE_LIMITS: Readonly<Record<string, number>> = {
  "data.limit": 1_000_000_000,
  "data.maxSrcLen": 100_000,
  "data.maxTgtLen": 100_000,
  "tokenizer.source.vocabSize": 1_000_000,
  "tokenizer.source.minFrequency": 1_000_000_000,
  "tokenizer.target.vocabSize": 1_000_000,
  "tokenizer.target.minFrequency": 1_000_000_000,
  "vocab.minFreq": 1_000_000_000,
  "vocab.maxSize": 1_000_000,
  "model.encoder.embeddingSize": 16_384,
  "model.encoder.hiddenSize": 16_384,
  "model.encoder.layers": 64,
  "model.encoder.selfAttentionLayers": 64,
  "model.decoder.embeddingSize": 16_384,
  "model.decoder.hiddenSize": 16_384,
  "model.decoder.layers": 64,
  "model.attention.window": 10_000,
  "model.attention.size": 16_384,
  "model.attention.rank": 16_384,
  "model.attention.topK": 100_000,
  "model.transformer.heads": 1_024,
  "model.transformer.ffSize": 65_536,
  "model.transformer.maxRelativeDistance": 10_000,
  "model.transformer.maxPositions": 100_000,
  "model.transformer.t5Buckets": 1_024,
  "model.transformer.t5MaxDistance": 100_000,
  "model.transformer.adaptiveSpan.maxSpan": 100_000,
  "model.transformer.window": 100_000,
  "model.transformer.globalTokens": 100_000,
  "model.transformer.projectedLength": 100_000,
  "model.transformer.features": 65_536,
  "model.transformer.redrawEvery": 1_000_000_000,
  "model.transformer.adaptiveSpan.ramp": 100_000,
  "model.transformer.topK": 100_000,
  "training.batchSize": 100_000,
  "training.maxTokens": 10_000_000,
  "training.maxSteps": 1_000_000_000,
  "training.maxEpochs": 1_000_000,
  "training.validEvery": 1_000_000_000,
  "training.validBeam": 100,
  "training.validLimit": 10_000_000,
  "training.logEvery": 1_000_000_000,
  "training.schedule.stepSize": 1_000_000_000,
  "training.schedule.patience": 1_000_000,
  "training.schedule.warmup": 1_000_000_000,
  "training.earlyStopping.patience": 1_000_000,
  "decoding.beam": 100,
  "decoding.maxLen": 10_000,
  "output.attentionSamples": 10_000,
};

/** Integer options that size nothing, with the reason they need no bound. */
export const NOT_SIZES: Readonly<Record<string, string>> = {
  seed: "any integer is a seed; nothing is allocated from it",
};

/** One line per option above its bound: `path = value (from --set): expected at most N`. */
export function checkLimits(c: Config, origins: ValueOrigins): string[] {
  const problems: string[] = [];
  for (const [path, max] of Object.entries(SIZE_LIMITS)) {
    const v = valueAt(c, path);
    if (typeof v === "number" && v > max) problems.push(`${showValue(c, path, origins)}: expected at most ${max.toLocaleString("en-US")}`);
  }
  return problems;
}
