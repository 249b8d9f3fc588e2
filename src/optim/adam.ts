import { UserError } from "../errors.js";
import { kernels } from "../kernels/index.js";
import { boolOption, numberOption, Optimizer, type Hyperparams } from "./optimizer.js";
import type { NamedParams } from "./params.js";

export interface AdamOptions {
  lr: number;
  /** Decay of the first moment (default 0.9). */
  beta1?: number;
  /** Decay of the second moment (default 0.999). */
  beta2?: number;
  /** Added to the bias-corrected sqrt(v) (default 1e-8). */
  eps?: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay (default 0.01). */
  weightDecay?: number;
  /** Use the running maximum of v (AMSGrad, Reddi et al. 2018; default false). */
  amsgrad?: boolean;
}

export type AdamHyper = { beta1: number; beta2: number; eps: number; weightDecay: number; amsgrad: boolean };

/** Shared update of Adam and AdamW. */
export abstract class AdamBase extends Optimizer<AdamHyper> {
  /** True for AdamW: weight decay multiplies the parameter instead of entering the gradient. */
  protected readonly decoupled: boolean;

  protected constructor(params: NamedParams, options: AdamOptions, decoupled: boolean) {
    const type = decoupled ? "adamw" : "adam";
    const hyper = validateAdam(type, { ...options }, decoupled ? ADAMW_DEFAULT_DECAY : 0);
    super(type, params, options.lr, hyper, ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]);
    this.decoupled = decoupled;
  }

  protected override validateHyper(h: Partial<Hyperparams>): AdamHyper {
    return validateAdam(this.type, h, this.decoupled ? ADAMW_DEFAULT_DECAY : 0);
  }

  override step(): void {
    this.stepCount++;
    const { beta1, beta2, eps, weightDecay, amsgrad } = this.hyper;
    const lr = this.lr;
    // Adam adds weightDecay * p to the gradient; AdamW first scales p by (1 - lr * weightDecay).
    const l2 = this.decoupled ? 0 : weightDecay;
    const shrink = this.decoupled ? 1 - lr * weightDecay : 1;
    for (const np of this.params) {
      const g = this.gradOf(np);
      if (!g) continue;
      const { name } = np;
      const p = np.param.data;
      const n = p.length;
      const m = this.buffer("exp_avg", name, n);
      const v = this.buffer("exp_avg_sq", name, n);
      const vMax = amsgrad ? this.buffer("max_exp_avg_sq", name, n) : null;
      const t = this.nextParamStep(name);
      const stepSize = lr / (1 - beta1 ** t);
      const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
      kernels().adamStep(p, g, m, v, vMax, n, beta1, beta2, eps, l2, shrink, stepSize, bc2Sqrt);
    }
  }

  protected override checkLoadedState(
    state: ReadonlyMap<string, Float32Array>,
    steps: ReadonlyMap<string, number>,
    hyper: AdamHyper,
  ): void {
    const kinds = hyper.amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"];
    for (const { name } of this.params) {
      const updated = (steps.get(name) ?? 0) > 0;
      for (const kind of kinds) {
        if (state.has(`${kind}.${name}`) !== updated) {
          throw new UserError(
            `${this.type}: optimizer state for '${name}' is inconsistent: step ${steps.get(name) ?? 0} but buffer ${kind} ${updated ? "missing" : "present"}`,
          );
        }
      }
    }
  }
}

/**
 * Adam (Kingma & Ba 2015) with the exact update of `torch.optim.Adam` (PyTorch 1.13, single
 * tensor path). For the t-th update of a parameter (t counted per parameter, from 1):
 *
 *     g     = grad + weightDecay * p                       (Adam: L2 in the gradient)
 *     m     = beta1 * m + (1 - beta1) * g
 *     v     = beta2 * v + (1 - beta2) * g^2
 *     vHat  = amsgrad ? (vMax = max(vMax, v)) : v
 *     denom = sqrt(vHat) / sqrt(1 - beta2^t) + eps         (eps after the bias correction)
 *     p    -= lr / (1 - beta1^t) * m / denom
 *
 * State is float32 (`exp_avg`, `exp_avg_sq`, `max_exp_avg_sq` buffers, and the per-parameter
 * step in the metadata). The update is `Kernels.adamStep`: float64 rounded once when stored in
 * the js reference, float32 (as PyTorch) in the WebAssembly kernels.
 */
export class Adam extends AdamBase {
  constructor(params: NamedParams, options: AdamOptions) {
    super(params, options, false);
  }
}

/**
 * AdamW (Loshchilov & Hutter 2019) with the semantics of `torch.optim.AdamW`: the parameter is
 * first decayed, `p *= 1 - lr * weightDecay`, then updated as Adam without L2 in the gradient.
 * Default weightDecay is 0.01, as in PyTorch.
 */
export class AdamW extends AdamBase {
  constructor(params: NamedParams, options: AdamOptions) {
    super(params, options, true);
  }
}

const ADAMW_DEFAULT_DECAY = 0.01;

function validateAdam(opt: string, h: Partial<Hyperparams>, defaultDecay: number): AdamHyper {
  const beta = (x: number) => x >= 0 && x < 1;
  const nonNeg = (x: number) => Number.isFinite(x) && x >= 0;
  return {
    beta1: numberOption(opt, h, "beta1", 0.9, beta, "in [0, 1)"),
    beta2: numberOption(opt, h, "beta2", 0.999, beta, "in [0, 1)"),
    eps: numberOption(opt, h, "eps", 1e-8, nonNeg, "a finite number >= 0"),
    weightDecay: numberOption(opt, h, "weightDecay", defaultDecay, nonNeg, "a finite number >= 0"),
    amsgrad: boolOption(opt, h, "amsgrad", false),
  };
}
