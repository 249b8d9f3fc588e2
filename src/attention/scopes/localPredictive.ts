import { uniform_ } from "../../nn/init.js";
import { Linear } from "../../nn/linear.js";
import { add, exp, matmul, mul, mulScalar, sigmoid, square, sub, tanh } from "../../ops/index.js";
import { Tensor } from "../../tensor/tensor.js";
import { repeatLengths, windowMask, type Scope, type ScopeContext, type ScopeInput, type ScopeOutput } from "../scope.js";

/** Where local-p's Gaussian goes (model.attention.localP). */
export const LOCAL_P_MODES = ["renormalised", "paper"] as const;
export type LocalPMode = (typeof LOCAL_P_MODES)[number];

/**
 * local-p (Luong et al. 2015 §3.2): a predicted centre p_t = S·sigmoid(v_pᵀ tanh(W_p h_t)) (eq. 9)
 * with S the sentence's length, the window [p_t − D, p_t + D] and a Gaussian of σ = D/2 around p_t
 * (eq. 10). Two forms (model.attention.localP):
 *  - "renormalised" (default): the Gaussian's log is added to the energies before normalising,
 *    e_s − (s − p_t)²/2σ², i.e. Luong's align·Gaussian renormalised, so the weights stay a
 *    distribution and dumps are comparable across scopes;
 *  - "paper": exactly eq. 10, a_t(s) = align(h_t, h̄_s)·exp(−(s − p_t)²/2σ²), the Gaussian
 *    multiplying the normalised weights (a factor after the normaliser): rows sum to less than 1.
 * Parameters (on the owning attention): position_proj.weight = W_p, position_v = v_p.
 */
export class LocalPredictiveScope implements Scope {
  readonly kind = "local-p";
  readonly window: number;
  readonly mode: LocalPMode;
  readonly positionProj: Linear;
  readonly positionV: Tensor;

  constructor(ctx: ScopeContext) {
    if (ctx.window < 1) throw new Error("Attention: local-p needs a window of at least 1 (σ = D/2)");
    const mode = ctx.localP ?? "renormalised";
    if (!(LOCAL_P_MODES as readonly string[]).includes(mode)) throw new Error(`Attention: local-p form "${mode}"; expected one of ${LOCAL_P_MODES.join(" | ")}`);
    this.mode = mode as LocalPMode;
    this.window = ctx.window;
    this.positionProj = ctx.owner.module("position_proj", new Linear(ctx.queryDim, ctx.size, ctx.rng, { bias: false }));
    const bound = 1 / Math.sqrt(ctx.size);
    this.positionV = ctx.owner.param("position_v", uniform_(Tensor.zeros([ctx.size, 1]), ctx.rng, -bound, bound));
  }

  /** The predicted centres p_t [N, 1] of queries [N, Dq] for per-row lengths [N]. */
  centres(query: Tensor, lengths: Int32Array): Tensor {
    const N = query.shape[0]!;
    const gate = sigmoid(matmul(tanh(this.positionProj.forward(query)), this.positionV));
    const lengthsT = Tensor.zeros([N, 1]);
    for (let r = 0; r < N; r++) lengthsT.data[r] = lengths[r]!;
    return mul(gate, lengthsT);
  }

  restrict(input: ScopeInput): ScopeOutput {
    const [N, S] = input.energies.shape as [number, number];
    const lengths = repeatLengths(input.memory.lengths, input.rows);
    const p = this.centres(input.query, lengths);
    const centres = new Float64Array(N);
    for (let r = 0; r < N; r++) centres[r] = Math.min(Math.round(p.data[r]!), lengths[r]! - 1);
    const positions = Tensor.zeros([N, S]);
    for (let r = 0; r < N; r++) for (let s = 0; s < S; s++) positions.data[r * S + s] = s;
    const sigma = this.window / 2;
    // −(s − p_t)²/2σ², the log of eq. 10's Gaussian.
    const logGaussian = mulScalar(square(sub(positions, p)), -1 / (2 * sigma * sigma));
    const mask = windowMask(input.padMask, centres, S, this.window);
    if (this.mode === "paper") return { energies: input.energies, mask, factor: exp(logGaussian) };
    return { energies: add(input.energies, logGaussian), mask };
  }
}
