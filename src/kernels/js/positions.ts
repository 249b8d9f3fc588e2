import type { FloatArray } from "../../tensor/dtype.js";

/**
 * Position kernels of attention: rotary rotations (Su et al. 2021) and the adaptive-span mask
 * (Sukhbaatar et al. 2019). Every kernel set uses these TypeScript loops (float32 or float64
 * storage); each row's values are computed in float64 from the row alone, in a fixed order.
 */

/**
 * Rotary embedding of x viewed as [rows, T, F]: in each of the first `features / headDim` head
 * chunks of a position's features, the pair (x_{2p}, x_{2p+1}) is rotated by the angle of
 * (position t, pair p), read as cos[t·headDim/2 + p] and sin[…] (RoFormer eq. 34):
 *   out_{2p} = x_{2p} cos − x_{2p+1} sin,   out_{2p+1} = x_{2p} sin + x_{2p+1} cos.
 * Features from `features` to F are copied unchanged.
 */
export function rotaryForward(
  x: FloatArray, out: FloatArray, rows: number, T: number, F: number,
  headDim: number, features: number, cos: Float64Array, sin: Float64Array,
): void {
  const half = headDim / 2;
  for (let n = 0; n < rows; n++) {
    for (let t = 0; t < T; t++) {
      const row = (n * T + t) * F;
      const angle = t * half;
      for (let c = 0; c < features; c += headDim) {
        for (let p = 0; p < half; p++) {
          const i = row + c + 2 * p;
          const a = x[i]!;
          const b = x[i + 1]!;
          const co = cos[angle + p]!;
          const si = sin[angle + p]!;
          out[i] = a * co - b * si;
          out[i + 1] = a * si + b * co;
        }
      }
      for (let f = features; f < F; f++) out[row + f] = x[row + f]!;
    }
  }
}

/** Backward of rotaryForward: dx += Rᵀ g (the rotation by the opposite angle); unrotated features pass g through. */
export function rotaryBackward(
  g: FloatArray, dx: FloatArray, rows: number, T: number, F: number,
  headDim: number, features: number, cos: Float64Array, sin: Float64Array,
): void {
  const half = headDim / 2;
  for (let n = 0; n < rows; n++) {
    for (let t = 0; t < T; t++) {
      const row = (n * T + t) * F;
      const angle = t * half;
      for (let c = 0; c < features; c += headDim) {
        for (let p = 0; p < half; p++) {
          const i = row + c + 2 * p;
          const a = g[i]!;
          const b = g[i + 1]!;
          const co = cos[angle + p]!;
          const si = sin[angle + p]!;
          dx[i]! += a * co + b * si;
          dx[i + 1]! += b * co - a * si;
        }
      }
      for (let f = features; f < F; f++) dx[row + f]! += g[row + f]!;
    }
  }
}

/**
 * The soft span mask m(x) = clamp((R + z·L − x)/R, 0, 1) of Sukhbaatar et al. 2019 (eq. 3 with
 * z scaled by the maximum span L) over the distance x = |queryStart + i − j| of query i and key j,
 * applied to attention weights w [rows, cols] and renormalised per row:
 *   out_j = w_j m_j / Σ_k w_k m_k   (a row whose masked weights sum to 0 stays all zeros).
 * Row r is query i = r mod rowsPerHead of head h = ⌊r / rowsPerHead⌋ mod heads, which reads z[h].
 */
export function adaptiveSpanForward(
  w: FloatArray, out: FloatArray, z: FloatArray, rows: number, cols: number,
  rowsPerHead: number, heads: number, queryStart: number, maxSpan: number, ramp: number,
): void {
  for (let r = 0; r < rows; r++) {
    const reach = ramp + z[Math.floor(r / rowsPerHead) % heads]! * maxSpan;
    const q = queryStart + (r % rowsPerHead);
    const o = r * cols;
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += w[o + j]! * spanMask(reach, Math.abs(q - j), ramp);
    const inv = sum > 0 ? 1 / sum : 0;
    for (let j = 0; j < cols; j++) out[o + j] = w[o + j]! * spanMask(reach, Math.abs(q - j), ramp) * inv;
  }
}

/**
 * Backward of adaptiveSpanForward given its output y and dy: with u_j = w_j m_j and s = Σu,
 * ∂L/∂u_j = (dy_j − Σ_k dy_k y_k)/s, so dw_j += m_j ∂L/∂u_j and dz[h] += Σ_j w_j (L/R) ∂L/∂u_j
 * over the keys inside the ramp (0 < R + zL − x < R, where ∂m/∂z = L/R). Rows with s = 0 get
 * no gradient. dw and dz may be null.
 */
export function adaptiveSpanBackward(
  w: FloatArray, y: FloatArray, dy: FloatArray, z: FloatArray, dw: FloatArray | null, dz: FloatArray | null,
  rows: number, cols: number, rowsPerHead: number, heads: number, queryStart: number, maxSpan: number, ramp: number,
): void {
  const slope = maxSpan / ramp;
  for (let r = 0; r < rows; r++) {
    const h = Math.floor(r / rowsPerHead) % heads;
    const reach = ramp + z[h]! * maxSpan;
    const q = queryStart + (r % rowsPerHead);
    const o = r * cols;
    let sum = 0;
    let dot = 0;
    for (let j = 0; j < cols; j++) {
      sum += w[o + j]! * spanMask(reach, Math.abs(q - j), ramp);
      dot += dy[o + j]! * y[o + j]!;
    }
    if (!(sum > 0)) continue;
    let dzRow = 0;
    for (let j = 0; j < cols; j++) {
      const x = Math.abs(q - j);
      const du = (dy[o + j]! - dot) / sum;
      if (dw) dw[o + j]! += du * spanMask(reach, x, ramp);
      const inside = reach - x;
      if (inside > 0 && inside < ramp) dzRow += du * w[o + j]! * slope;
    }
    if (dz) dz[h]! += dzRow;
  }
}

/** clamp((reach − x)/R, 0, 1) with reach = R + z·L. */
function spanMask(reach: number, x: number, ramp: number): number {
  const m = (reach - x) / ramp;
  return m <= 0 ? 0 : m >= 1 ? 1 : m;
}
