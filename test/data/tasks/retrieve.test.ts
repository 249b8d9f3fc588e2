import { describe, expect, it } from "vitest";
import { findTask, resolveTaskOptions } from "../../../src/data/tasks/index.js";
import { Rng } from "../../../src/tensor/rng.js";
import { alignmentProblems } from "./alignmentChecks.js";

const task = findTask("retrieve");

describe("retrieve: the value of the queried key in a long key–value list", () => {
  it("answers with the queried key's value; keys are distinct; lengths in range; gold alignment on the value", () => {
    const options = resolveTaskOptions(task, { minPairs: 5, maxPairs: 300, keys: 400, values: 7 });
    const pairs = task.generate(200, options, new Rng(3));
    const problems: string[] = [];
    for (const p of pairs) {
      problems.push(...alignmentProblems(p, "word"));
      const tokens = p.src.split(" ");
      const n = (tokens.length - 2) / 2;
      if (!(Number.isInteger(n) && n >= 5 && n <= 300)) problems.push(`${n} pairs`);
      if (tokens[tokens.length - 2] !== "?") problems.push("no ? before the query");
      const keys = tokens.slice(0, 2 * n).filter((_, i) => i % 2 === 0);
      if (new Set(keys).size !== keys.length) problems.push("repeated key");
      const at = keys.indexOf(tokens[tokens.length - 1]!);
      if (at < 0 || tokens[2 * at + 1] !== p.tgt) problems.push(`wrong answer for ${p.src.slice(-12)}`);
      if (p.alignment.length !== 1 || p.alignment[0]![0] !== 2 * at + 1) problems.push("alignment not on the value");
    }
    expect(problems).toEqual([]);
    // The lengths spread over the range (difficulty grows with them).
    const lengths = pairs.map((p) => p.src.split(" ").length);
    expect(Math.max(...lengths)).toBeGreaterThan(400);
    expect(Math.min(...lengths)).toBeLessThan(100);
  });

  it("refuses fewer keys than pairs, and min above max, in one line", () => {
    expect(() => task.generate(1, resolveTaskOptions(task, { minPairs: 1, maxPairs: 10, keys: 5 }), new Rng(1))).toThrow(/^task retrieve: --keys 5 is fewer than --max-pairs 10/);
    expect(() => task.generate(1, resolveTaskOptions(task, { minPairs: 20, maxPairs: 10, keys: 50 }), new Rng(1))).toThrow(/^task retrieve: --min-pairs 20 exceeds --max-pairs 10/);
  });
});
