import { describe, expect, it } from "vitest";
import { generateSplits } from "../../../src/data/tasks/generate.js";
import { findTask } from "../../../src/data/tasks/index.js";
import { alignmentProblems } from "./alignmentChecks.js";

/** The names task: a copy task whose held-out splits use names and numbers training never saw. */
describe("names task", () => {
  const task = findTask("names");
  const splits = generateSplits({ task, n: 1200, seed: 4, options: { pool: 300 } });
  const words = (pairs: typeof splits.train) => new Set(pairs.flatMap((p) => p.src.split(" ")));
  const template = new Set(["was", "born", "in", "call", "at", "and", "live", "room", "owes", "euros", "met", "yesterday", "my", "friend", "is", "years", "old", "the", "train", "of", "leaves", "gave", "books", "lives", "number", "will"]);

  it("valid and test sentences use only names and numbers absent from training, and each has at least one", () => {
    const train = words(splits.train);
    for (const p of [...splits.valid, ...splits.test]) {
      const slots = p.src.split(" ").filter((w) => !template.has(w));
      expect(slots.length).toBeGreaterThan(0);
      for (const w of slots) expect(train.has(w), `${w} of "${p.src}" is in training`).toBe(false);
    }
  });

  it("names and numbers appear unchanged in the target; alignments link them and stay inside both sentences", () => {
    const problems: string[] = [];
    for (const p of [...splits.train.slice(0, 200), ...splits.test]) {
      problems.push(...alignmentProblems(p, "word"));
      const src = p.src.split(" ");
      const tgt = p.tgt.split(" ");
      for (const [i, w] of src.entries()) {
        if (template.has(w)) continue;
        if (!p.alignment.some(([s, t]) => s === i && tgt[t] === w)) problems.push(`"${w}" of "${p.src}" is not linked to itself in "${p.tgt}"`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("the same seed gives the same splits; sizes are 10% / 10% by default", () => {
    expect(generateSplits({ task, n: 1200, seed: 4, options: { pool: 300 } })).toEqual(splits);
    expect([splits.train.length, splits.valid.length, splits.test.length]).toEqual([960, 120, 120]);
  });
});
