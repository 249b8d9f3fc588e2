/** Corpus statistics: length distributions, vocabulary sizes, OOV rates. Pure functions of token lists. */
import { countTokens, type Vocab } from "./vocab.js";

export interface HistogramBin {
  /** Lengths from..to inclusive. */
  from: number;
  to: number;
  count: number;
}

export interface LengthSummary {
  count: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p95: number;
  histogram: HistogramBin[];
}

/** Summary of sentence lengths with a histogram of at most `maxBins` bins of a round width (1, 2, 5, 10, 20, …). */
export function summarizeLengths(lengths: readonly number[], maxBins = 12): LengthSummary {
  if (lengths.length === 0) return { count: 0, min: 0, max: 0, mean: 0, median: 0, p95: 0, histogram: [] };
  const sorted = [...lengths].sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  const quantile = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const width = roundWidth((max - min + 1) / maxBins);
  const start = Math.floor(min / width) * width;
  const histogram: HistogramBin[] = [];
  for (let from = start; from <= max; from += width) histogram.push({ from, to: from + width - 1, count: 0 });
  for (const n of lengths) histogram[Math.floor((n - start) / width)]!.count++;
  return {
    count: lengths.length,
    min,
    max,
    mean: lengths.reduce((s, n) => s + n, 0) / lengths.length,
    median: quantile(0.5),
    p95: quantile(0.95),
    histogram,
  };
}

function roundWidth(raw: number): number {
  for (let scale = 1; ; scale *= 10) {
    for (const w of [1, 2, 5]) if (w * scale >= raw) return w * scale;
  }
}

export interface SideStats {
  /** Running tokens. */
  tokens: number;
  /** Distinct tokens. */
  types: number;
  lengths: LengthSummary;
}

export function sideStats(tokenLists: readonly (readonly string[])[]): SideStats {
  return {
    tokens: tokenLists.reduce((s, t) => s + t.length, 0),
    types: countTokens(tokenLists).size,
    lengths: summarizeLengths(tokenLists.map((t) => t.length)),
  };
}

export interface OovStats {
  tokens: number;
  oovTokens: number;
  /** oovTokens / tokens (0 when there are no tokens). */
  rate: number;
  /** Distinct tokens missing from the vocabulary. */
  oovTypes: number;
  /** Sentences with at least one missing token. */
  sentencesWithOov: number;
  /** The most frequent missing tokens, most frequent first (ties in code-unit order). */
  examples: string[];
}

/** How much of `tokenLists` the vocabulary does not cover (those tokens would become <unk>). */
export function oovStats(tokenLists: readonly (readonly string[])[], vocab: Vocab, exampleCount = 8): OovStats {
  const missing = new Map<string, number>();
  let tokens = 0;
  let oovTokens = 0;
  let sentencesWithOov = 0;
  for (const list of tokenLists) {
    let any = false;
    for (const t of list) {
      tokens++;
      if (vocab.has(t)) continue;
      oovTokens++;
      any = true;
      missing.set(t, (missing.get(t) ?? 0) + 1);
    }
    if (any) sentencesWithOov++;
  }
  const examples = [...missing]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, exampleCount)
    .map(([t]) => t);
  return { tokens, oovTokens, rate: tokens === 0 ? 0 : oovTokens / tokens, oovTypes: missing.size, sentencesWithOov, examples };
}
