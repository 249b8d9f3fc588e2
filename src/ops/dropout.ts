import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import type { Rng } from "../tensor/rng.js";
import { activeArena, kernelMemory } from "../tensor/storage.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Inverted dropout (Srivastava et al. 2014): zero each element with probability p and scale
 * the rest by 1/(1−p), so evaluation needs no rescaling. Identity when p = 0 or not training.
 * The mask comes from the seeded generator, one Rng.next() per element in order, drawn by a
 * kernel with the same integer arithmetic on every kernel set (so a run's dropout is the same
 * whatever the kernels); applying it, forward and backward, is a kernel too.
 */
const stateWords = new Uint32Array(4);

export function dropout(x: Tensor, p: number, rng: Rng, training: boolean): Tensor {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout: p must be in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  const scale = 1 / (1 - p);
  const n = x.size;
  const dropped = maskBytes(n);
  const K = kernels();
  // One Rng.next() per element in order, drawn by the kernel from the generator's state words.
  rng.getWords(stateWords);
  K.dropoutMask(stateWords, dropped, n, p);
  rng.setWords(stateWords);
  const out = Tensor.empty(x.shape); // every element written: kept ones scaled, dropped ones 0
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
