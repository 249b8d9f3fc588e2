import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import type { Rng } from "../tensor/rng.js";
import { activeArena, kernelMemory } from "../tensor/storage.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Inverted dropout (Srivastava et al. 2014): zero each element with probability p and scale
 * the rest by 1/(1−p), so evaluation needs no rescaling. Identity when p = 0 or not training.
 * The mask comes from the seeded JS generator, one draw per element in order (so a run is
 * reproducible whatever the kernels); applying it, forward and backward, is a kernel.
 */
export function dropout(x: Tensor, p: number, rng: Rng, training: boolean): Tensor {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout: p must be in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  const scale = 1 / (1 - p);
  const n = x.size;
  const dropped = maskBytes(n);
  for (let i = 0; i < n; i++) dropped[i] = rng.next() >= p ? 0 : 1;
  const out = Tensor.zeros(x.shape);
  const K = kernels();
  K.maskedFill(x.data, 0, dropped, 0, out.data, 0, n, scale, 0);
  return record(out, [x], (g) => {
    K.maskedAccumulate(g, 0, dropped, 0, gradSink(x)!, 0, n, scale);
  });
}

/** n bytes for a mask: in the active arena (kernel memory, where the kernels read it in place), else on the JS heap. */
function maskBytes(n: number): Uint8Array {
  const arena = activeArena();
  if (!arena) return new Uint8Array(n);
  const ptr = arena.allocBytes(n); // first: it may grow the memory, and with it the buffer
  return new Uint8Array(kernelMemory().buffer, ptr, n);
}
