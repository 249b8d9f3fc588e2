import { describe, expect, it } from "vitest";
import { ConfigSchema, type ModelConfig } from "../../src/config/schema.js";
import { buildModel } from "../../src/models/build.js";
import { crossEntropy } from "../../src/ops/index.js";
import { Adam } from "../../src/optim/adam.js";
import { clipGradNorm } from "../../src/optim/clip.js";
import { fixedBatches, tinyReverseExamples } from "./tinyTask.js";

function modelConfig(overrides: Record<string, unknown>): ModelConfig {
  return ConfigSchema.parse({ data: { train: "x" }, model: overrides }).model;
}

/** Train on a tiny reversal task and return the mean loss of the first and last 20 steps. */
function trainTiny(model: ModelConfig, steps: number): { first: number; last: number } {
  const V = 6;
  const net = buildModel(model, { source: 4 + V, target: 4 + V }, 7);
  const batches = fixedBatches(tinyReverseExamples(160, V, 2, 5, 3), 16);
  const opt = new Adam(net.namedParameters(), { lr: 0.01 });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const batch = batches[s % batches.length]!;
    const { logits } = net.forward(batch);
    const loss = crossEntropy(logits, batch.tgtOut, { ignoreIndex: 0 });
    opt.zeroGrad();
    loss.backward();
    clipGradNorm(net.parameters(), 1);
    opt.step();
    losses.push(loss.item());
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { first: mean(losses.slice(0, 20)), last: mean(losses.slice(-20)) };
}

const small = { encoder: { embeddingSize: 16, hiddenSize: 16 }, decoder: { embeddingSize: 16, hiddenSize: 32 }, attention: { size: 16, rank: 4 } };

describe("recurrent models learn a tiny reversal task", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["none (thought vector), GRU", { decoder: { type: "none" } }],
    ["bahdanau + additive, GRU", { decoder: { type: "bahdanau" }, attention: { score: "additive" } }],
    ["bahdanau + concat, LSTM", { encoder: { type: "lstm" }, decoder: { type: "bahdanau", cell: "lstm" }, attention: { score: "concat" } }],
    ["luong + general, input feeding", { decoder: { type: "luong" }, attention: { score: "general" } }],
    ["luong + dot", { decoder: { type: "luong" }, attention: { score: "dot" } }],
    ["luong + bilinear, local-p", { decoder: { type: "luong" }, attention: { score: "bilinear", scope: "local-p", window: 3 } }],
    ["luong + scaled-dot, local-m", { decoder: { type: "luong", inputFeeding: false }, attention: { score: "scaled-dot", scope: "local-m", window: 6 } }],
    ["hybrid: bi-GRU + self-attention encoder, bahdanau decoder with multihead cross-attention", { encoder: { selfAttentionLayers: 1 }, decoder: { type: "bahdanau" }, attention: { score: "multihead" } }],
  ];
  for (const [name, cfg] of cases) {
    it(`${name}: loss falls by at least half`, () => {
      const merged = {
        encoder: { ...small.encoder, ...(cfg.encoder as object) },
        decoder: { ...small.decoder, ...(cfg.decoder as object) },
        attention: { ...small.attention, ...(cfg.attention as object) },
        transformer: { heads: 2, ffSize: 32, dropout: 0 },
      };
      const { first, last } = trainTiny(modelConfig(merged), 300);
      expect(last).toBeLessThan(first / 2);
    });
  }
});

describe("the Transformer learns a tiny task", () => {
  for (const positions of ["sinusoidal", "learned", "relative"] as const) {
    it(`copy-reverse with ${positions} positions: loss falls by at least half`, () => {
      const cfg = ConfigSchema.parse({
        data: { train: "x" },
        model: {
          encoder: { type: "transformer", hiddenSize: 16, layers: 1 },
          decoder: { type: "transformer", hiddenSize: 16, layers: 1 },
          transformer: { heads: 2, ffSize: 32, dropout: 0, positions, maxRelativeDistance: 6 },
        },
      }).model;
      const { first, last } = trainTiny(cfg, 300);
      expect(last).toBeLessThan(first / 2);
    });
  }
});
