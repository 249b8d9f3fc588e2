import { xavierUniform_, uniform_ } from "../nn/init.js";
import { matmul, slice } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { Tensor } from "../tensor/tensor.js";
import { additiveWithCoverage, CoverageProjection } from "./coverage.js";
import { AttentionScore, type ScoreOptions } from "./score.js";

/**
 * Luong's "concat" score (Luong, Pham & Manning 2015, eq. 8): e_s = vᵀ tanh(W [q; k_s]) with one
 * matrix W [A, Dq + Dk]. It equals the additive score with W split by columns; we keep the single
 * W of the paper (and of the PyTorch fixture) and apply its key half once per sentence.
 * With coverage (See et al. 2017 eq. 11): e_s = vᵀ tanh(W [q; k_s] + w_c c_s), w_c = coverage_proj.weight.
 */
export class ConcatScore extends AttentionScore {
  readonly kind = "concat";
  readonly W: Tensor;
  readonly v: Tensor;
  readonly coverageProj: CoverageProjection | null;

  constructor(private readonly queryDim: number, private readonly keyDim: number, opts: ScoreOptions, rng: Rng) {
    super();
    this.W = this.param("W", xavierUniform_(Tensor.zeros([opts.size, queryDim + keyDim]), rng));
    const bound = 1 / Math.sqrt(opts.size);
    this.v = this.param("v", uniform_(Tensor.zeros([opts.size]), rng, -bound, bound));
    this.coverageProj = opts.coverage ? this.module("coverage_proj", new CoverageProjection(opts.size, rng.fork("coverage"))) : null;
  }

  override get readsCoverage(): boolean {
    return this.coverageProj !== null;
  }

  override prepareKeys(keys: Tensor): Tensor {
    const Wk = slice(this.W, 1, this.queryDim, this.queryDim + this.keyDim);
    return matmul(keys, Wk, { transB: true });
  }

  energies(query: Tensor, preparedKeys: Tensor, coverage: Tensor | null = null): Tensor {
    const Wq = slice(this.W, 1, 0, this.queryDim);
    return additiveWithCoverage(preparedKeys, matmul(query, Wq, { transB: true }), this.v, this.coverageProj, coverage);
  }
}
