import type { FloatArray } from "../../tensor/dtype.js";

/**
 * Causal FAVOR+ by prefix sums (Choromanski et al. 2021 §2.5, Lemma / "prefix-sum" form):
 * for query i at position p = S − T + i, out_i = φq_iᵀ S_p / (φq_i · z_p) with
 * S_p = Σ_{j ≤ p} φk_j v_jᵀ [m, dv] and z_p = Σ_{j ≤ p} φk_j [m]. One sweep over the keys
 * keeping S and z (O(m·dv) state, never n×n). fq [N, T, m], fk [N, S, m], v [N, S, dv];
 * writes out [N, T, dv] and den [N, T] (φq_i·z_p, 0 → zero output). state ≥ m·dv + m.
 */
export function performerCausalForward(fq: FloatArray, fk: FloatArray, v: FloatArray, out: FloatArray, den: FloatArray, N: number, T: number, S: number, m: number, dv: number, state: Float64Array): void {
  const start = S - T;
  for (let n = 0; n < N; n++) {
    state.fill(0, 0, m * dv + m);
    for (let j = 0; j < S; j++) {
      addKey(fk, v, (n * S + j) * m, (n * S + j) * dv, m, dv, state);
      const i = j - start;
      if (i < 0) continue;
      const qo = (n * T + i) * m;
      const oo = (n * T + i) * dv;
      let z = 0;
      for (let a = 0; a < m; a++) z += fq[qo + a]! * state[m * dv + a]!;
      den[n * T + i] = z;
      const inv = z !== 0 ? 1 / z : 0;
      for (let e = 0; e < dv; e++) {
        let s = 0;
        for (let a = 0; a < m; a++) s += fq[qo + a]! * state[a * dv + e]!;
        out[oo + e] = s * inv;
      }
    }
  }
}

/**
 * Backward of performerCausalForward given gOut [N, T, dv] (out, den from the forward):
 * dnum_i = g_i / den_i, dden_i = −(g_i · out_i) / den_i;
 * dφq_i = S_p dnum_i + z_p dden_i (a forward sweep rebuilding S, z);
 * dφk_j = R_j v_j + r_j and dv_j = R_jᵀ φk_j with R_j = Σ_{p ≥ j} φq_i dnum_iᵀ, r_j = Σ_{p ≥ j} φq_i dden_i
 * (a backward sweep). Accumulates into dfq, dfk, dv (null: not needed). state ≥ m·dv + m, gs ≥ dv + 1.
 */
export function performerCausalBackward(
  gOut: FloatArray, fq: FloatArray, fk: FloatArray, v: FloatArray, out: FloatArray, den: FloatArray,
  dfq: FloatArray | null, dfk: FloatArray | null, dvOut: FloatArray | null,
  N: number, T: number, S: number, m: number, dv: number, state: Float64Array, gs: Float64Array,
): void {
  const start = S - T;
  const zAt = m * dv;
  for (let n = 0; n < N; n++) {
    if (dfq) {
      state.fill(0, 0, m * dv + m);
      for (let j = 0; j < S; j++) {
        addKey(fk, v, (n * S + j) * m, (n * S + j) * dv, m, dv, state);
        const i = j - start;
        if (i < 0) continue;
        if (!rowGradient(gOut, out, den, n, T, i, dv, gs)) continue;
        const qo = (n * T + i) * m;
        const dden = gs[dv]!;
        for (let a = 0; a < m; a++) {
          let s = state[zAt + a]! * dden;
          for (let e = 0; e < dv; e++) s += state[a * dv + e]! * gs[e]!;
          dfq[qo + a]! += s;
        }
      }
    }
    if (dfk || dvOut) {
      state.fill(0, 0, m * dv + m);
      for (let j = S - 1; j >= 0; j--) {
        const i = j - start;
        if (i >= 0 && rowGradient(gOut, out, den, n, T, i, dv, gs)) {
          const qo = (n * T + i) * m;
          const dden = gs[dv]!;
          for (let a = 0; a < m; a++) {
            const f = fq[qo + a]!;
            state[zAt + a]! += f * dden;
            for (let e = 0; e < dv; e++) state[a * dv + e]! += f * gs[e]!;
          }
        }
        const ko = (n * S + j) * m;
        const vo = (n * S + j) * dv;
        for (let a = 0; a < m; a++) {
          if (dfk) {
            let s = state[zAt + a]!;
            for (let e = 0; e < dv; e++) s += state[a * dv + e]! * v[vo + e]!;
            dfk[ko + a]! += s;
          }
          if (dvOut) {
            const f = fk[ko + a]!;
            for (let e = 0; e < dv; e++) dvOut[vo + e]! += state[a * dv + e]! * f;
          }
        }
      }
    }
  }
}

/** gs[0..dv) = dnum_i = g_i / den_i, gs[dv] = dden_i = −(g_i · out_i) / den_i; false for a zero row. */
function rowGradient(gOut: FloatArray, out: FloatArray, den: FloatArray, n: number, T: number, i: number, dv: number, gs: Float64Array): boolean {
  const z = den[n * T + i]!;
  if (z === 0) return false;
  const go = (n * T + i) * dv;
  let dot = 0;
  for (let e = 0; e < dv; e++) {
    gs[e] = gOut[go + e]! / z;
    dot += gOut[go + e]! * out[go + e]!;
  }
  gs[dv] = -dot / z;
  return true;
}

/** Adds key j (φk at ko, v at vo) to the prefix state: S += φk vᵀ (state[0 … m·dv)), z += φk (state[m·dv …)). */
function addKey(fk: FloatArray, v: FloatArray, ko: number, vo: number, m: number, dv: number, state: Float64Array): void {
  const zAt = m * dv;
  for (let a = 0; a < m; a++) {
    const f = fk[ko + a]!;
    state[zAt + a]! += f;
    for (let e = 0; e < dv; e++) state[a * dv + e]! += f * v[vo + e]!;
  }
}
