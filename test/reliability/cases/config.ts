import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { writeTinyTask } from "../../cli/fixture.js";
import type { BadInputCase } from "../corpus.js";

/**
 * Config combinations and sizes the models cannot take: each is refused before anything is
 * built or written, naming the option, its value, and "(from --set)" when the
 * command line gave it.
 */
type Patch = Record<string, Record<string, unknown>>;

/** No run was started: the run folder is absent or empty (no config.json, vocab/, metrics or checkpoints). */
const nothingWritten = (dir: string) => {
  const run = join(dir, "run");
  expect(existsSync(run) ? readdirSync(run) : [], "nothing is built or written").toEqual([]);
};

const transformer = (transformerPatch: Record<string, unknown> = {}, extra: Patch = {}): Patch => ({
  model: {
    encoder: { type: "transformer", hiddenSize: 16, layers: 1 },
    decoder: { type: "transformer", hiddenSize: 16, layers: 1 },
    transformer: { heads: 4, ffSize: 16, ...transformerPatch },
    ...extra.model,
  },
});

/** A case training the tiny task with `patch` and `--set`s; refused before the run folder exists. */
function configCase(name: string, patch: Patch, sets: string[], message: RegExp): BadInputCase {
  return {
    name,
    args: (dir) => ["train", "--config", writeTinyTask(dir, patch), "--run-dir", join(dir, "run"), "--quiet", ...sets.flatMap((s) => ["--set", s])],
    message,
    exitCode: 1,
    after: nothingWritten,
  };
}

const recurrent = (model: Record<string, unknown>): Patch => ({ model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8 }, decoder: { type: "bahdanau", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "additive", size: 8 }, ...model } });

/** `n` pairs of distinct words, so each vocabulary has n + 4 entries. */
const distinctWords = (n: number) => Array.from({ length: n }, (_, i) => `s${i}\tt${i}`).join("\n") + "\n";

export const cases: BadInputCase[] = [
  configCase("Transformer heads that do not divide d_model (file)", transformer({ heads: 3 }), [], /tiny\.json: model\.transformer\.heads = 3: must divide d_model, model\.encoder\.hiddenSize = 16 .*expected a divisor of 16 such as 2 or 4$/),
  configCase("Transformer heads that do not divide d_model (--set)", transformer(), ["model.transformer.heads=6"], /model\.transformer\.heads = 6 \(from --set\): must divide d_model, model\.encoder\.hiddenSize = 16/),
  configCase("d_model changed by --set so the heads no longer divide it", transformer(), ["model.encoder.hiddenSize=18", "model.decoder.hiddenSize=18"], /model\.transformer\.heads = 4: must divide d_model, model\.encoder\.hiddenSize = 18 \(from --set\)/),
  configCase(
    "hybrid heads that do not divide the encoder output size",
    recurrent({ encoder: { type: "gru", embeddingSize: 8, hiddenSize: 5, bidirectional: true, selfAttentionLayers: 1 }, transformer: { heads: 4, ffSize: 8 } }),
    [],
    /model\.transformer\.heads = 4: must divide the size the hybrid self-attention layers work in, model\.encoder\.hiddenSize = 5 × 2 direction\(s\) = 10/,
  ),
  configCase(
    "multihead score heads that do not divide the decoder size",
    recurrent({ decoder: { type: "luong", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "multihead" } }),
    ["model.transformer.heads=3"],
    /model\.transformer\.heads = 3 \(from --set\): must divide the query size of the multihead score, model\.decoder\.hiddenSize = 16/,
  ),
  configCase("tied embeddings with Bahdanau's deep output", recurrent({ decoder: { type: "bahdanau", embeddingSize: 16, hiddenSize: 16, tieEmbeddings: true } }), [], /model\.decoder\.tieEmbeddings = true: the bahdanau output layer .* cannot be tied/),
  configCase(
    "tied embeddings with different Luong sizes (--set)",
    recurrent({ decoder: { type: "luong", embeddingSize: 8, hiddenSize: 16 } }),
    ["model.decoder.tieEmbeddings=true"],
    /model\.decoder\.tieEmbeddings = true \(from --set\): the output layer reads model\.decoder\.hiddenSize = 16 features but the target embedding has model\.decoder\.embeddingSize = 8/,
  ),
  configCase("a huge hidden size in the file", recurrent({ encoder: { type: "gru", embeddingSize: 8, hiddenSize: 1_000_000_000 } }), [], /tiny\.json: model\.encoder\.hiddenSize = 1000000000: expected at most 16,384$/),
  configCase("a huge hidden size from --set", recurrent({}), ["model.encoder.hiddenSize=1000000000"], /model\.encoder\.hiddenSize = 1000000000 \(from --set\): expected at most 16,384$/),
  configCase("a huge batch size from --set", recurrent({}), ["training.batchSize=1e12"], /training\.batchSize = 1000000000000 \(from --set\): expected at most 100,000$/),
  configCase("a huge decoding length", recurrent({}), ["decoding.maxLen=100000000"], /decoding\.maxLen = 100000000 \(from --set\): expected at most 10,000$/),
  configCase("sizes within bounds whose model does not fit in memory", recurrent({}), ["model.encoder.hiddenSize=9000", "model.encoder.layers=3"], /tiny\.json: model: [\d,]+ parameters need about [\d.]+ GiB .* the largest part is the encoder RNN: model\.encoder\.hiddenSize = 9000 \(from --set\)$/),
  configCase("a zero hidden size", recurrent({ decoder: { type: "bahdanau", embeddingSize: 8, hiddenSize: 0 } }), [], /tiny\.json: model\.decoder\.hiddenSize: .*>0; got 0$/),
  configCase("a negative layer count from --set", recurrent({}), ["model.encoder.layers=-2"], /model\.encoder\.layers: .*; got -2 \(from --set\)$/),
  configCase("a fractional embedding size", recurrent({}), ["model.decoder.embeddingSize=7.5"], /model\.decoder\.embeddingSize: .*; got 7\.5 \(from --set\)$/),
  configCase("a Transformer decoder narrower than d_model", transformer({}, { model: { decoder: { type: "transformer", hiddenSize: 8, layers: 1 } } }), [], /model\.decoder\.hiddenSize = 8: the Transformer's decoder works in d_model, model\.encoder\.hiddenSize = 16/),
  configCase("hybrid layers asked of a Transformer encoder", transformer(), ["model.encoder.selfAttentionLayers=2"], /model\.encoder\.selfAttentionLayers = 2 \(from --set\): only recurrent encoders take hybrid layers/),
  {
    name: "vocabularies that make the model too large (checked once the data is read, before anything is written)",
    args: (dir) => {
      const config = writeTinyTask(dir, recurrent({ decoder: { type: "bahdanau", embeddingSize: 16_000, hiddenSize: 16 } }));
      writeFileSync(join(dir, "data", "train.tsv"), distinctWords(4500));
      return ["train", "--config", config, "--run-dir", join(dir, "run"), "--quiet"];
    },
    message: /^error: model: [\d,]+ parameters need about [\d.]+ GiB .* the largest part is the output layer \(16032 × 4504\): model\.decoder\.embeddingSize = 16000 \(with vocabularies of 4504 and 4504 entries; vocab\.maxSize caps them\)$/,
    exitCode: 1,
    after: nothingWritten,
  },
];
