import { beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema, type ModelConfig } from "../../src/config/schema.js";
import { collate, type Batch, type Example } from "../../src/data/batching.js";
import { beamSearch } from "../../src/decode/beam.js";
import { forcedDecode } from "../../src/decode/forced.js";
import { greedyDecode } from "../../src/decode/greedy.js";
import { sourceBatch } from "../../src/decode/sourceBatch.js";
import type { Hypothesis } from "../../src/decode/types.js";
import { buildModel } from "../../src/models/build.js";
import type { TranslationModel } from "../../src/models/types.js";
import { Adam } from "../../src/optim/adam.js";
import { clipGradNorm } from "../../src/optim/clip.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { expectGradOk } from "../helpers/tensors.js";
import { copyBatches, tinyCopyExamples } from "./copyTask.js";
import { fixedBatches, tinyReverseExamples } from "./tinyTask.js";

/**
 * Coverage (model.attention.coverage, training.coverageLoss) and copy attention
 * (model.decoder.copy) in whole models: they learn, their gradients are right end to end, and
 * decoding is consistent — greedy equals beam 1, beam search moves the coverage state with its
 * hypotheses (teacher forcing reproduces every hypothesis), results do not depend on batching.
 */

function modelConfig(model: Record<string, unknown>): ModelConfig {
  return ConfigSchema.parse({ data: { train: "x" }, model }).model;
}

const small = (over: { encoder?: object; decoder?: object; attention?: object } = {}) => ({
  encoder: { embeddingSize: 16, hiddenSize: 16, ...over.encoder },
  decoder: { embeddingSize: 16, hiddenSize: 32, ...over.decoder },
  attention: { size: 16, ...over.attention },
});

/** `steps` Adam steps (coverage loss λ) over the batches; the mean loss of the first and last 10 steps. */
function train(net: TranslationModel, batches: Batch[], steps: number, lambda: number): { first: number; last: number } {
  const opt = new Adam(net.namedParameters(), { lr: 0.01 });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const b = batches[s % batches.length]!;
    const loss = net.trainingLoss(b, b.tgtOut, { ignoreIndex: 0 }, { coverageLoss: lambda });
    opt.zeroGrad();
    loss.backward();
    clipGradNorm(net.parameters(), 1);
    opt.step();
    losses.push(loss.item());
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { first: mean(losses.slice(0, 10)), last: mean(losses.slice(-10)) };
}

const reverseBatches = () => fixedBatches(tinyReverseExamples(160, 6, 2, 6, 3), 16);
const copyTaskBatches = () => copyBatches(tinyCopyExamples(160, 3), 16);

describe("coverage and copy attention learn", () => {
  const cases: [string, Record<string, unknown>, () => Batch[], number][] = [
    ["bahdanau + additive with coverage and the coverage loss", small({ attention: { coverage: true } }), reverseBatches, 1],
    ["luong + concat with coverage (LSTM, input feeding)", small({ encoder: { type: "lstm" }, decoder: { type: "luong", cell: "lstm" }, attention: { score: "concat", coverage: true } }), reverseBatches, 0],
    ["bahdanau + copy, names outside the vocabulary", small({ decoder: { copy: true } }), copyTaskBatches, 0],
    ["luong + copy + coverage with the coverage loss", small({ decoder: { type: "luong", copy: true }, attention: { coverage: true } }), copyTaskBatches, 0.5],
  ];
  for (const [name, cfg, batches, lambda] of cases) {
    it(`${name}: the loss falls by at least half in 70 steps`, () => {
      const net = buildModel(modelConfig(cfg), { source: 10, target: 10 }, 7);
      const { first, last } = train(net, batches(), 70, lambda);
      expect(last).toBeLessThan(first / 2);
    });
  }
});

describe("gradients through a whole model with copy, coverage and the coverage loss (float64)", () => {
  it("every decoder parameter's gradient agrees with finite differences", () => {
    withFloat64(() => {
      const cfg = modelConfig({ encoder: { embeddingSize: 3, hiddenSize: 3 }, decoder: { embeddingSize: 3, hiddenSize: 4, copy: true }, attention: { size: 3, coverage: true } });
      const net = buildModel(cfg, { source: 10, target: 10 }, 3);
      const examples = tinyCopyExamples(3, 5);
      const batch = collate(examples, [0, 1, 2]);
      expect(batch.copy!.oov).toBeGreaterThan(0);
      const params = net.namedParameters().filter(([n]) => n.startsWith("decoder.") && n !== "decoder.embedding.weight").map(([, p]) => p);
      expectGradOk(() => net.trainingLoss(batch, batch.tgtOut, { ignoreIndex: 0 }, { coverageLoss: 0.7 }), params);
    });
  });
});

describe("decoding a copy + coverage model", () => {
  let model: TranslationModel;
  // Held-out names (n40…n79) never seen in training: only copying can produce them.
  const test = tinyCopyExamples(24, 11, 80);
  const batch = () => sourceBatch(test.map((e) => e.src), test.map((e) => e.copy!));
  beforeAll(() => {
    model = buildModel(modelConfig(small({ decoder: { copy: true }, attention: { coverage: true } })), { source: 10, target: 10 }, 7);
    // Few enough steps that it still makes mistakes, so beam search has choices to re-rank.
    train(model, copyTaskBatches(), 60, 0.5);
  });

  it("copies unseen names (extended ids) and beam 1 equals greedy: tokens, scores, p_gen", () => {
    const greedy = greedyDecode(model, batch(), { maxLen: 10 });
    const beam1 = beamSearch(model, batch(), { beam: 1, maxLen: 10 }).map((l) => l[0]!);
    greedy.forEach((g, i) => {
      expect(beam1[i]!.tokens).toEqual(g.tokens);
      expect(beam1[i]!.score).toBe(g.score);
      expect(beam1[i]!.pGen).toEqual(g.pGen);
      expect(g.pGen).toHaveLength(g.attention.length);
    });
    expect(greedy.some((h) => h.tokens.some((t) => t >= 10))).toBe(true);
  });

  it("beam 4: teacher forcing every finished hypothesis reproduces its log-probability, attention and p_gen (states moved with their rows)", () => {
    const lists = beamSearch(model, batch(), { beam: 4, maxLen: 10, nBest: 4 });
    const pairs = lists.flatMap((l, i) => l.filter((h) => h.finished).map((h) => ({ i, h })));
    expect(pairs.length).toBeGreaterThan(40);
    const examples: Example[] = pairs.map(({ i, h }, k) => ({ src: test[i]!.src, tgt: Int32Array.from([1, ...h.tokens, 2]), index: k, copy: test[i]!.copy! }));
    const forced = forcedDecode(model, collate(examples, examples.map((_, k) => k)));
    const maps = model.attentionMaps(collate(examples, examples.map((_, k) => k)));
    forced.forEach((f, k) => {
      const h = pairs[k]!.h;
      expect(Math.abs(f.logProb - h.logProb)).toBeLessThan(1e-4);
      f.attention.forEach((row, t) => row.forEach((w, s) => expect(Math.abs(w - h.attention[t]![s]!)).toBeLessThan(1e-5)));
      const cross = maps[k]!.find((m) => m.kind === "cross")!;
      cross.pGen!.forEach((p, t) => expect(Math.abs(p - h.pGen[t]!)).toBeLessThan(1e-5));
    });
  });

  it("results do not depend on batching: alone equals in a batch (greedy drops finished rows with their coverage)", () => {
    const together = greedyDecode(model, batch(), { maxLen: 10 });
    const alone: Hypothesis[] = test.map((e) => greedyDecode(model, sourceBatch([e.src], [e.copy!]), { maxLen: 10 })[0]!);
    alone.forEach((h, i) => {
      expect(h.tokens).toEqual(together[i]!.tokens);
      expect(Math.abs(h.score - together[i]!.score)).toBeLessThan(1e-5);
    });
    const beamTogether = beamSearch(model, batch(), { beam: 3, maxLen: 10, nBest: 2 });
    test.forEach((e, i) => {
      const single = beamSearch(model, sourceBatch([e.src], [e.copy!]), { beam: 3, maxLen: 10, nBest: 2 })[0]!;
      single.forEach((h, k) => expect(h.tokens).toEqual(beamTogether[i]![k]!.tokens));
    });
  });

  it("a copy model refuses a batch without the source words", () => {
    expect(() => greedyDecode(model, sourceBatch(test.map((e) => e.src)), { maxLen: 5 })).toThrow(/copy attention needs the source words/);
  });
});
