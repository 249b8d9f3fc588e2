/**
 * explain's measures against independent references: Kendall τ-b against the textbook counting
 * formula and SciPy's documented example (ties on both sides), total variation distance against
 * closed forms; the medians of the summary and the table they are printed in.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/tensor/rng.js";
import type { StepNumbers } from "../../../src/workflows/explain/explainSentence.js";
import { kendallTauB } from "../../../src/workflows/explain/kendall.js";
import { fractionAbove, maximum, median } from "../../../src/workflows/explain/statistics.js";
import { summarize } from "../../../src/workflows/explain/summary.js";
import { formatSentence } from "../../../src/workflows/explain/table.js";
import { totalVariation } from "../../../src/workflows/explain/tvd.js";

/** τ_b = (n_c − n_d) / √((n_0 − n_1)(n_0 − n_2)), ties counted by tie groups (Kendall 1945). */
function referenceTauB(x: number[], y: number[]): number {
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const p = (x[i]! - x[j]!) * (y[i]! - y[j]!);
      if (p > 0) concordant++;
      else if (p < 0) discordant++;
    }
  }
  const tiedPairs = (v: number[]) => [...v.reduce((m, a) => m.set(a, (m.get(a) ?? 0) + 1), new Map<number, number>()).values()].reduce((s, t) => s + (t * (t - 1)) / 2, 0);
  const n0 = (n * (n - 1)) / 2;
  return (concordant - discordant) / Math.sqrt((n0 - tiedPairs(x)) * (n0 - tiedPairs(y)));
}

describe("Kendall τ-b", () => {
  it("matches SciPy's documented example with ties (scipy.stats.kendalltau)", () => {
    expect(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-0.47140452079103173, 15);
  });

  it("is 1 for the same order, −1 for the reverse, and handles ties on one side by hand", () => {
    expect(kendallTauB([0.1, 0.2, 0.7], [1, 5, 9])).toBe(1);
    expect(kendallTauB([0.1, 0.2, 0.7], [9, 5, 1])).toBe(-1);
    // Pairs: (0,1) tie in x; (0,2) +; (1,2) +  → 2 / √(2·3).
    expect(kendallTauB([0, 0, 1], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 15);
  });

  it("equals the counting formula on random vectors with many ties (sparse attention's zeros)", () => {
    const rng = new Rng(4);
    for (let k = 0; k < 50; k++) {
      const n = 2 + rng.int(12);
      const x = Array.from({ length: n }, () => (rng.next() < 0.4 ? 0 : rng.int(4) / 4));
      const y = Array.from({ length: n }, () => rng.int(5));
      const ref = referenceTauB(x, y);
      if (Number.isFinite(ref)) expect(kendallTauB(x, y)).toBeCloseTo(ref, 14);
      else expect(kendallTauB(x, y)).toBeNaN();
    }
  });

  it("is NaN when a side is constant or has fewer than two items (no ranking to agree with)", () => {
    expect(kendallTauB([0.5, 0.5, 0.5], [1, 2, 3])).toBeNaN();
    expect(kendallTauB([1], [1])).toBeNaN();
    expect(() => kendallTauB([1, 2], [1])).toThrow(/2 and 1 items/);
  });
});

describe("total variation distance", () => {
  it("is 0 for equal distributions, 1 for disjoint ones, ½Σ|p − q| otherwise", () => {
    expect(totalVariation([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
    expect(totalVariation([1, 0], [0, 1])).toBe(1);
    expect(totalVariation([0.5, 0.5, 0], [0.25, 0.25, 0.5])).toBeCloseTo(0.5, 15);
    expect(totalVariation(Float32Array.of(0.1, 0.9), Float64Array.of(0.4, 0.6))).toBeCloseTo(0.3, 7);
    expect(() => totalVariation([1], [0.5, 0.5])).toThrow(/1 and 2 entries/);
  });
});

describe("summary statistics", () => {
  it("median, maximum and share above a threshold skip NaN (τ of a constant vector)", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([NaN, 1])).toBe(1);
    expect(median([])).toBeNaN();
    expect(maximum([0.1, NaN, 0.3])).toBe(0.3);
    expect(fractionAbove([-0.5, 0.2, NaN, 0.4, 0], 0)).toBe(0.5);
    expect(fractionAbove([NaN], 0)).toBeNaN();
  });
});

describe("the summary and the table", () => {
  const step = (t: number, a: number[], perm: number[], uniform: number, tauG: number, tauL: number): StepNumbers => ({
    step: t,
    attention: a,
    permutationTvd: { median: median(perm), max: maximum(perm), values: perm },
    uniformTvd: uniform,
    gradInput: a.map(() => 0),
    leaveOneOut: a.map(() => 0),
    tau: { gradInput: tauG, leaveOneOut: tauL },
  });
  const steps = [step(0, [0.9, 0.1], [0.2, 0.4, 0.3], 0.25, 1, NaN), step(1, [0.5, 0.5], [0, 0.1, 0.05], 0, -1, 0.5), step(2, [0.3, 0.7], [0.6, 0.5, 0.7], 0.3, 1, -0.5)];

  it("summarises the steps: medians over steps, the largest TVD, the share of τ > 0 (NaN left out)", () => {
    expect(summarize(steps)).toEqual({
      steps: 3,
      permutationTvd: { median: 0.3, max: 0.7 },
      uniformTvd: { median: 0.25 },
      maxAttention: { median: 0.7 },
      tauGradInput: { median: 1, positive: 2 / 3 },
      tauLeaveOneOut: { median: 0, positive: 0.5 },
    });
  });

  it("prints a row per step with the argmax source token, n/a for an undefined τ, and the summary", () => {
    const text = formatSentence({ index: 0, source: "x y", target: "p q", sourceTokens: ["x", "</s>"], outputTokens: ["p", "q", "</s>"], steps, summary: summarize(steps) });
    expect(text.split("\n")).toEqual([
      "sentence 1 (given target): x </s> → p q </s>",
      "  step  token  max a  at    perm TVD median    max  uniform TVD  τ(a, g×i)  τ(a, LOO)",
      "     0  p      0.900  x               0.300  0.400        0.250      1.000        n/a",
      "     1  q      0.500  x               0.050  0.100        0.000     -1.000      0.500",
      "     2  </s>   0.700  </s>            0.600  0.700        0.300      1.000     -0.500",
      "  median over 3 steps: perm TVD 0.300 (max 0.700), uniform TVD 0.250, max a 0.700, τ(a, g×i) 1.000 (67% > 0), τ(a, LOO) 0.000 (50% > 0)",
      "",
    ]);
  });
});
