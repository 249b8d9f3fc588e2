import type { FloatArray } from "../../tensor/dtype.js";
import { Float64Scratch, rowMax } from "./rowScratch.js";

/**
 * Sparse normalisers of attention rows: sparsemax (Martins & Astudillo 2016), 1.5-entmax by
 * sorting and α-entmax by bisection (Peters, Niculae & Martins 2019), their backward passes and
 * ∂/∂α (Correia, Niculae & Martins 2019, appendix), and the top-k selection mask. The
 * WebAssembly sets run ../wasm/c/entmax.c, which follows these operation for operation; each
 * row is computed in float64 from its own unmasked values alone, so the bits do not depend on
 * the batch or on padding.
 *
 * α-entmax(z)_i = [(α−1)z_i − τ]_+^{1/(α−1)} with τ such that the row sums to 1. Masked entries
 * get exactly 0, a row with nothing unmasked is all zeros, and weights below the smallest normal
 * float32 are written as exact zeros (no subnormal noise in attention dumps).
 */

const TINY = 1.1754943508222875e-38;
/** The search for τ stops when τ is known this tightly (τ lies in [−1, 0)). */
const BISECT_TOL = 1e-14;
const BISECT_MAX_ITER = 64;

/** One reusable float64 row. */
const rowScratch = new Float64Scratch();

/** α of row r: alpha[⌊r / rowsPerAlpha⌋ mod alpha.length] (one α per head). */
function alphaOf(alpha: FloatArray, rowsPerAlpha: number, r: number): number {
  return alpha.length === 1 ? alpha[0]! : alpha[Math.floor(r / rowsPerAlpha) % alpha.length]!;
}

/** The unmasked values (x − max)·scale of the row in z[0 … n), in column order; returns n. */
function shifted(x: FloatArray, o: number, cols: number, mask: Uint8Array | null, max: number, scale: number, z: Float64Array): number {
  let n = 0;
  for (let j = 0; j < cols; j++) if (!(mask && mask[o + j])) z[n++] = (x[o + j]! - max) * scale;
  return n;
}

/** shifted, then sorted ascending; returns n. */
function sortedShifted(x: FloatArray, o: number, cols: number, mask: Uint8Array | null, max: number, scale: number, z: Float64Array): number {
  const n = shifted(x, o, cols, mask, max, scale, z);
  z.subarray(0, n).sort();
  return n;
}

/** out = [(x − max)·scale − τ]_+^power on unmasked entries (exact 0 below float32's normal range), 0 elsewhere. */
function writeRow(x: FloatArray, out: FloatArray, o: number, cols: number, mask: Uint8Array | null, max: number, scale: number, tau: number, power: number): void {
  for (let j = 0; j < cols; j++) {
    const u = mask && mask[o + j] ? 0 : (x[o + j]! - max) * scale - tau;
    const p = u > 0 ? (power === 1 ? u : power === 2 ? u * u : Math.pow(u, power)) : 0;
    out[o + j] = p < TINY ? 0 : p;
  }
}

/**
 * Sparsemax (Martins & Astudillo 2016, Alg. 1): with z sorted descending, the support size is the
 * largest k with 1 + k·z_(k) > Σ_{j≤k} z_(j), τ = (Σ_{j≤k} z_(j) − 1)/k and p = [z − τ]_+.
 */
export function sparsemaxRows(x: FloatArray, out: FloatArray, rows: number, cols: number, mask: Uint8Array | null): void {
  const z = rowScratch.get(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const max = rowMax(x, o, cols, mask);
    if (max === -Infinity) {
      out.fill(0, o, o + cols);
      continue;
    }
    const n = sortedShifted(x, o, cols, mask, max, 1, z);
    let sum = 0;
    let tau = 0;
    for (let k = 1; k <= n; k++) {
      const zk = z[n - k]!;
      sum += zk;
      const t = (sum - 1) / k;
      if (zk > t) tau = t;
    }
    writeRow(x, out, o, cols, mask, max, 1, tau, 1);
  }
}

/**
 * 1.5-entmax, exact by sorting (Peters et al. 2019, §3.2): with z = x/2 sorted descending, the
 * threshold on the first k entries solves Σ_{j≤k} (z_(j) − τ)² = 1, i.e. τ_k = M_k − √δ_k with
 * M_k the mean and δ_k = (1 − k·(mean of squares − M_k²))/k; the support is the k's with
 * τ_k ≤ z_(k), and p = [z − τ]_+².
 */
export function entmax15Rows(x: FloatArray, out: FloatArray, rows: number, cols: number, mask: Uint8Array | null): void {
  const z = rowScratch.get(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const max = rowMax(x, o, cols, mask);
    if (max === -Infinity) {
      out.fill(0, o, o + cols);
      continue;
    }
    const n = sortedShifted(x, o, cols, mask, max, 0.5, z);
    let s1 = 0;
    let s2 = 0;
    let tau = 0;
    for (let k = 1; k <= n; k++) {
      const zk = z[n - k]!;
      s1 += zk;
      s2 += zk * zk;
      const mean = s1 / k;
      const delta = (1 - k * (s2 / k - mean * mean)) / k;
      const t = mean - Math.sqrt(delta > 0 ? delta : 0);
      if (t <= zk) tau = t;
    }
    writeRow(x, out, o, cols, mask, max, 0.5, tau, 2);
  }
}

/**
 * The threshold τ of α-entmax for the shifted row z[0 … n) (max 0): the root of
 * f(τ) = Σ_i [z_i − τ]_+^p − 1 with p = 1/(α−1), which is decreasing in τ with f(−1) ≥ 0 and
 * f(−(1/n)^{α−1}) ≤ 0 (Peters et al. 2019, §3.1; Blondel et al. 2019). For α ≤ 2 (p ≥ 1) f is
 * convex, so Newton steps (f'(τ) = −p Σ [z_i − τ]_+^{p−1}) from τ = −1 rise monotonically to the
 * root and reach it to 1e-14 in a handful of passes where bisection needs ~46; a step leaving the
 * bracket (rounding) falls back to bisection. For α > 2 f is not convex and a nearly-zero entry
 * makes f' huge, so Newton could stall far from the root: plain bisection there.
 * τ < 0 always, so the largest entry (0) stays in the support.
 */
function entmaxThreshold(z: Float64Array, n: number, scale: number, power: number): number {
  let lo = -1;
  let hi = -Math.pow(1 / n, scale);
  let tau = lo;
  const newton = power >= 1;
  for (let it = 0; it < BISECT_MAX_ITER && hi - lo > BISECT_TOL; it++) {
    let s = 0;
    let ds = 0;
    for (let i = 0; i < n; i++) {
      const u = z[i]! - tau;
      if (u > 0) {
        const v = Math.pow(u, power);
        s += v;
        ds += v / u;
      }
    }
    if (s === 1) return tau;
    if (s > 1) lo = tau;
    else hi = tau;
    if (newton) {
      const next = tau + (s - 1) / (power * ds);
      if (next > lo && next < hi) {
        if (next - tau <= BISECT_TOL) return next;
        tau = next;
        continue;
      }
    }
    tau = 0.5 * (lo + hi);
  }
  // Σ ≥ 1 at lo: for large α a weight is [z_i − τ]^{1/(α−1)}, so which side of the root τ
  // ends on decides whether entries within 1e-14 of it get weight; always take the same side.
  return lo;
}

/**
 * α-entmax, α > 1 per row (alphaOf): z = (α−1)(x − max), τ from entmaxThreshold, then the row
 * [z − τ]_+^{1/(α−1)} divided by its sum so it sums to 1 exactly.
 */
export function entmaxBisectRows(x: FloatArray, out: FloatArray, rows: number, cols: number, mask: Uint8Array | null, alpha: FloatArray, rowsPerAlpha: number): void {
  const z = rowScratch.get(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const max = rowMax(x, o, cols, mask);
    if (max === -Infinity) {
      out.fill(0, o, o + cols);
      continue;
    }
    const a = alphaOf(alpha, rowsPerAlpha, r);
    if (!(a > 1)) throw new Error(`entmaxBisectRows: α must be > 1, got ${a}`);
    const scale = a - 1;
    const power = 1 / scale;
    const n = shifted(x, o, cols, mask, max, scale, z);
    const tau = entmaxThreshold(z, n, scale, power);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const u = z[i]! - tau;
      if (u > 0) sum += Math.pow(u, power);
    }
    const inv = 1 / sum;
    for (let j = 0; j < cols; j++) {
      const u = mask && mask[o + j] ? 0 : (x[o + j]! - max) * scale - tau;
      const p = u > 0 ? Math.pow(u, power) * inv : 0;
      out[o + j] = p < TINY ? 0 : p;
    }
  }
}

/** s_i = y_i^{2−α} on the support (y_i > 0), 0 elsewhere: the entmax Jacobian's diagonal weights. */
function supportWeight(y: number, a: number): number {
  if (!(y > 0)) return 0;
  return a === 2 ? 1 : a === 1.5 ? Math.sqrt(y) : Math.pow(y, 2 - a);
}

/**
 * Backward of α-entmax given its output y (Peters et al. 2019, Prop. 2; sparsemax for α = 2,
 * Martins & Astudillo 2016 eq. 14): with s = y^{2−α} on the support, dx += s ⊙ dy − s·(s·dy)/Σs.
 * For sparsemax this is dy minus its mean over the support.
 */
export function entmaxBackwardRows(y: FloatArray, dy: FloatArray, dx: FloatArray, rows: number, cols: number, alpha: FloatArray, rowsPerAlpha: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const a = alphaOf(alpha, rowsPerAlpha, r);
    let ss = 0;
    let sdy = 0;
    for (let j = 0; j < cols; j++) {
      const s = supportWeight(y[o + j]!, a);
      ss += s;
      sdy += s * dy[o + j]!;
    }
    if (ss === 0) continue;
    const q = sdy / ss;
    for (let j = 0; j < cols; j++) {
      const s = supportWeight(y[o + j]!, a);
      if (s !== 0) dx[o + j] = dx[o + j]! + s * (dy[o + j]! - q);
    }
  }
}

/**
 * ∂L/∂α of α-entmax (Correia et al. 2019, appendix A), added to dAlpha[⌊r / rowsPerAlpha⌋ mod
 * dAlpha.length] row by row in order: with ŝ = s/Σs and H = Σ_j y_j log y_j,
 *   ∂y_i/∂α = (y_i − ŝ_i)/(α−1)² − (y_i log y_i − ŝ_i H)/(α−1).
 */
export function entmaxAlphaBackwardRows(y: FloatArray, dy: FloatArray, dAlpha: FloatArray, rows: number, cols: number, alpha: FloatArray, rowsPerAlpha: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const a = alphaOf(alpha, rowsPerAlpha, r);
    let ss = 0;
    let ent = 0;
    for (let j = 0; j < cols; j++) {
      const v = y[o + j]!;
      if (v > 0) {
        ss += supportWeight(v, a);
        ent += v * Math.log(v);
      }
    }
    if (ss === 0) continue;
    const am1 = a - 1;
    let d = 0;
    for (let j = 0; j < cols; j++) {
      const v = y[o + j]!;
      if (!(v > 0)) continue;
      const sh = supportWeight(v, a) / ss;
      d += dy[o + j]! * ((v - sh) / (am1 * am1) - (v * Math.log(v) - sh * ent) / am1);
    }
    const h = alpha.length === 1 ? 0 : Math.floor(r / rowsPerAlpha) % alpha.length;
    dAlpha[h] = dAlpha[h]! + d;
  }
}

/**
 * Top-k selection: out[i] = 1 (masked) unless entry i is masked-in (mask 0) and among the k
 * largest unmasked values of its row. Ties at the k-th value go to the lowest indices, so
 * exactly min(k, unmasked) entries stay. `mask` null means nothing is masked.
 */
export function topKMaskRows(x: FloatArray, mask: Uint8Array | null, out: Uint8Array, rows: number, cols: number, k: number): void {
  const z = rowScratch.get(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const n = sortedShifted(x, o, cols, mask, 0, 1, z);
    if (n <= k) {
      for (let j = 0; j < cols; j++) out[o + j] = mask && mask[o + j] ? 1 : 0;
      continue;
    }
    const kth = z[n - k]!;
    let above = 0;
    for (let i = n - k + 1; i < n; i++) if (z[i]! > kth) above++;
    let ties = k - above;
    for (let j = 0; j < cols; j++) {
      if (mask && mask[o + j]) {
        out[o + j] = 1;
        continue;
      }
      const v = x[o + j]!;
      if (v > kth) out[o + j] = 0;
      else if (v === kth && ties > 0) {
        out[o + j] = 0;
        ties--;
      } else out[o + j] = 1;
    }
  }
}
