import { ngramCounts } from "./ngrams.js";
import { sentenceReferences, type ReferenceStreams } from "./references.js";
import { sacrebleuSignature } from "./signature.js";
import { removeWhitespace, splitWhitespace } from "./whitespace.js";

export interface ChrFOptions {
  /** Highest character n-gram order. Default 6. */
  charOrder?: number;
  /** Highest word n-gram order: 0 is chrF (Popović 2015), 2 is chrF++ (Popović 2017). Default 0. */
  wordOrder?: number;
  /** Recall weight β (Popović 2016 recommends 2: recall counts twice as much). Default 2. */
  beta?: number;
  /** Keep whitespace inside character n-grams. Default false. */
  whitespace?: boolean;
  /** Average per-order F-scores with ε for empty orders (chrF++.py, NLTK) instead of sacreBLEU's effective order. Default false. */
  epsSmoothing?: boolean;
}

export interface ChrFResult {
  /** chrF_β (or chrF_β++) in [0, 100]. */
  chrF: number;
  /** sacreBLEU's name of the metric: chrF2, chrF2++, … */
  name: string;
  /** Per order (character orders first, then word orders): hypothesis n-grams, reference n-grams, matches — summed over the corpus. */
  stats: [number, number, number][];
  /** The signature sacreBLEU prints, e.g. nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0. */
  signature: string;
}

/**
 * Corpus chrF (Popović 2015) and chrF++ (Popović 2017), computed exactly as sacreBLEU ≥ 2's CHRF:
 * character n-grams of each sentence with its whitespace removed (and, for chrF++, word uni- and
 * bigrams after splitting one punctuation mark off the end or start of each word); per sentence
 * the reference with the best sentence-level score; clipped matches and totals summed over the
 * corpus; then precision chrP and recall chrR, each the mean over the orders where both the
 * hypotheses and the references have n-grams ("effective order"), combined as
 *   chrF_β = (1 + β²) · chrP · chrR / (β² · chrP + chrR).
 * Hypothesis n-grams of an order the sentence's reference lacks are not counted.
 */
export function corpusChrF(hypotheses: readonly string[], references: ReferenceStreams, opts: ChrFOptions = {}): ChrFResult {
  const o = resolve(opts);
  const { bySentence, nrefs } = sentenceReferences(references, hypotheses.length, "corpusChrF");
  const totals = new Array<number>(3 * (o.charOrder + o.wordOrder)).fill(0);
  hypotheses.forEach((hyp, i) => {
    const h = ngramsOf(hyp, o);
    let best: number[] = [];
    let bestF = -1;
    for (const ref of bySentence[i]!) {
      const s = matchStats(h, ngramsOf(ref, o));
      const f = fScore(s, o);
      if (f > bestF) {
        bestF = f;
        best = s;
      }
    }
    best.forEach((v, k) => (totals[k]! += v));
  });
  const stats = Array.from({ length: o.charOrder + o.wordOrder }, (_, i) => [totals[3 * i]!, totals[3 * i + 1]!, totals[3 * i + 2]!] as [number, number, number]);
  return { chrF: fScore(totals, o), name: `chrF${o.beta}${"+".repeat(o.wordOrder)}`, stats, signature: chrFSignature(nrefs, opts) };
}

/** chrF of one sentence against its references. */
export function sentenceChrF(hypothesis: string, references: readonly string[], opts: ChrFOptions = {}): ChrFResult {
  return corpusChrF([hypothesis], references.map((r) => [r]), opts);
}

/** sacreBLEU's chrF signature for these options. */
export function chrFSignature(nrefs: number | "var", opts: ChrFOptions = {}): string {
  const o = resolve(opts);
  return sacrebleuSignature(nrefs, [
    ["case", "mixed"],
    ["eff", o.epsSmoothing ? "no" : "yes"],
    ["nc", o.charOrder],
    ["nw", o.wordOrder],
    ["space", o.whitespace ? "yes" : "no"],
  ]);
}

type Resolved = Required<ChrFOptions>;

function resolve(opts: ChrFOptions): Resolved {
  return { charOrder: opts.charOrder ?? 6, wordOrder: opts.wordOrder ?? 0, beta: opts.beta ?? 2, whitespace: opts.whitespace ?? false, epsSmoothing: opts.epsSmoothing ?? false };
}

/** n-gram counts per order: characters (code points) 1..charOrder, then words 1..wordOrder. */
function ngramsOf(text: string, o: Resolved): Map<string, number>[] {
  const chars = Array.from(o.whitespace ? text : removeWhitespace(text));
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= o.charOrder; n++) out.push(ngramCounts(chars, n));
  if (o.wordOrder > 0) {
    const words = splitPunctuation(text);
    for (let n = 1; n <= o.wordOrder; n++) out.push(ngramCounts(words, n));
  }
  return out;
}

const PUNCTUATION = new Set(Array.from("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"));

/** chrF++'s words: whitespace-separated, one punctuation mark split off the end (else the start) of a longer word. */
function splitPunctuation(text: string): string[] {
  const out: string[] = [];
  for (const w of splitWhitespace(text)) {
    const cps = Array.from(w);
    if (cps.length === 1) out.push(w);
    else if (PUNCTUATION.has(cps[cps.length - 1]!)) out.push(cps.slice(0, -1).join(""), cps[cps.length - 1]!);
    else if (PUNCTUATION.has(cps[0]!)) out.push(cps[0]!, cps.slice(1).join(""));
    else out.push(w);
  }
  return out;
}

/** Flat [hyp, ref, match] per order; hypothesis n-grams count only if the reference has n-grams of that order. */
function matchStats(hyp: readonly Map<string, number>[], ref: readonly Map<string, number>[]): number[] {
  const out: number[] = [];
  hyp.forEach((h, i) => {
    const r = ref[i]!;
    let hypCount = 0;
    let match = 0;
    for (const [g, c] of h) {
      hypCount += c;
      match += Math.min(c, r.get(g) ?? 0);
    }
    let refCount = 0;
    for (const c of r.values()) refCount += c;
    out.push(r.size > 0 ? hypCount : 0, refCount, match);
  });
  return out;
}

/** sacreBLEU's CHRF._compute_f_score on flat [hyp, ref, match] statistics, operation for operation. */
function fScore(stats: readonly number[], o: Resolved): number {
  const eps = 1e-16;
  const factor = o.beta ** 2;
  const orders = o.charOrder + o.wordOrder;
  let score = 0;
  let precision = 0;
  let recall = 0;
  let effective = 0;
  for (let i = 0; i < orders; i++) {
    const [nHyp, nRef, nMatch] = [stats[3 * i]!, stats[3 * i + 1]!, stats[3 * i + 2]!];
    const p = nHyp > 0 ? nMatch / nHyp : eps;
    const r = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * p + r;
    score += denom > 0 ? ((1 + factor) * p * r) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      precision += p;
      recall += r;
      effective++;
    }
  }
  if (o.epsSmoothing) return (100 * score) / orders;
  if (effective === 0) return 0;
  precision /= effective;
  recall /= effective;
  if (precision + recall === 0) return 0;
  return 100 * (((1 + factor) * precision * recall) / (factor * precision + recall));
}
