/**
 * The attention weights hook (attention/weightsTransform.ts) and explain's transforms: a transform
 * that returns the weights unchanged leaves every number bit for bit as without one; the context
 * is averaged with what a transform returns; rows of other heads pass untouched.
 */
import { describe, expect, it } from "vitest";
import { Attention } from "../../../src/attention/attention.js";
import { MultiheadAttention } from "../../../src/attention/multihead.js";
import { noGrad } from "../../../src/autograd/tape.js";
import { sourceBatch } from "../../../src/decode/sourceBatch.js";
import { decodeStep } from "../../../src/decode/step.js";
import type { TranslationModel } from "../../../src/models/types.js";
import { Rng } from "../../../src/tensor/rng.js";
import { Tensor } from "../../../src/tensor/tensor.js";
import { attentionSites, withWeightsTransforms } from "../../../src/workflows/explain/attentionSites.js";
import { permuteWeights, recordWeights, replaceRows, uniformWeights } from "../../../src/workflows/explain/weightOverrides.js";
import { randn } from "../../helpers/tensors.js";
import { recurrent, transformer } from "./models.js";

/** Log-probabilities of three greedy-free steps (fixed inputs) and the attention of each. */
function steps(net: TranslationModel): number[][] {
  return noGrad(() => {
    let state = net.decoder.init(net.encodeBatch(sourceBatch([Int32Array.of(4, 5, 6, 2)])), { steps: 3 });
    const out: number[][] = [];
    for (let t = 0; t < 3; t++) {
      const r = decodeStep(net, Int32Array.of([1, 7, 8][t]!), state, t, true);
      out.push(Array.from(r.logProbs), Array.from(r.weights!.data));
      state = r.state;
    }
    return out;
  });
}

describe("the weights hook", () => {
  const models: [string, () => TranslationModel][] = [
    ["bahdanau", () => recurrent({ type: "bahdanau" })],
    ["luong, multihead score", () => recurrent({ type: "luong", hiddenSize: 8 }, { score: "multihead" })],
    ["transformer", () => transformer()],
  ];
  for (const [name, make] of models) {
    it(`${name}: a transform returning the weights unchanged changes no bit`, () => {
      const net = make();
      const plain = steps(net);
      let calls = 0;
      const hooked = withWeightsTransforms(attentionSites(net), () => recordWeights(() => calls++), () => steps(net));
      expect(calls).toBeGreaterThan(0);
      expect(hooked).toEqual(plain);
      expect(steps(net)).toEqual(plain);
    });
  }

  it("Attention: the context is the average of the keys under the weights the transform returns", () => {
    noGrad(() => {
      const att = (recurrent({ type: "bahdanau" }) as unknown as { decoder: { attention: Attention } }).decoder.attention;
      const rng = new Rng(2);
      const keys = randn([1, 4, 10], rng);
      const memory = att.prepare(keys, new Uint8Array(4), Int32Array.of(4));
      att.weightsTransform = replaceRows(uniformWeights, null);
      const { context, weights } = att.attend(randn([1, 7], rng), memory, 0);
      att.weightsTransform = null;
      expect(Array.from(weights.data)).toEqual([0.25, 0.25, 0.25, 0.25]);
      for (let d = 0; d < 10; d++) expect(context.data[d]).toBeCloseTo((keys.data[d]! + keys.data[10 + d]! + keys.data[20 + d]! + keys.data[30 + d]!) / 4, 6);
    });
  });

  it("MultiheadAttention: the transform sees [B·heads, rowsPerHead, S] and its output is what is returned", () => {
    noGrad(() => {
      const rng = new Rng(3);
      const mha = new MultiheadAttention(8, 2, rng);
      const layouts: string[] = [];
      mha.weightsTransform = (w, layout) => {
        layouts.push(`${w.shape.join("x")} ${layout.heads}/${layout.rowsPerHead}`);
        return replaceRows(uniformWeights, 1)(w, layout);
      };
      const x = randn([1, 3, 8], rng);
      const memory = randn([1, 5, 8], rng);
      const r = mha.forward(x, memory, memory);
      mha.weightsTransform = null;
      expect(layouts).toEqual(["2x3x5 2/3"]);
      const w = Array.from(r.weights.data);
      expect(w.slice(15)).toEqual(new Array(15).fill(Math.fround(1 / 5))); // head 1: uniform
      expect(w.slice(0, 15)).not.toEqual(new Array(15).fill(Math.fround(1 / 5))); // head 0: the model's
      expect(Array.from(r.weights.data)).not.toEqual(Array.from(mha.forward(x, memory, memory).weights.data));
    });
  });
});

describe("explain's weight transforms", () => {
  it("permute each selected row by the same permutation, a'_j = a_{π(j)}, and keep the others", () => {
    const w = Tensor.from([0.1, 0.2, 0.7, 0.5, 0.25, 0.25], [2, 1, 3]);
    const out = replaceRows(permuteWeights(Int32Array.of(2, 0, 1)), null)(w, { heads: 2, rowsPerHead: 1 });
    expect(Array.from(out.data)).toEqual(Array.from(Float32Array.of(0.7, 0.1, 0.2, 0.25, 0.5, 0.25)));
    const onlyHead0 = replaceRows(permuteWeights(Int32Array.of(2, 0, 1)), 0)(w, { heads: 2, rowsPerHead: 1 });
    expect(Array.from(onlyHead0.data)).toEqual(Array.from(Float32Array.of(0.7, 0.1, 0.2, 0.5, 0.25, 0.25)));
    expect(Array.from(w.data)).toEqual(Array.from(Float32Array.of(0.1, 0.2, 0.7, 0.5, 0.25, 0.25)));
  });
});
