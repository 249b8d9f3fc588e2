/**
 * GNMT length penalty (Wu et al. 2016, eq. 14): lp(Y) = ((5 + |Y|) / 6)^α, and hypotheses are
 * ranked by log P(Y|X) / lp(Y). Without it beam search prefers short outputs, since every token
 * adds a negative log-probability. Here |Y| counts every emitted token whose log-probability is
 * in the score, </s> included (a hypothesis cut at maxLen has no </s>). α = 0 gives lp = 1.
 */
export function lengthPenalty(length: number, alpha: number): number {
  return alpha === 0 ? 1 : Math.pow((5 + length) / 6, alpha);
}

/** The ranking score of a hypothesis with summed log-probability `logProb` over `length` tokens. */
export function normalizedScore(logProb: number, length: number, alpha: number): number {
  return alpha === 0 ? logProb : logProb / lengthPenalty(length, alpha);
}
