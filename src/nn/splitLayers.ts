import { reshape, slice } from "../ops/index.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * [n, B, H] (an RNN's hN/cN) → n tensors [B, H], the per-layer form `GRU.step`/`LSTM.step` and
 * the cells take, e.g. to start a decoder from the encoder's final states.
 */
export function splitLayers(t: Tensor): Tensor[] {
  if (t.ndim !== 3) throw new Error(`splitLayers: expected [n, B, H], got [${t.shape.join(", ")}]`);
  const [n, B, H] = t.shape as [number, number, number];
  return Array.from({ length: n }, (_, k) => reshape(slice(t, 0, k, k + 1), [B, H]));
}
