import { describe, expect, it } from "vitest";
import { gradCheck, gradSink, record } from "../../src/autograd/index.js";
import { mul } from "../../src/ops/index.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { gradCase, randn } from "../helpers/tensors.js";

/** x³ with a deliberately wrong backward (2x² instead of 3x²). */
function badCube(x: Tensor): Tensor {
  const out = Tensor.zeros(x.shape);
  for (let i = 0; i < x.size; i++) out.data[i] = x.data[i]! ** 3;
  return record(out, [x], (g) => {
    const gx = gradSink(x)!;
    for (let i = 0; i < g.length; i++) gx[i]! += g[i]! * 2 * x.data[i]! ** 2;
  });
}

describe("gradCheck", () => {
  it("accepts a correct backward", () => {
    gradCase(100, (rng) => {
      const a = randn([3, 2], rng);
      const b = randn([3, 2], rng);
      const r = gradCheck(() => mul(a, b), [a, b]);
      expect(r.ok).toBe(true);
      expect(r.maxAbsError).toBeLessThan(1e-8);
    });
  });

  it("catches a wrong backward and says where", () => {
    gradCase(101, (rng) => {
      const x = randn([4], rng);
      const r = gradCheck(() => badCube(x), [x]);
      expect(r.ok).toBe(false);
      expect(r.worst).toMatch(/^input 0 \[\d\]: analytic .* vs numeric /);
      expect(r.maxAbsError).toBeGreaterThan(1e-3);
    });
  });

  it("rejects float32 inputs", () => {
    const x = Tensor.from([1, 2], [2]);
    expect(() => gradCheck(() => mul(x, x), [x])).toThrow(/gradCheck: inputs must be float64/);
  });

  it("creates float64 tensors only inside withFloat64", () => {
    expect(Tensor.zeros([1]).data).toBeInstanceOf(Float32Array);
    withFloat64(() => expect(Tensor.zeros([1]).data).toBeInstanceOf(Float64Array));
    expect(Tensor.zeros([1]).data).toBeInstanceOf(Float32Array);
  });
});
