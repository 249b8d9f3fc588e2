/*
 * Row softmax, log-softmax and their backwards (Kernels.softmaxRows & co., reference in
 * ../../js/softmax.ts).
 *
 * Each row is processed on its own, vectorised along the row, and every row reduction (max,
 * Σ exp, Σ y·dy, Σ dy) runs in one fixed order: column j goes to lane j % 4 of one vector
 * accumulator, in column order; the last partial group of columns is staged through a small
 * local array whose missing lanes contribute nothing (0 to a sum, −∞ to a max); then the lanes
 * are added as (l0 + l1) + (l2 + l3). So a row's bits depend only on its own values:
 *  - never on its position in a batch or the batch size;
 *  - nor on trailing masked columns (padding): they add exact zeros to the lanes, so a sentence
 *    padded to a longer batch gets the same attention weights, bit for bit, as on its own.
 * Masks are bytes, 1 = masked out.
 */
#include "attn.h"
#include "vmath.h"
#include "rowvec.h"

/* Max of a row over its unmasked entries (NaN skipped: pmax keeps the accumulator); −inf when
 * every entry is masked. Column j sits in lane j % 4, the partial last group is one padded vector. */
static inline float masked_row_max(const float *xr, const unsigned char *m, int body, int rem) {
  const v128_t ninf = V4(-__builtin_inff());
  v128_t vm = ninf;
  for (int j = 0; j < body; j += 4) {
    v128_t v = wasm_v128_load(xr + j);
    if (m) v = wasm_v128_bitselect(ninf, v, mask4(m + j));
    vm = wasm_f32x4_pmax(vm, v);
  }
  if (rem) vm = wasm_f32x4_pmax(vm, wasm_v128_bitselect(ninf, load_part(xr + body, rem, 0.0f), dead_part(m, body, rem)));
  return hmax(vm);
}

/* Σ exp(x − max) over the unmasked entries of a row (lanes as in masked_row_max, summed by hsum);
 * with `store`, each exp(x − max) (0 where masked) is written there too. */
static inline float masked_exp_sum(const float *xr, const unsigned char *m, int body, int rem, float mx, float *store) {
  const v128_t vmx = wasm_f32x4_splat(mx);
  v128_t acc = V4(0.0f);
  for (int j = 0; j < body; j += 4) {
    v128_t e = v_exp(wasm_f32x4_sub(wasm_v128_load(xr + j), vmx));
    if (m) e = wasm_v128_andnot(e, mask4(m + j));
    if (store) wasm_v128_store(store + j, e);
    acc = wasm_f32x4_add(acc, e);
  }
  if (rem) {
    v128_t e = wasm_v128_andnot(v_exp(wasm_f32x4_sub(load_part(xr + body, rem, 0.0f), vmx)), dead_part(m, body, rem));
    if (store) store_part(store + body, e, rem);
    acc = wasm_f32x4_add(acc, e);
  }
  return hsum(acc);
}

/* out = softmax(x) per row; masked entries 0; a fully masked row is all 0 (never NaN). */
EXPORT(softmax_rows)
void softmax_rows(const float *x, float *out, int rows, int cols, const unsigned char *mask) {
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * cols;
    float *o = out + (size_t)r * cols;
    const unsigned char *m = mask ? mask + (size_t)r * cols : 0;
    const int body = cols & ~3, rem = cols - body;
    const float mx = masked_row_max(xr, m, body, rem);
    if (mx == -__builtin_inff()) {
      fill_row(o, cols, 0.0f);
      continue;
    }
    /* e = exp(x − max) (0 where masked), stored; Σ e */
    const v128_t vinv = wasm_f32x4_splat(1.0f / masked_exp_sum(xr, m, body, rem, mx, o));
    for (int j = 0; j < body; j += 4) wasm_v128_store(o + j, wasm_f32x4_mul(wasm_v128_load(o + j), vinv));
    if (rem) store_part(o + body, wasm_f32x4_mul(load_part(o + body, rem, 0.0f), vinv), rem);
  }
}

/* out = (x − max) − log Σ exp(x − max) per row over the unmasked entries; masked entries (and fully masked rows) −inf. */
EXPORT(log_softmax_rows)
void log_softmax_rows(const float *x, float *out, int rows, int cols, const unsigned char *mask) {
  const v128_t ninf = V4(-__builtin_inff());
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * cols;
    float *o = out + (size_t)r * cols;
    const unsigned char *m = mask ? mask + (size_t)r * cols : 0;
    const int body = cols & ~3, rem = cols - body;
    const float mx = masked_row_max(xr, m, body, rem);
    if (mx == -__builtin_inff()) {
      fill_row(o, cols, -__builtin_inff());
      continue;
    }
    const v128_t vmx = wasm_f32x4_splat(mx);
    /* (x − max) − log Σ: exact for the largest entries, unlike x − (max + log Σ) */
    const v128_t vl = wasm_f32x4_splat(s_log(masked_exp_sum(xr, m, body, rem, mx, 0)));
    for (int j = 0; j < body; j += 4) {
      v128_t y = wasm_f32x4_sub(wasm_f32x4_sub(wasm_v128_load(xr + j), vmx), vl);
      if (m) y = wasm_v128_bitselect(ninf, y, mask4(m + j));
      wasm_v128_store(o + j, y);
    }
    if (rem) {
      v128_t y = wasm_f32x4_sub(wasm_f32x4_sub(load_part(xr + body, rem, 0.0f), vmx), vl);
      store_part(o + body, wasm_v128_bitselect(ninf, y, dead_part(m, body, rem)), rem);
    }
  }
}

/* dx += y ⊙ (dy − Σ_j y_j dy_j) per row. */
EXPORT(softmax_backward_rows)
void softmax_backward_rows(const float *y, const float *dy, float *dx, int rows, int cols) {
  for (int r = 0; r < rows; r++) {
    const size_t o = (size_t)r * cols;
    const float *yr = y + o, *gr = dy + o;
    float *d = dx + o;
    const int body = cols & ~3, rem = cols - body;
    v128_t acc = V4(0.0f);
    for (int j = 0; j < body; j += 4) acc = MADD(wasm_v128_load(yr + j), wasm_v128_load(gr + j), acc);
    if (rem) acc = MADD(load_part(yr + body, rem, 0.0f), load_part(gr + body, rem, 0.0f), acc);
    const v128_t vdot = wasm_f32x4_splat(hsum(acc));
    for (int j = 0; j < body; j += 4) {
      v128_t t = wasm_f32x4_mul(wasm_v128_load(yr + j), wasm_f32x4_sub(wasm_v128_load(gr + j), vdot));
      wasm_v128_store(d + j, wasm_f32x4_add(wasm_v128_load(d + j), t));
    }
    if (rem) {
      v128_t t = wasm_f32x4_mul(load_part(yr + body, rem, 0.0f), wasm_f32x4_sub(load_part(gr + body, rem, 0.0f), vdot));
      store_part(d + body, wasm_f32x4_add(load_part(d + body, rem, 0.0f), t), rem);
    }
  }
}

/* dx += dy − exp(y) Σ_j dy_j per row, skipping entries where y = −inf (masked). */
EXPORT(log_softmax_backward_rows)
void log_softmax_backward_rows(const float *y, const float *dy, float *dx, int rows, int cols) {
  const v128_t ninf = V4(-__builtin_inff());
  for (int r = 0; r < rows; r++) {
    const size_t o = (size_t)r * cols;
    const float *yr = y + o, *gr = dy + o;
    float *d = dx + o;
    const int body = cols & ~3, rem = cols - body;
    /* Σ dy over the live entries (missing tail lanes are y = −inf: not live) */
    v128_t acc = V4(0.0f);
    for (int j = 0; j < body; j += 4) {
      v128_t live = wasm_f32x4_ne(wasm_v128_load(yr + j), ninf);
      acc = wasm_f32x4_add(acc, wasm_v128_and(wasm_v128_load(gr + j), live));
    }
    if (rem) {
      v128_t live = wasm_f32x4_ne(load_part(yr + body, rem, -__builtin_inff()), ninf);
      acc = wasm_f32x4_add(acc, wasm_v128_and(load_part(gr + body, rem, 0.0f), live));
    }
    const v128_t vs = wasm_f32x4_splat(hsum(acc));
    for (int j = 0; j < body; j += 4) {
      v128_t yv = wasm_v128_load(yr + j);
      v128_t old = wasm_v128_load(d + j);
      v128_t nw = wasm_f32x4_add(old, wasm_f32x4_sub(wasm_v128_load(gr + j), wasm_f32x4_mul(v_exp(yv), vs)));
      wasm_v128_store(d + j, wasm_v128_bitselect(nw, old, wasm_f32x4_ne(yv, ninf)));
    }
    if (rem) {
      v128_t yv = load_part(yr + body, rem, -__builtin_inff());
      v128_t old = load_part(d + body, rem, 0.0f);
      v128_t nw = wasm_f32x4_add(old, wasm_f32x4_sub(load_part(gr + body, rem, 0.0f), wasm_f32x4_mul(v_exp(yv), vs)));
      store_part(d + body, wasm_v128_bitselect(nw, old, wasm_f32x4_ne(yv, ninf)), rem);
    }
  }
}
