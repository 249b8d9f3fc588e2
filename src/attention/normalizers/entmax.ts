import { addScalar, entmaxBisect, exp, log } from "../../ops/index.js";
import { Tensor } from "../../tensor/tensor.js";
import { Normalizer } from "../normalizer.js";

/** α of entmax when the config gives none (Peters et al. 2019's 1.5). */
export const DEFAULT_ALPHA = 1.5;

/**
 * Lower bound of a learned α. The ∂/∂α of entmax has (α − 1)² in its denominator (Correia et al.
 * 2019, appendix A), so α is kept away from 1 (softmax): α = ALPHA_FLOOR + softplus(a).
 */
export const ALPHA_FLOOR = 1.01;

/** a with ALPHA_FLOOR + softplus(a) = alpha (alpha > ALPHA_FLOOR): the inverse of the parametrisation. */
export function preAlphaFor(alpha: number): number {
  const y = alpha - ALPHA_FLOOR;
  if (!(y > 0)) throw new Error(`learned entmax: the starting α must be above ${ALPHA_FLOOR}, got ${alpha}`);
  return y > 30 ? y : Math.log(Math.expm1(y));
}

/**
 * α-entmax (Peters et al. 2019, eq. 9): [(α−1)e − τ]_+^{1/(α−1)}, by bisection on τ; α → 1 is
 * softmax, α = 2 sparsemax. Fixed α, or with `learn` a trained α per head (Correia et al. 2019,
 * "Adaptively Sparse Transformers") stored as the parameter `pre_alpha` [heads]:
 * α_h = ALPHA_FLOOR + softplus(pre_alpha_h) = 1.01 + log(1 + exp(pre_alpha_h)), so α_h > 1.01
 * whatever the optimizer does (Correia et al. use 1 + sigmoid, capping α at 2; softplus leaves it
 * free above).
 */
export class EntmaxNormalizer extends Normalizer {
  readonly kind = "entmax";
  /** Trained a of α = ALPHA_FLOOR + softplus(a), one per head; null for a fixed α. */
  readonly preAlpha: Tensor | null;
  private readonly fixed: Tensor | null;

  constructor(alpha: number, learn: boolean, heads: number, topK: number | null = null) {
    super(topK);
    if (!(alpha > 1)) throw new Error(`entmax: α must be > 1, got ${alpha}`);
    if (!(Number.isInteger(heads) && heads >= 1)) throw new Error(`entmax: heads must be a positive integer, got ${heads}`);
    this.preAlpha = learn ? this.param("pre_alpha", Tensor.full([heads], preAlphaFor(alpha))) : null;
    // A constant α on the JS heap (never in a step's arena); the kernels read it as it is.
    this.fixed = learn ? null : new Tensor(Float64Array.of(alpha), [1]);
  }

  /** α per head [heads] (learned) or the fixed α [1], as a tensor the gradient flows through. */
  alpha(): Tensor {
    if (!this.preAlpha) return this.fixed!;
    return addScalar(log(addScalar(exp(this.preAlpha), 1)), ALPHA_FLOOR);
  }

  protected normalize(scores: Tensor, mask: Uint8Array | null, rowsPerHead: number | undefined): Tensor {
    return entmaxBisect(scores, this.alpha(), mask, this.preAlpha ? rowsPerHead : undefined);
  }
}
