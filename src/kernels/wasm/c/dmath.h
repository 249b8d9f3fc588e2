/*
 * Scalar float64 log, exp and pow for the kernels that compute in double (entmax.c); there is
 * no libm here. log is fdlibm's e_log.c (Sun Microsystems, 1993), the algorithm V8 uses for
 * Math.log, so the two agree; exp is fdlibm's e_exp.c reduction and polynomial (< 1 ulp);
 * pow(x, y) = exp(y·log x) for x > 0, within a few ulp of float64 — far below float32 rounding —
 * with fdlibm's exact cases y ∈ {0, ±1, 2, 0.5} kept exact, so sparsemax and 1.5-entmax powers
 * are the same numbers as Math.pow's.
 */
#ifndef ATTN_DMATH_H
#define ATTN_DMATH_H

typedef unsigned long long u64;

static inline u64 d_bits(double x) { union { double f; u64 u; } v = { x }; return v.u; }
static inline double d_from(u64 u) { union { u64 u; double f; } v = { u }; return v.f; }

#define D_INF __builtin_inf()

/* Natural log (fdlibm e_log.c): x = 2^k·(1 + f) with 1 + f in [√2/2, √2), s = f/(2 + f),
 * log(1 + f) = f − s·(f − R(s²)) with a degree-14 minimax R. log 0 = −inf, x < 0 or NaN → NaN. */
static double d_log(double x) {
  const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
               Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
               Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
               Lg7 = 1.479819860511658591e-01;
  if (x != x || x < 0) return __builtin_nan("");
  if (x == 0) return -D_INF;
  if (x == D_INF) return x;
  int k = 0;
  u64 u = d_bits(x);
  if (u < 0x0010000000000000ULL) { /* subnormal: scale up by 2^54 */
    k -= 54;
    u = d_bits(x * 18014398509481984.0);
  }
  int hx = (int)(u >> 32);
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  int i = (hx + 0x95f64) & 0x100000;
  x = d_from(((u64)(unsigned)(hx | (i ^ 0x3ff00000)) << 32) | (u & 0xffffffffULL)); /* x or x/2 */
  k += i >> 20;
  const double f = x - 1.0;
  double dk;
  if ((0x000fffff & (2 + hx)) < 3) { /* −2^−20 ≤ f < 2^−20 */
    if (f == 0.0) {
      if (k == 0) return 0.0;
      dk = (double)k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    const double R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    dk = (double)k;
    return dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  const double s = f / (2.0 + f);
  dk = (double)k;
  const double z = s * s;
  i = hx - 0x6147a;
  const double w = z * z;
  const int j = 0x6b851 - hx;
  const double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  const double R = t2 + t1;
  if (i > 0) {
    const double hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

/* 2^k·y for k in [−1100, 1100] (two normal factors, so subnormal and overflowing results are right). */
static inline double d_scale(double y, int k) {
  const int k1 = k / 2, k2 = k - k1;
  return y * d_from((u64)(k1 + 1023) << 52) * d_from((u64)(k2 + 1023) << 52);
}

/* e^x (fdlibm e_exp.c): x = k·ln2 + r, |r| ≤ ln2/2, e^r = 1 + r + r·c/(2 − c) with c from a
 * degree-10 minimax in r². Overflow → +inf, underflow → 0, NaN → NaN. */
static double d_exp(double x) {
  const double ln2HI = 6.93147180369123816490e-01, ln2LO = 1.90821492927058770002e-10,
               invln2 = 1.44269504088896338700e+00,
               P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
               P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
               P5 = 4.13813679705723846039e-08;
  if (x != x) return x;
  if (x > 7.09782712893383973096e+02) return D_INF;
  if (x < -7.45133219101941108420e+02) return 0.0;
  const double kd = __builtin_rint(x * invln2);
  const double hi = x - kd * ln2HI, lo = kd * ln2LO;
  const double r = hi - lo;
  const double t = r * r;
  const double c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
  return d_scale(y, (int)kd);
}

/* x^y for x > 0 (what entmax needs): fdlibm's exact cases, else exp(y·log x). */
static inline double d_pow(double x, double y) {
  if (y == 1.0) return x;
  if (y == 2.0) return x * x;
  if (y == 0.5) return __builtin_sqrt(x);
  if (y == 0.0) return 1.0;
  if (y == -1.0) return 1.0 / x;
  return d_exp(y * d_log(x));
}

/*
 * Two lanes of float64 at once (f64x2), for the hot loop of the α-entmax threshold search:
 * v_dlog and v_dexp are d_log's general branch and d_exp for x > 0 normal and x ≤ 709 (the
 * callers pass only such lanes), and v_dpow(x, y) = exp(y·log x) per lane.
 */
#include <wasm_simd128.h>

#define D2(c) wasm_f64x2_splat((double)(c))

static inline v128_t v_dlog(v128_t x) {
  const v128_t ln2_hi = D2(6.93147180369123816490e-01), ln2_lo = D2(1.90821492927058770002e-10);
  /* k = exponent; mantissa bits normalised to 1 + f in [√2/2, √2) as in d_log */
  v128_t k = wasm_i64x2_sub(wasm_u64x2_shr(x, 52), wasm_i64x2_splat(1023));
  v128_t m = wasm_v128_and(x, wasm_i64x2_splat(0x000fffffffffffffLL));
  v128_t i = wasm_v128_and(wasm_i64x2_add(m, wasm_i64x2_splat(0x95f64LL << 32)), wasm_i64x2_splat(0x100000LL << 32));
  v128_t xn = wasm_v128_or(m, wasm_v128_xor(i, wasm_i64x2_splat(0x3ff0000000000000LL)));
  k = wasm_i64x2_add(k, wasm_u64x2_shr(i, 52));
  const v128_t dk = wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(k, k, 0, 2, 0, 2));
  const v128_t f = wasm_f64x2_sub(xn, D2(1.0));
  const v128_t s = wasm_f64x2_div(f, wasm_f64x2_add(D2(2.0), f));
  const v128_t z = wasm_f64x2_mul(s, s), w = wasm_f64x2_mul(z, z);
  v128_t t1 = wasm_f64x2_add(D2(2.222219843214978396e-01), wasm_f64x2_mul(w, D2(1.531383769920937332e-01)));
  t1 = wasm_f64x2_mul(w, wasm_f64x2_add(D2(3.999999999940941908e-01), wasm_f64x2_mul(w, t1)));
  v128_t t2 = wasm_f64x2_add(D2(1.818357216161805012e-01), wasm_f64x2_mul(w, D2(1.479819860511658591e-01)));
  t2 = wasm_f64x2_add(D2(2.857142874366239149e-01), wasm_f64x2_mul(w, t2));
  t2 = wasm_f64x2_mul(z, wasm_f64x2_add(D2(6.666666666666735130e-01), wasm_f64x2_mul(w, t2)));
  const v128_t R = wasm_f64x2_add(t2, t1);
  const v128_t hfsq = wasm_f64x2_mul(wasm_f64x2_mul(D2(0.5), f), f);
  /* dk·ln2_hi − ((hfsq − (s·(hfsq + R) + dk·ln2_lo)) − f) */
  v128_t inner = wasm_f64x2_add(wasm_f64x2_mul(s, wasm_f64x2_add(hfsq, R)), wasm_f64x2_mul(dk, ln2_lo));
  return wasm_f64x2_sub(wasm_f64x2_mul(dk, ln2_hi), wasm_f64x2_sub(wasm_f64x2_sub(hfsq, inner), f));
}

static inline v128_t v_dexp(v128_t x) {
  const v128_t under = wasm_f64x2_lt(x, D2(-7.45133219101941108420e+02));
  x = wasm_f64x2_pmax(x, D2(-7.45133219101941108420e+02));
  const v128_t kd = wasm_f64x2_nearest(wasm_f64x2_mul(x, D2(1.44269504088896338700e+00)));
  const v128_t hi = wasm_f64x2_sub(x, wasm_f64x2_mul(kd, D2(6.93147180369123816490e-01)));
  const v128_t lo = wasm_f64x2_mul(kd, D2(1.90821492927058770002e-10));
  const v128_t r = wasm_f64x2_sub(hi, lo), t = wasm_f64x2_mul(r, r);
  v128_t p = wasm_f64x2_add(D2(-1.65339022054652515390e-06), wasm_f64x2_mul(t, D2(4.13813679705723846039e-08)));
  p = wasm_f64x2_add(D2(6.61375632143793436117e-05), wasm_f64x2_mul(t, p));
  p = wasm_f64x2_add(D2(-2.77777777770155933842e-03), wasm_f64x2_mul(t, p));
  p = wasm_f64x2_add(D2(1.66666666666666019037e-01), wasm_f64x2_mul(t, p));
  const v128_t c = wasm_f64x2_sub(r, wasm_f64x2_mul(t, p));
  /* y = 1 − ((lo − (r·c)/(2 − c)) − hi) */
  const v128_t rc = wasm_f64x2_div(wasm_f64x2_mul(r, c), wasm_f64x2_sub(D2(2.0), c));
  const v128_t y = wasm_f64x2_sub(D2(1.0), wasm_f64x2_sub(wasm_f64x2_sub(lo, rc), hi));
  /* 2^k as two normal factors 2^k1·2^k2, k1 = round(k/2), k2 = k − k1 (k ≥ −1076, so both
   * exponents stay ≥ −1022). Each 2^ki's bits are (ki + 1023) << 52, read off the low mantissa
   * bits of ki + 1023 + 1.5·2^52 (no float→int conversion, which clang scalarises). */
  const v128_t k1 = wasm_f64x2_nearest(wasm_f64x2_mul(kd, D2(0.5))), k2 = wasm_f64x2_sub(kd, k1);
  const v128_t magic = D2(6755399441055744.0 + 1023.0);
  const v128_t s1 = wasm_i64x2_shl(wasm_f64x2_add(k1, magic), 52);
  const v128_t s2 = wasm_i64x2_shl(wasm_f64x2_add(k2, magic), 52);
  return wasm_v128_andnot(wasm_f64x2_mul(wasm_f64x2_mul(y, s1), s2), under);
}

/* x^y per lane for x > 0 normal, y·log x ≤ 709. */
static inline v128_t v_dpow(v128_t x, v128_t y) {
  return v_dexp(wasm_f64x2_mul(y, v_dlog(x)));
}

#endif
