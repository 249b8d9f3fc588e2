import { describe, expect, it } from "vitest";
import type { AttentionMemory } from "../../src/attention/attention.js";
import { MultiheadCrossAttention } from "../../src/attention/multiheadCross.js";
import { noGrad } from "../../src/autograd/tape.js";
import { ConfigSchema } from "../../src/config/schema.js";
import { collate, type Example } from "../../src/data/batching.js";
import { beamSearch } from "../../src/decode/beam.js";
import { forcedDecode } from "../../src/decode/forced.js";
import { sourceBatch } from "../../src/decode/sourceBatch.js";
import { repeatIndices, selectMemoryRows } from "../../src/decode/state.js";
import type { Hypothesis } from "../../src/decode/types.js";
import { buildModel } from "../../src/models/build.js";
import { Rng } from "../../src/tensor/rng.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { dimsFor, gaussian, makeAttention, maskFromLengths, SCOPES, SCORE_KINDS } from "../attention/helpers.js";
import { heldOut, trainedTinyModel } from "./tinyModel.js";

const LENGTHS = [5, 3, 1];
const B = LENGTHS.length;
const S = 5;
const G = 3;
const rows = repeatIndices(B, G);
const bits = (t: Tensor | null) => Array.from(t!.data);

/** The memory repeated per hypothesis — what beam search used to build — to compare against. */
function repeated(memory: AttentionMemory): AttentionMemory {
  return selectMemoryRows(memory, rows);
}

describe("attention with G query rows per sentence equals attention over a per-row copy of the memory", () => {
  for (const kind of SCORE_KINDS) {
    for (const scope of SCOPES) {
      it(`${kind}, ${scope}: identical weights and context`, () => {
        const { dq, dk } = dimsFor(kind);
        const attn = makeAttention(kind, scope, dq, dk, 4, { window: 1 });
        const rng = new Rng(5);
        const keys = gaussian([B, S, dk], rng, 2);
        const query = gaussian([B * G, dq], rng, 2);
        noGrad(() => {
          const memory = attn.prepare(keys, maskFromLengths(LENGTHS, S), Int32Array.from(LENGTHS));
          for (const step of [0, 2, 7]) {
            const shared = attn.attend(query, memory, step);
            const copied = attn.attend(query, repeated(memory), step);
            expect(shared.weights.shape).toEqual([B * G, S]);
            expect(bits(shared.weights)).toEqual(bits(copied.weights));
            expect(bits(shared.context)).toEqual(bits(copied.context));
          }
        });
      });
    }
  }

  it("multihead cross-attention: identical weights and context", () => {
    const rng = new Rng(6);
    const attn = new MultiheadCrossAttention(8, 6, 2, rng, { dropout: 0, dropoutRng: rng });
    const keys = gaussian([B, S, 6], rng, 1);
    const query = gaussian([B * G, 8], rng, 1);
    noGrad(() => {
      const memory = attn.prepare(keys, maskFromLengths(LENGTHS, S), Int32Array.from(LENGTHS));
      const shared = attn.attend(query, memory, 0);
      const copied = attn.attend(query, repeated(memory), 0);
      expect(bits(shared.weights)).toEqual(bits(copied.weights));
      expect(bits(shared.context)).toEqual(bits(copied.context));
      expect(attn.attend(query, memory, 0, { weights: false }).weights).toBeNull();
    });
  });

  it("a query count that is not a multiple of the sentences is refused", () => {
    const attn = makeAttention("additive", "global", 3, 4, 1);
    const rng = new Rng(1);
    const memory = attn.prepare(gaussian([B, S, 4], rng, 1), maskFromLengths(LENGTHS, S), Int32Array.from(LENGTHS));
    expect(() => attn.attend(gaussian([B + 1, 3], rng, 1), memory, 0)).toThrow(/multiple/);
  });
});

/** Teacher forcing each finished hypothesis reproduces its log-probability and attention. */
function expectForcedConsistent(model: ReturnType<typeof trainedTinyModel>, srcs: Int32Array[], lists: Hypothesis[][]): number {
  const pairs = lists.flatMap((l, i) => l.filter((h) => h.finished).map((hyp) => ({ src: srcs[i]!, hyp })));
  const examples: Example[] = pairs.map((p, i) => ({ src: p.src, tgt: Int32Array.from([1, ...p.hyp.tokens, 2]), index: i }));
  forcedDecode(model, collate(examples, examples.map((_, i) => i))).forEach((f, j) => {
    const hyp = pairs[j]!.hyp;
    expect(Math.abs(f.logProb - hyp.logProb)).toBeLessThan(1e-4);
    f.attention.forEach((row, t) => row.forEach((w, s) => expect(Math.abs(w - hyp.attention[t]![s]!)).toBeLessThan(1e-5)));
  });
  return pairs.length;
}

describe("beam search over shared memories, per attention variant", () => {
  const sources = heldOut(24).map((e) => e.src);
  const variants: [string, Parameters<typeof trainedTinyModel>[0]][] = [
    ["multihead", { decoder: { type: "bahdanau" }, attention: { score: "multihead" } }],
    ["concat local-p", { decoder: { type: "luong" }, attention: { score: "concat", scope: "local-p", window: 2 } }],
    ["dot local-m", { decoder: { type: "luong" }, attention: { score: "dot", scope: "local-m", window: 2 } }],
    ["bilinear", { decoder: { type: "bahdanau" }, attention: { score: "bilinear" } }],
  ];
  for (const [name, overrides] of variants) {
    it(`${name}: consistent with teacher forcing; batches of 1 and of 24 give identical bits`, () => {
      const model = trainedTinyModel(overrides, 30);
      const opts = { beam: 3, maxLen: 12, nBest: 3 };
      const many = beamSearch(model, sourceBatch(sources), opts);
      const single = sources.map((s) => beamSearch(model, sourceBatch([s]), opts)[0]!);
      many.forEach((list, i) => {
        expect(list.map((h) => h.tokens)).toEqual(single[i]!.map((h) => h.tokens));
        expect(list.map((h) => h.score)).toEqual(single[i]!.map((h) => h.score));
        expect(list.map((h) => h.attention)).toEqual(single[i]!.map((h) => h.attention));
      });
      expect(expectForcedConsistent(model, sources, many)).toBeGreaterThan(0);
    });
  }
});

describe("attention weights are collected only when asked for", () => {
  it("decoding with attention: false gives the same outputs and no attention rows", () => {
    const model = trainedTinyModel({ decoder: { type: "bahdanau" }, attention: { score: "multihead" } }, 20);
    const batch = sourceBatch(heldOut(10).map((e) => e.src));
    const opts = { beam: 3, maxLen: 12, nBest: 2 };
    const withRows = beamSearch(model, batch, opts);
    const without = beamSearch(model, batch, { ...opts, attention: false });
    without.forEach((list, i) =>
      list.forEach((h, k) => {
        expect(h.tokens).toEqual(withRows[i]![k]!.tokens);
        expect(h.score).toBe(withRows[i]![k]!.score);
        expect(h.attention).toEqual([]);
        expect(withRows[i]![k]!.attention.length).toBeGreaterThan(0);
      }),
    );
  });

  it("a teacher-forced forward returns attention only with { attention: true }", () => {
    for (const decoder of [{ type: "bahdanau" }, { type: "luong" }]) {
      const model = trainedTinyModel({ decoder }, 0);
      const examples = heldOut(4);
      const batch = collate(examples, examples.map((_, i) => i));
      noGrad(() => {
        expect(model.forward(batch).attention).toBeNull();
        const withAttention = model.forward(batch, { attention: true });
        expect(withAttention.attention).toHaveLength(batch.tgtLen);
        expect(Array.from(withAttention.logits.data)).toEqual(Array.from(model.forward(batch).logits.data));
      });
    }
  });

  it("the Transformer's forward too (last layer's cross-attention, heads averaged, per step)", () => {
    const cfg = ConfigSchema.parse({
      data: { train: "x" },
      model: { encoder: { type: "transformer", hiddenSize: 8, layers: 1 }, decoder: { type: "transformer", hiddenSize: 8, layers: 1 }, transformer: { heads: 2, ffSize: 16, dropout: 0 } },
    }).model;
    const model = buildModel(cfg, { source: 10, target: 10 }, 1);
    const examples = heldOut(3);
    const batch = collate(examples, examples.map((_, i) => i));
    noGrad(() => {
      expect(model.forward(batch).attention).toBeNull();
      const maps = model.forward(batch, { attention: true }).attention!;
      expect(maps).toHaveLength(batch.tgtLen);
      expect(maps[0]!.shape).toEqual([batch.batchSize, batch.srcLen]);
    });
  });
});
