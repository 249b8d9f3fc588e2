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
  return scoresFromCounts(alignmentCounts(predicted, sure, possible));
}

/** The four set sizes behind precision, recall and AER, for summing over a corpus. */
export interface AlignmentCounts {
  predicted: number;
  sure: number;
  /** |A∩S| and |A∩P|. */
  predictedSure: number;
  predictedPossible: number;
}

export function alignmentCounts(predicted: GoldAlignment, sure: GoldAlignment, possible: GoldAlignment = []): AlignmentCounts {
  const A = linkSet(predicted);
  const S = linkSet(sure);
  const P = new Set([...S, ...linkSet(possible)]);
  return {
    predicted: A.size,
    sure: S.size,
    predictedSure: [...A].filter((l) => S.has(l)).length,
    predictedPossible: [...A].filter((l) => P.has(l)).length,
  };
}

/**
 * Corpus scores: the set sizes are summed over sentences before dividing (as Och & Ney's corpus
 * AER), so a long sentence weighs more than a short one.
 */
export function corpusAlignmentScores(items: readonly { predicted: GoldAlignment; sure: GoldAlignment; possible?: GoldAlignment }[]): AlignmentScores {
  const total = zeroCounts();
  for (const it of items) addCounts(total, alignmentCounts(it.predicted, it.sure, it.possible ?? []));
  return scoresFromCounts(total);
}

export function zeroCounts(): AlignmentCounts {
  return { predicted: 0, sure: 0, predictedSure: 0, predictedPossible: 0 };
}

export function addCounts(into: AlignmentCounts, c: AlignmentCounts): void {
  into.predicted += c.predicted;
  into.sure += c.sure;
  into.predictedSure += c.predictedSure;
  into.predictedPossible += c.predictedPossible;
}

/** Precision, recall and AER from (summed) set sizes; 0 where a denominator is 0. */
export function scoresFromCounts(c: AlignmentCounts): AlignmentScores {
  return {
    precision: c.predicted === 0 ? 0 : c.predictedPossible / c.predicted,
    recall: c.sure === 0 ? 0 : c.predictedSure / c.sure,
    aer: c.predicted + c.sure === 0 ? 0 : 1 - (c.predictedSure + c.predictedPossible) / (c.predicted + c.sure),
  };
}

/**
 * How a hard alignment is read from attention:
 *  - "argmax": target token t links to the source token step t attends most (step t is the one
 *    that predicts token t);
 *  - "shift-att" (Chen et al. 2020, "Accurate Word Alignment Induction from Neural Machine
 *    Translation", EMNLP): target token t links to the source token step t + 1 attends most — the
 *    step whose decoder input is token t, so its attention reflects t rather than the next token
 *    to predict.
 */
export type AlignmentMethod = "argmax" | "shift-att";
export const ALIGNMENT_METHODS: readonly AlignmentMethod[] = ["argmax", "shift-att"];

/**
 * Hard links [sourceIndex, targetIndex] from one attention matrix of a teacher-forced or decoded
 * pass: rows are decoder steps (row t predicts target token t; a last row predicts </s>), columns
 * the source tokens then </s>. Only the `sourceLength` real source tokens compete in the argmax
 * (the </s> column is not a word); each of the `targetLength` target tokens gets one link, except
 * under shift-att a token whose next step is missing (an output cut at the length limit).
 * Ties go to the first source token.
 */
export function attentionAlignment(attention: readonly (readonly number[])[], sourceLength: number, targetLength: number, method: AlignmentMethod): [number, number][] {
  const links: [number, number][] = [];
  if (sourceLength === 0) return links;
  for (let t = 0; t < targetLength; t++) {
    const row = attention[method === "shift-att" ? t + 1 : t];
    if (!row) continue;
    let best = 0;
    for (let s = 1; s < sourceLength; s++) if (row[s]! > row[best]!) best = s;
    links.push([best, t]);
  }
  return links;
}

/** Element-wise mean of same-shaped matrices (e.g. the heads of a layer). */
export function meanMatrix(matrices: readonly (readonly (readonly number[])[])[]): number[][] {
  const first = matrices[0];
  if (!first) throw new Error("meanMatrix: no matrices");
  return first.map((row, r) => row.map((_, c) => matrices.reduce((sum, m) => sum + m[r]![c]!, 0) / matrices.length));
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
