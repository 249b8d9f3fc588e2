import type { Module } from "../nn/module.js";
import type { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import type { AttentionMemory } from "./attention.js";

/**
 * Which source positions a query may attend to (and, for local-p, a position prior on the
 * energies), between the score and the normaliser. Shapes: energies [N, S] for N = G·B query rows
 * over B sentences (row r reads sentence ⌊r / G⌋); masks [N·S], 1 = not allowed.
 */
export interface Scope {
  /** Registry name, e.g. "global". */
  readonly kind: string;
  /** The energies to normalise and the mask of the positions they may use (and a factor on the weights). */
  restrict(input: ScopeInput): ScopeOutput;
}

export interface ScopeOutput {
  energies: Tensor;
  /** [N·S], 1 = not allowed. */
  mask: Uint8Array;
  /** [N, S] multiplied with the normalised weights (local-p with `localP: "paper"`); absent = none. */
  factor?: Tensor | null;
}

export interface ScopeInput {
  energies: Tensor;
  /** Queries [N, Dq]. */
  query: Tensor;
  /** The sentences' padding masks repeated for their G rows, [N·S]. */
  padMask: Uint8Array;
  memory: AttentionMemory;
  /** Query rows per sentence. */
  rows: number;
  /** Decoder step t (0-based). */
  step: number;
}

/**
 * Where a scope registers parameters: on the attention module that owns it, under the names the
 * checkpoints have always used (decoder.attention.position_proj.weight, …), so scopes stay
 * strategies rather than modules of their own.
 */
export interface ParameterOwner {
  param(name: string, t: Tensor): Tensor;
  module<M extends Module>(name: string, m: M): M;
}

/** What a scope is built from. */
export interface ScopeContext {
  queryDim: number;
  /** Half-width D of local windows. */
  window: number;
  /** Hidden size of the local-p position predictor. */
  size: number;
  /** local-p: where the Gaussian goes, "renormalised" (into the energies) or "paper" (on the weights). */
  localP?: string | undefined;
  rng: Rng;
  owner: ParameterOwner;
}

/** Per-sentence lengths [B] as per-row lengths [G·B]. */
export function repeatLengths(lengths: Int32Array, g: number): Int32Array {
  if (g === 1) return lengths;
  const out = new Int32Array(lengths.length * g);
  for (let r = 0; r < out.length; r++) out[r] = lengths[Math.floor(r / g)]!;
  return out;
}

/** Padding mask plus everything outside [centre − D, centre + D] masked, per row. */
export function windowMask(padMask: Uint8Array, centres: Float64Array, S: number, D: number): Uint8Array {
  const mask = new Uint8Array(padMask.length);
  const rows = centres.length;
  for (let b = 0; b < rows; b++) {
    const c = Math.max(0, centres[b]!);
    for (let s = 0; s < S; s++) {
      mask[b * S + s] = padMask[b * S + s] || s < c - D || s > c + D ? 1 : 0;
    }
  }
  return mask;
}
