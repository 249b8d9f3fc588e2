/**
 * Normalisers and top-k in whole models: each option trains a tiny model (the loss falls, a
 * learned α moves), and a Transformer decodes the same with and without its key/value caches,
 * greedy and beam.
 */
import { describe, expect, it } from "vitest";
import { ConfigSchema, type ModelConfig } from "../../src/config/schema.js";
import { beamSearch } from "../../src/decode/beam.js";
import { greedyDecode } from "../../src/decode/greedy.js";
import { sourceBatch } from "../../src/decode/sourceBatch.js";
import type { DecodableModel } from "../../src/decode/types.js";
import { buildModel } from "../../src/models/build.js";
import type { TransformerSeq2Seq } from "../../src/models/transformer/transformerSeq2Seq.js";
import { UncachedTransformerStepDecoder } from "../../src/models/transformer/uncachedStepDecoder.js";
import type { TranslationModel } from "../../src/models/types.js";
import { crossEntropy } from "../../src/ops/index.js";
import { Adam } from "../../src/optim/adam.js";
import { fixedBatches, tinyReverseExamples } from "./tinyTask.js";

const V = 6;
const batches = fixedBatches(tinyReverseExamples(96, V, 2, 5, 3), 16);

function modelConfig(model: Record<string, unknown>): ModelConfig {
  return ConfigSchema.parse({ data: { train: "x" }, model }).model;
}

const recurrent = (attention: Record<string, unknown>, decoder = "bahdanau") =>
  modelConfig({ encoder: { embeddingSize: 12, hiddenSize: 12 }, decoder: { type: decoder, embeddingSize: 12, hiddenSize: 24 }, attention: { size: 12, ...attention } });
const transformer = (t: Record<string, unknown>) =>
  modelConfig({ encoder: { type: "transformer", hiddenSize: 16, layers: 1 }, decoder: { type: "transformer", hiddenSize: 16, layers: 1 }, transformer: { heads: 2, ffSize: 32, dropout: 0, ...t } });

/** `steps` Adam steps on the tiny reversal task: the model and the mean loss of the first and last 10 steps. */
function train(cfg: ModelConfig, steps: number): { net: TranslationModel; first: number; last: number } {
  const net = buildModel(cfg, { source: 4 + V, target: 4 + V }, 7);
  const opt = new Adam(net.namedParameters(), { lr: 0.01 });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const b = batches[s % batches.length]!;
    const loss = crossEntropy(net.forward(b).logits, b.tgtOut, { ignoreIndex: 0 });
    net.zeroGrad();
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { net, first: mean(losses.slice(0, 10)), last: mean(losses.slice(-10)) };
}

const alphaOf = (net: TranslationModel) => net.namedParameters().filter(([n]) => n.endsWith("pre_alpha")).flatMap(([, t]) => Array.from(t.data));

describe("each normaliser option trains a tiny model", () => {
  const cases: [string, ModelConfig][] = [
    ["bahdanau, sparsemax", recurrent({ normalizer: "sparsemax" })],
    ["bahdanau, entmax15 over the top 3", recurrent({ normalizer: "entmax15", topK: 3 })],
    ["bahdanau, entmax with a learned α", recurrent({ normalizer: "entmax", alpha: 1.3, learnAlpha: true })],
    ["bahdanau, hard attention (topK 1)", recurrent({ topK: 1 })],
    ["luong local-m, entmax α = 1.8", recurrent({ score: "general", scope: "local-m", window: 4, normalizer: "entmax", alpha: 1.8 }, "luong")],
    ["transformer, sparsemax", transformer({ normalizer: "sparsemax" })],
    ["transformer, entmax15", transformer({ normalizer: "entmax15" })],
    ["transformer, entmax with a learned α per head", transformer({ normalizer: "entmax", learnAlpha: true })],
    ["transformer, softmax over the top 2", transformer({ topK: 2 })],
  ];
  for (const [name, cfg] of cases) {
    it(`${name}: the loss falls by a third in 50 steps`, () => {
      const before = alphaOf(buildModel(cfg, { source: 4 + V, target: 4 + V }, 7));
      const { net, first, last } = train(cfg, 50);
      expect(Number.isFinite(last)).toBe(true);
      expect(last).toBeLessThan((2 / 3) * first);
      const after = alphaOf(net);
      expect(after.length).toBe(before.length);
      if (after.length > 0) expect(after.some((a, i) => a !== before[i]), "the learned α moved").toBe(true);
    });
  }
});

/** The same model, decoding with the O(t²) reference decoder instead of the key/value caches. */
function uncached(model: TransformerSeq2Seq): DecodableModel {
  return { training: model.training, train: (on?: boolean) => model.train(on), encodeBatch: (b) => model.encodeBatch(b), decoder: new UncachedTransformerStepDecoder(model) };
}

describe("Transformer decoding with caches equals recomputing the prefix, for every normaliser option", () => {
  const sources = tinyReverseExamples(8, V, 2, 7, 11).map((e) => e.src);
  const options: [string, Record<string, unknown>][] = [
    ["sparsemax", { normalizer: "sparsemax" }],
    ["entmax with a learned α", { normalizer: "entmax", learnAlpha: true, alpha: 1.4 }],
    ["entmax15 over the top 2", { normalizer: "entmax15", topK: 2 }],
    ["hard attention", { topK: 1 }],
  ];
  for (const [name, t] of options) {
    it(`${name}: greedy and beam give the same tokens and scores`, () => {
      const model = train(transformer({ ...t, positions: "relative", maxRelativeDistance: 4 }), 40).net as TransformerSeq2Seq;
      model.eval();
      const batch = sourceBatch(sources);
      const cached = greedyDecode(model, batch, { maxLen: 9 });
      const reference = greedyDecode(uncached(model), batch, { maxLen: 9 });
      cached.forEach((h, i) => {
        expect(h.tokens).toEqual(reference[i]!.tokens);
        expect(h.score).toBeCloseTo(reference[i]!.score, 4);
        h.attention.forEach((row, s) => row.forEach((w, j) => expect(w).toBeCloseTo(reference[i]!.attention[s]![j]!, 5)));
      });
      const beamCached = beamSearch(model, batch, { beam: 3, maxLen: 9, nBest: 2 });
      const beamRef = beamSearch(uncached(model), batch, { beam: 3, maxLen: 9, nBest: 2 });
      beamCached.forEach((list, i) =>
        list.forEach((h, k) => {
          expect(h.tokens).toEqual(beamRef[i]![k]!.tokens);
          expect(h.score).toBeCloseTo(beamRef[i]![k]!.score, 4);
        }),
      );
    });
  }
});
