import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { loadParallelData, prepareData } from "../../src/data/dataset.js";
import type { TextPair } from "../../src/data/readers/index.js";
import { tempDir } from "./tmpFiles.js";

const file = tempDir("model-limit");
// Pair k has k source words and k + 1 target words, k = 1 … 8, five times each.
const lines = Array.from({ length: 40 }, (_, i) => {
  const k = (i % 8) + 1;
  return `${"a ".repeat(k).trim()}\t${"b ".repeat(k + 1).trim()}`;
});
const path = file("lengths.tsv", lines.join("\n") + "\n");
const base = dirname(path);
const split = { valid: 0.25, test: 0.25, seed: 4, groupBySource: false };
const k = (p: TextPair) => p.src.split(" ").length;
const count = (pairs: TextPair[], test: (k: number) => boolean) => pairs.filter((p) => test(k(p))).length;

describe("the model's length limit (DataOptions.modelMaxLen)", () => {
  it("drops pairs with either side over the limit from every split, and counts them", async () => {
    const raw = await loadParallelData({ path, split }, base);
    const p = await prepareData({ path, split, modelMaxLen: 5 }, base);
    for (const name of ["train", "valid", "test"] as const) {
      // A limit of 5 tokens keeps k ≤ 4 (its target has k + 1 = 5 tokens: the limit itself fits).
      expect(p[name].examples).toHaveLength(count(raw[name], (n) => n <= 4));
      expect(p[name].tooLongForModel).toBe(count(raw[name], (n) => n >= 5));
      expect(p[name].removed).toBe(0);
    }
    expect(p.test.tooLongForModel).toBeGreaterThan(0);
    // The caller reports these counts: it knows the limit comes from model.transformer.maxPositions.
    expect(p.warnings).toEqual([]);
  });

  it("a pair the user's maxSrcLen already drops counts there, not twice; evaluation splits see only the model's limit", async () => {
    const raw = await loadParallelData({ path, split }, base);
    const p = await prepareData({ path, split, modelMaxLen: 5, maxSrcLen: 6 }, base);
    expect(p.train.removed).toBe(count(raw.train, (n) => n > 6));
    expect(p.train.tooLongForModel).toBe(count(raw.train, (n) => n === 5 || n === 6));
    expect(p.test.removed).toBe(0);
    expect(p.test.tooLongForModel).toBe(count(raw.test, (n) => n >= 5));
  });

  it("every training pair too long for the model: an error that says so", async () => {
    await expect(prepareData({ path, split, modelMaxLen: 1 }, base)).rejects.toThrow(/^data: every training pair is longer than the 1 tokens a side the model can read$/);
  });
});
