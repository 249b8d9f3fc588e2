import { describe, expect, it } from "vitest";
import { crossEntropy, gatherRows, logSoftmax, mean, neg, reshape } from "../../src/ops/index.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { backwardWithR, expectClose, fixtureInts, fixtureTensor, loadFixture } from "../helpers/fixtures.js";
import { expectGradOk, gradCase, randn } from "../helpers/tensors.js";

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

  it("equals the mean negative log-likelihood of logSoftmax", () => {
    withFloat64(() => {
      const x = Tensor.from([1, 2, 3, 0, -1, 0.5], [2, 3]);
      const t = Int32Array.from([2, 0]);
      const lp = logSoftmax(x);
      const want = -(lp.data[2]! + lp.data[3]!) / 2;
      expect(crossEntropy(x, t).item()).toBeCloseTo(want, 12);
      // The same through the composed ops: pick log p[i, t_i] with a row gather.
      const picked = gatherRows(reshape(lp, [6, 1]), Int32Array.from([2, 3]), [2]);
      expect(mean(neg(picked)).item()).toBeCloseTo(want, 12);
    });
  });

  const cases: Array<[string, { ignoreIndex?: number; labelSmoothing?: number; reduction?: "mean" | "sum" }]> = [
    ["mean", {}],
    ["sum", { reduction: "sum" }],
    ["mean with ignoreIndex", { ignoreIndex: 0 }],
    ["sum with ignoreIndex", { ignoreIndex: 0, reduction: "sum" }],
    ["mean with label smoothing", { labelSmoothing: 0.1 }],
    ["mean with ignoreIndex and label smoothing", { ignoreIndex: 0, labelSmoothing: 0.2 }],
    ["sum with ignoreIndex and label smoothing", { ignoreIndex: 0, labelSmoothing: 0.3, reduction: "sum" }],
  ];
  for (const [label, opts] of cases) {
    it(`passes a gradient check: ${label}`, () => {
      gradCase(2, (rng) => {
        const x = randn([6, 5], rng, 2);
        const t = Int32Array.from([1, 0, 4, 2, 0, 3]);
        expectGradOk(() => crossEntropy(x, t, opts), [x]);
      });
    });
  }

  it("returns 0 with zero gradient when every target is ignored", () => {
    for (const reduction of ["mean", "sum"] as const) {
      const x = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3], true);
      const loss = crossEntropy(x, Int32Array.from([-100, -100]), { reduction, labelSmoothing: 0.1 });
      expect(loss.item()).toBe(0);
      loss.backward();
      expect(Array.from(x.grad!)).toEqual([0, 0, 0, 0, 0, 0]);
    }
  });

  it("is stable for logits of ±1000", () => {
    const x = Tensor.from([1000, -1000, 0, -1000, 1000, 0], [2, 3], true);
    const loss = crossEntropy(x, Int32Array.from([0, 0]));
    expect(loss.item()).toBeCloseTo(1000, 3);
    loss.backward();
    expect(Array.from(x.grad!).every(Number.isFinite)).toBe(true);
  });

  it("rejects bad shapes, targets and smoothing", () => {
    expect(() => crossEntropy(Tensor.zeros([2, 3, 4]), Int32Array.from([0, 0]))).toThrow(/^crossEntropy: .*\[2, 3, 4\]/);
    expect(() => crossEntropy(Tensor.zeros([2, 5]), Int32Array.from([0, 0, 0]))).toThrow(/^crossEntropy: 3 targets for 2 rows.*\[2, 5\].*\[3\]/);
    expect(() => crossEntropy(Tensor.zeros([2, 5]), Int32Array.from([0, 5]))).toThrow(/crossEntropy: target 5 at row 1 is out of range \[0, 5\)/);
    expect(() => crossEntropy(Tensor.zeros([2, 5]), Int32Array.from([0, 1]), { labelSmoothing: 1.5 })).toThrow(/labelSmoothing/);
  });
});
