/*
 * Sparse normalisers of attention rows (Kernels.sparsemaxRows, entmax15Rows, entmaxBisectRows,
 * entmaxBackwardRows, entmaxAlphaBackwardRows, topKMaskRows; the reference is
 * ../../js/entmax.ts, which this file follows operation for operation):
 *   α-entmax(z)_i = [(α−1)z_i − τ]_+^{1/(α−1)}, τ such that the row sums to 1
 *   (Peters, Niculae & Martins 2019, eq. 9; sparsemax α = 2, Martins & Astudillo 2016).
 *
 * Like the reference, every row is computed in float64 from its own unmasked values alone, in
 * column order, so its bits depend neither on the batch nor on padding: masked entries get
 * exactly 0, a row with nothing unmasked is all zeros, weights below float32's smallest normal
 * are written as exact zeros. Sorting, sums and the threshold search are the reference's float64
 * operations in its order, so sparsemax, 1.5-entmax, top-k, and α-entmax and its backward for
 * α ∈ {1.5, 2} (powers u, u², √y, which fdlibm's pow gives exactly) give the reference's bits.
 * For other α the powers are dmath.h's exp(y·log x), a few float64 ulp from Math.pow, and the
 * threshold search's sums run two entries at a time (pow_sums): within float32 rounding of the
 * reference. The search also drops, pass by pass, the entries that can no longer reach the
 * support, which changes no sum.
 * `z` is scratch for one row (cols doubles).
 */
#include "attn.h"
#include "dmath.h"

#define TINY 1.1754943508222875e-38
/* The threshold search stops when τ is known this tightly (τ lies in [−1, 0)). */
#define BISECT_TOL 1e-14
#define BISECT_MAX_ITER 64

/* α of row r: alpha[⌊r / rowsPerAlpha⌋ mod nAlpha] (one α per head). */
static inline double alpha_of(const float *alpha, int nAlpha, int rowsPerAlpha, int r) {
  return nAlpha == 1 ? (double)alpha[0] : (double)alpha[(r / rowsPerAlpha) % nAlpha];
}

/* Largest unmasked value of the row, −inf when none. */
static double row_max(const float *x, const unsigned char *m, int cols) {
  double max = -D_INF;
  for (int j = 0; j < cols; j++)
    if (!(m && m[j]) && (double)x[j] > max) max = (double)x[j];
  return max;
}

/* The unmasked values (x − max)·scale in z[0 … n), column order; returns n. */
static int shifted(const float *x, const unsigned char *m, int cols, double max, double scale, double *z) {
  int n = 0;
  for (int j = 0; j < cols; j++)
    if (!(m && m[j])) z[n++] = ((double)x[j] - max) * scale;
  return n;
}

/* Ascending heapsort of z[0 … n) (the sorted values are unique, whatever the algorithm). */
static void sort_ascending(double *z, int n) {
  for (int start = n / 2 - 1, end = n; ; ) {
    int root;
    if (start >= 0) root = start--;
    else {
      if (--end <= 0) return;
      double t = z[0]; z[0] = z[end]; z[end] = t;
      root = 0;
    }
    for (;;) { /* sift z[root] down within [0, end) */
      int child = 2 * root + 1;
      if (child >= end) break;
      if (child + 1 < end && z[child] < z[child + 1]) child++;
      if (!(z[root] < z[child])) break;
      double t = z[root]; z[root] = z[child]; z[child] = t;
      root = child;
    }
  }
}

/* out = [(x − max)·scale − τ]_+^power (power 1 or 2) on unmasked entries, exact 0 below TINY and elsewhere. */
static void write_row(const float *x, const unsigned char *m, float *out, int cols, double max, double scale, double tau, int power) {
  for (int j = 0; j < cols; j++) {
    const double u = m && m[j] ? 0.0 : ((double)x[j] - max) * scale - tau;
    const double p = u > 0 ? (power == 1 ? u : u * u) : 0.0;
    out[j] = p < TINY ? 0.0f : (float)p;
  }
}

static void zero_row(float *out, int cols) {
  for (int j = 0; j < cols; j++) out[j] = 0.0f;
}

/*
 * The sorting algorithms' common start: the row's max, then its unmasked entries shifted by it
 * and scaled, (x − max)·scale, ascending in z; returns their count. A fully masked row gets an
 * all-zero output and −1.
 */
static int sorted_row(const float *xr, const unsigned char *m, float *o, int cols, double scale, double *z, double *max) {
  *max = row_max(xr, m, cols);
  if (*max == -D_INF) { zero_row(o, cols); return -1; }
  const int n = shifted(xr, m, cols, *max, scale, z);
  sort_ascending(z, n);
  return n;
}

/*
 * Sparsemax (Martins & Astudillo 2016, Alg. 1): with z sorted descending the support is the
 * largest k with 1 + k·z_(k) > Σ_{j≤k} z_(j); τ = (Σ_{j≤k} z_(j) − 1)/k, p = [z − τ]_+.
 */
EXPORT(sparsemax_rows)
void sparsemax_rows(const float *x, float *out, int rows, int cols, const unsigned char *mask, double *z) {
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * cols;
    const unsigned char *m = mask ? mask + (size_t)r * cols : 0;
    float *o = out + (size_t)r * cols;
    double max;
    const int n = sorted_row(xr, m, o, cols, 1.0, z, &max);
    if (n < 0) continue;
    double sum = 0, tau = 0;
    for (int k = 1; k <= n; k++) {
      const double zk = z[n - k];
      sum += zk;
      const double t = (sum - 1) / k;
      if (zk > t) tau = t;
    }
    write_row(xr, m, o, cols, max, 1.0, tau, 1);
  }
}

/*
 * 1.5-entmax, exact by sorting (Peters et al. 2019, §3.2, Alg. 2): with z = x/2 sorted
 * descending, τ_k = M_k − √δ_k, M_k the mean of the first k and δ_k = (1 − k·(mean of squares −
 * M_k²))/k; the support is the k's with τ_k ≤ z_(k), and p = [z − τ]_+².
 */
EXPORT(entmax15_rows)
void entmax15_rows(const float *x, float *out, int rows, int cols, const unsigned char *mask, double *z) {
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * cols;
    const unsigned char *m = mask ? mask + (size_t)r * cols : 0;
    float *o = out + (size_t)r * cols;
    double max;
    const int n = sorted_row(xr, m, o, cols, 0.5, z, &max);
    if (n < 0) continue;
    double s1 = 0, s2 = 0, tau = 0;
    for (int k = 1; k <= n; k++) {
      const double zk = z[n - k];
      s1 += zk;
      s2 += zk * zk;
      const double mean = s1 / k;
      const double delta = (1 - k * (s2 / k - mean * mean)) / k;
      const double t = mean - __builtin_sqrt(delta > 0 ? delta : 0);
      if (t <= zk) tau = t;
    }
    write_row(xr, m, o, cols, max, 0.5, tau, 2);
  }
}

/* Powers fdlibm computes exactly (u, u², √u, …): these rows take the reference's scalar loops, bit for bit. */
static inline int exact_power(double p) { return p == 1.0 || p == 2.0 || p == 0.5; }

/*
 * s = Σ_i [z_i − τ]_+^p and ds = Σ_i [z_i − τ]_+^{p−1} over z[0 … n), two entries at a time
 * (f64x2, entry i in lane i mod 2, an odd last entry paired with a zero), lanes added last:
 * the order depends only on n.
 */
static void pow_sums(const double *z, int n, double tau, double power, double *s, double *ds) {
  const v128_t vt = D2(tau), vp = D2(power), zero = D2(0.0), one = D2(1.0);
  v128_t S = zero, DS = zero;
  for (int i = 0; i < n; i += 2) {
    v128_t u = i + 1 < n ? wasm_v128_load(z + i) : wasm_f64x2_make(z[i], tau);
    u = wasm_f64x2_sub(u, vt);
    const v128_t pos = wasm_f64x2_gt(u, zero);
    const v128_t us = wasm_v128_bitselect(u, one, pos);
    const v128_t v = wasm_v128_and(v_dpow(us, vp), pos);
    S = wasm_f64x2_add(S, v);
    DS = wasm_f64x2_add(DS, wasm_v128_and(wasm_f64x2_div(v, us), pos));
  }
  *s = wasm_f64x2_extract_lane(S, 0) + wasm_f64x2_extract_lane(S, 1);
  *ds = wasm_f64x2_extract_lane(DS, 0) + wasm_f64x2_extract_lane(DS, 1);
}

/*
 * The threshold τ of α-entmax for the shifted row z[0 … n) (max 0): the root of
 * f(τ) = Σ_i [z_i − τ]_+^p − 1, p = 1/(α−1), decreasing with f(−1) ≥ 0 and f(−(1/n)^{α−1}) ≤ 0
 * (Peters et al. 2019, §3.1). For α ≤ 2 (p ≥ 1) f is convex and Newton steps from τ = −1 rise
 * monotonically to the root (a step leaving the bracket falls back to bisection); for α > 2
 * plain bisection. Returns the lower end when the bracket closes (see the reference).
 */
static double entmax_threshold(double *z, int *np, double *cut, double scale, double power) {
  int n = *np;
  double lo = -1, hi = -d_pow(1.0 / n, scale), tau = lo;
  const int newton = power >= 1, exact = exact_power(power);
  for (int it = 0; it < BISECT_MAX_ITER && hi - lo > BISECT_TOL; it++) {
    /* τ stays in [lo, hi], so an entry z_i ≤ lo is outside the support from now on: drop it,
     * keeping the others in order (the sums below skip it anyway, so they do not change). */
    int kept = 0;
    for (int i = 0; i < n; i++) if (z[i] > lo) z[kept++] = z[i];
    n = *np = kept;
    *cut = lo;
    double s = 0, ds = 0;
    if (exact) {
      for (int i = 0; i < n; i++) {
        const double u = z[i] - tau;
        if (u > 0) {
          const double v = d_pow(u, power);
          s += v;
          ds += v / u;
        }
      }
    } else {
      pow_sums(z, n, tau, power, &s, &ds);
    }
    if (s == 1) return tau;
    if (s > 1) lo = tau;
    else hi = tau;
    if (newton) {
      const double next = tau + (s - 1) / (power * ds);
      if (next > lo && next < hi) {
        if (next - tau <= BISECT_TOL) return next;
        tau = next;
        continue;
      }
    }
    tau = 0.5 * (lo + hi);
  }
  return lo;
}

/* α-entmax, α > 1 per row: z = (α−1)(x − max), τ, then [z − τ]_+^{1/(α−1)} divided by its sum. */
EXPORT(entmax_bisect_rows)
void entmax_bisect_rows(const float *x, float *out, int rows, int cols, const unsigned char *mask,
                        const float *alpha, int nAlpha, int rowsPerAlpha, double *z) {
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * cols;
    const unsigned char *m = mask ? mask + (size_t)r * cols : 0;
    float *o = out + (size_t)r * cols;
    const double max = row_max(xr, m, cols);
    if (max == -D_INF) { zero_row(o, cols); continue; }
    const double a = alpha_of(alpha, nAlpha, rowsPerAlpha, r);
    const double scale = a - 1, power = 1 / scale;
    int n = shifted(xr, m, cols, max, scale, z);
    double cut = -1;
    const double tau = entmax_threshold(z, &n, &cut, scale, power); /* leaves the entries z_i > cut in z[0 … n) */
    if (exact_power(power)) { /* the reference's loops */
      double sum = 0;
      for (int i = 0; i < n; i++) {
        const double u = z[i] - tau;
        if (u > 0) sum += d_pow(u, power);
      }
      const double inv = 1 / sum;
      for (int j = 0; j < cols; j++) {
        const double u = m && m[j] ? 0.0 : ((double)xr[j] - max) * scale - tau;
        const double p = u > 0 ? d_pow(u, power) * inv : 0.0;
        o[j] = p < TINY ? 0.0f : (float)p;
      }
      continue;
    }
    /* z_i ← [z_i − τ]_+^p (two at a time, as pow_sums), their sum, then each divided by it */
    const v128_t vt = D2(tau), vp = D2(power), zero = D2(0.0), one = D2(1.0);
    v128_t S = zero;
    for (int i = 0; i < n; i += 2) {
      const int two = i + 1 < n;
      v128_t u = wasm_f64x2_sub(two ? wasm_v128_load(z + i) : wasm_f64x2_make(z[i], tau), vt);
      const v128_t pos = wasm_f64x2_gt(u, zero);
      const v128_t v = wasm_v128_and(v_dpow(wasm_v128_bitselect(u, one, pos), vp), pos);
      S = wasm_f64x2_add(S, v);
      z[i] = wasm_f64x2_extract_lane(v, 0);
      if (two) z[i + 1] = wasm_f64x2_extract_lane(v, 1);
    }
    const double inv = 1 / (wasm_f64x2_extract_lane(S, 0) + wasm_f64x2_extract_lane(S, 1));
    for (int j = 0, i = 0; j < cols; j++) { /* the unmasked columns with (x − max)·scale > cut are z[0], z[1], … in order */
      const double zj = m && m[j] ? -D_INF : ((double)xr[j] - max) * scale;
      const double p = zj > cut ? z[i++] * inv : 0.0;
      o[j] = p < TINY ? 0.0f : (float)p;
    }
  }
}

/* s = y^{2−α} on the support (y > 0), 0 elsewhere: the entmax Jacobian's diagonal weights. */
static inline double support_weight(double y, double a) {
  if (!(y > 0)) return 0;
  return a == 2 ? 1 : a == 1.5 ? __builtin_sqrt(y) : d_pow(y, 2 - a);
}

/*
 * Backward given the output y (Peters et al. 2019, Prop. 2; sparsemax: Martins & Astudillo
 * 2016, eq. 14): with s = y^{2−α} on the support, dx += s ⊙ dy − s·(s·dy)/Σs.
 */
EXPORT(entmax_backward_rows)
void entmax_backward_rows(const float *y, const float *dy, float *dx, int rows, int cols,
                          const float *alpha, int nAlpha, int rowsPerAlpha) {
  for (int r = 0; r < rows; r++) {
    const size_t o = (size_t)r * cols;
    const double a = alpha_of(alpha, nAlpha, rowsPerAlpha, r);
    double ss = 0, sdy = 0;
    for (int j = 0; j < cols; j++) {
      const double s = support_weight((double)y[o + j], a);
      ss += s;
      sdy += s * (double)dy[o + j];
    }
    if (ss == 0) continue;
    const double q = sdy / ss;
    for (int j = 0; j < cols; j++) {
      const double s = support_weight((double)y[o + j], a);
      if (s != 0) dx[o + j] = (float)((double)dx[o + j] + s * ((double)dy[o + j] - q));
    }
  }
}

/*
 * ∂L/∂α (Correia, Niculae & Martins 2019, appendix A), added to dAlpha[head] row by row in
 * order: with ŝ = s/Σs and H = Σ_j y_j log y_j, ∂y_i/∂α = (y_i − ŝ_i)/(α−1)² − (y_i log y_i − ŝ_i H)/(α−1).
 */
EXPORT(entmax_alpha_backward_rows)
void entmax_alpha_backward_rows(const float *y, const float *dy, float *dAlpha, int rows, int cols,
                                const float *alpha, int nAlpha, int rowsPerAlpha) {
  for (int r = 0; r < rows; r++) {
    const size_t o = (size_t)r * cols;
    const double a = alpha_of(alpha, nAlpha, rowsPerAlpha, r);
    double ss = 0, ent = 0;
    for (int j = 0; j < cols; j++) {
      const double v = (double)y[o + j];
      if (v > 0) {
        ss += support_weight(v, a);
        ent += v * d_log(v);
      }
    }
    if (ss == 0) continue;
    const double am1 = a - 1;
    double d = 0;
    for (int j = 0; j < cols; j++) {
      const double v = (double)y[o + j];
      if (!(v > 0)) continue;
      const double sh = support_weight(v, a) / ss;
      d += (double)dy[o + j] * ((v - sh) / (am1 * am1) - (v * d_log(v) - sh * ent) / am1);
    }
    const int h = nAlpha == 1 ? 0 : (r / rowsPerAlpha) % nAlpha;
    dAlpha[h] = (float)((double)dAlpha[h] + d);
  }
}

/*
 * Top-k selection: out = 1 (masked) unless the entry is unmasked and among the k largest
 * unmasked values of its row; ties at the k-th value go to the lowest indices.
 */
EXPORT(topk_mask_rows)
void topk_mask_rows(const float *x, const unsigned char *mask, unsigned char *out, int rows, int cols, int k, double *z) {
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * cols;
    const unsigned char *m = mask ? mask + (size_t)r * cols : 0;
    unsigned char *o = out + (size_t)r * cols;
    const int n = shifted(xr, m, cols, 0.0, 1.0, z);
    sort_ascending(z, n);
    if (n <= k) {
      for (int j = 0; j < cols; j++) o[j] = m && m[j] ? 1 : 0;
      continue;
    }
    const double kth = z[n - k];
    int above = 0;
    for (int i = n - k + 1; i < n; i++) if (z[i] > kth) above++;
    int ties = k - above;
    for (int j = 0; j < cols; j++) {
      if (m && m[j]) { o[j] = 1; continue; }
      const double v = (double)xr[j];
      if (v > kth) o[j] = 0;
      else if (v == kth && ties > 0) { o[j] = 0; ties--; }
      else o[j] = 1;
    }
  }
}
