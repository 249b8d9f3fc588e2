import { describe, expect, it } from "vitest";
import { causalMask } from "../../src/attention/scaledDotProduct.js";
import { noGrad } from "../../src/autograd/tape.js";
import { selectArrayRows, selectTensorRows } from "../../src/decode/state.js";
import { TransformerDecoder, decoderStateFromTensors, decoderStateTensors } from "../../src/nn/transformer/decoder.js";
import type { TransformerLayerOptions } from "../../src/nn/transformer/options.js";
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
function stepwise(dec: TransformerDecoder, tgt: Tensor, memory: Tensor, memoryKeyPaddingMask: Uint8Array, chunk = 1): Tensor {
  let state = dec.initialState(memory);
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

  it("the state flattens to batch-first tensors whose rows beam search can reorder", () => {
    withFloat64(() => {
      const { dec, tgt, memory, memoryKeyPaddingMask } = setup(23, {});
      noGrad(() => {
        let state = dec.initialState(memory);
        for (let t = 0; t < 2; t++) state = dec.step(slice(tgt, 1, t, t + 1), state, { memoryKeyPaddingMask }).state;
        const tensors = decoderStateTensors(state);
        expect(tensors.map((x) => x.shape)).toEqual([[B, 2, E], [B, 2, E], [B, S, E], [B, S, E], [B, 2, E], [B, 2, E], [B, S, E], [B, S, E]]);
        // Swap the two sentences in the state and in the inputs: the outputs swap too.
        const rows = Int32Array.from([1, 0]);
        const swapped = decoderStateFromTensors(tensors.map((x) => selectTensorRows(x, rows)));
        const next = slice(tgt, 1, 2, 3);
        const a = dec.step(next, state, { memoryKeyPaddingMask }).output;
        const b = dec.step(selectTensorRows(next, rows), swapped, { memoryKeyPaddingMask: selectArrayRows(memoryKeyPaddingMask, S, rows) }).output;
        expect(maxAbsDiff(selectTensorRows(a, rows).data, b.data)).toBeLessThan(1e-12);
      });
    });
  });
});
