/*
 * Optimizer updates (Adam/AdamW, SGD) and the pieces of gradient-norm clipping.
 *
 * SGD and the gradient scaling work in float64 lanes (f64x2): each float32 value is widened
 * exactly, the update is the same sequence of IEEE double operations as the JS reference
 * (src/kernels/js/optim.ts), and each stored value is rounded to float32 once, so every build and
 * the JS reference give the same bits; with only multiplies and adds this stays memory-bound.
 * Adam computes in float32 (see below). MADD is never used here: both builds agree bit for bit.
 *
 * Each update loop handles 4 elements per iteration (for f64, as two f64x2 halves with
 * full-width loads and stores), then the last 0–3 elements one at a time in lane 0 of the same
 * code, so a value's arithmetic never depends on its position.
 *
 * Sums for the gradient norm accumulate in float64: squares of float32 values are exact in
 * double, and the order is fixed by the length alone — element i goes to f64 lane (i mod 8) of
 * four f64x2 accumulators while at least 8 remain, then one group of 4 (if any) into the first
 * two, then the last 0–3 elements one by one into a scalar; the result is
 * ((a0 + a1) + (a2 + a3)) lane 0 + lane 1, plus the scalar.
 */
#include "attn.h"

#define F64(x) wasm_f64x2_splat(x)
#define ADD wasm_f64x2_add
#define SUB wasm_f64x2_sub
#define MUL wasm_f64x2_mul
#define DIV wasm_f64x2_div

/* The low and high halves of a float32x4, widened to f64x2. */
static inline v128_t lo2(v128_t x) { return wasm_f64x2_promote_low_f32x4(x); }
static inline v128_t hi2(v128_t x) { return wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 2, 3)); }

/* Two f64x2 rounded to float32 and joined into one float32x4 (lo lanes first). */
static inline v128_t join4(v128_t lo, v128_t hi) {
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/* One float32 at a, widened into lane 0 of an f64x2; and lane 0 rounded back and stored. */
static inline v128_t ld1(const float *a) { return wasm_f64x2_promote_low_f32x4(wasm_v128_load32_zero(a)); }
static inline void st1(float *a, v128_t x) { wasm_v128_store32_lane(a, wasm_f32x4_demote_f64x2_zero(x), 0); }

/* ---- Adam / AdamW ---------------------------------------------------------------------- */

/*
 * Adam works in float32 lanes, as PyTorch does: the sqrt and the two divides cost 2–3× the
 * memory-bound time in f64 lanes (5M parameters: ~41 ms in f64, ~12 ms in f32, ~11 ms for the
 * bare memory traffic, on the 2-core EPYC this was written on), and a step of one optimizer
 * update is far below float32 resolution anyway. Same operations, in the same order, as the JS
 * reference (which rounds once, from float64): agreement within float32 tolerance. Plain mul/add,
 * no MADD, so both builds give the same bits.
 */
typedef struct {
  v128_t beta1, c1, beta2, c2, eps, l2, shrink, stepSize, bc2Sqrt;
} AdamConst;

#define FADD wasm_f32x4_add
#define FSUB wasm_f32x4_sub
#define FMUL wasm_f32x4_mul
#define FDIV wasm_f32x4_div

/* k = 4 or 1 float32 values at a (lanes 1–3 zero when k = 1), and the first k lanes of x stored at a. */
static inline v128_t ldk(const float *a, int k) { return k == 4 ? wasm_v128_load(a) : wasm_v128_load32_zero(a); }
static inline void stk(float *a, v128_t x, int k) {
  if (k == 4) wasm_v128_store(a, x);
  else wasm_v128_store32_lane(a, x, 0);
}

/* Adam on k (4 or 1) elements at index i. */
static inline void adam_at(float *p, const float *g, float *m, float *v, float *vmax, int k, const AdamConst *c) {
  v128_t pi = ldk(p, k);
  v128_t gi = FADD(ldk(g, k), FMUL(c->l2, pi));
  v128_t mi = FADD(FMUL(c->beta1, ldk(m, k)), FMUL(c->c1, gi));
  v128_t vi = FADD(FMUL(c->beta2, ldk(v, k)), FMUL(FMUL(c->c2, gi), gi));
  stk(m, mi, k);
  stk(v, vi, k);
  if (vmax) {
    vi = wasm_f32x4_max(ldk(vmax, k), vi); /* NaN-propagating, like Math.max */
    stk(vmax, vi, k);
  }
  v128_t denom = FADD(FDIV(wasm_f32x4_sqrt(vi), c->bc2Sqrt), c->eps);
  stk(p, FSUB(FMUL(pi, c->shrink), FDIV(FMUL(c->stepSize, mi), denom)), k);
}

static inline void adam_loop(float *p, const float *g, float *m, float *v, float *vmax, int n, const AdamConst *c) {
  int i = 0;
  for (; i + 4 <= n; i += 4) adam_at(p + i, g + i, m + i, v + i, vmax ? vmax + i : 0, 4, c);
  for (; i < n; i++) adam_at(p + i, g + i, m + i, v + i, vmax ? vmax + i : 0, 1, c);
}

#define F32(x) wasm_f32x4_splat((float)(x))

/*
 * One Adam/AdamW update of n parameters in place (Kernels.adamStep): p, g, m, v [n] and vmax [n]
 * or 0 (no AMSGrad). The coefficients arrive as doubles; 1 − β1 and 1 − β2 are formed in double
 * and each coefficient is rounded to float32 once.
 */
EXPORT(adam_step)
void adam_step(float *p, const float *g, float *m, float *v, float *vmax, int n,
               double beta1, double beta2, double eps, double l2, double shrink, double stepSize, double bc2Sqrt) {
  const AdamConst c = {
    F32(beta1), F32(1.0 - beta1), F32(beta2), F32(1.0 - beta2), F32(eps),
    F32(l2), F32(shrink), F32(stepSize), F32(bc2Sqrt),
  };
  if (vmax) adam_loop(p, g, m, v, vmax, n, &c);
  else adam_loop(p, g, m, v, 0, n, &c);
}

/* ---- SGD ------------------------------------------------------------------------------- */

typedef struct { v128_t lr, wd, mom, c; } SgdConst;

/* SGD on float64 lanes, as js/optim.ts sgdStep: returns the new p; *buf becomes the new buffer. */
static inline v128_t sgd_f64(v128_t p, v128_t g, v128_t *buf, const SgdConst *k, int momentum, int nesterov, int first) {
  v128_t d = ADD(g, MUL(k->wd, p));
  if (!momentum) return SUB(p, MUL(k->lr, d));
  v128_t b = first ? d : ADD(MUL(k->mom, *buf), MUL(k->c, d));
  *buf = b;
  return SUB(p, MUL(k->lr, nesterov ? ADD(d, MUL(k->mom, b)) : b));
}

static inline void sgd_loop(float *p, const float *g, float *buf, int n, const SgdConst *k,
                            int momentum, int nesterov, int first) {
  const int readBuf = momentum && !first;
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t P = wasm_v128_load(p + i), G = wasm_v128_load(g + i);
    v128_t B = readBuf ? wasm_v128_load(buf + i) : wasm_f32x4_splat(0.0f);
    v128_t bl = lo2(B), bh = hi2(B);
    v128_t pl = sgd_f64(lo2(P), lo2(G), &bl, k, momentum, nesterov, first);
    v128_t ph = sgd_f64(hi2(P), hi2(G), &bh, k, momentum, nesterov, first);
    if (momentum) wasm_v128_store(buf + i, join4(bl, bh));
    wasm_v128_store(p + i, join4(pl, ph));
  }
  for (; i < n; i++) {
    v128_t b = readBuf ? ld1(buf + i) : F64(0.0);
    v128_t pn = sgd_f64(ld1(p + i), ld1(g + i), &b, k, momentum, nesterov, first);
    if (momentum) st1(buf + i, b);
    st1(p + i, pn);
  }
}

/* One SGD update of n parameters in place (Kernels.sgdStep); buf [n] or 0 for no momentum. */
EXPORT(sgd_step)
void sgd_step(float *p, const float *g, float *buf, int n, double lr, double momentum, double dampening,
              int nesterov, double weightDecay, int first) {
  const SgdConst k = {F64(lr), F64(weightDecay), F64(momentum), F64(1.0 - dampening)};
  if (!buf || momentum == 0.0) sgd_loop(p, g, 0, n, &k, 0, 0, 0);
  else if (first) sgd_loop(p, g, buf, n, &k, 1, nesterov, 1);
  else if (nesterov) sgd_loop(p, g, buf, n, &k, 1, 1, 0);
  else sgd_loop(p, g, buf, n, &k, 1, 0, 0);
}

/* ---- Gradient norm and clipping -------------------------------------------------------- */

/* Σ f(x[i]) in float64, f = square (abs_ = 0) or |·| (abs_ = 1), in the order described above. */
static inline double sum_f64(const float *x, int n, int abs_) {
  v128_t a0 = F64(0), a1 = F64(0), a2 = F64(0), a3 = F64(0);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    v128_t u = wasm_v128_load(x + i), w = wasm_v128_load(x + i + 4);
    if (abs_) {
      u = wasm_f32x4_abs(u);
      w = wasm_f32x4_abs(w);
      a0 = ADD(a0, lo2(u));
      a1 = ADD(a1, hi2(u));
      a2 = ADD(a2, lo2(w));
      a3 = ADD(a3, hi2(w));
    } else {
      v128_t u0 = lo2(u), u1 = hi2(u), w0 = lo2(w), w1 = hi2(w);
      a0 = ADD(a0, MUL(u0, u0));
      a1 = ADD(a1, MUL(u1, u1));
      a2 = ADD(a2, MUL(w0, w0));
      a3 = ADD(a3, MUL(w1, w1));
    }
  }
  if (i + 4 <= n) {
    v128_t u = wasm_v128_load(x + i);
    if (abs_) u = wasm_f32x4_abs(u);
    v128_t u0 = lo2(u), u1 = hi2(u);
    a0 = ADD(a0, abs_ ? u0 : MUL(u0, u0));
    a1 = ADD(a1, abs_ ? u1 : MUL(u1, u1));
    i += 4;
  }
  double s = 0.0;
  for (; i < n; i++) {
    double xi = (double)x[i];
    s += abs_ ? (xi < 0 ? -xi : xi) : xi * xi;
  }
  v128_t a = ADD(ADD(a0, a1), ADD(a2, a3));
  return (wasm_f64x2_extract_lane(a, 0) + wasm_f64x2_extract_lane(a, 1)) + s;
}

/* Σ x[i]² over x[0..n), float64 (Kernels.sumSquares). */
EXPORT(sum_squares)
double sum_squares(const float *x, int n) { return sum_f64(x, n, 0); }

/* Σ |x[i]| over x[0..n), float64 (Kernels.sumAbs). */
EXPORT(sum_abs)
double sum_abs(const float *x, int n) { return sum_f64(x, n, 1); }

/* max |x[i]| over x[0..n), 0 for n = 0, NaN if any x[i] is NaN (f32x4.max propagates NaN). */
EXPORT(max_abs)
double max_abs(const float *x, int n) {
  v128_t m0 = wasm_f32x4_splat(0.0f), m1 = m0;
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    m0 = wasm_f32x4_max(m0, wasm_f32x4_abs(wasm_v128_load(x + i)));
    m1 = wasm_f32x4_max(m1, wasm_f32x4_abs(wasm_v128_load(x + i + 4)));
  }
  for (; i < n; i++) m0 = wasm_f32x4_max(m0, wasm_f32x4_abs(wasm_v128_load32_zero(x + i)));
  v128_t m = wasm_f32x4_max(m0, m1);
  m = wasm_f32x4_max(m, wasm_i32x4_shuffle(m, m, 2, 3, 0, 1));
  m = wasm_f32x4_max(m, wasm_i32x4_shuffle(m, m, 1, 0, 3, 2));
  return (double)wasm_f32x4_extract_lane(m, 0);
}

/* x[i] = x[i]·s over x[0..n), the product in float64 rounded once (Kernels.scaleInPlace). */
EXPORT(scale_in_place)
void scale_in_place(float *x, int n, double s) {
  const v128_t vs = F64(s);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t u = wasm_v128_load(x + i);
    wasm_v128_store(x + i, join4(MUL(lo2(u), vs), MUL(hi2(u), vs)));
  }
  for (; i < n; i++) st1(x + i, MUL(ld1(x + i), vs));
}
