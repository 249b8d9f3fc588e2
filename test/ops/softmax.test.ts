import { describe, expect, it } from "vitest";
import { logSoftmax, maskedFill, softmax } from "../../src/ops/index.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { backwardWithR, expectClose, fixtureTensor, loadFixture } from "../helpers/fixtures.js";
import { expectGradOk, gradCase, randMask, randn } from "../helpers/tensors.js";

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

  it("logSoftmax gives masked positions -Infinity and no gradient", () => {
    const x = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3], true);
    const y = logSoftmax(x, Uint8Array.from([0, 1, 0, 1, 1, 1]));
    expect(y.data[1]).toBe(-Infinity);
    expect(Math.exp(y.data[0]!) + Math.exp(y.data[2]!)).toBeCloseTo(1, 6);
    expect(Array.from(y.data.subarray(3))).toEqual([-Infinity, -Infinity, -Infinity]);
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
    const n = logSoftmax(Tensor.from([-1000, -1000], [1, 2]));
    expect(n.data[0]).toBeCloseTo(-Math.LN2, 6);
  });

  it("propagates NaN within its row only", () => {
    const y = softmax(Tensor.from([NaN, 1, 2, 3], [2, 2]));
    expect(Number.isNaN(y.data[1])).toBe(true);
    expect(y.data[2]! + y.data[3]!).toBeCloseTo(1, 6);
  });

  it("rejects a mask of the wrong size", () => {
    expect(() => softmax(Tensor.zeros([2, 3]), new Uint8Array(3))).toThrow(/^softmax: mask has 3 entries.*\[2, 3\]/);
    expect(() => logSoftmax(Tensor.zeros([2, 3]), new Uint8Array(7))).toThrow(/^logSoftmax: mask has 7 entries.*\[2, 3\]/);
  });

  it("pass finite-difference gradient checks with and without a mask", () => {
    gradCase(1, (rng) => {
      const x = randn([3, 4, 5], rng);
      const mask = randMask(60, rng, 0.3);
      mask.fill(1, 5, 10); // one fully masked row
      expectGradOk(() => softmax(x), [x]);
      expectGradOk(() => logSoftmax(x), [x]);
      expectGradOk(() => softmax(x, mask), [x]);
      // Masked log-probabilities are -Infinity, which would make L = Σ y·R infinite; zero them
      // as a masked loss would.
      expectGradOk(() => maskedFill(logSoftmax(x, mask), mask, 0), [x]);
      const x1 = randn([7], rng);
      expectGradOk(() => softmax(x1), [x1]);
    });
  });
});
