import { describe, expect, it } from "vitest";
import { add, matmul } from "../../src/ops/index.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { backwardWithR, expectClose, expectFixtureGrads, fixtureTensor, loadFixture } from "../helpers/fixtures.js";
import { expectGradOk, gradCase, randn } from "../helpers/tensors.js";

/** Stored shape of an operand [..., rows, cols] that is used transposed or not. */
function stored(batch: number[], rows: number, cols: number, trans: boolean): number[] {
  return trans ? [...batch, cols, rows] : [...batch, rows, cols];
}

describe("matmul values", () => {
  it("multiplies 2-D matrices in all four layouts", () => {
    // a = [[1,2,3],[4,5,6]], b = [[1,0],[0,1],[1,1]] → a·b = [[4,5],[10,11]]
    const a = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
    const aT = Tensor.from([1, 4, 2, 5, 3, 6], [3, 2]);
    const b = Tensor.from([1, 0, 0, 1, 1, 1], [3, 2]);
    const bT = Tensor.from([1, 0, 1, 0, 1, 1], [2, 3]);
    const want = [4, 5, 10, 11];
    expect(matmul(a, b).toArray()).toEqual(want);
    expect(matmul(a, bT, { transB: true }).toArray()).toEqual(want);
    expect(matmul(aT, b, { transA: true }).toArray()).toEqual(want);
    expect(matmul(aT, bT, { transA: true, transB: true }).toArray()).toEqual(want);
  });

  it("folds the leading axes of an N-D a into rows", () => {
    const a = Tensor.from([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const b = Tensor.from([1, 1, 0, 2], [2, 2]);
    const y = matmul(a, b);
    expect(y.shape).toEqual([2, 2, 2]);
    expect(y.toArray()).toEqual([1, 5, 3, 11, 5, 17, 7, 23]);
  });
});

describe("matmul gradient checks", () => {
  const m = 3;
  const k = 4;
  const n = 2;
  const layouts = [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const;

  for (const [transA, transB] of layouts) {
    const tag = `${transA ? "T" : "N"}${transB ? "T" : "N"}`;

    it(`2-D ${tag}`, () => {
      gradCase(30, (rng) => {
        const a = randn(stored([], m, k, transA), rng);
        const b = randn(stored([], k, n, transB), rng);
        const f = () => matmul(a, b, { transA, transB });
        expect(f().shape).toEqual([m, n]);
        expectGradOk(f, [a, b]);
      });
    });

    it(`batched 3-D ${tag}`, () => {
      gradCase(31, (rng) => {
        const a = randn(stored([2], m, k, transA), rng);
        const b = randn(stored([2], k, n, transB), rng);
        const f = () => matmul(a, b, { transA, transB });
        expect(f().shape).toEqual([2, m, n]);
        expectGradOk(f, [a, b]);
      });
    });
  }

  for (const transB of [false, true]) {
    it(`N-D · 2-D folding${transB ? " with transB" : ""}`, () => {
      gradCase(32, (rng) => {
        const a3 = randn([2, 3, k], rng);
        const a4 = randn([2, 1, 2, k], rng);
        const b = randn(stored([], k, n, transB), rng);
        expect(matmul(a3, b, { transB }).shape).toEqual([2, 3, n]);
        expect(matmul(a4, b, { transB }).shape).toEqual([2, 1, 2, n]);
        expectGradOk(() => matmul(a3, b, { transB }), [a3, b]);
        expectGradOk(() => matmul(a4, b, { transB }), [a4, b]);
      });
    });

    it(`3-D transA · 2-D b${transB ? " with transB" : ""}`, () => {
      gradCase(33, (rng) => {
        const a = randn([2, k, m], rng);
        const b = randn(stored([], k, n, transB), rng);
        const f = () => matmul(a, b, { transA: true, transB });
        expect(f().shape).toEqual([2, m, n]);
        expectGradOk(f, [a, b]);
      });
    });
  }

  it("x · xᵀ with the same tensor as both operands", () => {
    gradCase(34, (rng) => {
      const x = randn([3, 4], rng);
      expectGradOk(() => matmul(x, x, { transB: true }), [x]);
      const xb = randn([2, 3, 4], rng);
      expectGradOk(() => matmul(xb, xb, { transA: true }), [xb]);
    });
  });
});

describe("matmul shape errors", () => {
  it("name the op and both shapes", () => {
    expect(() => matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 5]))).toThrow(/matmul.*\[2, 3\].*\[4, 5\]/);
    expect(() => matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 3]))).toThrow(/inner dimensions differ \(3 vs 4\)/);
    expect(() => matmul(Tensor.zeros([2, 3]), Tensor.zeros([5, 4]), { transB: true })).toThrow(/matmul.*\[2, 3\].*\[5, 4\]/);
    expect(() => matmul(Tensor.zeros([2, 2, 3]), Tensor.zeros([3, 3, 4]))).toThrow(/matmul: batch sizes differ.*\[2, 2, 3\].*\[3, 3, 4\]/);
    expect(() => matmul(Tensor.zeros([3]), Tensor.zeros([3, 2]))).toThrow(/matmul.*\[3\].*\[3, 2\]/);
    expect(() => matmul(Tensor.zeros([2, 3]), Tensor.zeros([2, 3, 4]))).toThrow(/matmul.*\[2, 3\].*\[2, 3, 4\]/);
    expect(() => matmul(Tensor.zeros([2, 2, 3, 4]), Tensor.zeros([4, 2]), { transA: true })).toThrow(/matmul.*\[2, 2, 3, 4\].*\[4, 2\]/);
  });
});

describe("linear as matmul(x, W, {transB}) + b: PyTorch parity", () => {
  it("matches nn.Linear output, d_x, d_weight and d_bias", () => {
    const fx = loadFixture("linear");
    const x = fixtureTensor(fx.inputs.x, true);
    const w = fixtureTensor(fx.params.weight, true);
    const b = fixtureTensor(fx.params.bias, true);
    const y = add(matmul(x, w, { transB: true }), b);
    expect(y.shape).toEqual((fx.outputs.output as { shape: number[] }).shape);
    expectClose(y.data, fx.outputs.output!, "output");
    backwardWithR(y, fx.inputs.R);
    expectFixtureGrads(fx, { x, weight: w, bias: b });
  });
});
