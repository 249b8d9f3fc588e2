/*
 * Vector float32 exp, tanh, sigmoid and a scalar log, for the kernels (there is no libm here).
 * Cephes-style: range reduction plus a short polynomial, about 1–2 ulp over the float range,
 * which is what the tests against the float64 JS reference allow. Plain mul/add only (never
 * MADD), so both builds compute the same transcendental values.
 */
#ifndef ATTN_VMATH_H
#define ATTN_VMATH_H

#include "attn.h"

#define V4(c) wasm_f32x4_splat((float)(c))

/* e^x for each lane; x ≤ -87.3 gives 0 (no denormals), x ≥ 88.7 gives +inf, NaN stays NaN. */
static inline v128_t v_exp(v128_t x) {
  const v128_t hi = V4(88.72283935546875f), lo = V4(-87.33654022216797f);
  v128_t over = wasm_f32x4_gt(x, hi);
  v128_t under = wasm_f32x4_lt(x, lo);
  v128_t xc = wasm_f32x4_pmin(wasm_f32x4_pmax(x, lo), hi);
  /* n = round(x / ln 2); r = x − n·ln 2 in two parts for an exact reduction. */
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(xc, V4(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(xc, wasm_f32x4_mul(n, V4(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, V4(-2.12194440e-4f)));
  v128_t p = V4(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), V4(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), V4(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), V4(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), V4(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), V4(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), wasm_f32x4_add(r, V4(1.0f)));
  /* 2^n from the exponent bits; n ∈ [-126, 128]: split in two factors so n = 128 works. */
  v128_t ni = wasm_i32x4_trunc_sat_f32x4(n);
  v128_t n1 = wasm_i32x4_shr(ni, 1);
  v128_t n2 = wasm_i32x4_sub(ni, n1);
  v128_t s1 = wasm_i32x4_shl(wasm_i32x4_add(n1, wasm_i32x4_splat(127)), 23);
  v128_t s2 = wasm_i32x4_shl(wasm_i32x4_add(n2, wasm_i32x4_splat(127)), 23);
  v128_t y = wasm_f32x4_mul(wasm_f32x4_mul(p, s1), s2);
  y = wasm_v128_bitselect(V4(__builtin_inff()), y, over);
  y = wasm_v128_andnot(y, under);
  /* NaN in, NaN out (the clamps above would have turned it into a number). */
  v128_t isnan = wasm_f32x4_ne(x, x);
  return wasm_v128_bitselect(x, y, isnan);
}

/* tanh: an odd polynomial for |x| < 0.625 (no cancellation near 0), else 1 − 2/(e^{2|x|} + 1). */
static inline v128_t v_tanh(v128_t x) {
  v128_t ax = wasm_f32x4_abs(x);
  v128_t s = wasm_f32x4_mul(x, x);
  v128_t p = V4(-5.70498872745e-3f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s), V4(2.06390887954e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s), V4(-5.37397155531e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s), V4(1.33314422036e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s), V4(-3.33332819422e-1f));
  v128_t small = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, s), x), x);
  v128_t e = v_exp(wasm_f32x4_mul(ax, V4(2.0f)));
  v128_t big = wasm_f32x4_sub(V4(1.0f), wasm_f32x4_div(V4(2.0f), wasm_f32x4_add(e, V4(1.0f))));
  /* copy the sign of x onto the large-|x| branch */
  v128_t signbit = wasm_i32x4_splat((int)0x80000000);
  big = wasm_v128_or(big, wasm_v128_and(x, signbit));
  v128_t useSmall = wasm_f32x4_lt(ax, V4(0.625f));
  return wasm_v128_bitselect(small, big, useSmall);
}

/* σ(x) = 1 / (1 + e^{−x}). */
static inline v128_t v_sigmoid(v128_t x) {
  return wasm_f32x4_div(V4(1.0f), wasm_f32x4_add(V4(1.0f), v_exp(wasm_f32x4_neg(x))));
}

/* Scalar versions: lane 0 of the vector ones, so scalar tails agree bit for bit with vector bodies. */
static inline float s_exp(float x) { return wasm_f32x4_extract_lane(v_exp(wasm_f32x4_splat(x)), 0); }
static inline float s_tanh(float x) { return wasm_f32x4_extract_lane(v_tanh(wasm_f32x4_splat(x)), 0); }
static inline float s_sigmoid(float x) { return wasm_f32x4_extract_lane(v_sigmoid(wasm_f32x4_splat(x)), 0); }

/* Natural log for x > 0 (Cephes logf); log(0) = −inf, negative or NaN gives NaN, +inf stays +inf. */
static inline float s_log(float x) {
  if (!(x > 0.0f)) return x == 0.0f ? -__builtin_inff() : __builtin_nanf("");
  if (x == __builtin_inff()) return x;
  union { float f; unsigned u; } v = { x };
  int e;
  if ((v.u & 0x7f800000u) == 0) { /* denormal: scale up first */
    v.f = x * 8388608.0f;
    e = (int)((v.u >> 23) & 0xff) - 126 - 23;
  } else {
    e = (int)((v.u >> 23) & 0xff) - 126;
  }
  v.u = (v.u & 0x807fffffu) | 0x3f000000u; /* mantissa in [0.5, 1) */
  float m = v.f;
  if (m < 0.707106781186547524f) { e -= 1; m = m + m - 1.0f; } else { m = m - 1.0f; }
  float z = m * m;
  float y = 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = y * m * z;
  float fe = (float)e;
  y += -2.12194440e-4f * fe;
  y += -0.5f * z;
  return m + y + 0.693359375f * fe;
}

/*
 * Natural log of each lane: the vector form of s_log (the same operations in the same order, so
 * every lane equals s_log bit for bit). log 0 = −inf, negative or NaN gives NaN, +inf stays +inf.
 */
static inline v128_t v_log(v128_t x) {
  const v128_t one = V4(1.0f);
  v128_t den = wasm_i32x4_eq(wasm_v128_and(x, wasm_i32x4_splat(0x7f800000)), wasm_i32x4_splat(0));
  v128_t xs = wasm_v128_bitselect(wasm_f32x4_mul(x, V4(8388608.0f)), x, den); /* denormals scaled up */
  v128_t e = wasm_i32x4_sub(wasm_v128_and(wasm_u32x4_shr(xs, 23), wasm_i32x4_splat(0xff)), wasm_i32x4_splat(126));
  e = wasm_i32x4_sub(e, wasm_v128_and(den, wasm_i32x4_splat(23)));
  v128_t m = wasm_v128_or(wasm_v128_and(xs, wasm_i32x4_splat((int)0x807fffff)), wasm_i32x4_splat(0x3f000000));
  v128_t small = wasm_f32x4_lt(m, V4(0.707106781186547524f));
  e = wasm_i32x4_add(e, small); /* −1 where small */
  m = wasm_f32x4_sub(wasm_v128_bitselect(wasm_f32x4_add(m, m), m, small), one);
  v128_t z = wasm_f32x4_mul(m, m);
  v128_t y = V4(7.0376836292e-2f);
  y = wasm_f32x4_sub(wasm_f32x4_mul(y, m), V4(1.1514610310e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), V4(1.1676998740e-1f));
  y = wasm_f32x4_sub(wasm_f32x4_mul(y, m), V4(1.2420140846e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), V4(1.4249322787e-1f));
  y = wasm_f32x4_sub(wasm_f32x4_mul(y, m), V4(1.6668057665e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), V4(2.0000714765e-1f));
  y = wasm_f32x4_sub(wasm_f32x4_mul(y, m), V4(2.4999993993e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), V4(3.3333331174e-1f));
  y = wasm_f32x4_mul(wasm_f32x4_mul(y, m), z);
  v128_t fe = wasm_f32x4_convert_i32x4(e);
  y = wasm_f32x4_add(y, wasm_f32x4_mul(V4(-2.12194440e-4f), fe));
  y = wasm_f32x4_add(y, wasm_f32x4_mul(V4(-0.5f), z));
  v128_t r = wasm_f32x4_add(wasm_f32x4_add(m, y), wasm_f32x4_mul(V4(0.693359375f), fe));
  v128_t zero = wasm_f32x4_eq(x, wasm_f32x4_splat(0.0f));
  v128_t bad = wasm_v128_not(wasm_v128_or(wasm_f32x4_gt(x, wasm_f32x4_splat(0.0f)), zero)); /* x < 0 or NaN */
  r = wasm_v128_bitselect(V4(-__builtin_inff()), r, zero);
  r = wasm_v128_bitselect(x, r, wasm_f32x4_eq(x, V4(__builtin_inff())));
  return wasm_v128_bitselect(V4(__builtin_nanf("")), r, bad);
}

/*
 * erf of each lane, within ~3 ulp: for |x| < 1 Eigen's rational approximation x·P(x²)/Q(x²);
 * beyond, 1 − erfc(|x|) with the sign of x, erfc(z) = t·exp(−z² + R(t)), t = 1/(1 + z/2)
 * (Numerical Recipes' Chebyshev fit, fractional error < 1.2e-7), so 1 + erf(x) for negative x
 * (GELU) is as exact as float32 allows. NaN stays NaN, ±inf gives ±1.
 */
static inline v128_t v_erf(v128_t x) {
  v128_t ax = wasm_f32x4_abs(x);
  v128_t x2 = wasm_f32x4_mul(x, x);
  v128_t p = V4(-2.72614225801306e-10f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), V4(2.77068142495902e-08f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), V4(-2.10102402082508e-06f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), V4(-5.69250639462346e-05f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), V4(-7.34990630326855e-04f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), V4(-2.95459980854025e-03f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), V4(-1.60960333262415e-02f));
  p = wasm_f32x4_mul(p, x);
  v128_t q = V4(-1.45660718464996e-05f);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), V4(-2.13374055278905e-04f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), V4(-1.68282697438203e-03f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), V4(-7.37332916720468e-03f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), V4(-1.42647390514189e-02f));
  v128_t small = wasm_f32x4_div(p, q);
  v128_t t = wasm_f32x4_div(V4(1.0f), wasm_f32x4_add(V4(1.0f), wasm_f32x4_mul(V4(0.5f), ax)));
  v128_t c = V4(0.17087277f);
  c = wasm_f32x4_add(wasm_f32x4_mul(c, t), V4(-0.82215223f));
  c = wasm_f32x4_add(wasm_f32x4_mul(c, t), V4(1.48851587f));
  c = wasm_f32x4_add(wasm_f32x4_mul(c, t), V4(-1.13520398f));
  c = wasm_f32x4_add(wasm_f32x4_mul(c, t), V4(0.27886807f));
  c = wasm_f32x4_add(wasm_f32x4_mul(c, t), V4(-0.18628806f));
  c = wasm_f32x4_add(wasm_f32x4_mul(c, t), V4(0.09678418f));
  c = wasm_f32x4_add(wasm_f32x4_mul(c, t), V4(0.37409196f));
  c = wasm_f32x4_add(wasm_f32x4_mul(c, t), V4(1.00002368f));
  c = wasm_f32x4_add(wasm_f32x4_mul(c, t), V4(-1.26551223f));
  v128_t erfc = wasm_f32x4_mul(t, v_exp(wasm_f32x4_add(wasm_f32x4_neg(wasm_f32x4_mul(ax, ax)), c)));
  v128_t big = wasm_f32x4_sub(V4(1.0f), erfc);
  big = wasm_v128_or(big, wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000)));
  return wasm_v128_bitselect(small, big, wasm_f32x4_lt(ax, V4(1.0f)));
}

/* Horizontal sum of a vector in a fixed order: (l0 + l1) + (l2 + l3). */
static inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

/* Horizontal max. */
static inline float hmax(v128_t v) {
  float a = wasm_f32x4_extract_lane(v, 0), b = wasm_f32x4_extract_lane(v, 1);
  float c = wasm_f32x4_extract_lane(v, 2), d = wasm_f32x4_extract_lane(v, 3);
  float m1 = a > b ? a : b, m2 = c > d ? c : d;
  return m1 > m2 ? m1 : m2;
}

#endif
