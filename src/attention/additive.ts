import { Linear } from "../nn/linear.js";
import type { Rng } from "../tensor/rng.js";
import { Tensor } from "../tensor/tensor.js";
import { uniform_ } from "../nn/init.js";
import { additiveWithCoverage, CoverageProjection } from "./coverage.js";
import { AttentionScore, type ScoreOptions } from "./score.js";

/**
 * Additive (Bahdanau) score, Bahdanau, Cho & Bengio 2014, eq. 6 / appendix A.1.2:
 *   e_j = vᵀ tanh(W₁ q + W₂ k_j)
 * W₂k is computed once per sentence in `prepareKeys`. No biases, as in the paper's appendix.
 * With coverage (ScoreOptions.coverage; See et al. 2017 eq. 11): e_j = vᵀ tanh(W₁ q + W₂ k_j + w_c c_j),
 * w_c = coverage_proj.weight (drawn from its own fork of the stream, so every other parameter of the
 * model equals the one without coverage).
 */
export class AdditiveScore extends AttentionScore {
  readonly kind = "additive";
  readonly queryProj: Linear;
  readonly keyProj: Linear;
  readonly v: Tensor;
  readonly coverageProj: CoverageProjection | null;

  constructor(queryDim: number, keyDim: number, opts: ScoreOptions, rng: Rng) {
    super();
    this.queryProj = this.module("query_proj", new Linear(queryDim, opts.size, rng, { bias: false }));
    this.keyProj = this.module("key_proj", new Linear(keyDim, opts.size, rng, { bias: false }));
    const bound = 1 / Math.sqrt(opts.size);
    this.v = this.param("v", uniform_(Tensor.zeros([opts.size]), rng, -bound, bound));
    this.coverageProj = opts.coverage ? this.module("coverage_proj", new CoverageProjection(opts.size, rng.fork("coverage"))) : null;
  }

  override get readsCoverage(): boolean {
    return this.coverageProj !== null;
  }

  override prepareKeys(keys: Tensor): Tensor {
    return this.keyProj.forward(keys);
  }

  energies(query: Tensor, preparedKeys: Tensor, coverage: Tensor | null = null): Tensor {
    return additiveWithCoverage(preparedKeys, this.queryProj.forward(query), this.v, this.coverageProj, coverage);
  }
}

export { sharedKeyAdditiveEnergies } from "./sharedKeyEnergies.js";
