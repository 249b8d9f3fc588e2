/** Copies for the shape ops: the reference for c/layout.c. */
import type { FloatArray } from "../../tensor/dtype.js";

export function copyFloats(src: FloatArray, srcOff: number, dst: FloatArray, dstOff: number, n: number): void {
  for (let i = 0; i < n; i++) dst[dstOff + i] = src[srcOff + i]!;
}

export function transposeBatched(x: FloatArray, xOff: number, out: FloatArray, outOff: number, batch: number, rows: number, cols: number, accumulate: boolean): void {
  for (let b = 0; b < batch; b++) {
    const xb = xOff + b * rows * cols;
    const ob = outOff + b * rows * cols;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        if (accumulate) out[ob + j * rows + i]! += x[xb + i * cols + j]!;
        else out[ob + j * rows + i] = x[xb + i * cols + j]!;
      }
    }
  }
}
