import { describe, expect, it } from "vitest";
import { causalMask } from "../../src/attention/scaledDotProduct.js";
import { noGrad } from "../../src/autograd/tape.js";
import { selectArrayRows, selectTensorRows } from "../../src/decode/state.js";
import { TransformerDecoder, selectDecoderStateRows } from "../../src/models/transformer/layers/decoder.js";
import type { TransformerLayerOptions } from "../../src/models/transformer/layers/options.js";
import { concat, slice } from "../../src/ops/index.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { randn } from "../helpers/tensors.js";
import { maxAbsDiff, padMask } from "./helpers.js";

const B = 2;
const T = 5;
const S = 4;
const E = 4;

/** A random 2-layer decoder stack, a target and a padded memory (current dtype). */
function setup(seed: number, opts: TransformerLayerOptions) {
  const rng = new Rng(seed);
  const dec = TransformerDecoder.create(2, E, 2, 6, rng, { dropout: 0, ...opts }).eval();
  return { dec, tgt: randn([B, T, E], rng), memory: randn([B, S, E], rng), memoryKeyPaddingMask: padMask([4, 2], S) };
}

/** The decoder run position by position through its caches, outputs concatenated to [B, T, E]. */
function stepwise(dec: TransformerDecoder, tgt: Tensor, memory: Tensor, memoryKeyPaddingMask: Uint8Array, chunk = 1, capacity = 0): Tensor {
  let state = dec.initialState(memory, capacity);
  const outs: Tensor[] = [];
  for (let t = 0; t < T; t += chunk) {
    const r = dec.step(slice(tgt, 1, t, Math.min(T, t + chunk)), state, { memoryKeyPaddingMask });
    state = r.state;
    outs.push(r.output);
  }
  return concat(outs, 1);
}

const CASES: [string, TransformerLayerOptions][] = [
  ["post-norm", {}],
  ["pre-norm with final norm", { normFirst: true }],
  ["Shaw relative positions", { relative: { maxDistance: 2 } }],
  ["T5-style relative bias", { relativeBias: { maxDistance: 2 }, normFirst: true }],
];

describe("cached incremental decoding equals the full causal forward", () => {
  for (const [name, opts] of CASES) {
    it(`${name}: float64 to 1e-6, one position per step and two`, () => {
      withFloat64(() => {
        const { dec, tgt, memory, memoryKeyPaddingMask } = setup(21, opts);
        // Give the T5 bias non-zero values so it matters.
        for (const [n, p] of dec.namedParameters()) if (n.includes("relative_attention_bias")) p.data.forEach((_, i) => (p.data[i] = Math.sin(i)));
        noGrad(() => {
          const full = dec.forward(tgt, memory, { tgtMask: causalMask(T), memoryKeyPaddingMask }).output;
          expect(maxAbsDiff(stepwise(dec, tgt, memory, memoryKeyPaddingMask).data, full.data)).toBeLessThan(1e-6);
          expect(maxAbsDiff(stepwise(dec, tgt, memory, memoryKeyPaddingMask, 2).data, full.data)).toBeLessThan(1e-6);
          // Preallocated for every position, or too small (the cache grows).
          expect(maxAbsDiff(stepwise(dec, tgt, memory, memoryKeyPaddingMask, 1, T).data, full.data)).toBeLessThan(1e-6);
          expect(maxAbsDiff(stepwise(dec, tgt, memory, memoryKeyPaddingMask, 2, 3).data, full.data)).toBeLessThan(1e-6);
        });
      });
    });
  }

  it("float32 to 1e-5", () => {
    const { dec, tgt, memory, memoryKeyPaddingMask } = setup(22, { normFirst: true });
    noGrad(() => {
      const full = dec.forward(tgt, memory, { tgtMask: causalMask(T), memoryKeyPaddingMask }).output;
      expect(maxAbsDiff(stepwise(dec, tgt, memory, memoryKeyPaddingMask).data, full.data)).toBeLessThan(1e-5);
    });
  });

  it("the caches are preallocated, split by head and appended in place", () => {
    withFloat64(() => {
      const { dec, tgt, memory, memoryKeyPaddingMask } = setup(24, {});
      noGrad(() => {
        const state = dec.initialState(memory, T);
        const caches = state.layers.map((l) => l.self);
        for (let t = 0; t < 3; t++) {
          const next = dec.step(slice(tgt, 1, t, t + 1), state, { memoryKeyPaddingMask }).state;
          next.layers.forEach((l, i) => expect(l.self).toBe(caches[i])); // the same storage, extended
        }
        for (const c of caches) {
          expect(c.length).toBe(3);
          expect(c.capacity).toBe(T);
          expect(c.read("keys").shape).toEqual([B, 2, 3, E / 2]);
        }
        // Cross-attention keys/values: once per sentence, split by head.
        expect(state.layers[0]!.cross.key.shape).toEqual([B, 2, S, E / 2]);
      });
    });
  });

  it("selecting rows of the state moves every row's caches and memory together", () => {
    withFloat64(() => {
      const { dec, tgt, memory, memoryKeyPaddingMask } = setup(23, {});
      noGrad(() => {
        let state = dec.initialState(memory);
        for (let t = 0; t < 2; t++) state = dec.step(slice(tgt, 1, t, t + 1), state, { memoryKeyPaddingMask }).state;
        // Swap the two sentences in the state and in the inputs: the outputs swap too.
        const rows = Int32Array.from([1, 0]);
        const swapped = selectDecoderStateRows(state, rows);
        const next = slice(tgt, 1, 2, 3);
        const a = dec.step(next, state, { memoryKeyPaddingMask }).output;
        const b = dec.step(selectTensorRows(next, rows), swapped, { memoryKeyPaddingMask: selectArrayRows(memoryKeyPaddingMask, S, rows) }).output;
        expect(maxAbsDiff(selectTensorRows(a, rows).data, b.data)).toBeLessThan(1e-12);
      });
    });
  });

  it("hypothesis rows share their sentence's cross-attention memory (beam layout, G rows per sentence)", () => {
    const { dec, tgt, memory, memoryKeyPaddingMask } = setup(25, { normFirst: true });
    noGrad(() => {
      const G = 3;
      const rows = Int32Array.from({ length: B * G }, (_, r) => Math.floor(r / G));
      // Reference: every row its own copy of its sentence (memory and mask repeated).
      let ref = dec.initialState(selectTensorRows(memory, rows));
      const refMask = selectArrayRows(memoryKeyPaddingMask, S, rows);
      // Shared: the memory stays [B, …]; only the self-attention caches have G·B rows.
      const init = dec.initialState(memory);
      let shared = { layers: init.layers.map((l) => ({ self: l.self.select(rows), cross: l.cross })) };
      for (let t = 0; t < 3; t++) {
        const x = selectTensorRows(slice(tgt, 1, t, t + 1), rows);
        const a = dec.step(x, ref, { memoryKeyPaddingMask: refMask });
        const b = dec.step(x, shared, { memoryKeyPaddingMask });
        expect(Array.from(b.output.data)).toEqual(Array.from(a.output.data));
        expect(b.crossWeights[1]!.shape).toEqual([B * G, 2, 1, S]);
        expect(Array.from(b.crossWeights[1]!.data)).toEqual(Array.from(a.crossWeights[1]!.data));
        ref = a.state;
        shared = b.state;
      }
    });
  });
});
