import { describe, expect, it } from "vitest";
import { ConfigSchema } from "../../src/config/schema.js";
import { collate } from "../../src/data/batching.js";
import { beamSearch } from "../../src/decode/beam.js";
import { greedyDecode } from "../../src/decode/greedy.js";
import { sourceBatch } from "../../src/decode/sourceBatch.js";
import type { DecodableModel } from "../../src/decode/types.js";
import { buildModel } from "../../src/models/build.js";
import { TransformerSeq2Seq } from "../../src/models/transformer/transformerSeq2Seq.js";
import { UncachedTransformerStepDecoder } from "../../src/models/transformer/uncachedStepDecoder.js";
import { crossEntropy } from "../../src/ops/index.js";
import { Adam } from "../../src/optim/adam.js";
import { fixedBatches, tinyReverseExamples } from "./tinyTask.js";

function trainedTransformer(positions: "sinusoidal" | "relative", normFirst: boolean): TransformerSeq2Seq {
  const cfg = ConfigSchema.parse({
    data: { train: "x" },
    model: {
      encoder: { type: "transformer", hiddenSize: 16, layers: 2 },
      decoder: { type: "transformer", hiddenSize: 16, layers: 2 },
      transformer: { heads: 2, ffSize: 32, dropout: 0, positions, normFirst, maxRelativeDistance: 4 },
    },
  }).model;
  const net = buildModel(cfg, { source: 10, target: 10 }, 3) as TransformerSeq2Seq;
  const batches = fixedBatches(tinyReverseExamples(96, 6, 2, 6, 5), 16);
  const opt = new Adam(net.namedParameters(), { lr: 0.01 });
  for (let s = 0; s < 120; s++) {
    const b = batches[s % batches.length]!;
    const loss = crossEntropy(net.forward(b).logits, b.tgtOut, { ignoreIndex: 0 });
    net.zeroGrad();
    loss.backward();
    opt.step();
  }
  return net;
}

/** The same model, decoding with the O(t²) reference decoder instead of the key/value caches. */
function uncached(model: TransformerSeq2Seq): DecodableModel {
  return { training: model.training, train: (on?: boolean) => model.train(on), encodeBatch: (b) => model.encodeBatch(b), decoder: new UncachedTransformerStepDecoder(model) };
}

describe("Transformer decoding with cached keys/values", () => {
  const sources = tinyReverseExamples(12, 6, 2, 7, 11).map((e) => e.src);
  for (const [positions, normFirst] of [["sinusoidal", false], ["relative", true]] as const) {
    it(`gives the same tokens and scores as recomputing the prefix (${positions}, ${normFirst ? "pre" : "post"}-norm)`, () => {
      const model = trainedTransformer(positions, normFirst);
      const batch = sourceBatch(sources);
      const cached = greedyDecode(model, batch, { maxLen: 10 });
      const reference = greedyDecode(uncached(model), batch, { maxLen: 10 });
      cached.forEach((h, i) => {
        expect(h.tokens).toEqual(reference[i]!.tokens);
        expect(h.score).toBeCloseTo(reference[i]!.score, 4);
        h.attention.forEach((row, t) => row.forEach((w, s) => expect(w).toBeCloseTo(reference[i]!.attention[t]![s]!, 5)));
      });
      const beamCached = beamSearch(model, batch, { beam: 3, maxLen: 10, nBest: 3 });
      const beamRef = beamSearch(uncached(model), batch, { beam: 3, maxLen: 10, nBest: 3 });
      beamCached.forEach((list, i) =>
        list.forEach((h, k) => {
          expect(h.tokens).toEqual(beamRef[i]![k]!.tokens);
          expect(h.score).toBeCloseTo(beamRef[i]![k]!.score, 4);
        }),
      );
    });
  }

  it("decoder self-attention never looks ahead: every dumped weight above the diagonal is exactly 0", () => {
    const model = trainedTransformer("sinusoidal", false);
    const examples = tinyReverseExamples(8, 6, 2, 7, 13);
    const batch = collate(examples, examples.map((_, i) => i));
    const maps = model.attentionMaps(batch);
    let checked = 0;
    for (const sentence of maps) {
      for (const m of sentence.filter((x) => x.kind === "decoder-self")) {
        m.weights.forEach((row, i) => {
          row.forEach((w, j) => {
            if (j > i) expect(w).toBe(0);
          });
          expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        });
        checked++;
      }
      expect(sentence.filter((x) => x.kind === "encoder-self")).toHaveLength(2 * 2);
      expect(sentence.filter((x) => x.kind === "cross")).toHaveLength(2 * 2);
    }
    expect(checked).toBe(8 * 2 * 2);
  });
});
