import { dropout } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";

/**
 * Inverted dropout as a module (Srivastava et al. 2014): active only in training mode. Masks
 * are drawn from the Rng given here; pass a fork (`rng.fork("dropout")`) to keep them
 * independent of initialisation.
 */
export class Dropout extends Module {
  constructor(readonly p: number, private readonly rng: Rng) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`Dropout: p must be in [0, 1), got ${p}`);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.rng, this.training);
  }
}
