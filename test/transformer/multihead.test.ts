import { describe, expect, it } from "vitest";
import { mergeHeads, MultiheadAttention, splitHeads } from "../../src/attention/multihead.js";
import { attentionMask, causalMask, scaledDotProductAttention } from "../../src/attention/scaledDotProduct.js";
import { noGrad } from "../../src/autograd/tape.js";
import { slice } from "../../src/ops/index.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { flatConcat } from "../nn/helpers.js";
import { expectGradOk, gradCase, randn } from "../helpers/tensors.js";
import { allFinite, padMask } from "./helpers.js";

describe("MultiheadAttention: layout and init", () => {
  it("has PyTorch's parameter names and shapes, Xavier in_proj_weight and zero biases", () => {
    const m = new MultiheadAttention(8, 2, new Rng(1));
    expect(m.namedParameters().map(([n, t]) => [n, t.shape])).toEqual([
      ["in_proj_weight", [24, 8]],
      ["in_proj_bias", [24]],
      ["out_proj.weight", [8, 8]],
      ["out_proj.bias", [8]],
    ]);
    const bound = Math.sqrt(6 / (8 + 24));
    expect(Math.max(...m.inProjWeight!.data.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...m.inProjWeight!.data.map(Math.abs))).toBeGreaterThan(bound * 0.8);
    expect(m.inProjBias!.data.every((v) => v === 0)).toBe(true);
    expect(m.outProj.bias!.data.every((v) => v === 0)).toBe(true);
    expect(Math.max(...m.outProj.weight.data.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(8));
  });

  it("uses separate q/k/v_proj_weight with kdim/vdim and drops the biases with bias: false", () => {
    const m = new MultiheadAttention(4, 2, new Rng(1), { kdim: 3, vdim: 5, bias: false });
    expect(m.namedParameters().map(([n, t]) => [n, t.shape])).toEqual([
      ["q_proj_weight", [4, 4]],
      ["k_proj_weight", [4, 3]],
      ["v_proj_weight", [4, 5]],
      ["out_proj.weight", [4, 4]],
    ]);
    expect(() => new MultiheadAttention(6, 4, new Rng(1))).toThrow(/divisible/);
  });

  it("splitHeads gives head j the features j·d…(j+1)·d−1 and mergeHeads inverts it", () => {
    const x = Tensor.from(Array.from({ length: 2 * 3 * 4 }, (_, i) => i), [2, 3, 4]);
    const h = splitHeads(x, 2);
    expect(h.shape).toEqual([4, 3, 2]);
    // batch 1, head 1, position 2: features 2, 3 of x[1, 2].
    expect(Array.from(h.data.subarray((3 * 3 + 2) * 2, (3 * 3 + 2) * 2 + 2))).toEqual([22, 23]);
    expect(Array.from(mergeHeads(h, 2).data)).toEqual(Array.from(x.data));
  });
});

describe("MultiheadAttention: masks", () => {
  it("a causal mask gives weights exactly 0 above the diagonal, rows summing to 1", () => {
    const rng = new Rng(3);
    const m = new MultiheadAttention(6, 3, rng);
    const x = randn([2, 5, 6], rng);
    const { weights } = m.forward(x, x, x, { attnMask: causalMask(5) });
    expect(weights.shape).toEqual([2, 3, 5, 5]);
    for (let r = 0; r < 2 * 3 * 5; r++) {
      const i = r % 5;
      let s = 0;
      for (let j = 0; j < 5; j++) {
        const w = weights.data[r * 5 + j]!;
        if (j > i) expect(w).toBe(0);
        else expect(w).toBeGreaterThan(0);
        s += w;
      }
      expect(s).toBeCloseTo(1, 5);
    }
  });

  it("a fully masked row gives zero weights and a finite output and gradient, not NaN", () => {
    const rng = new Rng(4);
    const m = new MultiheadAttention(4, 2, rng);
    const x = randn([2, 3, 4], rng);
    x.requiresGrad = true;
    const mem = randn([2, 3, 4], rng);
    // Batch row 1: every memory key padded.
    const r = m.forward(x, mem, mem, { keyPaddingMask: padMask([2, 0], 3) });
    expect(allFinite(r.output.data) && allFinite(r.weights.data)).toBe(true);
    expect(Array.from(r.weights.data.subarray(2 * 3 * 3)).every((w) => w === 0)).toBe(true);
    // With zero attention the head outputs are 0: the row is out_proj's bias.
    for (let t = 0; t < 3; t++) expect(Array.from(r.output.data.subarray((3 + t) * 4, (4 + t) * 4))).toEqual(Array.from(m.outProj.bias!.data));
    r.output.backward(new Float32Array(r.output.size).fill(1));
    expect(allFinite(x.grad!) && allFinite(m.inProjWeight!.grad!)).toBe(true);
  });

  it("attentionMask combines key padding [B·S] and attention [T·S] masks per head", () => {
    const m = attentionMask(2, 2, 2, 3, Uint8Array.from([0, 0, 1, 1, 0, 0]), Uint8Array.from([0, 1, 0, 0, 0, 0]));
    expect(Array.from(m!)).toEqual([0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0]);
    expect(attentionMask(2, 2, 2, 3)).toBeNull();
    expect(Array.from(causalMask(2, 4))).toEqual([0, 0, 0, 1, 0, 0, 0, 0]);
  });
});

describe("MultiheadAttention: gradient checks (float64)", () => {
  it("self-attention with key padding and a causal mask (output and weights)", () => {
    gradCase(5, (rng) => {
      const m = new MultiheadAttention(4, 2, rng);
      const x = randn([2, 3, 4], rng);
      const opts = { keyPaddingMask: padMask([3, 2], 3), attnMask: causalMask(3) };
      expectGradOk(() => {
        const r = m.forward(x, x, x, opts);
        return flatConcat([r.output, r.weights]);
      }, [x, ...m.parameters()]);
    });
  });

  it("cross-attention with key = value, and with distinct key and value", () => {
    gradCase(6, (rng) => {
      const m = new MultiheadAttention(4, 2, rng);
      const q = randn([2, 2, 4], rng);
      const mem = randn([2, 3, 4], rng);
      const v = randn([2, 3, 4], rng);
      const keyPaddingMask = padMask([3, 1], 3);
      expectGradOk(() => flatConcat(Object.values(m.forward(q, mem, mem, { keyPaddingMask }))), [q, mem, ...m.parameters()]);
      expectGradOk(() => m.forward(q, mem, v, { keyPaddingMask }).output, [q, mem, v, m.inProjWeight!]);
    });
  });

  it("kdim/vdim projections without biases", () => {
    gradCase(7, (rng) => {
      const m = new MultiheadAttention(4, 2, rng, { kdim: 3, vdim: 5, bias: false });
      const q = randn([1, 2, 4], rng);
      const k = randn([1, 3, 3], rng);
      const v = randn([1, 3, 5], rng);
      expectGradOk(() => m.forward(q, k, v).output, [q, k, v, ...m.parameters()]);
    });
  });

  it("scaledDotProductAttention on its own, with a score bias", () => {
    gradCase(8, (rng) => {
      const q = randn([2, 3, 2], rng);
      const k = randn([2, 4, 2], rng);
      const v = randn([2, 4, 3], rng);
      const bias = randn([2, 3, 4], rng);
      const mask = attentionMask(1, 2, 3, 4, Uint8Array.from([0, 0, 0, 1]));
      expectGradOk(() => scaledDotProductAttention(q, k, v, mask, { scoreBias: bias }).output, [q, k, v, bias]);
    });
  });
});

describe("MultiheadAttention: dropout and incremental steps", () => {
  it("drops attention weights only in training; returned weights are the undropped distribution", () => {
    const rng = new Rng(9);
    const m = new MultiheadAttention(4, 2, rng, { dropout: 0.5 });
    const x = randn([1, 6, 4], rng);
    const train = m.forward(x, x, x);
    m.eval();
    const evalOut = noGrad(() => m.forward(x, x, x));
    expect(Array.from(train.weights.data)).toEqual(Array.from(evalOut.weights.data));
    expect(Array.from(train.output.data)).not.toEqual(Array.from(evalOut.output.data));
  });

  it("step() through a sequence equals forward() with a causal mask (float64, to 1e-12)", () => {
    withFloat64(() => {
      const rng = new Rng(10);
      const m = new MultiheadAttention(4, 2, rng);
      const x = randn([2, 4, 4], rng);
      const full = m.forward(x, x, x, { attnMask: causalMask(4) });
      let cache = m.emptyCache(2, 4);
      for (let t = 0; t < 4; t++) {
        const s = noGrad(() => m.step(slice(x, 1, t, t + 1), cache));
        cache = s.cache;
        expect(cache.length).toBe(t + 1);
        expect(cache.read("keys").shape).toEqual([2, 2, t + 1, 2]);
        for (let b = 0; b < 2; b++) {
          for (let f = 0; f < 4; f++) expect(Math.abs(s.output.data[b * 4 + f]! - full.output.data[(b * 4 + t) * 4 + f]!)).toBeLessThan(1e-12);
        }
      }
    });
  });
});
