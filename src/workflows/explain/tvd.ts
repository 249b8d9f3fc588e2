import type { FloatArray } from "../../tensor/dtype.js";

/**
 * Total variation distance ½ Σ_v |p_v − q_v| between two output distributions, in float64: how
 * far an intervention on attention moved the prediction (Jain & Wallace 2019 §4.2, "TVD"). 0 when
 * the distributions are identical, 1 when they share no mass.
 */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new Error(`totalVariation: distributions of ${p.length} and ${q.length} entries`);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += Math.abs(p[i]! - q[i]!);
  return sum / 2;
}

/** Row `row` of log-probabilities [N, V] as probabilities exp(·), in float64. */
export function probabilitiesOf(logProbs: FloatArray, row: number, vocab: number): Float64Array {
  const out = new Float64Array(vocab);
  for (let v = 0; v < vocab; v++) out[v] = Math.exp(logProbs[row * vocab + v]!);
  return out;
}
