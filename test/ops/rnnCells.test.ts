import { describe, expect, it } from "vitest";
import { gruCell, lstmCell } from "../../src/ops/index.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectGradOk, gradCase, randn } from "../helpers/tensors.js";

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

describe("gruCell", () => {
  it("computes h' = (1 − z)·n + z·h with gates in the order r, z, n", () => {
    // B = 1, H = 1: gi = [r, z, n] pre-activations, gh likewise.
    const gi = Tensor.from([0.1, -0.2, 0.3], [1, 3]);
    const gh = Tensor.from([0.4, 0.5, -0.6], [1, 3]);
    const h = Tensor.from([0.7], [1, 1]);
    const r = sig(0.5);
    const z = sig(0.3);
    const n = Math.tanh(0.3 + r * -0.6);
    expect(gruCell(gi, gh, h).item()).toBeCloseTo((1 - z) * n + z * 0.7, 6);
  });

  it("passes a gradient check for gi, gh and h", () => {
    gradCase(90, (rng) => {
      const gi = randn([2, 9], rng);
      const gh = randn([2, 9], rng);
      const h = randn([2, 3], rng);
      expectGradOk(() => gruCell(gi, gh, h), [gi, gh, h]);
    });
  });

  it("rejects mismatched shapes, naming them", () => {
    expect(() => gruCell(Tensor.zeros([2, 8]), Tensor.zeros([2, 9]), Tensor.zeros([2, 3]))).toThrow(/^gruCell: .*\[2, 8\].*\[2, 9\].*\[2, 3\]/);
    expect(() => gruCell(Tensor.zeros([6]), Tensor.zeros([6]), Tensor.zeros([2]))).toThrow(/^gruCell: /);
  });
});

describe("lstmCell", () => {
  it("computes c' = σ(f)·c + σ(i)·tanh(g) and h' = σ(o)·tanh(c') with gates i, f, g, o", () => {
    const gates = Tensor.from([0.1, -0.2, 0.3, 0.4], [1, 4]);
    const c = Tensor.from([0.5], [1, 1]);
    const cNew = sig(-0.2) * 0.5 + sig(0.1) * Math.tanh(0.3);
    const y = lstmCell(gates, c);
    expect(y.shape).toEqual([1, 2]);
    expect(y.data[0]).toBeCloseTo(sig(0.4) * Math.tanh(cNew), 6);
    expect(y.data[1]).toBeCloseTo(cNew, 6);
  });

  it("passes a gradient check for gates and c", () => {
    gradCase(91, (rng) => {
      const gates = randn([2, 12], rng);
      const c = randn([2, 3], rng);
      expectGradOk(() => lstmCell(gates, c), [gates, c]);
    });
  });

  it("rejects mismatched shapes, naming them", () => {
    expect(() => lstmCell(Tensor.zeros([2, 11]), Tensor.zeros([2, 3]))).toThrow(/^lstmCell: .*\[2, 11\].*\[2, 3\]/);
  });
});
