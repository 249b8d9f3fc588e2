/*
 * Helpers for kernels that vectorise along a row of `cols` floats four columns at a time: the
 * last cols % 4 columns are staged through a local array as one partial vector, so tails go
 * through the same vector code (and the same accumulator lanes) as the body.
 */
#ifndef ATTN_ROWVEC_H
#define ATTN_ROWVEC_H

#include "attn.h"

/* Four mask bytes → four lanes, all ones where the byte is nonzero (masked out). */
static inline v128_t mask4(const unsigned char *m) {
  v128_t b = wasm_v128_load32_zero(m);
  b = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(b));
  return wasm_i32x4_ne(b, wasm_i32x4_splat(0));
}

/* The first `rem` (1..3) floats at p in lanes 0..rem−1, `fill` in the others. */
static inline v128_t load_part(const float *p, int rem, float fill) {
  float t[4] = { fill, fill, fill, fill };
  for (int i = 0; i < rem; i++) t[i] = p[i];
  return wasm_v128_load(t);
}

/* Store lanes 0..rem−1 of v to p. */
static inline void store_part(float *p, v128_t v, int rem) {
  float t[4];
  wasm_v128_store(t, v);
  for (int i = 0; i < rem; i++) p[i] = t[i];
}

/* All ones in the lanes of the partial group at column `at` that are masked out or past the row's end. */
static inline v128_t dead_part(const unsigned char *m, int at, int rem) {
  unsigned char t[4] = { 1, 1, 1, 1 };
  for (int i = 0; i < rem; i++) t[i] = m ? m[at + i] : 0;
  return mask4(t);
}

/* out[0..n) = v */
static inline void fill_row(float *out, int n, float v) {
  const v128_t vv = wasm_f32x4_splat(v);
  int j = 0;
  for (; j + 4 <= n; j += 4) wasm_v128_store(out + j, vv);
  for (; j < n; j++) out[j] = v;
}

#endif
