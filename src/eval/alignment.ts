/**
 * How well attention matches a gold word alignment (toy-lang records one while generating).
 * Attention matrices are [target × source]; gold links are [sourceIndex, targetIndex] pairs
 * (Pharaoh "i-j" order). Pass the rows and columns of the words the gold alignment indexes —
 * drop the </s> row and column of a decoder's matrix first if they should not count.
 */
export type GoldAlignment = readonly (readonly [number, number])[];

/** Sum and count behind attentionMassOnGold, for micro-averaging over a corpus. */
export interface MassStats {
  mass: number;
  positions: number;
}

/** Total attention mass on gold sources, summed over the target positions that have a gold link. */
export function attentionMassStats(attention: readonly (readonly number[])[], gold: GoldAlignment): MassStats {
  const byTarget = goldByTarget(gold);
  let mass = 0;
  let positions = 0;
  for (const [t, sources] of byTarget) {
    const row = attention[t];
    if (!row) continue;
    for (const s of sources) mass += row[s] ?? 0;
    positions++;
  }
  return { mass, positions };
}

/**
 * Mean over target positions with at least one gold link of the attention mass on the gold
 * source positions: 1 when attention sits entirely on the aligned words. Target positions
 * without a link (unaligned words such as toy-lang's object marker) are skipped, as are links
 * beyond the matrix. NaN when no position counts.
 */
export function attentionMassOnGold(attention: readonly (readonly number[])[], gold: GoldAlignment): number {
  const { mass, positions } = attentionMassStats(attention, gold);
  return positions === 0 ? NaN : mass / positions;
}

/** Micro-average over a corpus: every gold-linked target position weighs the same. */
export function corpusAttentionMassOnGold(items: readonly { attention: readonly (readonly number[])[]; gold: GoldAlignment }[]): number {
  let mass = 0;
  let positions = 0;
  for (const it of items) {
    const s = attentionMassStats(it.attention, it.gold);
    mass += s.mass;
    positions += s.positions;
  }
  return positions === 0 ? NaN : mass / positions;
}

/** Hard alignment from attention: each target row links to its most attended source (ties: the first). */
export function argmaxAlignment(attention: readonly (readonly number[])[]): [number, number][] {
  const links: [number, number][] = [];
  attention.forEach((row, t) => {
    let best = -1;
    for (let s = 0; s < row.length; s++) if (best < 0 || row[s]! > row[best]!) best = s;
    if (best >= 0) links.push([best, t]);
  });
  return links;
}

export interface AlignmentScores {
  precision: number;
  recall: number;
  /** Alignment error rate (Och & Ney 2003). */
  aer: number;
}

/**
 * Precision, recall and AER of predicted links A against sure links S and possible links P ⊇ S
 * (Och & Ney 2003): precision = |A∩P|/|A|, recall = |A∩S|/|S|,
 * AER = 1 − (|A∩S| + |A∩P|) / (|A| + |S|). toy-lang's gold has only sure links (P = S), where
 * AER = 1 − F1. Duplicate links count once.
 */
export function alignmentScores(predicted: GoldAlignment, sure: GoldAlignment, possible: GoldAlignment = []): AlignmentScores {
  const A = linkSet(predicted);
  const S = linkSet(sure);
  const P = new Set([...S, ...linkSet(possible)]);
  const aS = [...A].filter((l) => S.has(l)).length;
  const aP = [...A].filter((l) => P.has(l)).length;
  return {
    precision: A.size === 0 ? 0 : aP / A.size,
    recall: S.size === 0 ? 0 : aS / S.size,
    aer: A.size + S.size === 0 ? 0 : 1 - (aS + aP) / (A.size + S.size),
  };
}

function linkSet(links: GoldAlignment): Set<string> {
  return new Set(links.map(([s, t]) => `${s}-${t}`));
}

function goldByTarget(gold: GoldAlignment): Map<number, Set<number>> {
  const m = new Map<number, Set<number>>();
  for (const [s, t] of gold) {
    if (!m.has(t)) m.set(t, new Set());
    m.get(t)!.add(s);
  }
  return m;
}
