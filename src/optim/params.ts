import { Tensor } from "../tensor/tensor.js";

/** One trainable parameter with its PyTorch-style dotted name (e.g. `encoder.rnn.weight_ih_l0`). */
export interface NamedParam {
  name: string;
  param: Tensor;
}

/**
 * The parameter lists the optimizers accept: `{name, param}` records, the `[name, tensor]` pairs
 * that `module.namedParameters()` returns, or a `Map` from name to tensor.
 */
export type NamedParams =
  | readonly NamedParam[]
  | readonly (readonly [string, Tensor])[]
  | ReadonlyMap<string, Tensor>;

/**
 * Normalise any accepted parameter list to `{name, param}` records, in the given order.
 * Names and tensors must be unique (a tensor listed twice would be updated twice per step).
 */
export function normalizeParams(params: NamedParams): NamedParam[] {
  const out: NamedParam[] = [];
  const entries: Iterable<NamedParam | readonly [string, Tensor]> = params instanceof Map ? params.entries() : (params as readonly (NamedParam | readonly [string, Tensor])[]);
  for (const e of entries) {
    out.push(isPair(e) ? { name: e[0], param: e[1] } : { name: e.name, param: e.param });
  }
  const names = new Set<string>();
  const tensors = new Set<Tensor>();
  for (const { name, param } of out) {
    if (!(param instanceof Tensor)) throw new Error(`optimizer: parameter '${name}' is not a Tensor`);
    if (names.has(name)) throw new Error(`optimizer: parameter name '${name}' appears more than once`);
    if (tensors.has(param)) throw new Error(`optimizer: the tensor of '${name}' is listed under two names`);
    names.add(name);
    tensors.add(param);
  }
  return out;
}

/** The tensors of a parameter list that may also be a plain `Tensor[]` (used by gradient clipping). */
export function paramTensors(params: readonly Tensor[] | NamedParams): Tensor[] {
  if (params instanceof Map) return [...params.values()];
  const out: Tensor[] = [];
  for (const e of params as readonly (Tensor | NamedParam | readonly [string, Tensor])[]) {
    if (e instanceof Tensor) out.push(e);
    else if (isPair(e)) out.push(e[1]);
    else out.push(e.param);
  }
  return out;
}

function isPair(e: unknown): e is readonly [string, Tensor] {
  return Array.isArray(e);
}
