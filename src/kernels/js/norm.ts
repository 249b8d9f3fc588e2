import type { FloatArray } from "../../tensor/dtype.js";

/** Reference layer norm over rows of `cols` values (see the `Kernels` doc comments); float64 row statistics. */
export function layerNormForward(
  x: FloatArray, weight: FloatArray, bias: FloatArray, out: FloatArray,
  mean: FloatArray, rstd: FloatArray, rows: number, cols: number, eps: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let mu = 0;
    for (let j = 0; j < cols; j++) mu += x[o + j]!;
    mu /= cols;
    let v = 0;
    for (let j = 0; j < cols; j++) {
      const d = x[o + j]! - mu;
      v += d * d;
    }
    v /= cols;
    const rs = 1 / Math.sqrt(v + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < cols; j++) out[o + j] = (x[o + j]! - mu) * rs * weight[j]! + bias[j]!;
  }
}

export function layerNormBackward(
  dy: FloatArray, x: FloatArray, mean: FloatArray, rstd: FloatArray, weight: FloatArray,
  dx: FloatArray | null, dweight: FloatArray | null, dbias: FloatArray | null, rows: number, cols: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const mu = mean[r]!;
    const rs = rstd[r]!;
    let sumG = 0;
    let sumGH = 0;
    for (let j = 0; j < cols; j++) {
      const g = dy[o + j]!;
      const h = (x[o + j]! - mu) * rs;
      const gh = g * weight[j]!;
      sumG += gh;
      sumGH += gh * h;
      if (dweight) dweight[j]! += g * h;
      if (dbias) dbias[j]! += g;
    }
    if (dx) {
      const k = rs / cols;
      for (let j = 0; j < cols; j++) {
        const h = (x[o + j]! - mu) * rs;
        const gh = dy[o + j]! * weight[j]!;
        dx[o + j]! += k * (cols * gh - sumG - h * sumGH);
      }
    }
  }
}
