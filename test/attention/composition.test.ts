/**
 * Attention = score × scope × normaliser, every combination the registry offers (the lists come
 * from src/attention/registry.ts, so a new entry is covered without editing this file), and the
 * same normalisers in every Transformer attention: cached decoding equals the full causal
 * forward, beam rows sharing a sentence's memory equal per-row copies, and the parameter names
 * of a learned α.
 */
import { describe, expect, it } from "vitest";
import { causalMask } from "../../src/attention/scaledDotProduct.js";
import { createAttention } from "../../src/attention/registry.js";
import type { NormalizerSpec } from "../../src/attention/spec.js";
import { noGrad } from "../../src/autograd/tape.js";
import { repeatIndices, selectArrayRows, selectMemoryRows, selectTensorRows } from "../../src/decode/state.js";
import { TransformerDecoder } from "../../src/models/transformer/layers/decoder.js";
import { TransformerEncoderLayer } from "../../src/models/transformer/layers/encoderLayer.js";
import { concat, slice, sum } from "../../src/ops/index.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { maxAbsDiff, padMask } from "../transformer/helpers.js";
import { dimsFor, expectGradOk, flatOutputs, gaussian, makeAttention, maskFromLengths, NORMALIZERS, runAttention, SCOPES, SCORE_KINDS } from "./helpers.js";

const S = 6;
const LENGTHS = [6, 4, 1];
const B = LENGTHS.length;

/** Every normaliser of the registry, plain and over the top 2 scores, and entmax with a learned α. */
const SPECS: NormalizerSpec[] = [
  ...NORMALIZERS.flatMap((normalizer) => [{ normalizer }, { normalizer, topK: 2 }]),
  { normalizer: "entmax", alpha: 1.7, learnAlpha: true },
];
const label = (s: NormalizerSpec) => `${s.normalizer}${s.alpha ? ` α=${s.alpha}` : ""}${s.learnAlpha ? " (learned)" : ""}${s.topK ? ` top-${s.topK}` : ""}`;

describe("recurrent Attention: every score × scope × normaliser", () => {
  for (const kind of SCORE_KINDS) {
    for (const scope of SCOPES) {
      it(`${kind}, ${scope}: distributions over the allowed positions, beam rows equal per-row copies, finite gradients`, () => {
        const { dq, dk } = dimsFor(kind);
        for (const spec of SPECS) {
          const attn = makeAttention(kind, scope, dq, dk, 3, { window: 1, normalizer: spec });
          const rng = new Rng(4);
          const query = gaussian([B, dq], rng, 2);
          const keys = gaussian([B, S, dk], rng, 2);
          keys.requiresGrad = true;
          const { weights, context } = runAttention(attn, query, keys, LENGTHS, 2);
          LENGTHS.forEach((len, b) => {
            const row = Array.from(weights.data.subarray(b * S, b * S + S));
            for (let s = len; s < S; s++) expect(row[s], `${label(spec)} pad`).toBe(0);
            expect(Math.abs(row.reduce((a, x) => a + x, 0) - 1), label(spec)).toBeLessThan(1e-5);
            if (spec.topK) expect(row.filter((w) => w > 0).length, label(spec)).toBeLessThanOrEqual(spec.topK);
          });
          sum(context).backward();
          expect(Array.from(keys.grad!).every(Number.isFinite), label(spec)).toBe(true);
          // G = 3 query rows per sentence read the one prepared memory, as beam search does.
          noGrad(() => {
            const G = 3;
            const q = gaussian([B * G, dq], rng, 2);
            const memory = attn.prepare(keys, maskFromLengths(LENGTHS, S), Int32Array.from(LENGTHS));
            const shared = attn.attend(q, memory, 1);
            const copied = attn.attend(q, selectMemoryRows(memory, repeatIndices(B, G)), 1);
            expect(Array.from(shared.weights.data), label(spec)).toEqual(Array.from(copied.weights.data));
          });
        }
      });
    }
  }

  for (const spec of SPECS) {
    it(`gradient check (float64) through the general score and local-m: ${label(spec)}`, () => {
      withFloat64(() => {
        const attn = makeAttention("general", "local-m", 3, 4, 12, { window: 2, normalizer: spec });
        const rng = new Rng(13);
        const q = gaussian([2, 3], rng);
        const keys = gaussian([2, 5, 4], rng);
        expectGradOk(() => flatOutputs(runAttention(attn, q, keys, [5, 3], 2)), [q, keys, ...attn.parameters()], { atol: 1e-6, rtol: 1e-4 });
      });
    });
  }
});

describe("parameter names of a learned α (docs/checkpoint-format.md)", () => {
  const learned: NormalizerSpec = { normalizer: "entmax", alpha: 1.5, learnAlpha: true };

  it("recurrent attention: normalizer.pre_alpha [1] after the score's and the scope's; none for fixed normalisers", () => {
    const attn = makeAttention("additive", "local-p", 3, 4, 1, { window: 2, normalizer: learned });
    expect(attn.namedParameters().map(([n, t]) => `${n} ${t.shape.join("×")}`)).toEqual([
      "position_v 5×1",
      "score.v 5",
      "score.query_proj.weight 5×3",
      "score.key_proj.weight 5×4",
      "position_proj.weight 5×3",
      "normalizer.pre_alpha 1",
    ]);
    for (const spec of SPECS.filter((s) => !s.learnAlpha)) {
      expect(makeAttention("additive", "global", 3, 4, 1, { normalizer: spec }).namedParameters().some(([n]) => n.startsWith("normalizer")), label(spec)).toBe(false);
    }
  });

  it("the multihead score: mha.normalizer.pre_alpha [heads]", () => {
    const spec = { score: "multihead", scope: "global", window: 1, size: 3, rank: 2, ...learned };
    const attn = createAttention({ queryDim: 8, keyDim: 6, spec, heads: 4, dropout: 0, rng: new Rng(1) });
    expect(attn.namedParameters().filter(([n]) => n.includes("normalizer")).map(([n, t]) => [n, [...t.shape]])).toEqual([["mha.normalizer.pre_alpha", [4]]]);
  });

  it("Transformer layers: one per attention, after its projections; state dicts round-trip", () => {
    const dec = TransformerDecoder.create(1, 8, 2, 6, new Rng(2), { attention: learned });
    const names = dec.namedParameters().map(([n]) => n);
    expect(names.filter((n) => n.includes("alpha"))).toEqual(["layers.0.self_attn.normalizer.pre_alpha", "layers.0.multihead_attn.normalizer.pre_alpha"]);
    expect(names.indexOf("layers.0.self_attn.normalizer.pre_alpha")).toBe(names.indexOf("layers.0.self_attn.out_proj.bias") + 1);
    const enc = new TransformerEncoderLayer(8, 2, 6, new Rng(3), { attention: learned });
    expect(enc.namedParameters().filter(([n]) => n.includes("alpha")).map(([n, t]) => [n, [...t.shape]])).toEqual([["self_attn.normalizer.pre_alpha", [2]]]);
    dec.loadStateDict(dec.stateDict());
    // The softmax default adds nothing: the PyTorch names are unchanged.
    expect(TransformerDecoder.create(1, 8, 2, 6, new Rng(2)).namedParameters().some(([n]) => n.includes("normalizer"))).toBe(false);
  });
});

describe("Transformer attention with every normaliser: incremental decoding", () => {
  const T = 5;
  const Sm = 4;
  const E = 4;
  const Bt = 2;

  /** A 2-layer decoder whose heads have different α when learned (so a wrong head layout shows). */
  function setup(spec: NormalizerSpec, seed: number) {
    const rng = new Rng(seed);
    const dec = TransformerDecoder.create(2, E, 2, 6, rng, { dropout: 0, attention: spec }).eval();
    for (const [n, p] of dec.namedParameters()) if (n.endsWith("pre_alpha")) p.data.forEach((_, h) => (p.data[h] = h === 0 ? -0.5 : 0.8));
    return { dec, tgt: gaussian([Bt, T, E], rng, 2), memory: gaussian([Bt, Sm, E], rng, 2), memoryKeyPaddingMask: padMask([4, 2], Sm) };
  }

  /** The decoder run `chunk` positions per step through its caches, outputs concatenated to [B, T, E]. */
  function stepwise(dec: TransformerDecoder, tgt: Tensor, memory: Tensor, mask: Uint8Array, chunk: number): Tensor {
    let state = dec.initialState(memory, T);
    const outs: Tensor[] = [];
    for (let t = 0; t < T; t += chunk) {
      const r = dec.step(slice(tgt, 1, t, Math.min(T, t + chunk)), state, { memoryKeyPaddingMask: mask });
      state = r.state;
      outs.push(r.output);
    }
    return concat(outs, 1);
  }

  for (const spec of SPECS) {
    it(`${label(spec)}: cached steps (1 or 2 positions) equal the full causal forward (float64, 1e-6); hypothesis rows sharing a sentence equal per-row copies`, () => {
      withFloat64(() => {
        const { dec, tgt, memory, memoryKeyPaddingMask } = setup(spec, 31);
        noGrad(() => {
          const full = dec.forward(tgt, memory, { tgtMask: causalMask(T), memoryKeyPaddingMask });
          for (const chunk of [1, 2]) expect(maxAbsDiff(stepwise(dec, tgt, memory, memoryKeyPaddingMask, chunk).data, full.output.data)).toBeLessThan(1e-6);
          const G = 3;
          const rows = repeatIndices(Bt, G);
          let ref = dec.initialState(selectTensorRows(memory, rows));
          const init = dec.initialState(memory);
          let shared = { layers: init.layers.map((l) => ({ self: l.self.select(rows), cross: l.cross })) };
          for (let t = 0; t < 3; t++) {
            const x = selectTensorRows(slice(tgt, 1, t, t + 1), rows);
            const a = dec.step(x, ref, { memoryKeyPaddingMask: selectArrayRows(memoryKeyPaddingMask, Sm, rows) });
            const b = dec.step(x, shared, { memoryKeyPaddingMask });
            expect(maxAbsDiff(b.output.data, a.output.data)).toBeLessThan(1e-12);
            ref = a.state;
            shared = b.state;
          }
        });
      });
    });
  }
});
