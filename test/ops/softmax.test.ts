import { describe, expect, it } from "vitest";
import { gradCheck } from "../../src/autograd/gradcheck.js";
import { crossEntropy, layerNorm, logSoftmax, softmax } from "../../src/ops/index.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { backwardWithR, expectClose, fixtureInts, fixtureTensor, loadFixture } from "../helpers/fixtures.js";

function randn(shape: number[], rng: Rng, scale = 1): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * scale;
  return t;
}

describe("softmax / logSoftmax", () => {
  for (const name of ["softmax", "log_softmax"] as const) {
    it(`matches PyTorch ${name} (output and gradient)`, () => {
      const fx = loadFixture(name);
      const x = fixtureTensor(fx.inputs.x, true);
      const y = name === "softmax" ? softmax(x) : logSoftmax(x);
      expectClose(y.data, fx.outputs.output!, "output");
      backwardWithR(y, fx.inputs.R);
      expectClose(x.grad!, fx.grads.d_x!, "d_x");
    });
  }

  it("gives masked positions exactly zero weight and a fully masked row zeros, not NaN", () => {
    const x = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3], true);
    const mask = Uint8Array.from([0, 1, 0, 1, 1, 1]);
    const y = softmax(x, mask);
    expect(y.data[1]).toBe(0);
    expect(y.data[0]! + y.data[2]!).toBeCloseTo(1, 6);
    expect(Array.from(y.data.subarray(3))).toEqual([0, 0, 0]);
    y.backward(Float32Array.from([1, 2, 3, 4, 5, 6]));
    expect(Array.from(x.grad!).every(Number.isFinite)).toBe(true);
    expect(x.grad![1]).toBe(0);
    expect(Array.from(x.grad!.subarray(3))).toEqual([0, 0, 0]);
  });

  it("is stable for logits of ±1000", () => {
    const y = softmax(Tensor.from([1000, -1000, 1000], [1, 3]));
    expect(Array.from(y.data)).toEqual([0.5, 0, 0.5]);
    const l = logSoftmax(Tensor.from([1000, 0], [1, 2]));
    expect(l.data[0]).toBe(0);
    expect(l.data[1]).toBe(-1000);
  });

  it("passes finite-difference gradient checks with and without a mask", () => {
    withFloat64(() => {
      const rng = new Rng(1);
      const x = randn([3, 4, 5], rng);
      const mask = new Uint8Array(60);
      for (let i = 0; i < 60; i++) mask[i] = rng.next() < 0.3 ? 1 : 0;
      for (const f of [() => softmax(x), () => logSoftmax(x), () => softmax(x, mask)]) {
        const r = gradCheck(f, [x]);
        expect(r.ok, r.worst).toBe(true);
      }
    });
  });
});

describe("crossEntropy", () => {
  for (const name of ["cross_entropy_label_smoothing", "cross_entropy_sum"]) {
    it(`matches PyTorch ${name}`, () => {
      const fx = loadFixture(name);
      const logits = fixtureTensor(fx.inputs.logits, true);
      const loss = crossEntropy(logits, fixtureInts(fx.inputs.targets), {
        ignoreIndex: fx.inputs.ignore_index as number,
        labelSmoothing: fx.inputs.label_smoothing as number,
        reduction: fx.inputs.reduction as "mean" | "sum",
      });
      expectClose(loss.data, fx.outputs.loss!, "loss");
      backwardWithR(loss, fx.inputs.R);
      expectClose(logits.grad!, fx.grads.d_logits!, "d_logits");
    });
  }

  it("passes a gradient check with ignore-index and label smoothing", () => {
    withFloat64(() => {
      const x = randn([6, 5], new Rng(2));
      const t = Int32Array.from([1, 0, 4, 2, 0, 3]);
      const r = gradCheck(() => crossEntropy(x, t, { ignoreIndex: 0, labelSmoothing: 0.2 }), [x]);
      expect(r.ok, r.worst).toBe(true);
    });
  });
});

describe("layerNorm", () => {
  it("matches PyTorch nn.LayerNorm", () => {
    const fx = loadFixture("layer_norm");
    const x = fixtureTensor(fx.inputs.x, true);
    const w = fixtureTensor(fx.params.weight, true);
    const b = fixtureTensor(fx.params.bias, true);
    const y = layerNorm(x, w, b, fx.inputs.eps as number);
    expectClose(y.data, fx.outputs.output!, "output");
    backwardWithR(y, fx.inputs.R);
    expectClose(x.grad!, fx.grads.d_x!, "d_x");
    expectClose(w.grad!, fx.grads.d_weight!, "d_weight");
    expectClose(b.grad!, fx.grads.d_bias!, "d_bias");
  });

  it("passes a gradient check", () => {
    withFloat64(() => {
      const rng = new Rng(3);
      const x = randn([2, 3, 6], rng);
      const w = randn([6], rng);
      const b = randn([6], rng);
      const r = gradCheck(() => layerNorm(x, w, b), [x, w, b]);
      expect(r.ok, r.worst).toBe(true);
    });
  });
});
