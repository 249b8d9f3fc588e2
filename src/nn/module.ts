import { shapesEqual, shapeStr } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

/** What `loadStateDict` did not match (always empty when strict, which throws instead). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** A state dict as a Map or a plain object, keyed by dotted parameter names. */
export type StateDictInput = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

/**
 * Base class of every layer, modelled on torch.nn.Module so a PyTorch state_dict maps 1:1:
 * parameters and submodules are registered explicitly (`this.param`, `this.module`) in
 * insertion order, and `namedParameters()` joins the registration names with dots
 * (`encoder.rnn.weight_ih_l0`). Registration is explicit rather than discovered from fields
 * so that the names and their order never depend on how a subclass happens to store things.
 */
export abstract class Module {
  /** Training mode (dropout active). Set recursively by `train()` / `eval()`. */
  training = true;
  private readonly ownParams = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  /** Register a trainable parameter under `name` (no dots) and return it. */
  protected param(name: string, t: Tensor): Tensor {
    this.checkName(name);
    t.requiresGrad = true;
    t.makePersistent();
    this.ownParams.set(name, t);
    return t;
  }

  /** Register a submodule under `name` (no dots) and return it. */
  protected module<M extends Module>(name: string, m: M): M {
    this.checkName(name);
    this.children.set(name, m);
    return m;
  }

  private checkName(name: string): void {
    if (name === "" || name.includes(".")) throw new Error(`Module: invalid name '${name}' (must be non-empty and contain no '.')`);
    if (this.ownParams.has(name) || this.children.has(name)) throw new Error(`Module: name '${name}' is already registered`);
  }

  /** Direct submodules with their names, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.children];
  }

  /** Every parameter with its dotted name: own parameters first, then each child's, depth first (PyTorch's order). */
  namedParameters(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, t] of this.ownParams) out.push([prefix + n, t]);
    for (const [n, m] of this.children) out.push(...m.namedParameters(`${prefix}${n}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  numParameters(): number {
    let n = 0;
    for (const t of this.parameters()) n += t.size;
    return n;
  }

  /** Set training mode on this module and all submodules. */
  train(on = true): this {
    this.training = on;
    for (const m of this.children.values()) m.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /**
   * Clear the gradients. Like PyTorch's default (set_to_none), a cleared gradient is null, so
   * optimizers skip parameters that took no part in the next backward; pass false to keep the
   * buffers and fill them with zeros instead.
   */
  zeroGrad(setToNone = true): void {
    for (const t of this.parameters()) {
      if (setToNone) t.clearGrad();
      else t.zeroGrad();
    }
  }

  /** Name → detached tensor sharing the parameter's storage (PyTorch's state_dict). */
  stateDict(): Map<string, Tensor> {
    return new Map(this.namedParameters().map(([n, t]) => [n, t.detach()]));
  }

  /**
   * Copy values into the parameters (their identity is kept, so optimizers holding them stay
   * valid). A shape mismatch is always an error; with `strict`, so are missing and unexpected
   * keys, all listed in one message.
   */
  loadStateDict(dict: StateDictInput, strict = true): LoadStateDictResult {
    const entries = dict instanceof Map ? (dict as ReadonlyMap<string, Tensor>) : new Map(Object.entries(dict));
    const own = new Map(this.namedParameters());
    const missingKeys = [...own.keys()].filter((k) => !entries.has(k));
    const unexpectedKeys = [...entries.keys()].filter((k) => !own.has(k));
    const problems: string[] = [];
    for (const [name, src] of entries) {
      const dst = own.get(name);
      if (dst && !shapesEqual(dst.shape, src.shape)) {
        problems.push(`size mismatch for ${name}: checkpoint has ${shapeStr(src.shape)}, the model ${shapeStr(dst.shape)}`);
      }
    }
    if (strict) {
      if (missingKeys.length > 0) problems.push(`missing keys: ${missingKeys.join(", ")}`);
      if (unexpectedKeys.length > 0) problems.push(`unexpected keys: ${unexpectedKeys.join(", ")}`);
    }
    if (problems.length > 0) throw new Error(`loadStateDict (${this.constructor.name}): ${problems.join("; ")}`);
    for (const [name, src] of entries) own.get(name)?.data.set(src.data);
    return { missingKeys, unexpectedKeys };
  }
}

/** An indexable list of submodules named "0", "1", … (torch.nn.ModuleList). */
export class ModuleList<M extends Module = Module> extends Module {
  private readonly items: M[] = [];

  constructor(items: Iterable<M> = []) {
    super();
    for (const m of items) this.push(m);
  }

  push(m: M): this {
    this.items.push(this.module(String(this.items.length), m));
    return this;
  }

  get length(): number {
    return this.items.length;
  }

  get(i: number): M {
    const m = this.items[i];
    if (!m) throw new Error(`ModuleList: index ${i} is out of range [0, ${this.items.length})`);
    return m;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
}
