/**
 * Checks shared by the task tests. They return problems as strings instead of calling expect()
 * per token, which keeps tests over hundreds of thousands of pairs fast; tests assert that the
 * list is empty, so a failure shows every offending pair.
 */
import type { SyntheticPair } from "../../../src/data/tasks/index.js";
import { CharTokenizer, WordTokenizer } from "../../../src/data/tokenizers/index.js";

const tokenizers = { char: new CharTokenizer(), word: new WordTokenizer() };

/** Indices within both token sequences, no duplicate links; word tasks must be plain space-separated words. */
export function alignmentProblems(pair: SyntheticPair, unit: "char" | "word"): string[] {
  const src = tokenizers[unit].encode(pair.src);
  const tgt = tokenizers[unit].encode(pair.tgt);
  const problems: string[] = [];
  if (unit === "word" && (src.join(" ") !== pair.src || tgt.join(" ") !== pair.tgt)) {
    problems.push(`"${pair.src}" / "${pair.tgt}": the word tokenizer splits differently from spaces`);
  }
  const seen = new Set<string>();
  for (const [i, j] of pair.alignment) {
    const link = `${i}-${j}`;
    if (!(Number.isInteger(i) && i >= 0 && i < src.length)) problems.push(`${link}: source index outside "${pair.src}"`);
    if (!(Number.isInteger(j) && j >= 0 && j < tgt.length)) problems.push(`${link}: target index outside "${pair.tgt}"`);
    if (seen.has(link)) problems.push(`${link}: duplicate link in "${pair.src}"`);
    seen.add(link);
  }
  return problems;
}

/** Source indices aligned to each target index. */
export function sourcesOf(pair: SyntheticPair): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const [i, j] of pair.alignment) m.set(j, [...(m.get(j) ?? []), i]);
  return m;
}
