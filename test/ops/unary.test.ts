import { describe, expect, it } from "vitest";
import { exp, gelu, log, relu, sigmoid, tanh } from "../../src/ops/index.js";
import { erf } from "../../src/ops/erf.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectGradOk, gradCase, randAwayFromZero, randn, randUniform } from "../helpers/tensors.js";

describe("exp / log", () => {
  it("compute values, with log(0) = -Infinity and NaN propagating", () => {
    expect(exp(Tensor.from([0, 1], [2])).data[1]).toBeCloseTo(Math.E, 6);
    const l = log(Tensor.from([1, 0, Math.E], [3]));
    expect(l.data[0]).toBe(0);
    expect(l.data[1]).toBe(-Infinity);
    expect(l.data[2]).toBeCloseTo(1, 6);
    expect(Number.isNaN(exp(Tensor.scalar(NaN)).item())).toBe(true);
    expect(Number.isNaN(log(Tensor.scalar(-1)).item())).toBe(true);
    expect(exp(Tensor.scalar(-Infinity)).item()).toBe(0);
  });

  it("pass gradient checks (log on positive inputs)", () => {
    gradCase(20, (rng) => {
      const x = randn([2, 3, 2], rng);
      expectGradOk(() => exp(x), [x]);
      const p = randUniform([2, 5], rng, 0.3, 3);
      expectGradOk(() => log(p), [p]);
    });
  });
});

describe("tanh / sigmoid", () => {
  it("compute values", () => {
    const y = sigmoid(Tensor.from([0, 1000, -1000], [3]));
    expect(y.toArray()).toEqual([0.5, 1, 0]);
    expect(tanh(Tensor.from([0, 50], [2])).toArray()).toEqual([0, 1]);
  });

  it("pass gradient checks", () => {
    gradCase(21, (rng) => {
      const x = randn([3, 4], rng, 2);
      expectGradOk(() => tanh(x), [x]);
      expectGradOk(() => sigmoid(x), [x]);
    });
  });
});

describe("relu", () => {
  it("zeroes negatives and gives them zero gradient", () => {
    const x = Tensor.from([-1, 0, 2], [3], true);
    const y = relu(x);
    expect(y.toArray()).toEqual([0, 0, 2]);
    y.backward(Float32Array.from([5, 5, 5]));
    expect(Array.from(x.grad!)).toEqual([0, 0, 5]);
  });

  it("passes a gradient check away from the kink at 0", () => {
    gradCase(22, (rng) => {
      const x = randAwayFromZero([4, 5], rng, 0.1, 2);
      expectGradOk(() => relu(x), [x]);
    });
  });
});

describe("gelu", () => {
  it("matches x·Φ(x) and its tanh approximation", () => {
    const xs = [-3, -1, -0.5, 0, 0.5, 1, 3];
    const exact = gelu(Tensor.from(xs, [xs.length])).toArray();
    const approx = gelu(Tensor.from(xs, [xs.length]), "tanh").toArray();
    xs.forEach((v, i) => {
      expect(exact[i]).toBeCloseTo(0.5 * v * (1 + erf(v / Math.SQRT2)), 6);
      // The tanh form is within 1e-3 of the exact one on this range.
      expect(Math.abs(approx[i]! - exact[i]!)).toBeLessThan(1e-3);
    });
    // Reference values of PyTorch's F.gelu.
    expect(exact[5]).toBeCloseTo(0.841344746, 6);
    expect(exact[0]).toBeCloseTo(-0.00404969, 6);
  });

  it("erf is accurate in the series and continued-fraction ranges", () => {
    // Abramowitz & Stegun table values.
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(2)).toBeCloseTo(0.9953222650189527, 14);
    expect(erf(3)).toBeCloseTo(0.9999779095030014, 14);
    expect(erf(-3)).toBeCloseTo(-0.9999779095030014, 14);
    expect(erf(7)).toBe(1);
  });

  for (const mode of ["none", "tanh"] as const) {
    it(`passes a gradient check (approximate = "${mode}")`, () => {
      gradCase(23, (rng) => {
        const x = randn([3, 5], rng, 2);
        expectGradOk(() => gelu(x, mode), [x]);
      });
    });
  }
});
