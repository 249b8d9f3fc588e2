import { describe, expect, it } from "vitest";
import { copyTask } from "../../../src/data/tasks/copy.js";
import { reverseTask } from "../../../src/data/tasks/reverse.js";
import { sortTask } from "../../../src/data/tasks/sort.js";
import { resolveTaskOptions, type SyntheticPair, type SyntheticTask } from "../../../src/data/tasks/index.js";
import { symbolName } from "../../../src/data/tasks/symbols.js";
import { Rng } from "../../../src/tensor/rng.js";
import { alignmentProblems } from "./alignmentChecks.js";

function sample(task: SyntheticTask, n: number, given: Record<string, number> = {}, seed = 5): SyntheticPair[] {
  return task.generate(n, resolveTaskOptions(task, given), new Rng(seed));
}

/** Each target word is the source word its alignment points at, and each target word has exactly one link. */
function followsAlignment(p: SyntheticPair): boolean {
  const src = p.src.split(" ");
  const tgt = p.tgt.split(" ");
  const from = new Map(p.alignment.map(([i, j]) => [j, i]));
  return p.alignment.length === tgt.length && tgt.every((w, j) => from.has(j) && src[from.get(j)!] === w);
}

describe("symbol names", () => {
  it("are letters, then letters with a round number", () => {
    expect([0, 25, 26, 51, 52].map(symbolName)).toEqual(["a", "z", "a1", "z1", "a2"]);
  });
});

for (const task of [copyTask, reverseTask, sortTask]) {
  describe(task.name, () => {
    it("respects the length range and symbol count, with valid alignments", () => {
      const pairs = sample(task, 400, { minLen: 3, maxLen: 9, symbols: 5 });
      const lengths = pairs.map((p) => p.src.split(" ").length);
      expect(Math.min(...lengths)).toBe(3);
      expect(Math.max(...lengths)).toBe(9);
      expect(new Set(pairs.flatMap((p) => p.src.split(" ")))).toEqual(new Set(["a", "b", "c", "d", "e"]));
      expect(pairs.flatMap((p) => alignmentProblems(p, "word"))).toEqual([]);
      expect(pairs.filter((p) => !followsAlignment(p))).toEqual([]);
    });

    it("is deterministic in the seed", () => {
      expect(sample(task, 50)).toEqual(sample(task, 50));
      expect(sample(task, 50, {}, 6)).not.toEqual(sample(task, 50));
    });
  });
}

describe("copy", () => {
  it("repeats the source along the diagonal", () => {
    for (const p of sample(copyTask, 100)) {
      expect(p.tgt).toBe(p.src);
      expect(p.alignment.every(([i, j]) => i === j)).toBe(true);
    }
  });
});

describe("reverse", () => {
  it("reverses the source along the anti-diagonal; default lengths 5–40", () => {
    const pairs = sample(reverseTask, 300);
    for (const p of pairs) {
      const words = p.src.split(" ");
      expect(p.tgt).toBe([...words].reverse().join(" "));
      expect(p.alignment.every(([i, j]) => i + j === words.length - 1)).toBe(true);
    }
    const lengths = pairs.map((p) => p.src.split(" ").length);
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(40);
    expect(Math.max(...lengths)).toBeGreaterThan(35);
  });
});

describe("sort", () => {
  it("sorts by symbol order, linking equal symbols in source order", () => {
    for (const p of sample(sortTask, 200, { symbols: 30 })) {
      const index = (w: string): number => (w.length === 1 ? 0 : 26 * Number(w.slice(1))) + w.charCodeAt(0) - 97;
      const sorted = p.tgt.split(" ").map(index);
      expect(sorted).toEqual([...sorted].sort((a, b) => a - b));
      expect(p.tgt.split(" ").sort().join(" ")).toBe(p.src.split(" ").sort().join(" "));
      // Stability: links of equal symbols do not cross.
      const byTarget = [...p.alignment].sort((a, b) => a[1] - b[1]);
      for (let k = 1; k < byTarget.length; k++) {
        if (sorted[k] === sorted[k - 1]) expect(byTarget[k]![0]).toBeGreaterThan(byTarget[k - 1]![0]);
      }
    }
  });
});

describe("task options", () => {
  it("are checked with one-line messages", () => {
    expect(() => resolveTaskOptions(copyTask, { minLen: 9, maxLen: 3 })).toThrow("--min-len 9 is greater than --max-len 3");
    expect(() => resolveTaskOptions(copyTask, { symbols: 1 })).toThrow("--symbols 1: expected an integer from 2 to 260");
    expect(() => resolveTaskOptions(sortTask, { colour: 3 })).toThrow(/task sort has no option colour; its options: --min-len, --max-len, --symbols/);
  });

  it("refuses to loop forever when the space is too small for n distinct sources", () => {
    expect(() => sample(copyTask, 100, { minLen: 1, maxLen: 2, symbols: 3 })).toThrow(/only 12 distinct examples found for --n 100/);
  });
});
