import { uniform_ } from "../nn/init.js";
import { Module } from "../nn/module.js";
import { coverageEnergies } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { Tensor } from "../tensor/tensor.js";
import { sharedKeyAdditiveEnergies } from "./sharedKeyEnergies.js";

/**
 * Coverage (Tu et al. 2016; See et al. 2017 §2.3): the running sum of a decoder row's past
 * attention, c_t = Σ_{t'<t} a_{t'} [N, S], enters the additive score as one more term inside the
 * tanh, e_j = vᵀ tanh(W₁q + W₂k_j + w_c c_t(j)) (See et al. eq. 11), so the score can learn to
 * look away from positions already attended to. The decoder carries c_t in its state.
 *
 * w_c is stored like torch.nn.Linear(1, A, bias=False).weight, [A, 1], under the score as
 * `coverage_proj.weight`; init U(±1/√A) like v.
 */
export class CoverageProjection extends Module {
  readonly weight: Tensor;

  constructor(size: number, rng: Rng) {
    super();
    const bound = 1 / Math.sqrt(size);
    this.weight = this.param("weight", uniform_(Tensor.zeros([size, 1]), rng, -bound, bound));
  }
}

/**
 * The additive energies of N = G·B query rows over B sentences' projected keys [B, S, A], with
 * the coverage term when both a projection and a coverage vector [N, S] are given. A null
 * coverage is all zeros (the first step), where the term vanishes: then the plain fused kernel
 * runs, which gives the same energies.
 */
export function additiveWithCoverage(keysProj: Tensor, queryProj: Tensor, v: Tensor, proj: CoverageProjection | null, coverage: Tensor | null): Tensor {
  if (!proj || !coverage) return sharedKeyAdditiveEnergies(keysProj, queryProj, v);
  return coverageEnergies(keysProj, queryProj, v, coverage, proj.weight);
}
