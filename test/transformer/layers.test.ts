import { describe, expect, it } from "vitest";
import { causalMask } from "../../src/attention/scaledDotProduct.js";
import { noGrad } from "../../src/autograd/tape.js";
import { TransformerDecoder } from "../../src/models/transformer/layers/decoder.js";
import { TransformerDecoderLayer } from "../../src/models/transformer/layers/decoderLayer.js";
import { TransformerEncoder } from "../../src/models/transformer/layers/encoder.js";
import { TransformerEncoderLayer } from "../../src/models/transformer/layers/encoderLayer.js";
import { xavierInitMatrices } from "../../src/models/transformer/layers/init.js";
import { Rng } from "../../src/tensor/rng.js";
import { flatConcat } from "../nn/helpers.js";
import { expectGradOk, gradCase, randn } from "../helpers/tensors.js";
import { padMask } from "./helpers.js";

describe("Transformer layers: gradient checks (float64)", () => {
  for (const normFirst of [false, true]) {
    const kind = normFirst ? "pre-norm" : "post-norm";

    it(`encoder layer, ${kind}, relu and gelu, with key padding`, () => {
      gradCase(normFirst ? 11 : 12, (rng) => {
        for (const activation of ["relu", "gelu"] as const) {
          const layer = new TransformerEncoderLayer(4, 2, 6, rng, { dropout: 0, normFirst, activation });
          const src = randn([2, 3, 4], rng);
          const keyPaddingMask = padMask([3, 2], 3);
          expectGradOk(() => {
            const r = layer.forward(src, { keyPaddingMask });
            return flatConcat([r.output, r.weights]);
          }, [src, ...layer.parameters()]);
        }
      });
    });

    it(`decoder layer, ${kind}, causal self-attention and a padded memory`, () => {
      gradCase(normFirst ? 13 : 14, (rng) => {
        const layer = new TransformerDecoderLayer(4, 2, 6, rng, { dropout: 0, normFirst, activation: "gelu" });
        const tgt = randn([2, 3, 4], rng);
        const memory = randn([2, 2, 4], rng);
        const opts = { tgtMask: causalMask(3), memoryKeyPaddingMask: padMask([2, 1], 2) };
        expectGradOk(() => {
          const r = layer.forward(tgt, memory, opts);
          return flatConcat([r.output, r.selfWeights, r.crossWeights]);
        }, [tgt, memory, ...layer.parameters()]);
      });
    });
  }
});

describe("Transformer stacks", () => {
  it("name parameters layers.<i>.… and norm.*, with the final norm on by default only for pre-norm", () => {
    const rng = new Rng(15);
    const post = TransformerEncoder.create(2, 4, 2, 6, rng);
    expect(post.norm).toBeNull();
    expect(post.namedParameters().map(([n]) => n)).toContain("layers.1.self_attn.in_proj_weight");
    const pre = TransformerDecoder.create(2, 4, 2, 6, rng, { normFirst: true });
    const names = pre.namedParameters().map(([n]) => n);
    expect(names).toContain("layers.0.multihead_attn.out_proj.weight");
    expect(names.slice(-2)).toEqual(["norm.weight", "norm.bias"]);
    expect(TransformerEncoder.create(1, 4, 2, 6, rng, { normFirst: true, finalNorm: false }).norm).toBeNull();
    expect(TransformerEncoder.create(1, 4, 2, 6, rng, { finalNorm: true }).norm).not.toBeNull();
  });

  it("return one weight tensor per layer and attention", () => {
    const rng = new Rng(16);
    const enc = TransformerEncoder.create(2, 4, 2, 6, rng, { dropout: 0 });
    const dec = TransformerDecoder.create(3, 4, 2, 6, rng, { dropout: 0 });
    const src = randn([2, 5, 4], rng);
    const e = enc.forward(src, { keyPaddingMask: padMask([5, 3], 5) });
    expect(e.weights.map((w) => w.shape)).toEqual([[2, 2, 5, 5], [2, 2, 5, 5]]);
    const d = dec.forward(randn([2, 3, 4], rng), e.output, { tgtMask: causalMask(3) });
    expect(d.output.shape).toEqual([2, 3, 4]);
    expect(d.selfWeights.length).toBe(3);
    expect(d.crossWeights[2]!.shape).toEqual([2, 2, 3, 5]);
  });

  it("dropout is active in training and off after eval()", () => {
    const rng = new Rng(17);
    const enc = TransformerEncoder.create(1, 4, 2, 6, rng, { dropout: 0.3 });
    const src = randn([1, 4, 4], rng);
    const a = noGrad(() => enc.forward(src).output);
    const b = noGrad(() => enc.forward(src).output);
    expect(Array.from(a.data)).not.toEqual(Array.from(b.data));
    enc.eval();
    const c = noGrad(() => enc.forward(src).output);
    const d = noGrad(() => enc.forward(src).output);
    expect(Array.from(c.data)).toEqual(Array.from(d.data));
  });

  it("xavierInitMatrices re-initialises every matrix and leaves vectors alone (nn.Transformer's reset)", () => {
    const rng = new Rng(18);
    const layer = new TransformerEncoderLayer(4, 2, 8, rng);
    const before = new Map(layer.namedParameters().map(([n, t]) => [n, Array.from(t.data)]));
    xavierInitMatrices(layer, rng);
    for (const [n, t] of layer.namedParameters()) {
      if (t.ndim > 1) {
        expect(Array.from(t.data), n).not.toEqual(before.get(n));
        const [out, inp] = t.shape as [number, number];
        expect(Math.max(...t.data.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / (out + inp)));
      } else expect(Array.from(t.data), n).toEqual(before.get(n));
    }
  });
});
