import { Linear } from "../nn/linear.js";
import { Module } from "../nn/module.js";
import { tanh } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { Tensor } from "../tensor/tensor.js";
import type { EncodedBatch } from "./types.js";

/**
 * The decoder's initial state from the encoder's final state: s₀ = tanh(W_s h₁ + b) per layer
 * (Bahdanau et al. 2014, appendix A.2.2 uses the backward state; like most implementations we use
 * the concatenation of both directions), or zeros ("none"). A decoder deeper than the encoder
 * reuses the encoder's top layer.
 */
export class Bridge extends Module {
  readonly h: Linear | null;
  readonly c: Linear | null;

  constructor(kind: "none" | "linear-tanh", encoderSize: number, private readonly hiddenSize: number, private readonly layers: number, lstm: boolean, rng: Rng) {
    super();
    this.h = kind === "none" ? null : this.module("h", new Linear(encoderSize, hiddenSize, rng));
    this.c = kind === "none" || !lstm ? null : this.module("c", new Linear(encoderSize, hiddenSize, rng));
  }

  /** Initial per-layer h (and c for LSTM decoders: `lstm` true). */
  init(enc: EncodedBatch, lstm: boolean): { h: Tensor[]; c: Tensor[] | null } {
    const B = enc.lengths.length;
    const pick = (states: Tensor[], l: number): Tensor => states[Math.min(l, states.length - 1)]!;
    const h: Tensor[] = [];
    const c: Tensor[] = [];
    for (let l = 0; l < this.layers; l++) {
      h.push(this.h ? tanh(this.h.forward(pick(enc.finalH, l))) : Tensor.zeros([B, this.hiddenSize]));
      if (lstm) {
        // A GRU encoder has no cell state: the LSTM decoder's c starts from the bridged h then.
        const source = enc.finalC ?? enc.finalH;
        c.push(this.c ? tanh(this.c.forward(pick(source, l))) : Tensor.zeros([B, this.hiddenSize]));
      }
    }
    return { h, c: lstm ? c : null };
  }
}
