/*
 * The pointer-generator mixture in log space (See et al. 2017, eq. 9), forward and backward
 * (Kernels.copyMixtureForward/Backward; the reference is ../../js/copyMixture.ts, which this
 * follows step by step, in float64 per row):
 *   log P(w) = logaddexp(log p + logits_w − lse, log(1 − p) + log C_w),  p = σ(z),
 *   C_w = Σ_{j: ids_j = w} a_j,  log p = −softplus(−z),  log(1 − p) = −softplus(z),
 * so neither p ≈ 0, p ≈ 1 nor a tiny vocabulary probability is rounded to log 0; a word with no
 * vocabulary entry and no attention gets −∞.
 *
 * The exponentials over the vocabulary (the log-sum-exp, ρ_w, (1 − p)/P(w), softmax_v) run two
 * at a time (dmath.h's f64x2 exp); the sums over the vocabulary are two-lane (entry v in lane
 * v mod 2) for the log-sum-exp and in order for the gradient sums, so a row's values depend only
 * on the row and `vocab`, never on the batch. Not the reference's bits (its exp is V8's), but
 * within float64 rounding of it. `work` holds 4·extended doubles.
 */
#include "attn.h"
#include "dmath.h"

/* log(1 + x) for x ≥ 0 (Goldberg's correction: log(u)·x/(u − 1) with u = 1 + x rounded). */
static inline double d_log1p(double x) {
  const double u = 1.0 + x;
  if (u == 1.0) return x;
  if (u == D_INF) return u;
  return d_log(u) * (x / (u - 1.0));
}

/* log(1 + eˣ) without overflow. */
static inline double softplus(double x) {
  return x > 0 ? x + d_log1p(d_exp(-x)) : d_log1p(d_exp(x));
}

static inline double log_add_exp(double x, double y) {
  if (x == -D_INF) return y;
  if (y == -D_INF) return x;
  const double m = x > y ? x : y, d = x > y ? x - y : y - x;
  return m + d_log1p(d_exp(-d));
}

/* a[i] ← e^{a[i]} for i < n, two at a time (a lone last entry paired with 0); a[i] ≤ 709, −∞ → 0. */
static void exp_array(double *a, int n) {
  int i = 0;
  for (; i + 2 <= n; i += 2) wasm_v128_store(a + i, v_dexp(wasm_f64x2_pmin(wasm_v128_load(a + i), D2(709.0))));
  if (i < n) a[i] = wasm_f64x2_extract_lane(v_dexp(wasm_f64x2_make(a[i] < 709.0 ? a[i] : 709.0, 0.0)), 0);
}

/* log Σ_v e^{l_v} of one row (−∞ when every entry is −∞); tmp ≥ vocab doubles. */
static double row_lse(const float *l, int vocab, double *tmp) {
  double max = -D_INF;
  for (int v = 0; v < vocab; v++) if ((double)l[v] > max) max = (double)l[v];
  if (max == -D_INF) return -D_INF;
  for (int v = 0; v < vocab; v++) tmp[v] = (double)l[v] - max;
  exp_array(tmp, vocab);
  v128_t s = D2(0.0);
  int v = 0;
  for (; v + 2 <= vocab; v += 2) s = wasm_f64x2_add(s, wasm_v128_load(tmp + v));
  if (v < vocab) s = wasm_f64x2_add(s, wasm_f64x2_make(tmp[v], 0.0));
  return max + d_log(wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1));
}

/* log P(w) from its generation term and copy mass. */
static inline double mixed_log_prob(double gen, double c, double logQ) {
  return c > 0 ? log_add_exp(gen, logQ + d_log(c)) : gen;
}

/* C_w of row r into mass (ids < 0 are padding; j in order), and back to 0. */
static void copy_mass(const float *a, const int *ids, int srcLen, double *mass) {
  for (int j = 0; j < srcLen; j++) if (ids[j] >= 0) mass[ids[j]] += (double)a[j];
}
static void clear_mass(const int *ids, int srcLen, double *mass) {
  for (int j = 0; j < srcLen; j++) if (ids[j] >= 0) mass[ids[j]] = 0;
}

EXPORT(copy_mixture_forward)
void copy_mixture_forward(const float *logits, const float *gate, const float *weights, const int *ids, const int *rowSentence,
                          float *out, int rows, int vocab, int srcLen, int extended, double *work) {
  double *mass = work, *tmp = work + extended;
  for (int w = 0; w < extended; w++) mass[w] = 0;
  for (int r = 0; r < rows; r++) {
    const float *l = logits + (size_t)r * vocab;
    const int *id = ids + (size_t)rowSentence[r] * srcLen;
    const double lse = row_lse(l, vocab, tmp);
    const double z = (double)gate[r];
    const double logP = -softplus(-z), logQ = -softplus(z);
    copy_mass(weights + (size_t)r * srcLen, id, srcLen, mass);
    float *o = out + (size_t)r * extended;
    for (int w = 0; w < extended; w++) {
      const double gen = w < vocab ? logP + (double)l[w] - lse : -D_INF;
      o[w] = (float)mixed_log_prob(gen, mass[w], logQ);
    }
    clear_mass(id, srcLen, mass);
  }
}

/*
 * Backward given dOut: with ρ_w = p·P_vocab(w)/P(w), dlogits_v += dOut_v ρ_v − softmax_v Σ_w dOut_w ρ_w,
 * dgate += Σ_w dOut_w (ρ_w (1 − p) − κ_w p) with κ_w = (1 − p) C_w / P(w), dweights[r, j] +=
 * dOut[ids_j] (1 − p)/P(ids_j); words with log P = −∞ get no gradient. Any gradient may be 0.
 */
EXPORT(copy_mixture_backward)
void copy_mixture_backward(const float *logits, const float *gate, const float *weights, const int *ids, const int *rowSentence,
                           const float *dOut, float *dLogits, float *dGate, float *dWeights,
                           int rows, int vocab, int srcLen, int extended, double *work) {
  double *mass = work, *rho = work + extended, *invP = work + 2 * (size_t)extended, *lp = work + 3 * (size_t)extended;
  for (int w = 0; w < extended; w++) mass[w] = 0;
  for (int r = 0; r < rows; r++) {
    const float *l = logits + (size_t)r * vocab;
    const float *g = dOut + (size_t)r * extended;
    const int *id = ids + (size_t)rowSentence[r] * srcLen;
    const double lse = row_lse(l, vocab, rho);
    const double z = (double)gate[r];
    const double logP = -softplus(-z), logQ = -softplus(z);
    const double p = d_exp(logP);
    copy_mass(weights + (size_t)r * srcLen, id, srcLen, mass);
    /* log P(w), and the exponents of ρ_w = e^{gen − log P} and (1 − p)/P(w) = e^{log(1 − p) − log P} */
    for (int w = 0; w < extended; w++) {
      const double gen = w < vocab ? logP + (double)l[w] - lse : -D_INF;
      const double lw = mixed_log_prob(gen, mass[w], logQ);
      lp[w] = lw;
      rho[w] = lw == -D_INF ? -D_INF : gen - lw;
      invP[w] = lw == -D_INF ? -D_INF : logQ - lw;
    }
    exp_array(rho, extended);
    exp_array(invP, extended);
    double gRho = 0, dz = 0;
    for (int w = 0; w < extended; w++) {
      if (lp[w] == -D_INF) continue;
      const double gw = (double)g[w], c = mass[w];
      gRho += gw * rho[w];
      dz += gw * (rho[w] * (1 - p) - (c > 0 ? d_exp(logQ + d_log(c) - lp[w]) : 0) * p);
    }
    if (dGate) dGate[r] = (float)((double)dGate[r] + dz);
    if (dLogits) { /* softmax_v = e^{logits_v − lse} into lp (no longer needed) */
      float *dl = dLogits + (size_t)r * vocab;
      for (int v = 0; v < vocab; v++) lp[v] = (double)l[v] - lse;
      exp_array(lp, vocab);
      for (int v = 0; v < vocab; v++) dl[v] = (float)((double)dl[v] + ((double)g[v] * rho[v] - lp[v] * gRho));
    }
    if (dWeights) {
      float *dw = dWeights + (size_t)r * srcLen;
      for (int j = 0; j < srcLen; j++) if (id[j] >= 0) dw[j] = (float)((double)dw[j] + (double)g[id[j]] * invP[id[j]]);
    }
    clear_mass(id, srcLen, mass);
  }
}
