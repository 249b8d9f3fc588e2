import type { FloatArray } from "../../tensor/dtype.js";

/**
 * A float64 buffer that grows to the largest size asked for and is then reused, so a kernel
 * allocates nothing per call (the js kernels run on one thread; each caller owns its instance).
 * A buffer that grows comes back zeroed; otherwise it holds whatever its owner left in it.
 */
export class Float64Scratch {
  private buf = new Float64Array(64);

  get(n: number): Float64Array {
    if (this.buf.length < n) this.buf = new Float64Array(Math.max(n, 2 * this.buf.length));
    return this.buf;
  }
}

/** Largest unmasked value of the row of `cols` starting at `o`, or -Infinity when every entry is masked. */
export function rowMax(x: FloatArray, o: number, cols: number, mask: Uint8Array | null): number {
  let max = -Infinity;
  for (let j = 0; j < cols; j++) {
    if (mask && mask[o + j]) continue;
    const v = x[o + j]!;
    if (v > max) max = v;
  }
  return max;
}
