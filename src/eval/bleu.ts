import { ngramCounts } from "./ngrams.js";
import { sentenceReferences, type ReferenceStreams } from "./references.js";
import { sacrebleuSignature } from "./signature.js";
import { tokenize13a } from "./tokenize13a.js";
import { splitWhitespace, trimEndWhitespace } from "./whitespace.js";

/**
 * Smoothing of zero n-gram matches, as named by sacreBLEU (Chen & Cherry 2014 compare them):
 *  - "none": Papineni et al. 2002 — an order without a match makes BLEU 0;
 *  - "floor": method 1 — a zero count becomes `smoothValue` (default 0.1);
 *  - "add-k": method 2 (Lin & Och 2004 for k = 1) — add k (default 1) to matches and totals of orders n ≥ 2;
 *  - "exp": method 3, mteval-v13a's and sacreBLEU's default — the k-th order with zero matches
 *    gets precision 1 / (2^k · total).
 */
export type BleuSmoothing = "none" | "floor" | "add-k" | "exp";

/** "13a": mteval-v13a tokenisation (sacreBLEU's default); "none": split on whitespace only. */
export type BleuTokenize = "13a" | "none";

export interface BleuOptions {
  /** Highest n-gram order. Default 4. */
  maxN?: number;
  /** Default "exp", as sacreBLEU. */
  smooth?: BleuSmoothing;
  /** The value of "floor" (default 0.1) and "add-k" (default 1). */
  smoothValue?: number;
  /**
   * Average over the orders up to the highest one the hypotheses have n-grams of, rather than
   * always maxN (sacreBLEU's `effective_order`). Default false for corpus BLEU, true for
   * sentenceBleu, as in sacreBLEU.
   */
  effectiveOrder?: boolean;
  /** Default "13a". */
  tokenize?: BleuTokenize;
}

/** BLEU's sufficient statistics, summed over sentences. */
export interface BleuStats {
  /** Hypothesis length c and reference length r in tokens (per sentence, the closest reference). */
  hypLen: number;
  refLen: number;
  /** Clipped n-gram matches and hypothesis n-gram totals per order n = 1..maxN. */
  matches: number[];
  totals: number[];
}

export interface BleuResult extends BleuStats {
  /** BLEU in [0, 100]. */
  bleu: number;
  /** Precision p_n per order, in percent, after smoothing (0 for orders not reached), as sacreBLEU prints them. */
  precisions: number[];
  /** Brevity penalty: 1 if c ≥ r, else exp(1 − r/c) (0 for an empty output). */
  bp: number;
  /** The signature sacreBLEU prints for these settings, e.g. nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0. */
  signature: string;
}

const SMOOTH_DEFAULTS: Record<BleuSmoothing, number | null> = { none: null, floor: 0.1, "add-k": 1, exp: null };

/**
 * Corpus BLEU (Papineni et al. 2002), computed exactly as sacreBLEU's BLEU.corpus_score with the
 * same options (defaults: 13a tokens, exp smoothing, no effective order, BLEU-4):
 *   BLEU = BP · exp(Σ_n (1/N) log p_n),
 * p_n = (Σ clipped n-gram matches) / (Σ hypothesis n-grams) over the whole corpus, clipped by the
 * largest count of the n-gram in any one reference, and BP = exp(1 − r/c) when c < r, where r sums
 * per sentence the reference length closest to the hypothesis length (ties: the shorter).
 * `references` are sacreBLEU's reference streams (references[k][i]: k-th reference of sentence i).
 */
export function corpusBleu(hypotheses: readonly string[], references: ReferenceStreams, opts: BleuOptions = {}): BleuResult {
  const maxN = opts.maxN ?? 4;
  if (!Number.isInteger(maxN) || maxN < 1) throw new Error(`corpusBleu: maxN ${maxN}; expected a positive integer`);
  const { bySentence, nrefs } = sentenceReferences(references, hypotheses.length, "corpusBleu");
  const tokens = (s: string): string[] => bleuTokens(s, opts.tokenize ?? "13a");
  const stats: BleuStats = { hypLen: 0, refLen: 0, matches: new Array<number>(maxN).fill(0), totals: new Array<number>(maxN).fill(0) };
  hypotheses.forEach((hyp, i) => addStats(stats, bleuSentenceStats(tokens(hyp), bySentence[i]!.map(tokens), maxN)));
  return { ...stats, ...bleuFromStats(stats, opts), signature: bleuSignature(nrefs, opts) };
}

/** BLEU of one sentence against its references (sacreBLEU's sentence_bleu: effective order on by default). */
export function sentenceBleu(hypothesis: string, references: readonly string[], opts: BleuOptions = {}): BleuResult {
  return corpusBleu([hypothesis], references.map((r) => [r]), { effectiveOrder: true, ...opts });
}

/** The tokens BLEU counts: sacreBLEU strips trailing whitespace, tokenises, then splits on spaces. */
export function bleuTokens(text: string, tokenize: BleuTokenize = "13a"): string[] {
  const line = trimEndWhitespace(text);
  return splitWhitespace(tokenize === "13a" ? tokenize13a(line) : line);
}

/** Statistics of one tokenised hypothesis against its tokenised references. */
export function bleuSentenceStats(hyp: readonly string[], refs: readonly (readonly string[])[], maxN = 4): BleuStats {
  const matches: number[] = [];
  const totals: number[] = [];
  for (let n = 1; n <= maxN; n++) {
    // Clip by the largest count of each n-gram in any single reference.
    const refMax = new Map<string, number>();
    for (const ref of refs) for (const [g, c] of ngramCounts(ref, n)) refMax.set(g, Math.max(refMax.get(g) ?? 0, c));
    let m = 0;
    let t = 0;
    for (const [g, c] of ngramCounts(hyp, n)) {
      t += c;
      m += Math.min(c, refMax.get(g) ?? 0);
    }
    matches.push(m);
    totals.push(t);
  }
  return { hypLen: hyp.length, refLen: closestRefLength(hyp.length, refs.map((r) => r.length)), matches, totals };
}

/**
 * BLEU from summed statistics, step for step as sacreBLEU's BLEU.compute_bleu: 0 when nothing
 * matches at all; orders are used up to the first with no hypothesis n-gram (beyond it p_n = 0,
 * so BLEU is 0 unless `effectiveOrder` stops the average there); log 0 is floored at −9999999999.
 */
export function bleuFromStats(stats: BleuStats, opts: BleuOptions = {}): { bleu: number; precisions: number[]; bp: number } {
  const maxN = stats.matches.length;
  const smooth = opts.smooth ?? "exp";
  const k = opts.smoothValue ?? SMOOTH_DEFAULTS[smooth] ?? 0;
  const { hypLen: c, refLen: r } = stats;
  const bp = c < r ? (c > 0 ? Math.exp(1 - r / c) : 0) : 1;
  const precisions = new Array<number>(maxN).fill(0);
  if (!stats.matches.some((m) => m !== 0)) return { bleu: 0, precisions, bp };
  let expDenominator = 1;
  let order = maxN;
  for (let n = 1; n <= maxN; n++) {
    let correct = stats.matches[n - 1]!;
    let total = stats.totals[n - 1]!;
    if (smooth === "add-k" && n > 1) {
      correct += k;
      total += k;
    }
    if (total === 0) break;
    if (opts.effectiveOrder) order = n;
    if (correct === 0) {
      if (smooth === "exp") {
        expDenominator *= 2;
        precisions[n - 1] = 100 / (expDenominator * total);
      } else if (smooth === "floor") {
        precisions[n - 1] = (100 * k) / total;
      }
    } else {
      precisions[n - 1] = (100 * correct) / total;
    }
  }
  const logSum = precisions.slice(0, order).reduce((s, p) => s + (p === 0 ? -9999999999 : Math.log(p)), 0);
  return { bleu: bp * Math.exp(logSum / order), precisions, bp };
}

/** sacreBLEU's BLEU signature for these options. */
export function bleuSignature(nrefs: number | "var", opts: BleuOptions = {}): string {
  const smooth = opts.smooth ?? "exp";
  const def = SMOOTH_DEFAULTS[smooth];
  const smoothText = def === null ? smooth : `${smooth}[${(opts.smoothValue ?? def).toFixed(2)}]`;
  return sacrebleuSignature(nrefs, [
    ["case", "mixed"],
    ["eff", opts.effectiveOrder ? "yes" : "no"],
    ["tok", opts.tokenize ?? "13a"],
    ["smooth", smoothText],
  ]);
}

/** The reference length closest to the hypothesis length; on a tie, the shorter one. */
function closestRefLength(hypLen: number, refLens: readonly number[]): number {
  let best = -1;
  let bestDiff = -1;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    if (bestDiff < 0 || diff < bestDiff || (diff === bestDiff && len < best)) {
      bestDiff = diff;
      best = len;
    }
  }
  return best;
}

function addStats(into: BleuStats, s: BleuStats): void {
  into.hypLen += s.hypLen;
  into.refLen += s.refLen;
  s.matches.forEach((m, i) => (into.matches[i]! += m));
  s.totals.forEach((t, i) => (into.totals[i]! += t));
}
