/**
 * Learning-rate schedules. Each is a small object with `step(metric?)`, which advances the
 * schedule and returns the learning rate to use, and a JSON state dict for exact resume.
 *
 * Step-indexed schedules (constant, step decay, Noam, inverse sqrt) also have a pure
 * `lrAt(step)`, where `step` is the 1-based index of the optimizer update the rate is used for.
 * Typical use, before every update:
 *
 *     optimizer.lr = schedule.step();   // lrAt(1) for the first update, lrAt(2) for the second...
 *     optimizer.step();
 *
 * ReduceLrOnPlateau is driven by a validation metric instead: start with `optimizer.lr =
 * schedule.lr`, and after each evaluation `optimizer.lr = schedule.step(valLoss)`.
 */
import { UserError } from "../errors.js";
import { decodeNumber, encodeNumber, type JsonNumber } from "../json.js";

export type ScheduleSpec =
  | ConstantSpec
  | StepDecaySpec
  | NoamSpec
  | InverseSqrtSpec
  | PlateauSpec;

export interface ConstantSpec {
  kind: "constant";
  lr: number;
}

export interface StepDecaySpec {
  kind: "step";
  lr: number;
  /** Multiply the rate by `gamma` every `stepSize` updates. */
  stepSize: number;
  gamma: number;
}

export interface NoamSpec {
  kind: "noam";
  dModel: number;
  warmup: number;
  /** Overall scale (default 1, as in the paper). */
  factor?: number;
}

export interface InverseSqrtSpec {
  kind: "inverse_sqrt";
  /** The rate reached at the end of warm-up. */
  peakLr: number;
  warmup: number;
}

export interface PlateauSpec {
  kind: "plateau";
  /** Initial rate. */
  lr: number;
  /** Whether the metric should go down ("min", default: a loss) or up ("max": BLEU). */
  mode?: "min" | "max";
  /** New rate = max(rate * factor, minLr). In [0, 1); default 0.1. */
  factor?: number;
  /** Number of evaluations without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Minimum change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** "rel" (default): relative to the best value; "abs": absolute. */
  thresholdMode?: "rel" | "abs";
  /** Evaluations to wait after a reduction before counting bad ones again (default 0). */
  cooldown?: number;
  /** Lower bound on the rate (default 0). */
  minLr?: number;
  /** Reductions smaller than this are ignored (default 1e-8). */
  eps?: number;
}

/** A non-finite number in JSON form (src/json.ts). */
export type { JsonNumber };

/** JSON-able state of a schedule: its full spec (defaults filled in) and its counters. */
export interface SchedulerState {
  spec: ScheduleSpec;
  /** Number of `step()` calls so far. */
  lastStep: number;
  /** ReduceLrOnPlateau only. */
  plateau?: { lr: number; best: JsonNumber; numBadEpochs: number; cooldownCounter: number };
}

export interface LrScheduler {
  readonly kind: ScheduleSpec["kind"];
  /** The spec with defaults filled in. */
  readonly spec: ScheduleSpec;
  /** Number of `step()` calls so far. */
  readonly lastStep: number;
  /** The rate returned by the last `step()` (before any step: the initial rate). */
  readonly lr: number;
  /** Advance one step (ReduceLrOnPlateau: one evaluation, with its metric) and return the rate. */
  step(metric?: number): number;
  stateDict(): SchedulerState;
  /** Restore from `stateDict()`; the saved spec replaces the current one (kinds must match). */
  loadStateDict(state: SchedulerState): void;
}

/** Base of the schedules whose rate is a pure function of the update index. */
export abstract class StepSchedule<S extends ScheduleSpec = ScheduleSpec> implements LrScheduler {
  lastStep = 0;
  protected s: S;

  protected constructor(spec: S) {
    this.s = validateSpec(spec) as S;
  }

  get kind(): S["kind"] {
    return this.s.kind;
  }

  get spec(): S {
    return { ...this.s };
  }

  /** Rate for the `step`-th optimizer update (1-based; 0 means before any update). */
  abstract lrAt(step: number): number;

  get lr(): number {
    return this.lrAt(this.lastStep);
  }

  step(): number {
    this.lastStep++;
    return this.lrAt(this.lastStep);
  }

  stateDict(): SchedulerState {
    return { spec: this.spec, lastStep: this.lastStep };
  }

  loadStateDict(state: SchedulerState): void {
    const spec = loadSpec(this.kind, state);
    this.s = spec as S;
    this.lastStep = state.lastStep;
  }

  protected checkStep(step: number): void {
    if (!(Number.isInteger(step) && step >= 0)) throw new Error(`${this.kind} schedule: step must be an integer >= 0, got ${step}`);
  }
}

/** lr(t) = lr. */
export class ConstantLr extends StepSchedule<ConstantSpec> {
  constructor(spec: Omit<ConstantSpec, "kind">) {
    super({ ...spec, kind: "constant" });
  }

  lrAt(step: number): number {
    this.checkStep(step);
    return this.s.lr;
  }
}

/**
 * Step decay, as `torch.optim.lr_scheduler.StepLR` stepped after every update:
 * lr(t) = lr * gamma^floor((t - 1) / stepSize), so updates 1..stepSize use `lr`, the next
 * stepSize updates `lr * gamma`, and so on.
 */
export class StepDecayLr extends StepSchedule<StepDecaySpec> {
  constructor(spec: Omit<StepDecaySpec, "kind">) {
    super({ ...spec, kind: "step" });
  }

  lrAt(step: number): number {
    this.checkStep(step);
    const { lr, gamma, stepSize } = this.s;
    return lr * gamma ** Math.floor(Math.max(step - 1, 0) / stepSize);
  }
}

/**
 * The Transformer schedule of Vaswani et al. 2017, "Attention Is All You Need", §5.3 (eq. 3):
 *
 *     lr(t) = factor * dModel^-0.5 * min(t^-0.5, t * warmup^-1.5)
 *
 * Linear increase for the first `warmup` updates, then decay proportional to 1/sqrt(t); the
 * peak, at t = warmup, is factor / sqrt(dModel * warmup). The paper uses factor 1 and
 * warmup 4000. lr(0) = 0.
 */
export class NoamLr extends StepSchedule<NoamSpec> {
  constructor(spec: Omit<NoamSpec, "kind">) {
    super({ ...spec, kind: "noam" });
  }

  lrAt(step: number): number {
    this.checkStep(step);
    if (step === 0) return 0;
    const { dModel, warmup, factor = 1 } = this.s;
    return factor * dModel ** -0.5 * Math.min(step ** -0.5, step * warmup ** -1.5);
  }
}

/**
 * Linear warm-up to a given peak, then inverse square-root decay (the Noam shape, parameterised
 * by its peak instead of dModel, as in fairseq's `inverse_sqrt`):
 *
 *     lr(t) = peakLr * min(t / warmup, sqrt(warmup / t))
 *
 * lr(warmup) = peakLr, lr(0) = 0.
 */
export class InverseSqrtLr extends StepSchedule<InverseSqrtSpec> {
  constructor(spec: Omit<InverseSqrtSpec, "kind">) {
    super({ ...spec, kind: "inverse_sqrt" });
  }

  lrAt(step: number): number {
    this.checkStep(step);
    if (step === 0) return 0;
    const { peakLr, warmup } = this.s;
    return peakLr * Math.min(step / warmup, Math.sqrt(warmup / step));
  }
}

/**
 * Reduce the rate when a metric stops improving, with the semantics of
 * `torch.optim.lr_scheduler.ReduceLROnPlateau`. On each `step(metric)`:
 *
 * - the metric is an improvement if, for mode "min", metric < best * (1 - threshold) ("rel")
 *   or metric < best - threshold ("abs") (mode "max": > best * (1 + threshold) or > best +
 *   threshold); an improvement becomes the new best and resets the bad count, otherwise the bad
 *   count grows by one (NaN is never an improvement);
 * - during cooldown (the `cooldown` evaluations after a reduction) bad evaluations are not
 *   counted;
 * - when the bad count exceeds `patience`, the rate becomes max(lr * factor, minLr) (unless that
 *   changes it by no more than eps), the cooldown starts and the bad count resets.
 */
export class ReduceLrOnPlateau implements LrScheduler {
  lastStep = 0;
  private s: Required<PlateauSpec>;
  private current: number;
  private best: number;
  private numBadEpochs = 0;
  private cooldownCounter = 0;

  constructor(spec: Omit<PlateauSpec, "kind">) {
    this.s = validateSpec({ ...spec, kind: "plateau" }) as Required<PlateauSpec>;
    this.current = this.s.lr;
    this.best = this.worst();
  }

  get kind(): "plateau" {
    return "plateau";
  }

  get spec(): Required<PlateauSpec> {
    return { ...this.s };
  }

  get lr(): number {
    return this.current;
  }

  /** Best metric so far (±Infinity before the first evaluation). */
  get bestMetric(): number {
    return this.best;
  }

  /** Evaluations since the last improvement (as counted for patience). */
  get badEvaluations(): number {
    return this.numBadEpochs;
  }

  step(metric?: number): number {
    if (typeof metric !== "number") throw new Error("plateau schedule: step(metric) needs the metric value");
    this.lastStep++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.s.patience) {
      const reduced = Math.max(this.current * this.s.factor, this.s.minLr);
      if (this.current - reduced > this.s.eps) this.current = reduced;
      this.cooldownCounter = this.s.cooldown;
      this.numBadEpochs = 0;
    }
    return this.current;
  }

  stateDict(): SchedulerState {
    return {
      spec: this.spec,
      lastStep: this.lastStep,
      plateau: {
        lr: this.current,
        best: encodeNumber(this.best),
        numBadEpochs: this.numBadEpochs,
        cooldownCounter: this.cooldownCounter,
      },
    };
  }

  loadStateDict(state: SchedulerState): void {
    const spec = loadSpec("plateau", state) as Required<PlateauSpec>;
    const p = state.plateau;
    if (!p) throw new UserError("plateau schedule state: missing the 'plateau' counters");
    const best = decodeNumber(p.best);
    if (!(Number.isFinite(p.lr) && p.lr >= 0)) throw new UserError(`plateau schedule state: bad lr ${p.lr}`);
    if (best === undefined) throw new UserError(`plateau schedule state: bad best ${String(p.best)}`);
    if (!isCount(p.numBadEpochs) || !isCount(p.cooldownCounter)) {
      throw new UserError("plateau schedule state: bad numBadEpochs or cooldownCounter");
    }
    this.s = spec;
    this.lastStep = state.lastStep;
    this.current = p.lr;
    this.best = best;
    this.numBadEpochs = p.numBadEpochs;
    this.cooldownCounter = p.cooldownCounter;
  }

  private worst(): number {
    return this.s.mode === "min" ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { mode, threshold, thresholdMode } = this.s;
    const best = this.best;
    if (mode === "min") return thresholdMode === "rel" ? a < best * (1 - threshold) : a < best - threshold;
    return thresholdMode === "rel" ? a > best * (1 + threshold) : a > best + threshold;
  }
}

/** Build a schedule from its spec (e.g. from a config file or a saved `SchedulerState.spec`). */
export function createScheduler(spec: ScheduleSpec): LrScheduler {
  switch (spec.kind) {
    case "constant":
      return new ConstantLr(spec);
    case "step":
      return new StepDecayLr(spec);
    case "noam":
      return new NoamLr(spec);
    case "inverse_sqrt":
      return new InverseSqrtLr(spec);
    case "plateau":
      return new ReduceLrOnPlateau(spec);
    default:
      throw new UserError(`unknown learning-rate schedule '${(spec as { kind: unknown }).kind}'`);
  }
}

/** Rebuild a schedule, counters included, from a saved state. */
export function schedulerFromState(state: SchedulerState): LrScheduler {
  const s = createScheduler(state.spec);
  s.loadStateDict(state);
  return s;
}

/** Check a spec and fill in its defaults; UserError on a bad value. */
export function validateSpec(spec: ScheduleSpec): ScheduleSpec {
  const where = `${spec.kind} schedule`;
  const num = (key: string, v: unknown, ok: (x: number) => boolean, rule: string): number => {
    if (typeof v !== "number" || !ok(v)) throw new UserError(`${where}: ${key} must be ${rule}, got ${String(v)}`);
    return v;
  };
  const rate = (x: number) => Number.isFinite(x) && x >= 0;
  const positive = (x: number) => Number.isFinite(x) && x > 0;
  const count = (x: number) => Number.isInteger(x) && x >= 0;
  switch (spec.kind) {
    case "constant":
      return { kind: "constant", lr: num("lr", spec.lr, rate, "a finite number >= 0") };
    case "step":
      return {
        kind: "step",
        lr: num("lr", spec.lr, rate, "a finite number >= 0"),
        stepSize: num("stepSize", spec.stepSize, (x) => Number.isInteger(x) && x >= 1, "an integer >= 1"),
        gamma: num("gamma", spec.gamma, rate, "a finite number >= 0"),
      };
    case "noam":
      return {
        kind: "noam",
        dModel: num("dModel", spec.dModel, positive, "a number > 0"),
        warmup: num("warmup", spec.warmup, positive, "a number > 0"),
        factor: num("factor", spec.factor ?? 1, positive, "a number > 0"),
      };
    case "inverse_sqrt":
      return {
        kind: "inverse_sqrt",
        peakLr: num("peakLr", spec.peakLr, rate, "a finite number >= 0"),
        warmup: num("warmup", spec.warmup, positive, "a number > 0"),
      };
    case "plateau": {
      const mode = spec.mode ?? "min";
      const thresholdMode = spec.thresholdMode ?? "rel";
      if (mode !== "min" && mode !== "max") throw new UserError(`${where}: mode must be "min" or "max", got ${String(mode)}`);
      if (thresholdMode !== "rel" && thresholdMode !== "abs") {
        throw new UserError(`${where}: thresholdMode must be "rel" or "abs", got ${String(thresholdMode)}`);
      }
      return {
        kind: "plateau",
        lr: num("lr", spec.lr, rate, "a finite number >= 0"),
        mode,
        factor: num("factor", spec.factor ?? 0.1, (x) => x >= 0 && x < 1, "in [0, 1)"),
        patience: num("patience", spec.patience ?? 10, count, "an integer >= 0"),
        threshold: num("threshold", spec.threshold ?? 1e-4, rate, "a finite number >= 0"),
        thresholdMode,
        cooldown: num("cooldown", spec.cooldown ?? 0, count, "an integer >= 0"),
        minLr: num("minLr", spec.minLr ?? 0, rate, "a finite number >= 0"),
        eps: num("eps", spec.eps ?? 1e-8, rate, "a finite number >= 0"),
      };
    }
    default:
      throw new UserError(`unknown learning-rate schedule '${(spec as { kind: unknown }).kind}'`);
  }
}

function loadSpec(kind: string, state: SchedulerState): ScheduleSpec {
  if (state.spec?.kind !== kind) {
    throw new UserError(`schedule state is for a '${String(state.spec?.kind)}' schedule, not '${kind}'`);
  }
  if (!isCount(state.lastStep)) throw new UserError(`${kind} schedule state: bad lastStep ${String(state.lastStep)}`);
  return validateSpec(state.spec);
}

function isCount(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 0;
}

