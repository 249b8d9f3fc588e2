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
  const cases: [string, Record<string, unknown>, () => Batch[], number, number][] = [
    ["bahdanau + additive with coverage and the coverage loss", small({ attention: { coverage: true } }), reverseBatches, 1, 70],
    ["luong + concat with coverage (LSTM, input feeding)", small({ encoder: { type: "lstm" }, decoder: { type: "luong", cell: "lstm" }, attention: { score: "concat", coverage: true } }), reverseBatches, 0, 70],
    ["bahdanau + copy, names outside the vocabulary", small({ decoder: { copy: true } }), copyTaskBatches, 0, 70],
    ["luong + copy + coverage with the coverage loss", small({ decoder: { type: "luong", copy: true }, attention: { coverage: true } }), copyTaskBatches, 0.5, 100],
  ];
  for (const [name, cfg, batches, lambda, steps] of cases) {
    it(`${name}: the loss falls by at least half in ${steps} steps`, () => {
      const net = buildModel(modelConfig(cfg), { source: 10, target: 10 }, 7);
      const { first, last } = train(net, batches(), steps, lambda);
      expect(last).toBeLessThan(first / 2);
    });
  }
});

describe("parameters", () => {
  it("coverage adds attention.score.coverage_proj.weight [A, 1], copy adds copy_gate.weight [1, C + H + E] and .bias; every other tensor is drawn as without them", () => {
    for (const decoder of [{ type: "bahdanau" }, { type: "luong" }]) {
      const plain = buildModel(modelConfig(small({ decoder, attention: { score: "concat" } })), { source: 10, target: 10 }, 7);
      const both = buildModel(modelConfig(small({ decoder: { ...decoder, copy: true }, attention: { score: "concat", coverage: true } })), { source: 10, target: 10 }, 7);
      const before = new Map(plain.namedParameters());
      const added = both.namedParameters().filter(([name, p]) => {
        const old = before.get(name);
        if (old) expect(Array.from(p.data), name).toEqual(Array.from(old.data));
        return !old;
      });
      const C = 32; // the bi-GRU encoder's output size, 2 × 16
      expect(added.map(([n, p]) => [n, p.shape])).toEqual([
        ["decoder.attention.score.coverage_proj.weight", [16, 1]],
        ["decoder.copy_gate.weight", [1, C + 32 + 16]],
        ["decoder.copy_gate.bias", [1]],
      ]);
    }
  });
});

describe("gradients through a whole model with copy, coverage and the coverage loss (float64)", () => {
  it("the gradients of the attention (w_c included), the output layer and p_gen's gate agree with finite differences", () => {
    withFloat64(() => {
      const cfg = modelConfig({ encoder: { embeddingSize: 3, hiddenSize: 3 }, decoder: { embeddingSize: 3, hiddenSize: 4, copy: true }, attention: { size: 3, coverage: true } });
      const net = buildModel(cfg, { source: 10, target: 10 }, 3);
      const examples = tinyCopyExamples(3, 5);
      const batch = collate(examples, [0, 1, 2]);
      expect(batch.copy!.oov).toBeGreaterThan(0);
      // The recurrent layers' gradients are checked elsewhere (test/nn); these are the ones coverage and copy change.
      const params = net.namedParameters().filter(([n]) => /^decoder\.(attention|output|copy_gate)\./.test(n)).map(([, p]) => p);
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
