import { describe, expect, it } from "vitest";
import { DIVERGENCE_FACTOR, DivergenceWatch } from "../../src/train/divergence.js";

describe("divergence watch", () => {
  it("the bound is 10 · ln V: a uniform guess over V tokens costs ln V", () => {
    expect(DIVERGENCE_FACTOR).toBe(10);
    expect(new DivergenceWatch(100).bound).toBeCloseTo(10 * Math.log(100), 12);
  });

  it("reports a loss over the bound once per crossing", () => {
    const watch = new DivergenceWatch(20); // bound ≈ 29.96
    const reported = [3.0, 2.5, 31, 400, 1e6, 2.0, 45].map((loss) => watch.crossed(loss));
    expect(reported).toEqual([false, false, true, false, false, false, true]);
  });

  it("a healthy loss never trips it", () => {
    const watch = new DivergenceWatch(8);
    for (let step = 0; step < 100; step++) expect(watch.crossed(Math.log(8) * Math.exp(-step / 20))).toBe(false);
  });
});
