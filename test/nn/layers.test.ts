import { describe, expect, it } from "vitest";
import { Dropout } from "../../src/nn/dropout.js";
import { Embedding } from "../../src/nn/embedding.js";
import { LayerNorm } from "../../src/nn/layerNorm.js";
import { Linear } from "../../src/nn/linear.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { fixtureInts, loadFixture } from "../helpers/fixtures.js";
import { expectFixtureParity, expectGradCheck, randn } from "./helpers.js";

describe("Linear", () => {
  it("matches torch.nn.Linear (output and all gradients)", () => {
    const fx = loadFixture("linear");
    const m = new Linear(fx.inputs.in_features as number, fx.inputs.out_features as number, new Rng(0));
    expectFixtureParity(fx, m, ["x"], ({ x }) => ({ output: m.forward(x!) }));
  });

  it("maps [..., in] to [..., out] and passes a gradient check, with and without bias", () => {
    withFloat64(() => {
      const rng = new Rng(1);
      for (const bias of [true, false]) {
        const m = new Linear(3, 2, rng, { bias });
        const x = randn([2, 4, 3], rng);
        expect(m.forward(x).shape).toEqual([2, 4, 2]);
        expectGradCheck(() => m.forward(x), [x, ...m.parameters()]);
      }
    });
  });

  it("names a wrong input width", () => {
    expect(() => new Linear(3, 2, new Rng(1)).forward(Tensor.zeros([2, 4]))).toThrow(/Linear: expected 3 input features/);
  });
});

describe("Embedding", () => {
  it("matches torch.nn.Embedding with padding_idx (padding row grad is zero)", () => {
    const fx = loadFixture("embedding");
    const m = new Embedding(fx.inputs.num_embeddings as number, fx.inputs.embedding_dim as number, new Rng(0), { paddingIdx: fx.inputs.padding_idx as number });
    const ids = fixtureInts(fx.inputs.ids);
    expectFixtureParity(fx, m, [], () => ({ output: m.forward(ids, [2, 4]) }));
  });

  it("gives the padding row no gradient and zero init, also for a negative paddingIdx", () => {
    const m = new Embedding(4, 3, new Rng(2), { paddingIdx: -1 });
    expect(m.paddingIdx).toBe(3);
    expect(Array.from(m.weight.data.subarray(9))).toEqual([0, 0, 0]);
    const y = m.forward(Int32Array.from([3, 1, 3, 0]), [4]);
    y.backward(new Float32Array(12).fill(1));
    expect(Array.from(m.weight.grad!.subarray(9))).toEqual([0, 0, 0]);
    expect(Array.from(m.weight.grad!.subarray(3, 6))).toEqual([1, 1, 1]);
    expect(() => new Embedding(4, 3, new Rng(2), { paddingIdx: 4 })).toThrow(/out of range/);
  });

  it("passes a gradient check on its weight (no padding row: its gradient is zero by design)", () => {
    withFloat64(() => {
      const m = new Embedding(5, 3, new Rng(3));
      const ids = Int32Array.from([1, 4, 4, 0, 2, 1]);
      expectGradCheck(() => m.forward(ids, [2, 3]), [m.weight]);
    });
  });
});

describe("LayerNorm", () => {
  it("matches torch.nn.LayerNorm", () => {
    const fx = loadFixture("layer_norm");
    const m = new LayerNorm(fx.inputs.normalized_shape as number, { eps: fx.inputs.eps as number });
    expectFixtureParity(fx, m, ["x"], ({ x }) => ({ output: m.forward(x!) }));
  });

  it("starts at weight 1, bias 0 and passes a gradient check", () => {
    withFloat64(() => {
      const rng = new Rng(4);
      const m = new LayerNorm(4);
      expect(Array.from(m.weight.data)).toEqual([1, 1, 1, 1]);
      expect(Array.from(m.bias.data)).toEqual([0, 0, 0, 0]);
      m.weight.data.set(randn([4], rng).data);
      m.bias.data.set(randn([4], rng).data);
      const x = randn([3, 4], rng);
      expectGradCheck(() => m.forward(x), [x, m.weight, m.bias]);
    });
  });
});

describe("Dropout", () => {
  it("drops and rescales in training mode and is the identity in eval mode", () => {
    const d = new Dropout(0.5, new Rng(5));
    const x = Tensor.full([1000], 1);
    const y = d.forward(x);
    const kept = Array.from(y.data).filter((v) => v !== 0);
    expect(kept.every((v) => v === 2)).toBe(true);
    expect(kept.length).toBeGreaterThan(400);
    expect(kept.length).toBeLessThan(600);
    d.eval();
    expect(d.forward(x)).toBe(x);
    expect(() => new Dropout(1, new Rng(1))).toThrow(/p must be/);
  });

  it("draws the same masks from the same seed", () => {
    const x = Tensor.full([50], 1);
    const a = new Dropout(0.3, new Rng(7)).forward(x);
    const b = new Dropout(0.3, new Rng(7)).forward(x);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });
});
