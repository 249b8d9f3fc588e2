import { describe, expect, it } from "vitest";
import { add, addN, addScalar, affine, div, mul, mulScalar, neg, square, sub } from "../../src/ops/index.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectGradOk, gradCase, randAwayFromZero, randn } from "../helpers/tensors.js";

const binaryOps = { add, sub, mul, div } as const;

/** Every broadcasting form the models use, as [shape of a, shape of b, shape of a ∘ b]. */
const broadcastForms: Array<[string, number[], number[], number[]]> = [
  ["same shape", [2, 3], [2, 3], [2, 3]],
  ["suffix [B,T,H] + [H]", [2, 3, 4], [4], [2, 3, 4]],
  ["suffix [H] + [B,T,H] (reversed)", [4], [2, 3, 4], [2, 3, 4]],
  ["[B,H] ∘ [B,1]", [3, 4], [3, 1], [3, 4]],
  ["[1,3] ∘ [2,1] (both broadcast)", [1, 3], [2, 1], [2, 3]],
  ["[B,T,H] ∘ [B,1,H] (middle axis)", [2, 3, 4], [2, 1, 4], [2, 3, 4]],
  ["tensor ∘ scalar-shaped []", [2, 3], [], [2, 3]],
  ["scalar-shaped [] ∘ tensor", [], [2, 3], [2, 3]],
  ["[] ∘ []", [], [], []],
];

describe("add / sub / mul / div", () => {
  it("compute the right values with broadcasting", () => {
    const a = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
    const row = Tensor.from([10, 20, 30], [3]);
    const col = Tensor.from([2, 4], [2, 1]);
    expect(add(a, row).toArray()).toEqual([11, 22, 33, 14, 25, 36]);
    expect(sub(a, row).toArray()).toEqual([-9, -18, -27, -6, -15, -24]);
    expect(mul(a, col).toArray()).toEqual([2, 4, 6, 16, 20, 24]);
    expect(div(a, col).toArray()).toEqual([0.5, 1, 1.5, 1, 1.25, 1.5]);
    const outer = add(Tensor.from([1, 2, 3], [1, 3]), Tensor.from([10, 20], [2, 1]));
    expect(outer.shape).toEqual([2, 3]);
    expect(outer.toArray()).toEqual([11, 12, 13, 21, 22, 23]);
    expect(mul(a, Tensor.scalar(3)).toArray()).toEqual([3, 6, 9, 12, 15, 18]);
  });

  for (const [name, op] of Object.entries(binaryOps)) {
    for (const [form, sa, sb, so] of broadcastForms) {
      it(`${name}: gradient check, ${form}`, () => {
        gradCase(10, (rng) => {
          const a = randn(sa, rng);
          // Keep divisors away from 0 so the quotient stays smooth over ±eps.
          const b = name === "div" ? randAwayFromZero(sb, rng, 0.5, 2) : randn(sb, rng);
          const f = () => op(a, b);
          expect(f().shape).toEqual(so);
          expectGradOk(f, [a, b]);
        });
      });
    }
  }

  it("give both gradients to a tensor used as both operands", () => {
    gradCase(11, (rng) => {
      const x = randn([2, 3], rng);
      expectGradOk(() => mul(x, x), [x]);
      expectGradOk(() => div(x, addScalar(square(x), 1)), [x]);
    });
  });

  it("reject shapes that cannot be broadcast, naming the op and both shapes", () => {
    const a = Tensor.zeros([2, 3]);
    const b = Tensor.zeros([4]);
    expect(() => add(a, b)).toThrow(/^add: .*\[2, 3\].*\[4\]/);
    expect(() => sub(a, b)).toThrow(/^sub: .*\[2, 3\].*\[4\]/);
    expect(() => mul(Tensor.zeros([2, 3]), Tensor.zeros([3, 3]))).toThrow(/^mul: .*\[2, 3\].*\[3, 3\]/);
    expect(() => div(Tensor.zeros([2, 1, 3]), Tensor.zeros([2, 2]))).toThrow(/^div: .*\[2, 1, 3\].*\[2, 2\]/);
  });

  it("propagate NaN", () => {
    const a = Tensor.from([NaN, 1, 2], [3]);
    const b = Tensor.from([1, NaN, 3], [3]);
    for (const op of Object.values(binaryOps)) {
      const y = op(a, b).toArray();
      expect(Number.isNaN(y[0])).toBe(true);
      expect(Number.isNaN(y[1])).toBe(true);
      expect(Number.isNaN(y[2])).toBe(false);
    }
    expect(Number.isNaN(add(Tensor.scalar(NaN), Tensor.zeros([2])).data[1])).toBe(true);
  });

  it("compute no gradient for an operand that does not require it", () => {
    const a = Tensor.from([1, 2], [2], true);
    const b = Tensor.from([3, 4], [2]);
    const y = mul(a, b);
    y.backward(Float32Array.from([1, 1]));
    expect(Array.from(a.grad!)).toEqual([3, 4]);
    expect(b.grad).toBeNull();
  });
});

describe("affine / addScalar / mulScalar / neg", () => {
  it("compute x·scale + shift", () => {
    const x = Tensor.from([1, -2, 3], [3]);
    expect(affine(x, 2, 1).toArray()).toEqual([3, -3, 7]);
    expect(addScalar(x, 5).toArray()).toEqual([6, 3, 8]);
    expect(mulScalar(x, -3).toArray()).toEqual([-3, 6, -9]);
    expect(neg(x).toArray()).toEqual([-1, 2, -3]);
  });

  it("pass gradient checks", () => {
    gradCase(12, (rng) => {
      const x = randn([2, 3, 2], rng);
      expectGradOk(() => affine(x, -1.7, 0.3), [x]);
      expectGradOk(() => addScalar(x, 2.5), [x]);
      expectGradOk(() => mulScalar(x, 0.25), [x]);
      expectGradOk(() => neg(x), [x]);
    });
  });
});

describe("addN", () => {
  it("sums same-shape tensors", () => {
    const y = addN([Tensor.from([1, 2], [2]), Tensor.from([10, 20], [2]), Tensor.from([100, 200], [2])]);
    expect(y.toArray()).toEqual([111, 222]);
  });

  it("passes a gradient check, including a repeated input", () => {
    gradCase(13, (rng) => {
      const a = randn([3, 2], rng);
      const b = randn([3, 2], rng);
      const c = randn([3, 2], rng);
      expectGradOk(() => addN([a, b, c]), [a, b, c]);
      expectGradOk(() => addN([a, b, a]), [a, b]);
      expectGradOk(() => addN([a]), [a]);
    });
  });

  it("rejects an empty list and mismatched shapes", () => {
    expect(() => addN([])).toThrow(/addN/);
    expect(() => addN([Tensor.zeros([2, 3]), Tensor.zeros([3, 2])])).toThrow(/^addN: .*\[2, 3\].*\[3, 2\]/);
    expect(() => addN([Tensor.zeros([6]), Tensor.zeros([2, 3])])).toThrow(/^addN: .*\[6\].*\[2, 3\]/);
  });
});

describe("square", () => {
  it("squares and passes a gradient check", () => {
    expect(square(Tensor.from([-3, 0.5], [2])).toArray()).toEqual([9, 0.25]);
    gradCase(14, (rng) => {
      const x = randn([4, 3], rng);
      expectGradOk(() => square(x), [x]);
    });
  });
});
