/** Filters applied to pairs before training: duplicates and over-long sentences. */

interface Pair {
  src: string;
  tgt: string;
}

const pairKey = (p: Pair): string => `${p.src}\t${p.tgt}`;

/** Keeps the first occurrence of every (source, target) pair. */
export function dedupePairs<T extends Pair>(pairs: readonly T[]): { kept: T[]; removed: number } {
  const seen = new Set<string>();
  const kept = pairs.filter((p) => {
    const key = pairKey(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { kept, removed: pairs.length - kept.length };
}

/** Drops pairs of `pairs` that also occur in any of `others` (training pairs that would leak into evaluation). */
export function removePairsIn<T extends Pair>(pairs: readonly T[], others: readonly (readonly Pair[])[]): { kept: T[]; removed: number } {
  const banned = new Set(others.flatMap((split) => split.map(pairKey)));
  const kept = pairs.filter((p) => !banned.has(pairKey(p)));
  return { kept, removed: pairs.length - kept.length };
}

/** Keeps the items whose source and target lengths are within the limits (undefined = no limit). */
export function filterByLength<T>(
  items: readonly T[],
  lengths: (item: T) => readonly [number, number],
  maxSrcLen: number | undefined,
  maxTgtLen: number | undefined,
): { kept: T[]; removed: number } {
  const kept = items.filter((item) => {
    const [s, t] = lengths(item);
    return (maxSrcLen === undefined || s <= maxSrcLen) && (maxTgtLen === undefined || t <= maxTgtLen);
  });
  return { kept, removed: items.length - kept.length };
}
