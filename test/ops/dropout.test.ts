import { describe, expect, it } from "vitest";
import { dropout } from "../../src/ops/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectGradOk, gradCase, randn } from "../helpers/tensors.js";

describe("dropout", () => {
  it("zeroes about p of the elements and scales the rest by 1/(1−p)", () => {
    const x = Tensor.full([10000], 1);
    const y = dropout(x, 0.25, new Rng(5), true);
    let zeros = 0;
    for (const v of y.data) {
      if (v === 0) zeros++;
      else expect(v).toBeCloseTo(1 / 0.75, 6);
    }
    expect(zeros / 10000).toBeGreaterThan(0.23);
    expect(zeros / 10000).toBeLessThan(0.27);
  });

  it("is the identity when not training or p = 0", () => {
    const x = Tensor.from([1, 2, 3], [3], true);
    expect(dropout(x, 0.5, new Rng(1), false)).toBe(x);
    expect(dropout(x, 0, new Rng(1), true)).toBe(x);
  });

  it("is reproducible from the seed", () => {
    const x = Tensor.full([64], 1);
    expect(dropout(x, 0.5, new Rng(9), true).toArray()).toEqual(dropout(x, 0.5, new Rng(9), true).toArray());
    expect(dropout(x, 0.5, new Rng(9), true).toArray()).not.toEqual(dropout(x, 0.5, new Rng(10), true).toArray());
  });

  it("passes a gradient check with a fixed mask", () => {
    gradCase(80, (rng) => {
      const x = randn([4, 5], rng);
      // A fresh Rng with the same seed on every call, so each forward draws the same mask.
      expectGradOk(() => dropout(x, 0.4, new Rng(77), true), [x]);
    });
  });

  it("rejects p outside [0, 1)", () => {
    const x = Tensor.zeros([2]);
    expect(() => dropout(x, 1, new Rng(1), true)).toThrow(/dropout: p must be in \[0, 1\), got 1/);
    expect(() => dropout(x, -0.1, new Rng(1), true)).toThrow(/dropout: p/);
    expect(() => dropout(x, NaN, new Rng(1), true)).toThrow(/dropout: p/);
  });
});
