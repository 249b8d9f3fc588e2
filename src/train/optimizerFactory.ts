import type { Config } from "../config/schema.js";
import { Adam, AdamW, SGD, type Optimizer } from "../optim/index.js";
import type { NamedParams } from "../optim/params.js";
import { createScheduler, type LrScheduler } from "../optim/schedules.js";

/** The optimizer a config's training section names, over the model's named parameters. */
export function buildOptimizer(t: Config["training"], params: NamedParams): Optimizer {
  switch (t.optimizer) {
    case "adam":
      return new Adam(params, { lr: t.lr, beta1: t.betas[0], beta2: t.betas[1], weightDecay: t.weightDecay });
    case "adamw":
      return new AdamW(params, { lr: t.lr, beta1: t.betas[0], beta2: t.betas[1], weightDecay: t.weightDecay });
    case "sgd":
      return new SGD(params, { lr: t.lr, momentum: t.momentum, weightDecay: t.weightDecay });
  }
}

/**
 * The learning-rate schedule. Step-based schedules advance once per update; "plateau" once per
 * validation, on the early-stopping metric (mode max for exact match and BLEU).
 */
export function buildScheduler(t: Config["training"]): LrScheduler {
  const s = t.schedule;
  switch (s.type) {
    case "constant":
      return createScheduler({ kind: "constant", lr: t.lr });
    case "step":
      return createScheduler({ kind: "step", lr: t.lr, stepSize: s.stepSize, gamma: s.gamma });
    case "noam":
      return createScheduler({ kind: "inverse_sqrt", peakLr: t.lr, warmup: s.warmup });
    case "plateau": {
      const m = t.earlyStopping.metric;
      const mode = m === "exactMatch" || m === "bleu" || m === "chrF" ? "max" : "min";
      return createScheduler({ kind: "plateau", lr: t.lr, mode, factor: s.factor, patience: s.patience, minLr: s.minLr });
    }
  }
}
