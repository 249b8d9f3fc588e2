import { describe, expect, it } from "vitest";
import { gatherRows } from "../../src/ops/index.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { backwardWithR, expectClose, expectFixtureGrads, fixtureInts, fixtureTensor, loadFixture } from "../helpers/fixtures.js";
import { expectGradOk, gradCase, randn } from "../helpers/tensors.js";

describe("gatherRows", () => {
  it("looks up rows into shape [...idsShape, D]", () => {
    const w = Tensor.from([0, 0, 1, 2, 3, 4], [3, 2]);
    const y = gatherRows(w, Int32Array.from([2, 1, 2, 0]), [2, 2]);
    expect(y.shape).toEqual([2, 2, 2]);
    expect(y.toArray()).toEqual([3, 4, 1, 2, 3, 4, 0, 0]);
  });

  it("passes a gradient check with repeated ids", () => {
    gradCase(60, (rng) => {
      const w = randn([5, 3], rng);
      const ids = Int32Array.from([4, 1, 4, 4, 0, 2]);
      expectGradOk(() => gatherRows(w, ids, [2, 3]), [w]);
    });
  });

  it("gives the padding row zero gradient and the other rows their full gradient", () => {
    withFloat64(() => {
      const ids = Int32Array.from([0, 2, 2, 1, 0, 3]);
      const g = Float64Array.from({ length: 12 }, (_, i) => i + 1);
      const grads = [null, 0].map((pad) => {
        const w = Tensor.full([4, 2], 0.5, true);
        gatherRows(w, ids, [3, 2], pad).backward(g);
        return Array.from(w.grad!);
      });
      const [plain, padded] = grads as [number[], number[]];
      // Row 2 is used twice: (3,4) + (5,6); row 0 twice: (1,2) + (9,10).
      expect(plain.slice(4, 6)).toEqual([8, 10]);
      expect(plain.slice(0, 2)).toEqual([10, 12]);
      expect(padded.slice(0, 2)).toEqual([0, 0]);
      expect(padded.slice(2)).toEqual(plain.slice(2));
    });
  });

  it("rejects out-of-range ids, a wrong idsShape and a non-2-D weight", () => {
    const w = Tensor.zeros([3, 2]);
    expect(() => gatherRows(w, Int32Array.from([3]), [1])).toThrow(/gatherRows: id 3 at position 0 is out of range \[0, 3\)/);
    expect(() => gatherRows(w, Int32Array.from([-1]), [1])).toThrow(/gatherRows: id -1/);
    expect(() => gatherRows(w, Int32Array.from([0, 1]), [3])).toThrow(/gatherRows: ids has 2 entries.*\[3\]/);
    expect(() => gatherRows(Tensor.zeros([3, 2, 1]), Int32Array.from([0]), [1])).toThrow(/^gatherRows: .*\[3, 2, 1\]/);
  });

  it("matches PyTorch nn.Embedding with padding_idx 0 (output and d_weight)", () => {
    const fx = loadFixture("embedding");
    const w = fixtureTensor(fx.params.weight, true);
    const idsT = fx.inputs.ids as { shape: number[] };
    const y = gatherRows(w, fixtureInts(fx.inputs.ids), idsT.shape, fx.inputs.padding_idx as number);
    expect(y.shape).toEqual([...idsT.shape, fx.inputs.embedding_dim as number]);
    expectClose(y.data, fx.outputs.output!, "output");
    backwardWithR(y, fx.inputs.R);
    expectFixtureGrads(fx, { weight: w });
    const D = fx.inputs.embedding_dim as number;
    expect(Array.from(w.grad!.subarray(0, D))).toEqual(new Array(D).fill(0));
  });
});
