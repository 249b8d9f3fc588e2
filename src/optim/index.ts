/**
 * Optimizers (SGD, Adam, AdamW), gradient-norm clipping and learning-rate schedules, all with
 * PyTorch semantics and JSON + float32 state dicts for exact resume.
 */
export { normalizeParams, paramTensors, type NamedParam, type NamedParams } from "./params.js";
export { Optimizer, type Hyperparams, type OptimizerMeta, type OptimizerStateDict } from "./optimizer.js";
export { SGD, type SgdOptions, type SgdHyper } from "./sgd.js";
export { Adam, AdamW, AdamBase, type AdamOptions, type AdamHyper } from "./adam.js";
export { clipGradNorm, gradNorm } from "./clip.js";
export {
  ConstantLr,
  StepDecayLr,
  NoamLr,
  InverseSqrtLr,
  ReduceLrOnPlateau,
  StepSchedule,
  createScheduler,
  schedulerFromState,
  validateSpec,
  type LrScheduler,
  type ScheduleSpec,
  type SchedulerState,
  type ConstantSpec,
  type StepDecaySpec,
  type NoamSpec,
  type InverseSqrtSpec,
  type PlateauSpec,
  type JsonNumber,
} from "./schedules.js";
