import { ngramOverlap } from "./ngrams.js";

export interface ChrFOptions {
  /** Recall weight β (Popović 2015 recommends 2: recall counts twice as much). Default 2. */
  beta?: number;
  /** Highest character n-gram order. Default 6. */
  maxN?: number;
}

export interface ChrFResult {
  /** chrF_β in [0, 100]. */
  chrF: number;
  /** chrP and chrR: precision and recall averaged over the orders used, fractions in [0, 1]. */
  precision: number;
  recall: number;
}

/**
 * Corpus-level chrF (Popović 2015): character n-gram precision chrP and recall chrR, each the
 * arithmetic mean over n = 1..maxN of corpus-summed clipped matches / totals, combined as
 *   chrF_β = (1 + β²) · chrP · chrR / (β² · chrP + chrR).
 * Whitespace is removed first, as in Popović's script and sacreBLEU. Orders for which neither
 * side has an n-gram (very short sentences) are left out of the means, like sacreBLEU's
 * effective order. sacreBLEU ≥ 2 averages per-order F-scores instead, so its values can differ
 * slightly from this paper definition.
 */
export function chrF(hypotheses: readonly string[], references: readonly string[], opts: ChrFOptions = {}): ChrFResult {
  const beta = opts.beta ?? 2;
  const maxN = opts.maxN ?? 6;
  if (hypotheses.length !== references.length) throw new Error(`chrF: ${hypotheses.length} hypotheses but ${references.length} references`);
  const matches = new Array<number>(maxN).fill(0);
  const hypTotals = new Array<number>(maxN).fill(0);
  const refTotals = new Array<number>(maxN).fill(0);
  hypotheses.forEach((h, i) => {
    const hyp = chars(h);
    const ref = chars(references[i]!);
    for (let n = 1; n <= maxN; n++) {
      const o = ngramOverlap(hyp, ref, n);
      matches[n - 1]! += o.matches;
      hypTotals[n - 1]! += o.hypTotal;
      refTotals[n - 1]! += o.refTotal;
    }
  });
  let p = 0;
  let r = 0;
  let orders = 0;
  for (let i = 0; i < maxN; i++) {
    if (hypTotals[i] === 0 && refTotals[i] === 0) continue;
    p += hypTotals[i]! > 0 ? matches[i]! / hypTotals[i]! : 0;
    r += refTotals[i]! > 0 ? matches[i]! / refTotals[i]! : 0;
    orders++;
  }
  if (orders === 0) return { chrF: 0, precision: 0, recall: 0 };
  const precision = p / orders;
  const recall = r / orders;
  const b2 = beta * beta;
  const denom = b2 * precision + recall;
  return { chrF: denom === 0 ? 0 : (100 * (1 + b2) * precision * recall) / denom, precision, recall };
}

/** Code points without whitespace (Array.from keeps surrogate pairs whole). */
function chars(s: string): string[] {
  return Array.from(s.replace(/\s+/gu, ""));
}
