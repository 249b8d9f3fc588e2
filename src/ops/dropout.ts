import { gradSink, record } from "../autograd/tape.js";
import type { Rng } from "../tensor/rng.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Inverted dropout (Srivastava et al. 2014): zero each element with probability p and scale
 * the rest by 1/(1−p), so evaluation needs no rescaling. Identity when p = 0 or not training.
 */
export function dropout(x: Tensor, p: number, rng: Rng, training: boolean): Tensor {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout: p must be in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  const scale = 1 / (1 - p);
  const keep = new Uint8Array(x.size);
  const out = Tensor.zeros(x.shape);
  const X = x.data;
  const O = out.data;
  for (let i = 0; i < O.length; i++) {
    if (rng.next() >= p) {
      keep[i] = 1;
      O[i] = X[i]! * scale;
    }
  }
  return record(out, [x], (g) => {
    const gx = gradSink(x)!;
    for (let i = 0; i < g.length; i++) if (keep[i]) gx[i] += g[i]! * scale;
  });
}
