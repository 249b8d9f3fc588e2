/**
 * How long a sentence a Transformer takes: learned positions exactly up to their table
 * (maxPositions − 1 tokens a side, maxPositions decoding steps); sinusoidal and relative
 * positions at any length, with the same numbers as a model whose table was large from the start.
 */
import { describe, expect, it } from "vitest";
import { noGrad } from "../../src/autograd/tape.js";
import { ConfigSchema } from "../../src/config/schema.js";
import { collate } from "../../src/data/batching.js";
import { greedyDecode } from "../../src/decode/greedy.js";
import { sourceBatch } from "../../src/decode/sourceBatch.js";
import { buildModel } from "../../src/models/build.js";
import type { TranslationModel } from "../../src/models/types.js";
import { tinyReverseExamples } from "./tinyTask.js";

function transformer(positions: "sinusoidal" | "learned" | "relative", maxPositions: number): TranslationModel {
  const model = ConfigSchema.parse({
    data: { train: "x" },
    model: {
      encoder: { type: "transformer", hiddenSize: 8, layers: 1 },
      decoder: { type: "transformer", hiddenSize: 8, layers: 1 },
      transformer: { heads: 2, ffSize: 16, dropout: 0, positions, maxPositions, maxRelativeDistance: 3 },
    },
  }).model;
  const net = buildModel(model, { source: 10, target: 10 }, 5);
  net.eval();
  return net;
}

/** Teacher-forced loss of examples with `tokens` tokens a side. */
function lossAt(model: TranslationModel, tokens: number): number {
  const examples = tinyReverseExamples(3, 6, tokens, tokens, 9);
  const batch = collate(examples, [0, 1, 2]);
  return noGrad(() => model.trainingLoss(batch, batch.tgtOut, { ignoreIndex: 0 }).item());
}

function decodeAt(model: TranslationModel, tokens: number, maxLen: number) {
  return greedyDecode(model, sourceBatch(tinyReverseExamples(2, 6, tokens, tokens, 4).map((e) => e.src)), { maxLen, attention: false });
}

describe("sequence lengths a Transformer takes", () => {
  it("learned positions: maxPositions − 1 tokens a side and maxPositions decoding steps fit; one more does not", () => {
    const model = transformer("learned", 6);
    expect(Number.isFinite(lossAt(model, 5))).toBe(true); // 5 tokens + </s> = 6 source positions; <s> + 5 = 6 target positions
    // The untrained model never says </s>, so decoding runs all 6 steps: positions 0 … 5.
    const hyps = decodeAt(model, 5, 6);
    expect(hyps.map((h) => [h.finished, h.tokens.length])).toEqual([[false, 6], [false, 6]]);
    // Callers (config check, data filter, translate/dump-attention checks) never get further; the table guards itself.
    expect(() => lossAt(model, 6)).toThrow(/exceed the table's 6/);
    expect(() => decodeAt(model, 5, 7)).toThrow(/exceed the table's 6/);
  });

  for (const positions of ["sinusoidal", "relative"] as const) {
    it(`${positions} positions: 40-token sentences with maxPositions 4 give the numbers of a model with maxPositions 256`, () => {
      const small = transformer(positions, 4);
      const large = transformer(positions, 256);
      const loss = lossAt(small, 40);
      expect(Number.isFinite(loss)).toBe(true);
      expect(loss).toBe(lossAt(large, 40));
      const a = decodeAt(small, 40, 50);
      const b = decodeAt(large, 40, 50);
      expect(a.map((h) => h.tokens)).toEqual(b.map((h) => h.tokens));
      expect(a.map((h) => h.score)).toEqual(b.map((h) => h.score));
    });
  }
});
