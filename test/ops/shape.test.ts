import { describe, expect, it } from "vitest";
import { concat, mul, reshape, slice, split, stack, transpose } from "../../src/ops/index.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectGradOk, gradCase, randn } from "../helpers/tensors.js";

const iota = (shape: number[]): Tensor => {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = i;
  return t;
};

/** Axes named first / middle / last of a rank-3 tensor, in both positive and negative form. */
const axes: Array<[string, number]> = [
  ["first", 0],
  ["middle", 1],
  ["last", 2],
  ["last (-1)", -1],
];

describe("reshape", () => {
  it("keeps the data and infers one -1 dimension", () => {
    const x = iota([2, 3, 4]);
    const y = reshape(x, [6, -1]);
    expect(y.shape).toEqual([6, 4]);
    expect(y.toArray()).toEqual(x.toArray());
    expect(reshape(x, [-1]).shape).toEqual([24]);
    expect(reshape(Tensor.scalar(3), [1, 1]).shape).toEqual([1, 1]);
    expect(reshape(Tensor.zeros([0, 3]), [-1, 3]).shape).toEqual([0, 3]);
  });

  it("rejects a wrong element count, naming both shapes", () => {
    expect(() => reshape(Tensor.zeros([2, 3]), [4, 2])).toThrow(/^reshape: .*\[2, 3\].*\[4, 2\]/);
    expect(() => reshape(Tensor.zeros([2, 3]), [4, -1])).toThrow(/^reshape: .*\[2, 3\].*\[4, -1\]/);
    expect(() => reshape(Tensor.zeros([2, 3]), [-1, -1])).toThrow(/^reshape: /);
  });

  it("passes gradient checks (with -1)", () => {
    gradCase(50, (rng) => {
      const x = randn([2, 3, 2], rng);
      const w = randn([3, 4], rng);
      expectGradOk(() => reshape(x, [3, -1]), [x]);
      // A reshape inside a graph, so the gradient also flows on past it.
      expectGradOk(() => mul(reshape(x, [-1, 4]), w), [x, w]);
    });
  });
});

describe("transpose", () => {
  it("swaps the last two axes", () => {
    const y = transpose(iota([2, 3]));
    expect(y.shape).toEqual([3, 2]);
    expect(y.toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    const z = transpose(iota([2, 2, 3]));
    expect(z.shape).toEqual([2, 3, 2]);
    expect(z.toArray().slice(6)).toEqual([6, 9, 7, 10, 8, 11]);
  });

  it("passes gradient checks for 2-D and batched inputs", () => {
    gradCase(51, (rng) => {
      const x = randn([3, 4], rng);
      const xb = randn([2, 3, 4], rng);
      expectGradOk(() => transpose(x), [x]);
      expectGradOk(() => transpose(xb), [xb]);
    });
  });

  it("rejects a 1-D input", () => {
    expect(() => transpose(Tensor.zeros([3]))).toThrow(/^transpose: .*\[3\]/);
  });
});

describe("concat / split / slice / stack", () => {
  it("concat joins along an axis", () => {
    const a = iota([2, 2]);
    const b = Tensor.full([2, 1], 9);
    expect(concat([a, b], 1).toArray()).toEqual([0, 1, 9, 2, 3, 9]);
    expect(concat([a, a], 0).toArray()).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
  });

  it("slice, split and stack give the expected values", () => {
    const x = iota([2, 3]);
    expect(slice(x, 1, 1, 3).toArray()).toEqual([1, 2, 4, 5]);
    expect(slice(x, 0, 1, 2).toArray()).toEqual([3, 4, 5]);
    expect(slice(x, 1, 2, 2).shape).toEqual([2, 0]);
    const [p, q] = split(x, [1, 2], -1);
    expect(p!.toArray()).toEqual([0, 3]);
    expect(q!.toArray()).toEqual([1, 2, 4, 5]);
    const s = stack([Tensor.from([1, 2], [2]), Tensor.from([3, 4], [2])], 1);
    expect(s.shape).toEqual([2, 2]);
    expect(s.toArray()).toEqual([1, 3, 2, 4]);
  });

  for (const [where, axis] of axes) {
    it(`pass gradient checks along the ${where} axis`, () => {
      gradCase(52, (rng) => {
        const shapeWith = (d: number): number[] => {
          const s = [2, 3, 2];
          s[axis < 0 ? axis + 3 : axis] = d;
          return s;
        };
        const a = randn(shapeWith(2), rng);
        const b = randn(shapeWith(1), rng);
        const c = randn(shapeWith(3), rng);
        expect(concat([a, b, c], axis).shape).toEqual(shapeWith(6));
        expectGradOk(() => concat([a, b, c], axis), [a, b, c]);
        expectGradOk(() => concat([a, a], axis), [a]);

        const x = randn(shapeWith(5), rng);
        expectGradOk(() => slice(x, axis, 1, 4), [x]);
        // Check every split piece: weight them differently by concatenating in reverse order.
        expectGradOk(() => concat(split(x, [2, 1, 2], axis).reverse(), axis), [x]);

        const u = randn([2, 3], rng);
        const v = randn([2, 3], rng);
        const w = randn([2, 3], rng);
        const stackAxis = axis < 0 ? axis : Math.min(axis, 2);
        expectGradOk(() => stack([u, v, w], stackAxis), [u, v, w]);
      });
    });
  }

  it("stack puts the new axis first, in the middle or last", () => {
    const u = iota([2, 3]);
    expect(stack([u, u, u, u], 0).shape).toEqual([4, 2, 3]);
    expect(stack([u, u, u, u], 1).shape).toEqual([2, 4, 3]);
    expect(stack([u, u, u, u], 2).shape).toEqual([2, 3, 4]);
    expect(stack([u, u, u, u], -1).shape).toEqual([2, 3, 4]);
  });

  it("reject mismatched shapes and bad ranges, naming the op and shapes", () => {
    expect(() => concat([Tensor.zeros([2, 3]), Tensor.zeros([3, 3])], 1)).toThrow(/^concat: .*\[2, 3\].*\[3, 3\]/);
    expect(() => concat([Tensor.zeros([2, 3]), Tensor.zeros([2, 3, 1])], 0)).toThrow(/^concat: .*\[2, 3\].*\[2, 3, 1\]/);
    expect(() => concat([], 0)).toThrow(/concat/);
    expect(() => stack([Tensor.zeros([2, 3]), Tensor.zeros([3, 2])], 0)).toThrow(/^stack: .*\[2, 3\].*\[3, 2\]/);
    expect(() => slice(Tensor.zeros([2, 3]), 1, 2, 4)).toThrow(/^slice: .*\[2, 4\).*\[2, 3\]/);
    expect(() => slice(Tensor.zeros([2, 3]), 1, 2, 1)).toThrow(/^slice: /);
    expect(() => split(Tensor.zeros([2, 3]), [1, 1], 1)).toThrow(/^split: .*\[2, 3\]/);
  });

  it("reject a bad axis", () => {
    const x = Tensor.zeros([2, 3]);
    expect(() => concat([x, x], 2)).toThrow(/concat: axis 2 is out of range/);
    expect(() => slice(x, -3, 0, 1)).toThrow(/slice: axis -3 is out of range/);
    expect(() => split(x, [1, 1], 5)).toThrow(/split: axis 5 is out of range/);
    expect(() => stack([x, x], 3)).toThrow(/stack: axis 3 is out of range for a tensor of rank 3/);
  });
});
