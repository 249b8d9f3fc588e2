import { allocPersistent } from "../tensor/storage.js";
import { UserError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { normalizeParams, type NamedParam, type NamedParams } from "./params.js";

/** Scalar hyperparameters of an optimizer (betas, eps, momentum, flags...), excluding `lr`. */
export type Hyperparams = Record<string, number | boolean>;

/** JSON-able part of an optimizer's state. */
export interface OptimizerMeta {
  /** `"sgd"`, `"adam"` or `"adamw"`; loading into another type is refused. */
  type: string;
  lr: number;
  /** Number of `step()` calls so far. */
  stepCount: number;
  hyper: Hyperparams;
  /** Per-parameter update counts (Adam's bias-correction `step`), for parameters updated at least once. */
  paramSteps: Record<string, number>;
}

/**
 * Everything needed to resume an optimizer exactly: plain JSON metadata plus named float32
 * buffers keyed `<buffer>.<param name>`, e.g. `exp_avg.encoder.rnn.weight_ih_l0` (PyTorch's
 * buffer names), so a checkpoint writer can store them as safetensors entries
 * `optimizer.exp_avg.encoder.rnn.weight_ih_l0`.
 */
export interface OptimizerStateDict {
  meta: OptimizerMeta;
  tensors: Record<string, Float32Array>;
}

/**
 * Base of the optimizers: a fixed, named list of parameters, a mutable learning rate, and
 * float32 state buffers created lazily per parameter on its first update (as PyTorch does).
 * Parameters whose `grad` is null are skipped by `step()`.
 */
export abstract class Optimizer<H extends Hyperparams = Hyperparams> {
  readonly type: string;
  readonly params: readonly NamedParam[];
  /** Number of `step()` calls so far. */
  stepCount = 0;
  protected hyper: H;
  /** State buffers keyed `<kind>.<param name>`. */
  protected state = new Map<string, Float32Array>();
  /** Per-parameter update counts (only used by optimizers that need them). */
  protected paramSteps = new Map<string, number>();
  private readonly bufferKinds: readonly string[];
  private readonly byName: ReadonlyMap<string, Tensor>;
  private lrValue = 0;

  protected constructor(type: string, params: NamedParams, lr: number, hyper: H, bufferKinds: readonly string[]) {
    this.type = type;
    this.params = normalizeParams(params);
    this.byName = new Map(this.params.map((p) => [p.name, p.param]));
    this.lr = lr;
    this.hyper = hyper;
    this.bufferKinds = bufferKinds;
  }

  /** Learning rate used by the next `step()`; schedulers assign it. Must be finite and >= 0. */
  get lr(): number {
    return this.lrValue;
  }

  set lr(value: number) {
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new UserError(`${this.type}: learning rate must be a finite number >= 0, got ${value}`);
    }
    this.lrValue = value;
  }

  /** The hyperparameters other than `lr` (read-only view). */
  get options(): Readonly<H> {
    return this.hyper;
  }

  /** Apply one update to every parameter that has a gradient. */
  abstract step(): void;

  /**
   * Check hyperparameters given to the constructor or found in a state dict and fill defaults.
   * Throws UserError on a bad value.
   */
  protected abstract validateHyper(h: Partial<Hyperparams>): H;

  /**
   * Reset gradients: fill them with zeros keeping the buffers (default, PyTorch 1.x), or set them
   * to null with `setToNone`, so that parameters not reached by the next backward are skipped.
   */
  zeroGrad(setToNone = false): void {
    for (const { param } of this.params) {
      if (setToNone) param.clearGrad();
      else param.zeroGrad();
    }
  }

  /** A deep copy of the state (buffers are copied, so later steps do not change it). */
  stateDict(): OptimizerStateDict {
    const tensors: Record<string, Float32Array> = {};
    for (const kind of this.bufferKinds) {
      for (const { name } of this.params) {
        const buf = this.state.get(`${kind}.${name}`);
        if (buf) tensors[`${kind}.${name}`] = buf.slice();
      }
    }
    const paramSteps: Record<string, number> = {};
    for (const { name } of this.params) {
      const t = this.paramSteps.get(name);
      if (t !== undefined) paramSteps[name] = t;
    }
    return {
      meta: { type: this.type, lr: this.lr, stepCount: this.stepCount, hyper: { ...this.hyper }, paramSteps },
      tensors,
    };
  }

  /**
   * Restore a state from `stateDict()` (buffers are copied). As in PyTorch, the saved `lr` and
   * hyperparameters replace the current ones. Nothing changes if the state is rejected:
   * a wrong optimizer type, an unknown parameter name, a buffer of the wrong length or an
   * inconsistent state throws UserError.
   */
  loadStateDict(sd: { meta: OptimizerMeta; tensors: Record<string, ArrayLike<number>> }): void {
    const meta = sd.meta;
    const where = `${this.type}: optimizer state`;
    if (meta.type !== this.type) {
      throw new UserError(`${where} is for a '${meta.type}' optimizer, not '${this.type}'`);
    }
    if (!(Number.isFinite(meta.lr) && meta.lr >= 0)) throw new UserError(`${where} has a bad lr ${meta.lr}`);
    if (!isCount(meta.stepCount)) throw new UserError(`${where} has a bad stepCount ${meta.stepCount}`);
    const hyper = this.validateHyper(meta.hyper ?? {});

    const steps = new Map<string, number>();
    for (const [name, t] of Object.entries(meta.paramSteps ?? {})) {
      if (!this.byName.has(name)) throw new UserError(`${where} has a step count for unknown parameter '${name}'`);
      if (!isCount(t)) throw new UserError(`${where} has a bad step count ${t} for '${name}'`);
      steps.set(name, t);
    }

    const state = new Map<string, Float32Array>();
    for (const [key, values] of Object.entries(sd.tensors ?? {})) {
      const kind = this.bufferKinds.find((k) => key.startsWith(`${k}.`));
      if (kind === undefined) throw new UserError(`${where} has an unknown buffer '${key}'`);
      const name = key.slice(kind.length + 1);
      const param = this.byName.get(name);
      if (!param) throw new UserError(`${where} has buffer '${key}' for unknown parameter '${name}'`);
      if (values.length !== param.size) {
        throw new UserError(`${where}: buffer '${key}' has ${values.length} values but the parameter has ${param.size}`);
      }
      const buf = allocPersistent(values.length);
      buf.set(values);
      state.set(key, buf);
    }
    this.checkLoadedState(state, steps, hyper);

    this.lr = meta.lr;
    this.hyper = hyper;
    this.stepCount = meta.stepCount;
    this.paramSteps = steps;
    this.state = state;
  }

  /** Hook for consistency checks of a state about to be loaded (throw UserError to reject it). */
  protected checkLoadedState(_state: ReadonlyMap<string, Float32Array>, _steps: ReadonlyMap<string, number>, _hyper: H): void {}

  /** Existing state buffer, or undefined before the parameter's first update. */
  protected getBuffer(kind: string, name: string): Float32Array | undefined {
    return this.state.get(`${kind}.${name}`);
  }

  /** State buffer, created zero-filled on first use. */
  protected buffer(kind: string, name: string, size: number): Float32Array {
    const key = `${kind}.${name}`;
    let buf = this.state.get(key);
    if (!buf) {
      buf = allocPersistent(size);
      this.state.set(key, buf);
    }
    return buf;
  }

  /** Increment and return the update count of one parameter (1 on its first update). */
  protected nextParamStep(name: string): number {
    const t = (this.paramSteps.get(name) ?? 0) + 1;
    this.paramSteps.set(name, t);
    return t;
  }

  /** The gradient of a parameter, or null; throws if its length does not match the data. */
  protected gradOf(p: NamedParam): Float32Array | Float64Array | null {
    const g = p.param.grad;
    if (g && g.length !== p.param.size) {
      throw new Error(`${this.type}: gradient of '${p.name}' has ${g.length} values, the parameter ${p.param.size}`);
    }
    return g;
  }
}

function isCount(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 0;
}

/** Read a hyperparameter, using the default when absent; UserError if present but not a number in range. */
export function numberOption(
  opt: string,
  h: Partial<Hyperparams>,
  key: string,
  dflt: number,
  ok: (x: number) => boolean,
  rule: string,
): number {
  const v = h[key] ?? dflt;
  if (typeof v !== "number" || !ok(v)) throw new UserError(`${opt}: ${key} must be ${rule}, got ${String(v)}`);
  return v;
}

/** Read a boolean hyperparameter, using the default when absent. */
export function boolOption(opt: string, h: Partial<Hyperparams>, key: string, dflt: boolean): boolean {
  const v = h[key] ?? dflt;
  if (typeof v !== "boolean") throw new UserError(`${opt}: ${key} must be true or false, got ${String(v)}`);
  return v;
}
