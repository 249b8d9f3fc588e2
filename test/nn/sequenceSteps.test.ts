import { describe, expect, it } from "vitest";
import { stepMasks } from "../../src/nn/stepMasks.js";
import { stepsToSequence, timeStep } from "../../src/nn/sequenceSteps.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import { expectGradCheck, randn } from "./helpers.js";

describe("recurrent-layer helpers", () => {
  it("stepMasks: active iff t < length, null where all rows are active", () => {
    const m = stepMasks(Int32Array.from([3, 1, 0]), 3, 4);
    expect(m.maxLength).toBe(3);
    expect(m.active.map((a) => (a ? Array.from(a) : null))).toEqual([[1, 1, 0], [1, 0, 0], [1, 0, 0], [0, 0, 0]]);
    expect(stepMasks(Int32Array.from([2, 2]), 2, 2).active).toEqual([null, null]);
    expect(stepMasks(null, 2, 3).maxLength).toBe(3);
    expect(() => stepMasks(Int32Array.from([5]), 1, 4)).toThrow(/length 5 of sequence 0 is outside \[0, 4\]/);
    expect(() => stepMasks(Int32Array.from([1]), 2, 4)).toThrow(/lengths has 1 entries for a batch of 2/);
  });

  it("timeStep copies step t and passes a gradient check", () => {
    withFloat64(() => {
      const x = randn([2, 3, 4], new Rng(1));
      const s = timeStep(x, 1);
      expect(Array.from(s.data.subarray(4, 8))).toEqual(Array.from(x.data.subarray(16, 20)));
      expectGradCheck(() => timeStep(x, 2), [x]);
    });
  });

  it("stepsToSequence interleaves directions, zeroes inactive rows and skipped steps, and passes a gradient check", () => {
    withFloat64(() => {
      const rng = new Rng(2);
      const fwd = [randn([2, 3], rng), randn([2, 3], rng), null];
      const bwd = [randn([2, 3], rng), randn([2, 3], rng), null];
      const active = stepMasks(Int32Array.from([2, 1]), 2, 3).active;
      const y = stepsToSequence([fwd, bwd], active, 2, 3);
      expect(y.shape).toEqual([2, 3, 6]);
      expect(Array.from(y.data.subarray(6, 9))).toEqual(Array.from(fwd[1]!.data.subarray(0, 3)));
      expect(Array.from(y.data.subarray(9, 12))).toEqual(Array.from(bwd[1]!.data.subarray(0, 3)));
      expect(Array.from(y.data.subarray(18 + 6))).toEqual(new Array(12).fill(0));
      expect(Array.from(y.data.subarray(12, 18))).toEqual(new Array(6).fill(0));
      const inputs = [fwd[0]!, fwd[1]!, bwd[0]!, bwd[1]!];
      expectGradCheck(() => stepsToSequence([fwd, bwd], active, 2, 3), inputs);
    });
  });
});
