import type { FloatArray } from "../tensor/dtype.js";
import { EOS } from "../data/vocab.js";
import { chainAttention, coveragePenalty } from "./coveragePenalty.js";
import { extend, toHypothesis, type HypNode } from "./history.js";
import { lengthPenalty, normalizedScore } from "./lengthPenalty.js";
import { topTokens } from "./step.js";
import type { Hypothesis } from "./types.js";

/** A live hypothesis: its summed log-probability and its chain (null before the first token). */
interface Live {
  logProb: number;
  node: HypNode | null;
}

interface Ended {
  logProb: number;
  score: number;
  node: HypNode;
}

/** A chosen extension for the next step: slot j of the sentence continues from slot `parent`. */
export interface Continuation {
  parent: number;
  token: number;
}

/**
 * The beam of one sentence: up to K live hypotheses in slots 0..live−1 (rows b·K + slot of the
 * batch) and the ended ones.
 *
 * Each step keeps the K best extensions of all live hypotheses (ranked by summed log-probability;
 * ties: lower slot, then lower token id). Those ending in </s> leave the beam for the ended list,
 * the others are next step's live slots — so the beam holds K hypotheses at every step, counting
 * the ones that just ended (as OpenNMT's beam does). With K = 1 this is exactly greedy decoding.
 * An ended hypothesis is ranked by its log-probability over the GNMT length penalty plus the GNMT
 * coverage penalty (β > 0; decode/coveragePenalty.ts), which needs every step's attention row.
 */
export class SentenceBeam {
  private live: Live[] = [{ logProb: 0, node: null }];
  private readonly ended: Ended[] = [];
  done = false;

  constructor(
    private readonly k: number,
    private readonly maxLen: number,
    private readonly alpha: number,
    private readonly beta = 0,
  ) {}

  get liveCount(): number {
    return this.live.length;
  }

  /**
   * Advance by step t given the batch's log-probabilities; `firstRow` is this sentence's row b·K,
   * `attention(row)` that row's attention weights and `pGen(row)` its p_gen (copy attention).
   * Returns the continuations, in slot order.
   */
  advance(logProbs: FloatArray, vocab: number, firstRow: number, t: number, attention: (row: number) => number[] | null, pGen: (row: number) => number | null = () => null): Continuation[] {
    const candidates: { logProb: number; parent: number; token: number }[] = [];
    this.live.forEach((h, slot) => {
      // Only a slot's own K best tokens can be among the K best of the whole beam.
      for (const c of topTokens(logProbs, firstRow + slot, vocab, this.k)) candidates.push({ logProb: h.logProb + c.logProb, parent: slot, token: c.token });
    });
    // Array.prototype.sort is stable and candidates are in (slot, rank) order, so ties keep the
    // lower slot first and, within a slot, the lower token id (topTokens' order).
    candidates.sort((a, b) => descending(a.logProb, b.logProb));
    const next: Live[] = [];
    const continuations: Continuation[] = [];
    for (const c of candidates.slice(0, this.k)) {
      const node = extend(this.live[c.parent]!.node, c.token, attention(firstRow + c.parent), pGen(firstRow + c.parent));
      if (c.token === EOS) {
        this.end(node, c.logProb, t + 1);
      } else {
        next.push({ logProb: c.logProb, node });
        continuations.push({ parent: c.parent, token: c.token });
      }
    }
    this.live = next;
    if (t + 1 >= this.maxLen) {
      // Out of steps: the live hypotheses end without </s>.
      for (const h of this.live) this.end(h.node!, h.logProb, t + 1);
      this.live = [];
    }
    this.done = this.live.length === 0 || this.cannotImprove();
    return this.done ? [] : continuations;
  }

  /** The n best ended hypotheses, best first (ties: the one that ended first). */
  best(n: number): Hypothesis[] {
    return [...this.ended]
      .sort((a, b) => descending(a.score, b.score))
      .slice(0, n)
      .map((e) => toHypothesis(e.node, e.logProb, e.score));
  }

  private end(node: HypNode, logProb: number, length: number): void {
    // cp ≤ 0, so cannotImprove's bound on the live hypotheses (cp = 0 at best) still holds.
    const cp = this.beta === 0 ? 0 : coveragePenalty(chainAttention(node), this.beta);
    this.ended.push({ logProb, score: normalizedScore(logProb, length, this.alpha) + cp, node });
  }

  /**
   * True when K ended hypotheses score at least as well as any live one ever could. Extending
   * only adds log-probabilities ≤ 0, so a live hypothesis's raw score only falls; with α > 0 its
   * normalised score is at most logProb / lp(maxLen), since logProb ≤ 0 and lp grows with length
   * (the bound tensor2tensor's beam search uses).
   */
  private cannotImprove(): boolean {
    if (this.ended.length < this.k) return false;
    const kth = this.ended.map((e) => e.score).sort(descending)[this.k - 1]!;
    const bestLive = Math.max(...this.live.map((h) => h.logProb));
    const bound = this.alpha === 0 ? bestLive : bestLive / lengthPenalty(this.maxLen, this.alpha);
    return kth >= bound;
  }
}

/** Comparator for a descending sort that stays consistent with −Infinity (a − b would give NaN). */
function descending(a: number, b: number): number {
  return a > b ? -1 : a < b ? 1 : 0;
}
