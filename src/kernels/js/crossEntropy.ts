import type { FloatArray } from "../../tensor/dtype.js";

/**
 * Cross-entropy per row (the reference; float64 accumulation). See Kernels.crossEntropyRows:
 * lse[r] = log Σ_j exp(x_rj), loss[r] = (1−ε)·(lse − x_t) + ε·(lse − mean_j x_j); rows with
 * an ignored target get 0 in both.
 */
export function crossEntropyRows(
  x: FloatArray, targets: Int32Array, lse: FloatArray, loss: FloatArray,
  rows: number, cols: number, ignoreIndex: number, smoothing: number,
): void {
  for (let r = 0; r < rows; r++) {
    const t = targets[r]!;
    if (t === ignoreIndex) {
      lse[r] = 0;
      loss[r] = 0;
      continue;
    }
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (x[o + j]! > max) max = x[o + j]!;
    let s = 0;
    let sumShifted = 0;
    for (let j = 0; j < cols; j++) {
      const d = x[o + j]! - max;
      s += Math.exp(d);
      sumShifted += d;
    }
    // Relative to the max: −log p_j = log Σ − (x_j − max).
    const ls = Math.log(s);
    const nll = ls - (x[o + t]! - max);
    lse[r] = max + ls;
    // ε·(mean over classes of −log p_j) is the label-smoothing term.
    loss[r] = smoothing === 0 ? nll : (1 - smoothing) * nll + smoothing * (ls - sumShifted / cols);
  }
}

/** dx (+)= scale·(softmax(x_r) − q_r) per row from the saved lse; see Kernels.crossEntropyBackwardRows. */
export function crossEntropyBackwardRows(
  x: FloatArray, targets: Int32Array, lse: FloatArray, dx: FloatArray,
  rows: number, cols: number, ignoreIndex: number, smoothing: number, scale: number, accumulate: boolean,
): void {
  const q = smoothing / cols;
  for (let r = 0; r < rows; r++) {
    const t = targets[r]!;
    const o = r * cols;
    if (t === ignoreIndex) {
      if (!accumulate) dx.fill(0, o, o + cols);
      continue;
    }
    const l = lse[r]!;
    if (accumulate) for (let j = 0; j < cols; j++) dx[o + j]! += scale * (Math.exp(x[o + j]! - l) - q);
    else for (let j = 0; j < cols; j++) dx[o + j] = scale * (Math.exp(x[o + j]! - l) - q);
    dx[o + t]! -= scale * (1 - smoothing);
  }
}
