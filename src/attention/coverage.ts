import { uniform_ } from "../nn/init.js";
import { Module } from "../nn/module.js";
import { add, additiveEnergies, gatherRows, mul, reshape, rowsOfSentences } from "../ops/index.js";
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
 * `coverage_proj.weight`; init U(±1/√A) like v, drawn from a fork of the score's stream
 * ("coverage"), which leaves every other parameter as it is without coverage.
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
 * the coverage term when both a projection and a coverage vector [N, S] are given:
 *
 *   e[r, s] = Σ_a v[a] · tanh(keysProj[⌊r/G⌋, s, a] + queryProj[r, a] + coverage[r, s] · w_c[a])
 *
 * The coverage differs per row, so each row gets keys of its own, keysProj[⌊r/G⌋] + c_r ⊗ w_c
 * [N, S, A] (two elementwise kernels), and the fused additiveEnergies kernel does the rest with
 * B = N; autograd sums the keys' gradient back over a sentence's rows. A null coverage is all
 * zeros (the first step), where the term vanishes: then the plain path runs, with the same result.
 */
export function additiveWithCoverage(keysProj: Tensor, queryProj: Tensor, v: Tensor, proj: CoverageProjection | null, coverage: Tensor | null): Tensor {
  if (!proj || !coverage) return sharedKeyAdditiveEnergies(keysProj, queryProj, v);
  const [B, S, A] = keysProj.shape as [number, number, number];
  const N = queryProj.shape[0]!;
  if (coverage.size !== N * S) throw new Error(`coverage energies: coverage [${coverage.shape.join(", ")}] for ${N} query rows over ${S} positions`);
  const G = B === 0 ? 1 : N / B;
  if (N > 0 && (!Number.isInteger(G) || G < 1)) throw new Error(`coverage energies: ${N} query rows for ${B} sentences; expected a positive multiple`);
  const keys = G === 1 ? reshape(keysProj, [N * S, A]) : reshape(gatherRows(reshape(keysProj, [B, S * A]), rowsOfSentences(N, G), [N]), [N * S, A]);
  // c[r, s] · w_c[a]: a value per row times a vector over the columns, one elementwise kernel.
  const term = mul(reshape(coverage, [N * S, 1]), reshape(proj.weight, [A]));
  return additiveEnergies(reshape(add(keys, term), [N, S, A]), queryProj, v);
}
