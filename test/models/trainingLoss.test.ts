import { describe, expect, it } from "vitest";
import { ConfigSchema } from "../../src/config/schema.js";
import { buildModel } from "../../src/models/build.js";
import type { TranslationModel } from "../../src/models/types.js";
import { crossEntropy, type CrossEntropyOptions } from "../../src/ops/index.js";
import { expectClose } from "../helpers/fixtures.js";
import { fixedBatches, tinyReverseExamples } from "./tinyTask.js";

/**
 * TranslationModel.trainingLoss (the fused output layer, which skips padding rows) gives the loss
 * and every parameter gradient of crossEntropy(forward(batch).logits), with dropout on (the same
 * masks drawn) and label smoothing, for each model family, tied embeddings included.
 */

const V = 6;
const small = { encoder: { embeddingSize: 16, hiddenSize: 16 }, decoder: { embeddingSize: 16, hiddenSize: 16, dropout: 0.2 }, attention: { size: 16, rank: 4 } };

const MODELS: [string, Record<string, unknown>][] = [
  ["GRU, bahdanau", { ...small, decoder: { ...small.decoder, type: "bahdanau" } }],
  ["LSTM, luong, input feeding, tied embeddings", { ...small, encoder: { ...small.encoder, type: "lstm" }, decoder: { ...small.decoder, type: "luong", cell: "lstm", tieEmbeddings: true } }],
  ["thought vector", { ...small, decoder: { ...small.decoder, type: "none" } }],
  ["transformer, tied embeddings", {
    encoder: { type: "transformer", hiddenSize: 16, layers: 1 },
    decoder: { type: "transformer", hiddenSize: 16, layers: 1, tieEmbeddings: true },
    transformer: { heads: 2, ffSize: 32, dropout: 0.1 },
  }],
];

function grads(model: TranslationModel): Map<string, Float32Array> {
  return new Map(model.namedParameters().map(([name, t]) => [name, Float32Array.from(t.grad ?? new Float32Array(t.size))]));
}

describe("TranslationModel.trainingLoss", () => {
  for (const [label, config] of MODELS) {
    it(`equals crossEntropy of forward's logits, loss and gradients: ${label}`, () => {
      const model = buildModel(ConfigSchema.parse({ data: { train: "x" }, model: config }).model, { source: 4 + V, target: 4 + V }, 3);
      model.train();
      const batch = fixedBatches(tinyReverseExamples(12, V, 1, 6, 5), 12)[0]!;
      expect(batch.tgtOut.includes(0), "the batch has padding").toBe(true);
      const opts: CrossEntropyOptions = { ignoreIndex: 0, labelSmoothing: 0.1 };
      const streams = Object.entries(model.randomStreams).map(([name, rng]) => [name, rng.getState()] as const);

      model.zeroGrad();
      const composed = crossEntropy(model.forward(batch).logits, batch.tgtOut, opts);
      composed.backward();
      const want = grads(model);

      for (const [name, state] of streams) model.randomStreams[name]!.setState(state);
      model.zeroGrad();
      const fused = model.trainingLoss(batch, batch.tgtOut, opts);
      fused.backward();
      const got = grads(model);

      expectClose([fused.item()], [composed.item()], "loss", 1e-5, 1e-6);
      for (const [name, g] of want) expectClose(got.get(name)!, g, name, 1e-4, 1e-6);
    });
  }
});
