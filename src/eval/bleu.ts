import { ngramOverlap } from "./ngrams.js";

/**
 * Smoothing of zero n-gram matches (Chen & Cherry 2014 compare them):
 *  - "none": Papineni et al. 2002 — any order without a match makes BLEU 0;
 *  - "add-one": Lin & Och 2004 — add 1 to matches and totals of orders n ≥ 2;
 *  - "exp": Chen & Cherry's method 3 (sacreBLEU's "exp") — the k-th order with zero matches
 *    gets precision 1 / (2^k · total).
 */
export type BleuSmoothing = "none" | "add-one" | "exp";

export interface BleuOptions {
  /** Highest n-gram order. Default 4. */
  maxN?: number;
  smooth?: BleuSmoothing;
}

export interface BleuResult {
  /** BLEU in [0, 100]. */
  bleu: number;
  /** Modified n-gram precision p_n per order n = 1..maxN, as fractions in [0, 1] (after smoothing). */
  precisions: number[];
  /** Clipped n-gram matches and hypothesis n-gram totals per order, summed over the corpus. */
  matches: number[];
  totals: number[];
  /** Brevity penalty: 1 if c > r, else exp(1 − r/c) (0 for an empty output). */
  bp: number;
  /** Total hypothesis length c and reference length r, in tokens. */
  hypLen: number;
  refLen: number;
}

/**
 * Corpus-level BLEU (Papineni et al. 2002) with one reference per sentence:
 *   BLEU = BP · exp(Σ_n (1/N) log p_n)
 * where p_n = (Σ clipped n-gram matches) / (Σ hypothesis n-grams) over the whole corpus (not an
 * average of sentence scores), and BP = exp(1 − r/c) when the total hypothesis length c does
 * not exceed the total reference length r. Callers pass tokenised sentences, so the score
 * depends on their tokenisation (sacreBLEU's scores use its own "13a" tokeniser).
 */
export function corpusBleu(hypotheses: readonly (readonly string[])[], references: readonly (readonly string[])[], opts: BleuOptions = {}): BleuResult {
  const maxN = opts.maxN ?? 4;
  const smooth = opts.smooth ?? "none";
  if (hypotheses.length !== references.length) throw new Error(`corpusBleu: ${hypotheses.length} hypotheses but ${references.length} references`);
  if (!Number.isInteger(maxN) || maxN < 1) throw new Error(`corpusBleu: maxN ${maxN}; expected a positive integer`);
  const matches = new Array<number>(maxN).fill(0);
  const totals = new Array<number>(maxN).fill(0);
  let hypLen = 0;
  let refLen = 0;
  hypotheses.forEach((hyp, i) => {
    const ref = references[i]!;
    hypLen += hyp.length;
    refLen += ref.length;
    for (let n = 1; n <= maxN; n++) {
      const o = ngramOverlap(hyp, ref, n);
      matches[n - 1]! += o.matches;
      totals[n - 1]! += o.hypTotal;
    }
  });
  const precisions = smoothedPrecisions(matches, totals, smooth);
  const bp = hypLen === 0 ? 0 : hypLen > refLen ? 1 : Math.exp(1 - refLen / hypLen);
  const logMean = precisions.reduce((s, p) => s + Math.log(p), 0) / maxN;
  const bleu = precisions.some((p) => p === 0) || bp === 0 ? 0 : 100 * bp * Math.exp(logMean);
  return { bleu, precisions, matches, totals, bp, hypLen, refLen };
}

function smoothedPrecisions(matches: number[], totals: number[], smooth: BleuSmoothing): number[] {
  let zeros = 0;
  return matches.map((m, i) => {
    const total = totals[i]!;
    if (smooth === "add-one" && i > 0) return (m + 1) / (total + 1);
    if (total === 0) return 0;
    if (m === 0 && smooth === "exp") return 1 / (2 ** ++zeros * total);
    return m / total;
  });
}
