/**
 * model.transformer.selfAttention (window, linformer, performer) in whole models built from
 * config: each variant trains a tiny model (the loss falls), the parameter estimate equals the
 * built model, the default `full` is untouched (no extra parameters), and a Transformer decodes
 * the same with and without its key/value caches.
 */
import { describe, expect, it } from "vitest";
import { noGrad } from "../../src/autograd/tape.js";
import { estimateModelSize } from "../../src/config/modelSize.js";
import { ConfigSchema, type ModelConfig } from "../../src/config/schema.js";
import { greedyDecode } from "../../src/decode/greedy.js";
import { sourceBatch } from "../../src/decode/sourceBatch.js";
import type { DecodableModel } from "../../src/decode/types.js";
import { buildModel } from "../../src/models/build.js";
import type { TransformerSeq2Seq } from "../../src/models/transformer/transformerSeq2Seq.js";
import { UncachedTransformerStepDecoder } from "../../src/models/transformer/uncachedStepDecoder.js";
import { crossEntropy } from "../../src/ops/index.js";
import { Adam } from "../../src/optim/adam.js";
import { fixedBatches, tinyReverseExamples } from "./tinyTask.js";

const V = 6;
const vocab = { source: 4 + V, target: 4 + V };
const batches = fixedBatches(tinyReverseExamples(96, V, 2, 5, 3), 16);

function modelConfig(model: Record<string, unknown>): ModelConfig {
  return ConfigSchema.parse({ data: { train: "x" }, model }).model;
}
const transformer = (t: Record<string, unknown>) =>
  modelConfig({ encoder: { type: "transformer", hiddenSize: 16, layers: 1 }, decoder: { type: "transformer", hiddenSize: 16, layers: 1 }, transformer: { heads: 2, ffSize: 32, dropout: 0, ...t } });

const VARIANTS: [string, Record<string, unknown>][] = [
  ["window", { selfAttention: "window", window: 2, globalTokens: 1 }],
  ["linformer", { selfAttention: "linformer", projectedLength: 4, maxPositions: 16 }],
  ["linformer, shared E = F", { selfAttention: "linformer", projectedLength: 4, maxPositions: 16, shareKV: true }],
  ["performer", { selfAttention: "performer", features: 16, redrawEvery: 10 }],
];

describe("each efficient self-attention trains a tiny model", () => {
  for (const [name, t] of VARIANTS) {
    it(`${name}: the loss falls by a third in 50 steps; the parameter estimate is exact`, () => {
      const cfg = transformer(t);
      const net = buildModel(cfg, vocab, 7);
      expect(estimateModelSize(cfg, vocab).parameters).toBe(net.numParameters());
      const opt = new Adam(net.namedParameters(), { lr: 0.01 });
      const losses: number[] = [];
      for (let s = 0; s < 50; s++) {
        const b = batches[s % batches.length]!;
        const loss = crossEntropy(net.forward(b).logits, b.tgtOut, { ignoreIndex: 0 });
        net.zeroGrad();
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(Number.isFinite(mean(losses.slice(-10)))).toBe(true);
      expect(mean(losses.slice(-10))).toBeLessThan((2 / 3) * mean(losses.slice(0, 10)));
    });
  }

  it("names: self_attn.linformer.E/F, self_attn.performer.features; full adds nothing", () => {
    const names = (t: Record<string, unknown>) => buildModel(transformer(t), vocab, 1).namedParameters().map(([n]) => n);
    const full = names({});
    expect(names({ selfAttention: "window" })).toEqual(full);
    expect(names({ selfAttention: "linformer", maxPositions: 16 }).filter((n) => !full.includes(n))).toEqual(["encoder.layers.0.self_attn.linformer.E", "encoder.layers.0.self_attn.linformer.F"]);
    expect(names({ selfAttention: "performer" }).filter((n) => !full.includes(n))).toEqual(["encoder.layers.0.self_attn.performer.features", "decoder.layers.0.self_attn.performer.features"]);
  });
});

function uncached(model: TransformerSeq2Seq): DecodableModel {
  return { training: model.training, train: (on?: boolean) => model.train(on), encodeBatch: (b) => model.encodeBatch(b), decoder: new UncachedTransformerStepDecoder(model) };
}

describe("cached decoding equals recomputing the prefix", () => {
  const sources = tinyReverseExamples(6, V, 2, 7, 11).map((e) => e.src);
  for (const [name, t] of VARIANTS) {
    it(`${name}: greedy gives the same tokens, scores and attention`, () => {
      const model = buildModel(transformer(t), vocab, 5) as TransformerSeq2Seq;
      model.eval();
      const batch = sourceBatch(sources);
      const cached = greedyDecode(model, batch, { maxLen: 9 });
      const reference = greedyDecode(uncached(model), batch, { maxLen: 9 });
      cached.forEach((h, i) => {
        expect(h.tokens).toEqual(reference[i]!.tokens);
        expect(h.score).toBeCloseTo(reference[i]!.score, 4);
      });
    });
  }

  it("dump weights are the implied attention matrix (rows sum to 1 over real keys)", () => {
    const model = buildModel(transformer({ selfAttention: "window", window: 1 }), vocab, 5) as TransformerSeq2Seq;
    model.eval();
    noGrad(() => {
      const b = batches[0]!;
      const r = model.encoder.forward(model.embedTokens("src", b.src, b.batchSize, b.srcLen), { keyPaddingMask: b.srcMask });
      const w = r.weights[0]!;
      expect(w.shape).toEqual([b.batchSize, 2, b.srcLen, b.srcLen]);
      for (let i = 0; i < b.srcLen; i++) for (let j = 0; j < b.srcLen; j++) if (Math.abs(i - j) > 1) expect(w.data[i * b.srcLen + j]).toBe(0);
    });
  });
});
