import { Linear } from "../nn/linear.js";
import { additiveEnergies, reshape, slice, stack } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { Tensor } from "../tensor/tensor.js";
import { uniform_ } from "../nn/init.js";
import { AttentionScore, type ScoreOptions } from "./score.js";

/**
 * Additive (Bahdanau) score, Bahdanau, Cho & Bengio 2014, eq. 6 / appendix A.1.2:
 *   e_j = vᵀ tanh(W₁ q + W₂ k_j)
 * W₂k is computed once per sentence in `prepareKeys`. No biases, as in the paper's appendix.
 */
export class AdditiveScore extends AttentionScore {
  readonly kind = "additive";
  readonly queryProj: Linear;
  readonly keyProj: Linear;
  readonly v: Tensor;

  constructor(queryDim: number, keyDim: number, opts: ScoreOptions, rng: Rng) {
    super();
    this.queryProj = this.module("query_proj", new Linear(queryDim, opts.size, rng, { bias: false }));
    this.keyProj = this.module("key_proj", new Linear(keyDim, opts.size, rng, { bias: false }));
    const bound = 1 / Math.sqrt(opts.size);
    this.v = this.param("v", uniform_(Tensor.zeros([opts.size]), rng, -bound, bound));
  }

  override prepareKeys(keys: Tensor): Tensor {
    return this.keyProj.forward(keys);
  }

  energies(query: Tensor, preparedKeys: Tensor): Tensor {
    return sharedKeyAdditiveEnergies(preparedKeys, this.queryProj.forward(query), this.v);
  }
}

/**
 * additiveEnergies for N = G·B query rows over B sentences' projected keys [B, S, A], row r
 * against sentence ⌊r / G⌋ (dotEnergies' convention): one additiveEnergies call per g over the
 * rows b·G + g, results interleaved back to [N, S], so the keys are never copied per hypothesis.
 */
export function sharedKeyAdditiveEnergies(keysProj: Tensor, queryProj: Tensor, v: Tensor): Tensor {
  const [B, S, A] = keysProj.shape as [number, number, number];
  const N = queryProj.shape[0]!;
  if (N === B) return additiveEnergies(keysProj, queryProj, v);
  const G = N / B;
  if (queryProj.ndim !== 2 || !Number.isInteger(G) || G < 1) throw new Error(`additive energies: ${N} query rows for ${B} sentences; expected a positive multiple`);
  const q = reshape(queryProj, [B, G, A]);
  const parts = Array.from({ length: G }, (_, g) => additiveEnergies(keysProj, reshape(slice(q, 1, g, g + 1), [B, A]), v));
  return reshape(stack(parts, 1), [N, S]);
}
