import { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { addPositions } from "./addPositions.js";

/**
 * The sinusoidal position table of Vaswani et al. 2017 §3.5, [maxLen, d]:
 * PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(pos / 10000^(2i/d)).
 * Computed in float64, stored in the current dtype; not a parameter.
 */
export function sinusoidalPositions(maxLen: number, d: number): Tensor {
  const pe = new Float64Array(maxLen * d);
  for (let pos = 0; pos < maxLen; pos++) {
    for (let c = 0; c < d; c += 2) {
      const angle = pos / Math.pow(10000, c / d);
      pe[pos * d + c] = Math.sin(angle);
      if (c + 1 < d) pe[pos * d + c + 1] = Math.cos(angle);
    }
  }
  return Tensor.from(pe, [maxLen, d]);
}

/** Adds the fixed sinusoidal table to embeddings; no parameters (so nothing in the state_dict). */
export class SinusoidalPositions extends Module {
  readonly table: Tensor;

  constructor(readonly maxLen: number, readonly dim: number) {
    super();
    this.table = sinusoidalPositions(maxLen, dim);
  }

  /** x [B, T, d] → x + PE[offset … offset+T−1] (offset = the first position, e.g. the decoding step). */
  forward(x: Tensor, offset = 0): Tensor {
    return addPositions(x, this.table, offset);
  }
}
