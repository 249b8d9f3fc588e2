import { describe, expect, it } from "vitest";
import { MultiheadAttention } from "../../src/attention/multihead.js";
import { sinusoidalPositions } from "../../src/nn/positions/sinusoidal.js";
import { TransformerDecoderLayer } from "../../src/models/transformer/layers/decoderLayer.js";
import { TransformerEncoderLayer } from "../../src/models/transformer/layers/encoderLayer.js";
import type { Module } from "../../src/nn/module.js";
import { Rng } from "../../src/tensor/rng.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { expectClose, fixtureMask, loadFixture, type TorchFixture } from "../helpers/fixtures.js";
import { expectFixtureParity } from "../nn/helpers.js";

/** The layer hyperparameters a fixture records. */
function sizes(fx: TorchFixture): { d: number; heads: number; ff: number; normFirst: boolean } {
  const i = fx.inputs;
  return { d: i.d_model as number, heads: i.nhead as number, ff: i.dim_feedforward as number, normFirst: i.norm_first as boolean };
}

/** Every weight of a masked key must be exactly zero: weights [B, heads, T, S], mask [B·S]. */
function expectMaskedZero(weights: Float32Array | Float64Array, shape: readonly number[], keyMask: Uint8Array): void {
  const [B, H, T, S] = shape as [number, number, number, number];
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) {
    if (keyMask[b * S + s]) expect(weights[((b * H + h) * T + t) * S + s]).toBe(0);
  }
}

describe("MultiheadAttention matches torch.nn.MultiheadAttention", () => {
  it("self-attention with key_padding_mask: output, per-head weights, d_x and every parameter gradient", () => {
    const fx = loadFixture("multihead_attention");
    const m = new MultiheadAttention(fx.inputs.embed_dim as number, fx.inputs.num_heads as number, new Rng(1));
    const keyPaddingMask = fixtureMask(fx.inputs.key_padding_mask);
    expectFixtureParity(fx, m, ["x"], ({ x }) => {
      const r = m.forward(x!, x!, x!, { keyPaddingMask, needWeights: true });
      expectMaskedZero(r.weights.data, r.weights.shape, keyPaddingMask);
      return { output: r.output, weights: r.weights };
    });
  });

  it("cross-attention over a padded memory: output, weights, d_query, d_memory and parameter gradients", () => {
    const fx = loadFixture("multihead_attention_cross");
    const m = new MultiheadAttention(fx.inputs.embed_dim as number, fx.inputs.num_heads as number, new Rng(2));
    const keyPaddingMask = fixtureMask(fx.inputs.key_padding_mask);
    expectFixtureParity(fx, m, ["query", "memory"], ({ query, memory }) => {
      const r = m.forward(query!, memory!, memory!, { keyPaddingMask });
      expectMaskedZero(r.weights.data, r.weights.shape, keyPaddingMask);
      return { output: r.output, weights: r.weights };
    });
  });
});

interface LayerCase {
  names: string[];
  inputs: string[];
  build: (d: number, heads: number, ff: number, normFirst: boolean) => Module;
  run: (layer: Module, fx: TorchFixture, x: Record<string, Tensor>) => Tensor;
}

const LAYER_CASES: LayerCase[] = [
  {
    names: ["transformer_encoder_layer", "transformer_encoder_layer_norm_first"],
    inputs: ["src"],
    build: (d, heads, ff, normFirst) => new TransformerEncoderLayer(d, heads, ff, new Rng(3), { dropout: 0, normFirst }),
    run: (layer, fx, { src }) => (layer as TransformerEncoderLayer).forward(src!, { keyPaddingMask: fixtureMask(fx.inputs.src_key_padding_mask) }).output,
  },
  {
    names: ["transformer_decoder_layer", "transformer_decoder_layer_norm_first"],
    inputs: ["tgt", "memory"],
    build: (d, heads, ff, normFirst) => new TransformerDecoderLayer(d, heads, ff, new Rng(4), { dropout: 0, normFirst }),
    run: (layer, fx, { tgt, memory }) => {
      const memoryKeyPaddingMask = fixtureMask(fx.inputs.memory_key_padding_mask);
      const r = (layer as TransformerDecoderLayer).forward(tgt!, memory!, { tgtMask: fixtureMask(fx.inputs.tgt_mask), memoryKeyPaddingMask });
      expectMaskedZero(r.crossWeights.data, r.crossWeights.shape, memoryKeyPaddingMask);
      return r.output;
    },
  },
];

describe("Transformer layers match torch 1.13", () => {
  for (const c of LAYER_CASES) {
    for (const name of c.names) {
      it(`${name}: output and every gradient`, () => {
        const fx = loadFixture(name);
        const { d, heads, ff, normFirst } = sizes(fx);
        expect(fx.description).toContain("activation=relu");
        const layer = c.build(d, heads, ff, normFirst);
        expect(layer.namedParameters().map(([n]) => n)).toEqual(Object.keys(fx.params));
        expectFixtureParity(fx, layer, c.inputs, (x) => ({ output: c.run(layer, fx, x) }));
      });
    }
  }
});

describe("sinusoidal positions", () => {
  it("match the PyTorch table", () => {
    const fx = loadFixture("sinusoidal_positions");
    const pe = sinusoidalPositions(fx.inputs.max_len as number, fx.inputs.d_model as number);
    expect(pe.shape).toEqual(fx.outputs.pe!.shape);
    expectClose(pe.data, fx.outputs.pe!, "pe");
  });
});
