/**
 * Positions (rotary, ALiBi, T5 buckets), the adaptive span and Luong's local-p as in the paper, in
 * whole models built from config: each option trains a tiny model (the loss falls; learned spans
 * move and stay in [0, 1]), and a Transformer decodes the same with and without its key/value
 * caches, greedy and beam, under every normaliser and top-k.
 */
import { describe, expect, it } from "vitest";
import { adaptiveSpanLoss, clampAdaptiveSpans, learnedSpans } from "../../src/attention/adaptiveSpan.js";
import { ConfigSchema, type ModelConfig } from "../../src/config/schema.js";
import { beamSearch } from "../../src/decode/beam.js";
import { greedyDecode } from "../../src/decode/greedy.js";
import { sourceBatch } from "../../src/decode/sourceBatch.js";
import type { DecodableModel } from "../../src/decode/types.js";
import { buildModel } from "../../src/models/build.js";
import type { TransformerSeq2Seq } from "../../src/models/transformer/transformerSeq2Seq.js";
import { UncachedTransformerStepDecoder } from "../../src/models/transformer/uncachedStepDecoder.js";
import type { TranslationModel } from "../../src/models/types.js";
import { add, crossEntropy } from "../../src/ops/index.js";
import { Adam } from "../../src/optim/adam.js";
import { fixedBatches, tinyReverseExamples } from "./tinyTask.js";

const V = 6;
const batches = fixedBatches(tinyReverseExamples(96, V, 2, 5, 3), 16);

function modelConfig(model: Record<string, unknown>): ModelConfig {
  return ConfigSchema.parse({ data: { train: "x" }, model }).model;
}

const transformer = (t: Record<string, unknown>) =>
  modelConfig({ encoder: { type: "transformer", hiddenSize: 16, layers: 1 }, decoder: { type: "transformer", hiddenSize: 16, layers: 1 }, transformer: { heads: 2, ffSize: 32, dropout: 0, ...t } });

/** `steps` Adam steps with the span loss and the clamp of the trainer: the model, the mean loss of the first and last 10 steps. */
function train(cfg: ModelConfig, steps: number): { net: TranslationModel; first: number; last: number } {
  const net = buildModel(cfg, { source: 4 + V, target: 4 + V }, 7);
  const opt = new Adam(net.namedParameters(), { lr: 0.01 });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const b = batches[s % batches.length]!;
    const loss = crossEntropy(net.forward(b).logits, b.tgtOut, { ignoreIndex: 0 });
    const span = adaptiveSpanLoss(net);
    net.zeroGrad();
    (span ? add(loss, span) : loss).backward();
    opt.step();
    clampAdaptiveSpans(net);
    losses.push(loss.item());
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { net, first: mean(losses.slice(0, 10)), last: mean(losses.slice(-10)) };
}

const SPAN = { maxSpan: 6, ramp: 2, lossWeight: 0.01, init: 0.5 };

describe("each position option trains a tiny model", () => {
  const cases: [string, ModelConfig][] = [
    ["transformer, rotary", transformer({ positions: "rotary" })],
    ["transformer, alibi", transformer({ positions: "alibi" })],
    ["transformer, t5 buckets", transformer({ positions: "t5", t5Buckets: 8, t5MaxDistance: 16 })],
    ["transformer, adaptive span", transformer({ adaptiveSpan: SPAN })],
    ["hybrid self-attention with an adaptive span", modelConfig({ encoder: { embeddingSize: 12, hiddenSize: 8, selfAttentionLayers: 1 }, decoder: { embeddingSize: 12, hiddenSize: 24 }, attention: { size: 12 }, transformer: { heads: 2, ffSize: 16, dropout: 0, adaptiveSpan: SPAN } })],
    ["luong local-p as in the paper (Gaussian on the weights)", modelConfig({ encoder: { embeddingSize: 12, hiddenSize: 12 }, decoder: { type: "luong", embeddingSize: 12, hiddenSize: 24 }, attention: { score: "general", scope: "local-p", window: 3, size: 12, localP: "paper" } })],
  ];
  for (const [name, cfg] of cases) {
    it(`${name}: the loss falls by a third in 50 steps`, () => {
      const before = learnedSpans(buildModel(cfg, { source: 4 + V, target: 4 + V }, 7));
      const { net, first, last } = train(cfg, 50);
      expect(Number.isFinite(last)).toBe(true);
      expect(last).toBeLessThan((2 / 3) * first);
      const after = learnedSpans(net);
      expect(after.map((s) => s.attention)).toEqual(before.map((s) => s.attention));
      for (const [i, s] of after.entries()) {
        expect(s.spans.some((x, h) => x !== before[i]!.spans[h]), `the spans of ${s.attention} moved`).toBe(true);
        for (const x of s.spans) expect(x >= 0 && x <= SPAN.maxSpan).toBe(true);
      }
    });
  }

  it("the adaptive spans are every self-attention's, named by module", () => {
    const net = buildModel(transformer({ adaptiveSpan: SPAN }), { source: 10, target: 10 }, 1);
    expect(learnedSpans(net)).toEqual([
      { attention: "encoder.layers.0.self_attn", spans: [3, 3] },
      { attention: "decoder.layers.0.self_attn", spans: [3, 3] },
    ]);
    expect(new Map(net.namedParameters()).get("decoder.layers.0.self_attn.adaptive_span.current_val")?.shape).toEqual([2]);
  });
});

/** The same model, decoding with the O(t²) reference decoder instead of the key/value caches. */
function uncached(model: TransformerSeq2Seq): DecodableModel {
  return { training: model.training, train: (on?: boolean) => model.train(on), encodeBatch: (b) => model.encodeBatch(b), decoder: new UncachedTransformerStepDecoder(model) };
}

describe("cached decoding equals recomputing the prefix, for every position option × normaliser", () => {
  const sources = tinyReverseExamples(6, V, 2, 7, 11).map((e) => e.src);
  const positions: [string, Record<string, unknown>][] = [
    ["rotary", { positions: "rotary" }],
    ["alibi", { positions: "alibi" }],
    ["t5", { positions: "t5", t5Buckets: 6, t5MaxDistance: 8 }],
    ["adaptive span", { adaptiveSpan: { maxSpan: 4, ramp: 1, lossWeight: 0 } }],
  ];
  const normalizers: [string, Record<string, unknown>][] = [
    ["softmax", {}],
    ["sparsemax", { normalizer: "sparsemax" }],
    ["entmax with a learned α", { normalizer: "entmax", learnAlpha: true, alpha: 1.4 }],
    ["entmax15 over the top 2", { normalizer: "entmax15", topK: 2 }],
    ["hard attention", { topK: 1 }],
  ];
  for (const [pName, p] of positions) {
    it(`${pName}: greedy and beam give the same tokens and scores under ${normalizers.map(([n]) => n).join(", ")}`, () => {
      for (const [, n] of normalizers) {
        const model = buildModel(transformer({ ...p, ...n }), { source: 4 + V, target: 4 + V }, 5) as TransformerSeq2Seq;
        model.eval();
        // Untrained tables and spans are trivial (zero bias, z = 0): give them values that matter.
        for (const [name, t] of model.namedParameters()) {
          if (name.endsWith("relative_attention_bias.weight")) t.data.forEach((_, i) => (t.data[i] = Math.sin(3 * i)));
          if (name.endsWith("adaptive_span.current_val")) t.data.forEach((_, i) => (t.data[i] = 0.2 + 0.5 * i));
        }
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
      }
    });
  }
});
