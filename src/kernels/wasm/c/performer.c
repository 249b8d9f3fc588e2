/*
 * Causal FAVOR+ (Performer) by prefix sums, forward and backward
 * (Kernels.performerCausalForward/Backward; the reference is ../../js/performer.ts):
 * Choromanski et al. 2021 §2.5 (prefix-sum form of causal linear attention; Katharopoulos et al.
 * 2020 eq. 9). Query i at key position p = S − T + i reads
 *   out_i = φq_iᵀ S_p / (φq_i · z_p),  S_p = Σ_{j ≤ p} φk_j v_jᵀ [m, dv],  z_p = Σ_{j ≤ p} φk_j [m].
 * fq [N, T, m], fk [N, S, m], v [N, S, dv]; den [N, T] (float64) = φq_i · z_p, 0 → zero output.
 *
 * The state S, z is float64, as in the reference, because it sums up to S keys. Every value is
 * the reference's float64 operations in its order (a product of two float32 is exact in
 * float64): the sums over the feature index a run a = 0 … m−1 for each output e, with two e's at
 * a time in the lanes of an f64x2, and each accumulation into a float32 gradient is rounded
 * where the reference rounds it. So the results are the reference's bits. `state` holds
 * m·dv + m doubles, `gs` dv + 1.
 */
#include "attn.h"

#define D2S(x) wasm_f64x2_splat(x)

/* Two floats at p as an f64x2. */
static inline v128_t load2(const float *p) { return wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(p)); }

/* S += φk vᵀ (state[0 … m·dv)), z += φk (state[m·dv …)): adds key j. */
static void add_key(const float *k, const float *v, int m, int dv, double *state) {
  double *Z = state + (size_t)m * dv;
  for (int a = 0; a < m; a++) {
    const double f = (double)k[a];
    Z[a] += f;
    double *Sa = state + (size_t)a * dv;
    const v128_t vf = D2S(f);
    int e = 0;
    for (; e + 2 <= dv; e += 2) wasm_v128_store(Sa + e, wasm_f64x2_add(wasm_v128_load(Sa + e), wasm_f64x2_mul(vf, load2(v + e))));
    for (; e < dv; e++) Sa[e] += f * (double)v[e];
  }
}

/* o[e] = (Σ_a x_a S[a, e]) · scale for e < dv, the sum over a in order; eight e's in registers at a time. */
static void read_state(const float *x, const double *state, int m, int dv, double scale, float *o) {
  int e = 0;
  for (; e + 8 <= dv; e += 8) {
    v128_t s0 = D2S(0.0), s1 = s0, s2 = s0, s3 = s0;
    for (int a = 0; a < m; a++) {
      const v128_t xa = D2S((double)x[a]);
      const double *Sa = state + (size_t)a * dv + e;
      s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(xa, wasm_v128_load(Sa)));
      s1 = wasm_f64x2_add(s1, wasm_f64x2_mul(xa, wasm_v128_load(Sa + 2)));
      s2 = wasm_f64x2_add(s2, wasm_f64x2_mul(xa, wasm_v128_load(Sa + 4)));
      s3 = wasm_f64x2_add(s3, wasm_f64x2_mul(xa, wasm_v128_load(Sa + 6)));
    }
    const v128_t sc = D2S(scale);
    v128_t r0 = wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(s0, sc)), r1 = wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(s1, sc));
    v128_t r2 = wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(s2, sc)), r3 = wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(s3, sc));
    wasm_v128_store(o + e, wasm_i32x4_shuffle(r0, r1, 0, 1, 4, 5));
    wasm_v128_store(o + e + 4, wasm_i32x4_shuffle(r2, r3, 0, 1, 4, 5));
  }
  for (; e + 2 <= dv; e += 2) {
    v128_t s0 = D2S(0.0);
    for (int a = 0; a < m; a++) s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(D2S((double)x[a]), wasm_v128_load(state + (size_t)a * dv + e)));
    wasm_v128_store64_lane(o + e, wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(s0, D2S(scale))), 0);
  }
  for (; e < dv; e++) {
    double s = 0;
    for (int a = 0; a < m; a++) s += (double)x[a] * state[(size_t)a * dv + e];
    o[e] = (float)(s * scale);
  }
}

EXPORT(performer_causal_forward)
void performer_causal_forward(const float *fq, const float *fk, const float *v, float *out, double *den,
                              int N, int T, int S, int m, int dv, double *state) {
  const int start = S - T;
  const double *Z = state + (size_t)m * dv;
  for (int n = 0; n < N; n++) {
    for (size_t c = 0; c < (size_t)m * dv + m; c++) state[c] = 0;
    for (int j = 0; j < S; j++) {
      add_key(fk + ((size_t)n * S + j) * m, v + ((size_t)n * S + j) * dv, m, dv, state);
      const int i = j - start;
      if (i < 0) continue;
      const float *q = fq + ((size_t)n * T + i) * m;
      double z = 0;
      for (int a = 0; a < m; a++) z += (double)q[a] * Z[a];
      den[(size_t)n * T + i] = z;
      read_state(q, state, m, dv, z != 0 ? 1 / z : 0, out + ((size_t)n * T + i) * dv);
    }
  }
}

/* gs[0 … dv) = dnum_i = g_i / den_i, gs[dv] = dden_i = −(g_i · out_i) / den_i; 0 for a zero row. */
static int row_gradient(const float *g, const float *o, double z, int dv, double *gs) {
  if (z == 0) return 0;
  double dot = 0;
  for (int e = 0; e < dv; e++) {
    gs[e] = (double)g[e] / z;
    dot += (double)g[e] * (double)o[e];
  }
  gs[dv] = -dot / z;
  return 1;
}

/*
 * out[a] += init_a + Σ_e S[a, e]·w[e] for a = 0 … m−1 (each rounded to float32 once, as the
 * reference's `+=`): rows a and a+1 in the two lanes of an f64x2, each lane summing over e in
 * order, so every value is the reference's scalar sum. init_a = Z[a]·zscale (zscale = 1: Z[a]).
 */
static void rows_dot(const double *state, const double *Z, double zscale, const double *w, int m, int dv, float *out) {
  int a = 0;
  for (; a + 2 <= m; a += 2) {
    const double *Sa = state + (size_t)a * dv, *Sb = Sa + dv;
    v128_t s = wasm_v128_load(Z + a);
    if (zscale != 1.0) s = wasm_f64x2_mul(s, D2S(zscale));
    int e = 0;
    for (; e + 2 <= dv; e += 2) {
      const v128_t A = wasm_v128_load(Sa + e), B = wasm_v128_load(Sb + e);
      s = wasm_f64x2_add(s, wasm_f64x2_mul(wasm_i64x2_shuffle(A, B, 0, 2), D2S(w[e])));
      s = wasm_f64x2_add(s, wasm_f64x2_mul(wasm_i64x2_shuffle(A, B, 1, 3), D2S(w[e + 1])));
    }
    if (e < dv) s = wasm_f64x2_add(s, wasm_f64x2_mul(wasm_f64x2_make(Sa[e], Sb[e]), D2S(w[e])));
    out[a] = (float)((double)out[a] + wasm_f64x2_extract_lane(s, 0));
    out[a + 1] = (float)((double)out[a + 1] + wasm_f64x2_extract_lane(s, 1));
  }
  for (; a < m; a++) {
    const double *Sa = state + (size_t)a * dv;
    double s = zscale != 1.0 ? Z[a] * zscale : Z[a];
    for (int e = 0; e < dv; e++) s += Sa[e] * w[e];
    out[a] = (float)((double)out[a] + s);
  }
}

/*
 * Backward given gOut [N, T, dv]: dφq_i = S_p dnum_i + z_p dden_i (a forward sweep rebuilding S, z);
 * dφk_j = R_j v_j + r_j and dv_j = R_jᵀ φk_j with R_j = Σ_{p ≥ j} φq_i dnum_iᵀ, r_j = Σ_{p ≥ j} φq_i dden_i
 * (a backward sweep, R and r in `state`). Accumulates into dfq, dfk, dv (each may be 0);
 * vd holds dv doubles of scratch.
 */
EXPORT(performer_causal_backward)
void performer_causal_backward(const float *gOut, const float *fq, const float *fk, const float *v, const float *out,
                               const double *den, float *dfq, float *dfk, float *dvOut,
                               int N, int T, int S, int m, int dv, double *state, double *gs, double *vd) {
  const int start = S - T;
  double *Z = state + (size_t)m * dv;
  for (int n = 0; n < N; n++) {
    if (dfq) {
      for (size_t c = 0; c < (size_t)m * dv + m; c++) state[c] = 0;
      for (int j = 0; j < S; j++) {
        add_key(fk + ((size_t)n * S + j) * m, v + ((size_t)n * S + j) * dv, m, dv, state);
        const int i = j - start;
        if (i < 0) continue;
        const size_t row = (size_t)n * T + i;
        if (!row_gradient(gOut + row * dv, out + row * dv, den[row], dv, gs)) continue;
        rows_dot(state, Z, gs[dv], gs, m, dv, dfq + row * m); /* dφq_i += S_p dnum_i + z_p dden_i */
      }
    }
    if (dfk || dvOut) {
      for (size_t c = 0; c < (size_t)m * dv + m; c++) state[c] = 0;
      for (int j = S - 1; j >= 0; j--) {
        const int i = j - start;
        if (i >= 0) {
          const size_t row = (size_t)n * T + i;
          if (row_gradient(gOut + row * dv, out + row * dv, den[row], dv, gs)) {
            const float *q = fq + row * m;
            const double dden = gs[dv];
            for (int a = 0; a < m; a++) { /* R += φq_i dnum_iᵀ, r += φq_i dden_i */
              const double f = (double)q[a];
              Z[a] += f * dden;
              double *Sa = state + (size_t)a * dv;
              const v128_t vf = D2S(f);
              int e = 0;
              for (; e + 2 <= dv; e += 2) wasm_v128_store(Sa + e, wasm_f64x2_add(wasm_v128_load(Sa + e), wasm_f64x2_mul(vf, wasm_v128_load(gs + e))));
              for (; e < dv; e++) Sa[e] += f * gs[e];
            }
          }
        }
        const float *k = fk + ((size_t)n * S + j) * m, *vj = v + ((size_t)n * S + j) * dv;
        float *dk = dfk ? dfk + ((size_t)n * S + j) * m : 0, *dvj = dvOut ? dvOut + ((size_t)n * S + j) * dv : 0;
        if (dk) { /* dφk_j += R_j v_j + r_j */
          for (int e = 0; e < dv; e++) vd[e] = (double)vj[e];
          rows_dot(state, Z, 1.0, vd, m, dv, dk);
        }
        for (int a = 0; a < m && dvj; a++) { /* dv_j[e] += R[a, e]·φk_j[a], rounded to float32 at each a as the reference */
          const double *Sa = state + (size_t)a * dv;
          const v128_t vf = D2S((double)k[a]);
          int e = 0;
          for (; e + 2 <= dv; e += 2) {
            v128_t acc = wasm_f64x2_add(load2(dvj + e), wasm_f64x2_mul(wasm_v128_load(Sa + e), vf));
            wasm_v128_store64_lane(dvj + e, wasm_f32x4_demote_f64x2_zero(acc), 0);
          }
          for (; e < dv; e++) dvj[e] = (float)((double)dvj[e] + Sa[e] * (double)k[a]);
        }
      }
    }
  }
}
