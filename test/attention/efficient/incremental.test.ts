/**
 * Step-by-step decoding with window and Performer decoder self-attention keeps only the variants'
 * own state (efficient/incremental.ts): it equals re-running the decoder over the prefix (greedy
 * and beam search, long outputs), gives the same bits whatever the batch, follows beam search's
 * reindexing, and a step's work does not grow with its position.
 */
import { describe, expect, it } from "vitest";
import { noGrad } from "../../../src/autograd/tape.js";
import { incrementalWork } from "../../../src/attention/efficient/index.js";
import { MultiheadAttention } from "../../../src/attention/multihead.js";
import { createSelfAttention, type SelfAttentionSpec } from "../../../src/attention/efficient/index.js";
import { causalMask } from "../../../src/attention/scaledDotProduct.js";
import { ConfigSchema, type ModelConfig } from "../../../src/config/schema.js";
import { EOS } from "../../../src/data/vocab.js";
import { beamSearch } from "../../../src/decode/beam.js";
import { greedyDecode } from "../../../src/decode/greedy.js";
import { sourceBatch } from "../../../src/decode/sourceBatch.js";
import type { DecodableModel, Hypothesis } from "../../../src/decode/types.js";
import { buildModel } from "../../../src/models/build.js";
import type { TransformerSeq2Seq } from "../../../src/models/transformer/transformerSeq2Seq.js";
import { UncachedTransformerStepDecoder } from "../../../src/models/transformer/uncachedStepDecoder.js";
import { slice } from "../../../src/ops/index.js";
import { Rng } from "../../../src/tensor/rng.js";
import { Tensor } from "../../../src/tensor/tensor.js";
import { tinyReverseExamples } from "../../models/tinyTask.js";

const V = 6;
const vocab = { source: 4 + V, target: 4 + V };
const SPEC: SelfAttentionSpec = { kind: "full", window: 2, globalTokens: 1, projectedLength: 4, maxPositions: 64, shareKV: false, features: 16, redrawEvery: 0 };
const VARIANTS: [string, Record<string, unknown>][] = [
  ["window w = 2, g = 1", { selfAttention: "window", window: 2, globalTokens: 1 }],
  ["window w = 3, g = 0", { selfAttention: "window", window: 3, globalTokens: 0 }],
  ["performer", { selfAttention: "performer", features: 16 }],
];

function model(t: Record<string, unknown>, seed = 5): TransformerSeq2Seq {
  const cfg: ModelConfig = ConfigSchema.parse({
    data: { train: "x" },
    model: { encoder: { type: "transformer", hiddenSize: 16, layers: 2 }, decoder: { type: "transformer", hiddenSize: 16, layers: 2 }, transformer: { heads: 2, ffSize: 32, dropout: 0, maxPositions: 64, ...t } },
  }).model;
  const m = buildModel(cfg, vocab, seed) as TransformerSeq2Seq;
  m.eval();
  // Never end early, so every output runs maxLen steps (long outputs exercise the ring and the rescaling).
  m.output.bias.data[EOS] = -1e4;
  return m;
}

function uncached(m: TransformerSeq2Seq): DecodableModel {
  return { training: m.training, train: (on?: boolean) => m.train(on), encodeBatch: (b) => m.encodeBatch(b), decoder: new UncachedTransformerStepDecoder(m) };
}

function expectClose(a: Hypothesis[], b: Hypothesis[]): void {
  a.forEach((h, i) => {
    expect(h.tokens).toEqual(b[i]!.tokens);
    expect(Math.abs(h.score - b[i]!.score)).toBeLessThan(1e-4);
  });
}

const sources = tinyReverseExamples(5, V, 2, 7, 11).map((e) => e.src);

describe("incremental window / Performer decoding equals recomputing the prefix", () => {
  for (const [name, t] of VARIANTS) {
    it(`${name}: greedy and beam search (28 steps), batch-independent bits`, () => {
      const m = model(t);
      const batch = sourceBatch(sources);
      const greedy = greedyDecode(m, batch, { maxLen: 28 });
      expect(greedy[0]!.tokens.length).toBe(28);
      expectClose(greedy, greedyDecode(uncached(m), batch, { maxLen: 28 }));
      const beam = beamSearch(m, batch, { beam: 3, maxLen: 28, nBest: 3 });
      const reference = beamSearch(uncached(m), batch, { beam: 3, maxLen: 28, nBest: 3 });
      beam.forEach((list, i) => expectClose(list, reference[i]!));
      // One sentence at a time: the same bits (the stabilisers of the encoder's FAVOR+ are per
      // sentence and head, over its real keys, so padding and the other sentences change nothing).
      sources.forEach((src, i) => {
        const alone = sourceBatch([src]);
        expect(greedyDecode(m, alone, { maxLen: 28 })[0]).toEqual(greedy[i]);
        expect(beamSearch(m, alone, { beam: 3, maxLen: 28, nBest: 3 })[0]).toEqual(beam[i]);
      });
    });
  }
});

/** A decoder self-attention layer with the given variant, and random inputs x [N, L, 8]. */
function layer(kind: "window" | "performer", window = 2, globalTokens = 1): MultiheadAttention {
  const rng = new Rng(3);
  return new MultiheadAttention(8, 2, rng, { efficient: createSelfAttention({ ...SPEC, kind, window, globalTokens }, 4, true, rng) });
}
function inputs(N: number, L: number, seed: number): Tensor {
  const rng = new Rng(seed);
  const x = Tensor.zeros([N, L, 8]);
  for (let i = 0; i < x.size; i++) x.data[i] = rng.normal();
  return x;
}

describe("the incremental state of one layer", () => {
  for (const kind of ["window", "performer"] as const) {
    it(`${kind}: steps of 1 and of 3 positions equal the causal forward over 40 positions`, () => {
      const att = layer(kind);
      const x = inputs(3, 40, 1);
      noGrad(() => {
        const full = att.forward(x, x, x, { attnMask: causalMask(40, 40) }).output;
        for (const width of [1, 3]) {
          const cache = att.emptyCache(3, 40);
          for (let t = 0; t < 40; t += width) {
            const T = Math.min(width, 40 - t);
            const r = att.step(slice(x, 1, t, t + T), cache);
            const ref = slice(full, 1, t, t + T);
            for (let i = 0; i < ref.size; i++) expect(r.output.data[i]).toBeCloseTo(ref.data[i]!, 4);
          }
          expect(cache.length).toBe(40);
        }
      });
    });

    it(`${kind}: padded keys are skipped as in the forward`, () => {
      const att = layer(kind);
      const x = inputs(2, 12, 6);
      const pad = new Uint8Array(2 * 12);
      pad[3] = 1; // row 0, position 3
      pad[12 + 7] = 1; // row 1, position 7
      noGrad(() => {
        const full = att.forward(x, x, x, { attnMask: causalMask(12, 12), keyPaddingMask: pad }).output;
        const cache = att.emptyCache(2);
        for (let t = 0; t < 12; t++) {
          const mask = new Uint8Array(2 * (t + 1));
          for (let n = 0; n < 2; n++) mask.set(pad.subarray(n * 12, n * 12 + t + 1), n * (t + 1));
          const r = att.step(slice(x, 1, t, t + 1), cache, { keyPaddingMask: mask }).output;
          const ref = slice(full, 1, t, t + 1);
          for (let i = 0; i < ref.size; i++) expect(r.data[i]).toBeCloseTo(ref.data[i]!, 4);
        }
      });
    });

    it(`${kind}: a row's outputs are the same bits alone and in a batch of 3`, () => {
      const att = layer(kind);
      const x = inputs(3, 30, 5);
      noGrad(() => {
        const batch = att.emptyCache(3);
        const alone = [0, 1, 2].map(() => att.emptyCache(1));
        for (let t = 0; t < 30; t++) {
          const together = att.step(slice(x, 1, t, t + 1), batch).output;
          alone.forEach((cache, n) => {
            const row = slice(slice(x, 0, n, n + 1), 1, t, t + 1);
            expect(Array.from(att.step(row, cache).output.data)).toEqual(Array.from(together.data.subarray(n * 8, (n + 1) * 8)));
          });
        }
      });
    });

    it(`${kind}: select and reorder carry the state rows like the key/value cache (beam reindexing)`, () => {
      const att = layer(kind);
      const x = inputs(3, 12, 2);
      noGrad(() => {
        const a = att.emptyCache(3);
        for (let t = 0; t < 6; t++) att.step(slice(x, 1, t, t + 1), a);
        const rows = Int32Array.from([2, 0, 0]);
        const b = a.select(rows);
        a.reorder(rows);
        // Row i now continues row rows[i]: feed it that row's inputs and compare with a fresh run.
        const permuted = Tensor.zeros([3, 12, 8]);
        rows.forEach((src, i) => permuted.data.set(x.data.subarray(src * 96, (src + 1) * 96), i * 96));
        const fresh = att.emptyCache(3);
        for (let t = 0; t < 6; t++) att.step(slice(permuted, 1, t, t + 1), fresh);
        for (let t = 6; t < 12; t++) {
          const step = slice(permuted, 1, t, t + 1);
          const ra = att.step(step, a).output;
          const rb = att.step(step, b).output;
          const rf = att.step(step, fresh).output;
          expect(Array.from(ra.data)).toEqual(Array.from(rf.data));
          expect(Array.from(rb.data)).toEqual(Array.from(rf.data));
        }
      });
    });
  }

  it("a step's work does not grow with its position: window reads g + w + 1 keys, Performer evaluates 2 feature maps per row and head", () => {
    for (const [kind, perStep] of [["window", { keyReads: 2 * 2 * (1 + 2 + 1), featureMaps: 0 }], ["performer", { keyReads: 0, featureMaps: 2 * 2 * 2 }]] as const) {
      const att = layer(kind, 2, 1);
      const x = inputs(2, 64, 4);
      noGrad(() => {
        const cache = att.emptyCache(2);
        for (let t = 0; t < 64; t++) {
          const before = { ...incrementalWork };
          att.step(slice(x, 1, t, t + 1), cache);
          const work = { keyReads: incrementalWork.keyReads - before.keyReads, featureMaps: incrementalWork.featureMaps - before.featureMaps };
          // The window fills up over the first g + w positions; from then on every step is the same.
          if (t >= 3) expect(work).toEqual(perStep);
          else expect(work.keyReads).toBeLessThanOrEqual(perStep.keyReads);
        }
        // Nothing per position is stored in the key/value cache itself (it never grew).
        expect(cache.capacity).toBe(0);
      });
    }
  });
});
