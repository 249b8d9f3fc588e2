import { describe, expect, it } from "vitest";
import { mean, sum } from "../../src/ops/index.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectGradOk, gradCase, randn } from "../helpers/tensors.js";

const reductions = { sum, mean } as const;

describe("sum / mean values", () => {
  const x = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);

  it("reduce over each axis, with and without keepDim, and over all", () => {
    expect(sum(x, 0).shape).toEqual([3]);
    expect(sum(x, 0).toArray()).toEqual([5, 7, 9]);
    expect(sum(x, 1).toArray()).toEqual([6, 15]);
    expect(sum(x, -1, true).shape).toEqual([2, 1]);
    expect(sum(x, 0, true).shape).toEqual([1, 3]);
    expect(mean(x, 1).toArray()).toEqual([2, 5]);
    expect(mean(x, 0, true).toArray()).toEqual([2.5, 3.5, 4.5]);
    const all = sum(x);
    expect(all.shape).toEqual([]);
    expect(all.item()).toBe(21);
    expect(mean(x).item()).toBe(3.5);
  });

  it("sum of an empty tensor is a scalar 0", () => {
    const s = sum(Tensor.zeros([0, 3]));
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(0);
    expect(sum(Tensor.zeros([0, 3]), 0).toArray()).toEqual([0, 0, 0]);
  });

  it("reduce a scalar-shaped tensor", () => {
    expect(sum(Tensor.scalar(4)).item()).toBe(4);
    expect(mean(Tensor.scalar(4)).item()).toBe(4);
  });

  it("reject a bad axis", () => {
    expect(() => sum(x, 2)).toThrow(/sum: axis 2 is out of range for a tensor of rank 2/);
    expect(() => mean(x, -3)).toThrow(/mean: axis -3 is out of range/);
    expect(() => sum(x, 0.5)).toThrow(/sum: axis 0.5/);
  });
});

describe("sum / mean gradient checks", () => {
  for (const [name, op] of Object.entries(reductions)) {
    for (const axis of [0, 1, 2, -1]) {
      for (const keepDim of [false, true]) {
        it(`${name} over axis ${axis}${keepDim ? " keepDim" : ""}`, () => {
          gradCase(40, (rng) => {
            const x = randn([2, 3, 4], rng);
            expectGradOk(() => op(x, axis, keepDim), [x]);
          });
        });
      }
    }

    it(`${name} over all elements`, () => {
      gradCase(41, (rng) => {
        const x = randn([2, 3, 4], rng);
        expectGradOk(() => op(x), [x]);
      });
    });
  }
});
