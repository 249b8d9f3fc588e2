import type { HypNode } from "./history.js";

/**
 * GNMT coverage penalty (Wu et al. 2016, eq. 14), added to a finished hypothesis's score when
 * beam search ranks it:
 *
 *   cp(X; Y) = β · Σ_{j=1}^{|X|} log( min( Σ_{t=1}^{|Y|} a_t(j), 1.0 ) )
 *
 * j runs over the source words (the appended </s> is not a word and not counted), t over every
 * decoder step of the hypothesis (the step that emitted </s> included, like the length penalty's
 * |Y|). cp ≤ 0: a hypothesis loses score for each source word that its steps gave less than a
 * whole unit of attention. A word no step attended to at all (possible with sparse normalisers)
 * gives log 0 = −∞, so such hypotheses rank below every one that attended to all words.
 * `attention` rows hold the weights over the sentence's real positions, </s> last.
 */
export function coveragePenalty(attention: Iterable<readonly number[]>, beta: number): number {
  if (beta === 0) return 0;
  let sums: Float64Array | null = null;
  for (const row of attention) {
    sums ??= new Float64Array(row.length);
    for (let j = 0; j < row.length; j++) sums[j]! += row[j]!;
  }
  if (!sums) return 0;
  let cp = 0;
  for (let j = 0; j < sums.length - 1; j++) cp += Math.log(Math.min(sums[j]!, 1));
  return beta * cp;
}

/** The attention rows of a hypothesis chain (newest first; the sums do not depend on the order). */
export function* chainAttention(node: HypNode | null): Generator<readonly number[]> {
  for (let n = node; n; n = n.prev) {
    if (!n.attention) throw new Error("coverage penalty: a hypothesis step without attention weights");
    yield n.attention;
  }
}
