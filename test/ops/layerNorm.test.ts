import { describe, expect, it } from "vitest";
import { layerNorm } from "../../src/ops/index.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { backwardWithR, expectClose, expectFixtureGrads, fixtureTensor, loadFixture } from "../helpers/fixtures.js";
import { expectGradOk, gradCase, randn } from "../helpers/tensors.js";

describe("layerNorm", () => {
  it("matches PyTorch nn.LayerNorm", () => {
    const fx = loadFixture("layer_norm");
    const x = fixtureTensor(fx.inputs.x, true);
    const w = fixtureTensor(fx.params.weight, true);
    const b = fixtureTensor(fx.params.bias, true);
    const y = layerNorm(x, w, b, fx.inputs.eps as number);
    expectClose(y.data, fx.outputs.output!, "output");
    backwardWithR(y, fx.inputs.R);
    expectFixtureGrads(fx, { x, weight: w, bias: b });
  });

  it("normalises each row to mean 0 and variance 1 with unit weight", () => {
    const y = layerNorm(Tensor.from([1, 2, 3, 4, 10, 10, 10, 10], [2, 4]), Tensor.full([4], 1), Tensor.zeros([4]));
    const row = y.toArray().slice(0, 4);
    expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(0, 6);
    expect(row.reduce((a, v) => a + v * v, 0) / 4).toBeCloseTo(1, 4);
    // A constant row normalises to 0, not NaN, thanks to eps.
    expect(y.toArray().slice(4)).toEqual([0, 0, 0, 0]);
  });

  it("passes gradient checks", () => {
    gradCase(3, (rng) => {
      const x = randn([2, 3, 6], rng);
      const w = randn([6], rng);
      const b = randn([6], rng);
      expectGradOk(() => layerNorm(x, w, b), [x, w, b]);
      const x2 = randn([4, 3], rng, 0.1);
      const w2 = randn([3], rng);
      const b2 = randn([3], rng);
      expectGradOk(() => layerNorm(x2, w2, b2, 1e-3), [x2, w2, b2]);
    });
  });

  it("rejects weight or bias of the wrong size, naming the shapes", () => {
    expect(() => layerNorm(Tensor.zeros([2, 4]), Tensor.zeros([3]), Tensor.zeros([4]))).toThrow(/^layerNorm: .*\[2, 4\].*\[3\]/);
    expect(() => layerNorm(Tensor.zeros([2, 4]), Tensor.zeros([4]), Tensor.zeros([5]))).toThrow(/^layerNorm: .*\[2, 4\].*\[4\].*\[5\]/);
  });
});
