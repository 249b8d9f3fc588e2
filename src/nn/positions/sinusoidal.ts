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

/**
 * Adds the fixed sinusoidal table to embeddings; no parameters (so nothing in the state_dict).
 * The sinusoids are defined at every position, so there is no length limit: the table starts
 * with `initialLength` rows and is recomputed, at least doubled, when a longer sequence comes.
 */
export class SinusoidalPositions extends Module {
  private rows: Tensor;

  constructor(initialLength: number, readonly dim: number) {
    super();
    this.rows = persistentTable(Math.max(1, initialLength), dim);
  }

  /** The table as computed so far, [rows, d]. */
  get table(): Tensor {
    return this.rows;
  }

  /** x [B, T, d] → x + PE[offset … offset+T−1] (offset = the first position, e.g. the decoding step). */
  forward(x: Tensor, offset = 0): Tensor {
    const needed = offset + (x.shape[x.ndim - 2] ?? 0);
    if (needed > this.rows.shape[0]!) this.rows = persistentTable(Math.max(needed, 2 * this.rows.shape[0]!), this.dim);
    return addPositions(x, this.rows, offset);
  }
}

/** The table in persistent memory: it may be (re)computed inside a step's arena but outlives it. */
function persistentTable(length: number, dim: number): Tensor {
  const t = sinusoidalPositions(length, dim);
  t.makePersistent();
  return t;
}
