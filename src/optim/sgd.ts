import { UserError } from "../errors.js";
import { kernels } from "../kernels/index.js";
import { boolOption, numberOption, Optimizer, type Hyperparams } from "./optimizer.js";
import type { NamedParams } from "./params.js";

export interface SgdOptions {
  lr: number;
  /** Momentum factor (default 0: plain SGD). */
  momentum?: number;
  /** Dampening of the gradient added to the momentum buffer (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false); needs momentum > 0 and dampening = 0. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
}

export type SgdHyper = { momentum: number; dampening: number; nesterov: boolean; weightDecay: number };

/**
 * Stochastic gradient descent with momentum, with the semantics of `torch.optim.SGD`:
 *
 *     d   = g + weightDecay * p
 *     buf = d                                       (first update of the parameter)
 *     buf = momentum * buf + (1 - dampening) * d    (later updates)
 *     d   = nesterov ? d + momentum * buf : buf     (when momentum != 0)
 *     p  -= lr * d
 *
 * The momentum buffer is stored as `momentum_buffer.<param name>`.
 */
export class SGD extends Optimizer<SgdHyper> {
  constructor(params: NamedParams, options: SgdOptions) {
    super("sgd", params, options.lr, validateSgd({ ...options }), ["momentum_buffer"]);
  }

  protected override validateHyper(h: Partial<Hyperparams>): SgdHyper {
    return validateSgd(h);
  }

  override step(): void {
    this.stepCount++;
    const { momentum, dampening, nesterov, weightDecay } = this.hyper;
    const lr = this.lr;
    for (const np of this.params) {
      const g = this.gradOf(np);
      if (!g) continue;
      const p = np.param.data;
      const n = p.length;
      if (momentum === 0) {
        kernels().sgdStep(p, g, null, n, lr, 0, dampening, false, weightDecay, false);
        continue;
      }
      let buf = this.getBuffer("momentum_buffer", np.name);
      const first = buf === undefined;
      buf ??= this.buffer("momentum_buffer", np.name, n);
      kernels().sgdStep(p, g, buf, n, lr, momentum, dampening, nesterov, weightDecay, first);
    }
  }
}

function validateSgd(h: Partial<Hyperparams>): SgdHyper {
  const nonNeg = (x: number) => Number.isFinite(x) && x >= 0;
  const momentum = numberOption("sgd", h, "momentum", 0, nonNeg, "a finite number >= 0");
  const dampening = numberOption("sgd", h, "dampening", 0, Number.isFinite, "a finite number");
  const weightDecay = numberOption("sgd", h, "weightDecay", 0, nonNeg, "a finite number >= 0");
  const nesterov = boolOption("sgd", h, "nesterov", false);
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new UserError("sgd: nesterov momentum needs momentum > 0 and dampening = 0");
  }
  return { momentum, dampening, nesterov, weightDecay };
}
