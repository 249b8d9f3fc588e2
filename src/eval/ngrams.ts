/** n-gram counting shared by BLEU (word n-grams) and chrF (character n-grams). */

// A separator no token contains, so ["a b"] and ["a", "b"] never make the same key.
const SEP = "\u0000";

/** Counts of the n-grams of `tokens` (empty when there are fewer than n tokens). */
export function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(SEP);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Clipped matches Σ_g min(hyp(g), ref(g)) and the hypothesis and reference totals. */
export function ngramOverlap(hyp: readonly string[], ref: readonly string[], n: number): { matches: number; hypTotal: number; refTotal: number } {
  const h = ngramCounts(hyp, n);
  const r = ngramCounts(ref, n);
  let matches = 0;
  for (const [g, c] of h) matches += Math.min(c, r.get(g) ?? 0);
  return { matches, hypTotal: Math.max(0, hyp.length - n + 1), refTotal: Math.max(0, ref.length - n + 1) };
}
