import { describe, expect, it } from "vitest";
import { findTask, resolveTaskOptions } from "../../../src/data/tasks/index.js";
import { Rng } from "../../../src/tensor/rng.js";
import { alignmentProblems } from "./alignmentChecks.js";

const task = findTask("needle");

/** Checks one pair against the task's definition, independently of the generator's code. */
function problemsOf(src: string, tgt: string, alignment: [number, number][], o: { minLen: number; maxLen: number; needles: number; keys: number; values: number; filler: number }): string[] {
  const problems: string[] = [];
  const tokens = src.split(" ");
  if (tokens.length < o.minLen || tokens.length > o.maxLen) problems.push(`length ${tokens.length}`);
  if (tokens[1] !== "?") problems.push("no ? after the query");
  const query = tokens[0]!;
  if (!/^k\d+$/.test(query) || Number(query.slice(1)) >= o.keys) problems.push(`query ${query}`);
  const needles: { key: string; value: string; at: number }[] = [];
  tokens.slice(2).forEach((t, i) => {
    const needle = /^(k\d+)_(v\d+)$/.exec(t);
    if (needle) needles.push({ key: needle[1]!, value: needle[2]!, at: i + 2 });
    else if (!/^x\d+$/.test(t) || Number(t.slice(1)) >= o.filler) problems.push(`token ${t}`);
  });
  if (needles.length !== o.needles) problems.push(`${needles.length} needles`);
  if (new Set(needles.map((n) => n.key)).size !== needles.length) problems.push("repeated key");
  for (const n of needles) if (Number(n.key.slice(1)) >= o.keys || Number(n.value.slice(1)) >= o.values) problems.push(`needle ${n.key}=${n.value}`);
  const answer = needles.filter((n) => n.key === query);
  if (answer.length !== 1) problems.push(`query matches ${answer.length} needles`);
  else {
    if (tgt !== answer[0]!.value) problems.push(`target ${tgt}, expected ${answer[0]!.value}`);
    if (alignment.length !== 1 || alignment[0]![0] !== answer[0]!.at || alignment[0]![1] !== 0) problems.push("alignment not on the needle");
  }
  return problems;
}

describe("needle: the queried key_value needle in a haystack of filler", () => {
  it("query first, distinct needle keys, the answer's value as target, gold alignment on the needle, lengths in range", () => {
    for (const o of [
      { n: 150, minLen: 10, maxLen: 700, needles: 8, keys: 12, values: 5, filler: 3 },
      // The smallest space: one needle of one key, two values — exactly two distinct sources.
      { n: 2, minLen: 3, maxLen: 3, needles: 1, keys: 1, values: 2, filler: 1 },
      { n: 150, minLen: 40, maxLen: 41, needles: 38, keys: 38, values: 3, filler: 9 },
    ]) {
      const { n, ...given } = o;
      const pairs = task.generate(n, resolveTaskOptions(task, given), new Rng(7));
      const problems: string[] = [];
      for (const p of pairs) problems.push(...alignmentProblems(p, "word"), ...problemsOf(p.src, p.tgt, p.alignment, o));
      expect(problems).toEqual([]);
      expect(pairs.length).toBe(n);
    }
  });

  it("spreads lengths, needle positions and the queried needle over their ranges (difficulty grows with length)", () => {
    const o = { minLen: 20, maxLen: 1000, needles: 4, keys: 64, values: 16, filler: 64 };
    const pairs = task.generate(400, resolveTaskOptions(task, o), new Rng(11));
    const lengths = pairs.map((p) => p.src.split(" ").length);
    expect(Math.max(...lengths)).toBeGreaterThan(900);
    expect(Math.min(...lengths)).toBeLessThan(120);
    // The answer's relative position covers the haystack: both early and late needles are asked.
    const rel = pairs.map((p) => p.alignment[0]![0] / p.src.split(" ").length);
    expect(rel.filter((r) => r < 0.2).length).toBeGreaterThan(40);
    expect(rel.filter((r) => r > 0.8).length).toBeGreaterThan(40);
    // Values are roughly uniform, so no value is a shortcut answer.
    const counts = new Map<string, number>();
    for (const p of pairs) counts.set(p.tgt, (counts.get(p.tgt) ?? 0) + 1);
    expect(counts.size).toBe(16);
    expect(Math.max(...counts.values())).toBeLessThan(60);
  });

  it("is a pure function of the seed", () => {
    const options = resolveTaskOptions(task, { minLen: 30, maxLen: 90 });
    expect(task.generate(50, options, new Rng(5))).toEqual(task.generate(50, options, new Rng(5)));
    expect(task.generate(50, options, new Rng(5))).not.toEqual(task.generate(50, options, new Rng(6)));
  });

  it("refuses too few keys or too short a haystack in one line", () => {
    expect(() => task.generate(1, resolveTaskOptions(task, { minLen: 50, maxLen: 60, needles: 10, keys: 5 }), new Rng(1))).toThrow(/^task needle: --keys 5 is fewer than --needles 10/);
    expect(() => task.generate(1, resolveTaskOptions(task, { minLen: 5, maxLen: 60, needles: 10, keys: 50 }), new Rng(1))).toThrow(/^task needle: --min-len 5 leaves no room .* expected at least 12$/);
    expect(() => resolveTaskOptions(task, { minLen: 70, maxLen: 60 })).toThrow(/--min-len 70 is greater than --max-len 60/);
  });
});
