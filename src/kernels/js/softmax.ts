import type { FloatArray } from "../../tensor/dtype.js";
import { rowMax } from "./rowScratch.js";

export function softmaxRows(x: FloatArray, out: FloatArray, rows: number, cols: number, mask: Uint8Array | null): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const max = rowMax(x, o, cols, mask);
    if (max === -Infinity) {
      // Fully masked (or all -Infinity) row: zero weight everywhere, never NaN.
      out.fill(0, o, o + cols);
      continue;
    }
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      if (mask && mask[o + j]) {
        out[o + j] = 0;
        continue;
      }
      const e = Math.exp(x[o + j]! - max);
      out[o + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < cols; j++) out[o + j]! *= inv;
  }
}

export function logSoftmaxRows(x: FloatArray, out: FloatArray, rows: number, cols: number, mask: Uint8Array | null): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const max = rowMax(x, o, cols, mask);
    if (max === -Infinity) {
      out.fill(-Infinity, o, o + cols);
      continue;
    }
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      if (mask && mask[o + j]) continue;
      sum += Math.exp(x[o + j]! - max);
    }
    const lse = max + Math.log(sum);
    for (let j = 0; j < cols; j++) out[o + j] = mask && mask[o + j] ? -Infinity : x[o + j]! - lse;
  }
}

export function softmaxBackwardRows(y: FloatArray, dy: FloatArray, dx: FloatArray, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += y[o + j]! * dy[o + j]!;
    for (let j = 0; j < cols; j++) dx[o + j]! += y[o + j]! * (dy[o + j]! - dot);
  }
}

export function logSoftmaxBackwardRows(y: FloatArray, dy: FloatArray, dx: FloatArray, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let sum = 0;
    for (let j = 0; j < cols; j++) if (y[o + j] !== -Infinity) sum += dy[o + j]!;
    for (let j = 0; j < cols; j++) {
      const yv = y[o + j]!;
      if (yv === -Infinity) continue;
      dx[o + j]! += dy[o + j]! - Math.exp(yv) * sum;
    }
  }
}
