import type { FloatArray } from "../../tensor/dtype.js";

/**
 * Sliding-window attention with global tokens (Longformer, Beltagy et al. 2020 §3.1), stored
 * banded: never an n×n buffer. Queries q [N, T, d] at absolute positions p = queryStart + i,
 * keys k [N, S, d] and values v [N, S, dv] at positions 0 … S−1 (N = batch·heads, row n of
 * sentence ⌊n / heads⌋).
 *  - a query at p ≥ g (not global) attends to the g global keys 0 … g−1 and to the keys
 *    p − w … p + w (p − w … p when causal): its weights live in `g + 2w + 1` slots, slot c < g
 *    = key c, slot g + o = key p − w + o (slots out of range or duplicating a global key hold 0);
 *  - a global query (p < g) attends to all S keys (those ≤ p when causal): S slots.
 * Rows with p < g come first, so row i of head-row n starts at n·rowSize + rowStart(i) with
 * G0 = min(T, max(0, g − queryStart)) global rows.
 * keyMask [B·S] (1 = padded key) is optional; a row with no key left gets zero weights and a
 * zero output (as scaledDotProductAttention).
 */
export interface WindowGeometry {
  N: number;
  T: number;
  S: number;
  d: number;
  dv: number;
  /** One-sided window width w. */
  window: number;
  /** Global tokens g. */
  global: number;
  causal: boolean;
  queryStart: number;
  heads: number;
  scale: number;
}

/** Slots of one head-row's weights and the number of global query rows G0. */
export function windowLayout(geo: WindowGeometry): { rowSize: number; globalRows: number; band: number } {
  const band = geo.global + 2 * geo.window + 1;
  const globalRows = Math.min(geo.T, Math.max(0, geo.global - geo.queryStart));
  return { rowSize: globalRows * geo.S + (geo.T - globalRows) * band, band, globalRows };
}

/** Offset of query row i's weights within its head-row (global rows first, S slots each; then `band` slots each). */
function rowStart(i: number, S: number, band: number, globalRows: number): number {
  return i < globalRows ? i * S : globalRows * S + (i - globalRows) * band;
}

/**
 * The keys of one query row as two contiguous segments [from, to) whose slot is j + offset:
 * written into seg[0..5] (from0, to0, off0, from1, to1, off1); slot c = key j means
 * c = j + off. A global row: all keys (≤ p when causal); an ordinary row: the global keys, then
 * the window max(g, p − w) … min(S − 1, p + w) (≤ p when causal) at slots g + j − (p − w).
 */
function rowSegments(p: number, isGlobalRow: boolean, geo: WindowGeometry, seg: Int32Array): void {
  const last = geo.causal ? Math.min(geo.S - 1, p) : geo.S - 1;
  if (isGlobalRow) {
    seg[0] = 0;
    seg[1] = last + 1;
    seg[2] = 0;
    seg[3] = 0;
    seg[4] = 0;
    seg[5] = 0;
    return;
  }
  const g = geo.global;
  seg[0] = 0;
  seg[1] = Math.min(g, last + 1);
  seg[2] = 0;
  seg[3] = Math.max(g, p - geo.window);
  seg[4] = Math.max(seg[3]!, Math.min(last, p + geo.window) + 1);
  seg[5] = g - p + geo.window;
}

/**
 * Forward: probs [N · rowSize] (the banded weights, windowLayout) and out [N, T, dv].
 */
export function windowAttentionForward(q: FloatArray, k: FloatArray, v: FloatArray, keyMask: Uint8Array | null, probs: FloatArray, out: FloatArray, geo: WindowGeometry): void {
  const { N, T, S, d, dv, heads, scale } = geo;
  const { rowSize, band, globalRows } = windowLayout(geo);
  const seg = new Int32Array(6);
  for (let n = 0; n < N; n++) {
    const b = Math.floor(n / heads);
    for (let i = 0; i < T; i++) {
      const p = geo.queryStart + i;
      const isGlobalRow = i < globalRows;
      const width = isGlobalRow ? S : band;
      const base = n * rowSize + rowStart(i, S, band, globalRows);
      const qo = (n * T + i) * d;
      rowSegments(p, isGlobalRow, geo, seg);
      for (let c = 0; c < width; c++) probs[base + c] = 0;
      let max = -Infinity;
      for (let sIdx = 0; sIdx < 6; sIdx += 3) {
        const off = seg[sIdx + 2]!;
        for (let j = seg[sIdx]!, to = seg[sIdx + 1]!; j < to; j++) {
          if (keyMask !== null && keyMask[b * S + j] === 1) continue;
          const ko = (n * S + j) * d;
          let s = 0;
          for (let e = 0; e < d; e++) s += q[qo + e]! * k[ko + e]!;
          s *= scale;
          if (s > max) max = s;
          probs[base + j + off] = s;
        }
      }
      let total = 0;
      for (let sIdx = 0; sIdx < 6; sIdx += 3) {
        const off = seg[sIdx + 2]!;
        for (let j = seg[sIdx]!, to = seg[sIdx + 1]!; j < to; j++) {
          if (keyMask !== null && keyMask[b * S + j] === 1) continue;
          const e = Math.exp(probs[base + j + off]! - max);
          probs[base + j + off] = e;
          total += e;
        }
      }
      const inv = total > 0 ? 1 / total : 0;
      const oo = (n * T + i) * dv;
      for (let e = 0; e < dv; e++) out[oo + e] = 0;
      for (let sIdx = 0; sIdx < 6; sIdx += 3) {
        const off = seg[sIdx + 2]!;
        for (let j = seg[sIdx]!, to = seg[sIdx + 1]!; j < to; j++) {
          if (keyMask !== null && keyMask[b * S + j] === 1) continue;
          const pr = probs[base + j + off]! * inv;
          probs[base + j + off] = pr;
          const vo = (n * S + j) * dv;
          for (let e = 0; e < dv; e++) out[oo + e]! += pr * v[vo + e]!;
        }
      }
    }
  }
}

/**
 * Backward of windowAttentionForward given dOut [N, T, dv]: accumulates into dq, dk, dv (each may
 * be null). dP_c = dOut_i·v_j, dS_c = P_c (dP_c − Σ P dP) (softmax), dq_i += scale·dS_c k_j,
 * dk_j += scale·dS_c q_i, dv_j += P_c dOut_i.
 */
export function windowAttentionBackward(
  gOut: FloatArray, q: FloatArray, k: FloatArray, v: FloatArray, probs: FloatArray,
  dq: FloatArray | null, dk: FloatArray | null, dvOut: FloatArray | null, scratch: Float64Array, geo: WindowGeometry,
): void {
  const { N, T, S, d, dv, scale } = geo;
  const { rowSize, band, globalRows } = windowLayout(geo);
  const seg = new Int32Array(6);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < T; i++) {
      const p = geo.queryStart + i;
      const isGlobalRow = i < globalRows;
      const base = n * rowSize + rowStart(i, S, band, globalRows);
      const go = (n * T + i) * dv;
      const qo = (n * T + i) * d;
      rowSegments(p, isGlobalRow, geo, seg);
      let dot = 0;
      for (let sIdx = 0; sIdx < 6; sIdx += 3) {
        const off = seg[sIdx + 2]!;
        for (let j = seg[sIdx]!, to = seg[sIdx + 1]!; j < to; j++) {
          const pr = probs[base + j + off]!;
          if (pr === 0) continue;
          const vo = (n * S + j) * dv;
          let dp = 0;
          for (let e = 0; e < dv; e++) dp += gOut[go + e]! * v[vo + e]!;
          scratch[j + off] = dp;
          dot += pr * dp;
          if (dvOut) for (let e = 0; e < dv; e++) dvOut[vo + e]! += pr * gOut[go + e]!;
        }
      }
      for (let sIdx = 0; sIdx < 6; sIdx += 3) {
        const off = seg[sIdx + 2]!;
        for (let j = seg[sIdx]!, to = seg[sIdx + 1]!; j < to; j++) {
          const pr = probs[base + j + off]!;
          if (pr === 0) continue;
          const ds = scale * pr * (scratch[j + off]! - dot);
          const ko = (n * S + j) * d;
          if (dq) for (let e = 0; e < d; e++) dq[qo + e]! += ds * k[ko + e]!;
          if (dk) for (let e = 0; e < d; e++) dk[ko + e]! += ds * q[qo + e]!;
        }
      }
    }
  }
}

/** The implied dense weights [N, T, S] of banded probs (O(n²): attention dumps only). */
export function windowAttentionDense(probs: FloatArray, dense: FloatArray, geo: WindowGeometry): void {
  const { N, T, S } = geo;
  const { rowSize, band, globalRows } = windowLayout(geo);
  const seg = new Int32Array(6);
  dense.fill(0);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < T; i++) {
      const isGlobalRow = i < globalRows;
      const base = n * rowSize + rowStart(i, S, band, globalRows);
      rowSegments(geo.queryStart + i, isGlobalRow, geo, seg);
      for (let sIdx = 0; sIdx < 6; sIdx += 3) {
        const off = seg[sIdx + 2]!;
        for (let j = seg[sIdx]!, to = seg[sIdx + 1]!; j < to; j++) dense[(n * T + i) * S + j] = probs[base + j + off]!;
      }
    }
  }
}
