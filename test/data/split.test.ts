import { describe, expect, it } from "vitest";
import { dedupePairs, filterByLength, removePairsIn } from "../../src/data/filters.js";
import { splitPairs } from "../../src/data/split.js";

const pairs = Array.from({ length: 1000 }, (_, i) => ({ src: `s${i % 400}`, tgt: `t${i}` }));

describe("splitPairs", () => {
  it("is deterministic in the seed and uses every pair exactly once", () => {
    const a = splitPairs(pairs, { valid: 0.1, test: 0.1, seed: 7 });
    expect(splitPairs(pairs, { valid: 0.1, test: 0.1, seed: 7 })).toEqual(a);
    expect(splitPairs(pairs, { valid: 0.1, test: 0.1, seed: 8 })).not.toEqual(a);
    const all = [...a.train, ...a.valid, ...a.test].map((p) => p.tgt).sort();
    expect(all).toEqual(pairs.map((p) => p.tgt).sort());
  });

  it("keeps pairs with the same source in one split by default", () => {
    const s = splitPairs(pairs, { valid: 0.1, test: 0.1, seed: 1 });
    const trainSources = new Set(s.train.map((p) => p.src));
    for (const p of [...s.valid, ...s.test]) expect(trainSources.has(p.src)).toBe(false);
    // Groups here hold 2 or 3 pairs, so sizes are close to the fractions.
    expect(Math.abs(s.test.length - 100)).toBeLessThan(3);
    expect(Math.abs(s.valid.length - 100)).toBeLessThan(3);
  });

  it("splits pair by pair exactly when grouping is off, keeping corpus order", () => {
    const s = splitPairs(pairs, { valid: 0.05, test: 0.2, seed: 1, groupBySource: false });
    expect([s.train.length, s.valid.length, s.test.length]).toEqual([750, 50, 200]);
    const idx = s.test.map((p) => Number(p.tgt.slice(1)));
    expect(idx).toEqual([...idx].sort((a, b) => a - b));
  });

  it("rejects impossible fractions", () => {
    expect(() => splitPairs(pairs, { valid: 0.5, test: 0.5 })).toThrow(/valid \+ test = 1; expected less than 1/);
    expect(() => splitPairs(pairs, { valid: -0.1 })).toThrow(/data\.split\.valid -0\.1: expected a fraction/);
  });
});

describe("filters", () => {
  it("de-duplicates exact pairs, keeping the first", () => {
    const r = dedupePairs([{ src: "a", tgt: "b", n: 1 }, { src: "a", tgt: "c", n: 2 }, { src: "a", tgt: "b", n: 3 }]);
    expect(r.kept.map((p) => p.n)).toEqual([1, 2]);
    expect(r.removed).toBe(1);
  });

  it("removes pairs that occur in other splits", () => {
    const r = removePairsIn([{ src: "a", tgt: "b" }, { src: "c", tgt: "d" }], [[{ src: "c", tgt: "d" }], []]);
    expect(r.kept).toEqual([{ src: "a", tgt: "b" }]);
  });

  it("filters by source and target length", () => {
    const items = [[1, 1], [5, 1], [1, 5], [3, 3]] as const;
    const r = filterByLength(items, (x) => x, 3, 4);
    expect(r.kept).toEqual([[1, 1], [3, 3]]);
    expect(filterByLength(items, (x) => x, undefined, undefined).removed).toBe(0);
  });
});
