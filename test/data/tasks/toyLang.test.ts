import { describe, expect, it } from "vitest";
import {
  ADJECTIVES, AGENTS, INTRANSITIVE_VERBS, PLACES, PREPOSITIONS, THINGS, TRANSITIVE_VERBS,
} from "../../../src/data/tasks/toyLangLexicon.js";
import { toyLangTask } from "../../../src/data/tasks/toyLang.js";
import type { SyntheticPair } from "../../../src/data/tasks/index.js";
import { Rng } from "../../../src/tensor/rng.js";
import { alignmentProblems, sourcesOf } from "./alignmentChecks.js";

const pairs = toyLangTask.generate(3000, {}, new Rng(21));
const find = (re: RegExp): SyntheticPair => {
  const p = pairs.find((x) => re.test(x.src));
  if (!p) throw new Error(`no sentence matches ${re}`);
  return p;
};
/** The English words aligned to target word j. */
const englishOf = (p: SyntheticPair, j: number): string[] => (sourcesOf(p).get(j) ?? []).sort((a, b) => a - b).map((i) => p.src.split(" ")[i]!);

describe("toy-lang", () => {
  it("has a lexicon whose target words are distinct letter-only words", () => {
    const stems = [...AGENTS, ...THINGS, ...PLACES, ...ADJECTIVES, ...TRANSITIVE_VERBS, ...INTRANSITIVE_VERBS, ...PREPOSITIONS].map((w) => w.stem);
    expect(new Set(stems).size).toBe(stems.length);
    expect(stems.every((s) => /^[a-z]+$/.test(s))).toBe(true);
  });

  it("generates distinct sentences with valid word alignments, deterministically", () => {
    expect(new Set(pairs.map((p) => p.src)).size).toBe(pairs.length);
    expect(pairs.flatMap((p) => alignmentProblems(p, "word"))).toEqual([]);
    expect(toyLangTask.generate(50, {}, new Rng(21))).toEqual(pairs.slice(0, 50));
  });

  it("aligns every English word to at least one target word", () => {
    const unaligned = pairs.filter((p) => {
      const used = new Set(p.alignment.map(([i]) => i));
      return p.src.split(" ").some((_, i) => !used.has(i));
    });
    expect(unaligned).toEqual([]);
  });

  it("aligns only the object marker to nothing", () => {
    for (const p of pairs.slice(0, 500)) {
      const aligned = sourcesOf(p);
      p.tgt.split(" ").forEach((w, j) => {
        if (!aligned.has(j)) expect(w).toBe("o");
      });
    }
  });

  it("puts the verb last: subject object verb", () => {
    const s3 = TRANSITIVE_VERBS.map((v) => v.s3).join("|");
    const singular = (nouns: readonly { sg: string }[]): string => nouns.map((n) => n.sg).join("|");
    const p = find(new RegExp(`^the (${singular(AGENTS)}) (${s3}) the (${singular([...AGENTS, ...THINGS])})$`));
    const [, subject, verb, , object] = p.src.split(" ");
    const stem = (w: string): string => [...AGENTS, ...THINGS].find((n) => n.sg === w)!.stem;
    expect(p.tgt).toBe(`${stem(subject!)}na ${stem(object!)}na o ${TRANSITIVE_VERBS.find((v) => v.s3 === verb)!.stem}`);
    expect(p.alignment).toEqual([[0, 0], [1, 0], [2, 3], [3, 1], [4, 1]]);
  });

  it("puts adjectives after the noun, in mirror order", () => {
    const p = find(/^(the|a|an|some) \w+ \w+ (cat|dog|bird|man|woman|girl|boy|king)s? /);
    const words = p.src.split(" ");
    const tgt = p.tgt.split(" ");
    const nounAt = tgt.findIndex((_, j) => englishOf(p, j).includes(words[3]!));
    const adjs = [words[1]!, words[2]!];
    const adjAt = adjs.map((a) => tgt.findIndex((_, j) => englishOf(p, j).join(" ") === a));
    expect(adjAt[1]).toBeGreaterThan(nounAt);
    expect(adjAt[0]).toBeGreaterThan(adjAt[1]!);
  });

  it("maps many English words to one target word, and one to many", () => {
    const neg = find(/ does not \w+/);
    const j = neg.tgt.split(" ").findIndex((w) => w.startsWith("ze"));
    expect(englishOf(neg, j).slice(0, 2)).toEqual(["does", "not"]);
    const past = find(/^the \w+ (saw|liked|found|helped) /);
    const verb = past.src.split(" ")[2]!;
    const targets = past.alignment.filter(([i]) => i === 2).map(([, jj]) => past.tgt.split(" ")[jj]);
    expect(targets.length, verb).toBe(2);
    expect(targets[1]).toBe("ka");
    const plural = find(/^the cats /);
    expect(plural.tgt.startsWith("miruna ta ")).toBe(true);
    expect(englishOf(plural, 0)).toEqual(["the", "cats"]);
    expect(englishOf(plural, 1)).toEqual(["cats"]);
  });

  it("turns prepositions into postpositions", () => {
    const p = find(/ in the garden$/);
    const tgt = p.tgt.split(" ");
    const at = tgt.indexOf("gadana");
    expect(tgt[at + 1]).toBe("ne");
    expect(englishOf(p, at + 1)).toEqual(["in"]);
  });

  it("uses a or an by the next word", () => {
    expect(pairs.some((p) => /\ban (apple|old|angry|owl|egg)/.test(p.src))).toBe(true);
    expect(pairs.some((p) => /\ba [aeiou]/.test(p.src))).toBe(false);
    expect(pairs.some((p) => /\ban [^aeiou]/.test(p.src))).toBe(false);
  });
});
