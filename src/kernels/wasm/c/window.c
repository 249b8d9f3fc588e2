/*
 * Sliding-window attention with global tokens (Longformer, Beltagy et al. 2020 §3.1), forward
 * and backward (Kernels.windowAttentionForward/Backward; the reference and the banded layout
 * are in ../../js/windowAttention.ts). Queries q [N, T, d] at positions p = queryStart + i, keys
 * k [N, S, d], values v [N, S, dv]; N = batch·heads, head-row n belongs to sentence ⌊n / heads⌋.
 *
 *  - An ordinary query (p ≥ g) attends to the g global keys 0 … g−1 and to the window
 *    p − w … p + w (p − w … p when causal), Beltagy et al. Fig. 2d; its weights live in
 *    `band` = g + 2w + 1 slots: slot c < g is key c, slot g + o is key p − w + o.
 *  - A global query (p < g) attends to all S keys (those ≤ p when causal): S slots.
 * Either way the keys of a row are at most two contiguous segments [from, to) with slot = j + off.
 *
 * Vectorisation and determinism (see attn.h):
 *  - a score q_i·k_j runs along the head dimension, e ≡ l (mod 4) in lane l, a partial last
 *    group padded with exact zeros, then hsum's fixed order. Four consecutive keys are done at
 *    once and reduced by a 4×4 transpose that adds in exactly hsum's order, so a score has the
 *    same bits whether its key falls in a group of four or in the tail;
 *  - the softmax normaliser Σ_c e^{s_c − max} runs along the slots of each segment, slot
 *    from + t in lane t mod 4, masked keys and the padding of the last group contributing exact
 *    zeros; so a row's bits depend only on its position and its unmasked keys, not on the batch
 *    or on padding keys after it;
 *  - out_i = Σ_j P_ij v_j, dq_i, dk_j, dv_j accumulate one key (or one query) at a time in
 *    key (query) order, vectorised along the feature dimension.
 * Masked keys (keyMask[b·S + j] = 1) get weight 0 and are skipped; a row with no key left
 * gets zero weights and a zero output.
 */
#include "attn.h"
#include "rowvec.h"
#include "vmath.h"

typedef struct { int from, to, off; } Seg;

/* The key segments of query row at position p (see the header); returns the row's slot count. */
static int row_segments(int p, int isGlobalRow, int S, int w, int g, int causal, Seg seg[2]) {
  const int last = causal ? (p < S - 1 ? p : S - 1) : S - 1;
  if (isGlobalRow) {
    seg[0] = (Seg){ 0, last + 1, 0 };
    seg[1] = (Seg){ 0, 0, 0 };
    return S;
  }
  int from = p - w > g ? p - w : g;
  int hi = (last < p + w ? last : p + w) + 1;
  seg[0] = (Seg){ 0, g < last + 1 ? g : last + 1, 0 };
  seg[1] = (Seg){ from, hi > from ? hi : from, g - p + w };
  return g + 2 * w + 1;
}

/* Σ_e a[e]·b[e] as four lane partial sums (e ≡ lane mod 4), the last partial group zero-padded. */
static inline v128_t dot_lanes(const float *a, const float *b, int d) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  int e = 0;
  for (; e + 4 <= d; e += 4) acc = MADD(wasm_v128_load(a + e), wasm_v128_load(b + e), acc);
  if (e < d) acc = MADD(load_part(a + e, d - e, 0.0f), load_part(b + e, d - e, 0.0f), acc);
  return acc;
}

/*
 * dst[t] = scale · (x · rows[t]) for t < count, rows `stride` floats apart. Groups of four rows
 * share the loads of x; [hsum(A), hsum(B), hsum(C), hsum(D)] by a transpose: (l0 + l1) + (l2 + l3).
 */
static void dots(const float *x, const float *rows, size_t stride, int count, int d, float scale, float *dst) {
  const v128_t vs = wasm_f32x4_splat(scale);
  int t = 0;
  for (; t + 4 <= count; t += 4) {
    const float *r0 = rows + (size_t)t * stride, *r1 = r0 + stride, *r2 = r1 + stride, *r3 = r2 + stride;
    v128_t a = wasm_f32x4_splat(0.0f), b = a, c = a, dd = a;
    int e = 0;
    for (; e + 4 <= d; e += 4) {
      v128_t xe = wasm_v128_load(x + e);
      a = MADD(xe, wasm_v128_load(r0 + e), a);
      b = MADD(xe, wasm_v128_load(r1 + e), b);
      c = MADD(xe, wasm_v128_load(r2 + e), c);
      dd = MADD(xe, wasm_v128_load(r3 + e), dd);
    }
    if (e < d) {
      const int rem = d - e;
      v128_t xe = load_part(x + e, rem, 0.0f);
      a = MADD(xe, load_part(r0 + e, rem, 0.0f), a);
      b = MADD(xe, load_part(r1 + e, rem, 0.0f), b);
      c = MADD(xe, load_part(r2 + e, rem, 0.0f), c);
      dd = MADD(xe, load_part(r3 + e, rem, 0.0f), dd);
    }
    v128_t ab = wasm_f32x4_add(wasm_i32x4_shuffle(a, b, 0, 4, 2, 6), wasm_i32x4_shuffle(a, b, 1, 5, 3, 7));
    v128_t cd = wasm_f32x4_add(wasm_i32x4_shuffle(c, dd, 0, 4, 2, 6), wasm_i32x4_shuffle(c, dd, 1, 5, 3, 7));
    v128_t sum = wasm_f32x4_add(wasm_i32x4_shuffle(ab, cd, 0, 1, 4, 5), wasm_i32x4_shuffle(ab, cd, 2, 3, 6, 7));
    wasm_v128_store(dst + t, wasm_f32x4_mul(sum, vs));
  }
  for (; t < count; t++) {
    float s = hsum(dot_lanes(x, rows + (size_t)t * stride, d));
    dst[t] = s * scale;
  }
}

/* y[0..n) += a·x[0..n), vectorised (the tail staged through a partial vector). */
static inline void axpy(float *y, float a, const float *x, int n) {
  const v128_t va = wasm_f32x4_splat(a);
  int e = 0;
  for (; e + 4 <= n; e += 4) wasm_v128_store(y + e, MADD(va, wasm_v128_load(x + e), wasm_v128_load(y + e)));
  if (e < n) store_part(y + e, MADD(va, load_part(x + e, n - e, 0.0f), load_part(y + e, n - e, 0.0f)), n - e);
}

/*
 * y[0..dim) += Σ_c W_c·rows_j over the segments' keys j (slot c) in key order, leaving out masked
 * keys and, when Z is given, slots with Z_c = 0 (zero weight); rows `dim` floats apart. Blocks of 16
 * features stay in four registers across all keys; each y[e] is summed in key order either way.
 */
static void accumulate_rows(float *y, const float *W, const float *Z, const float *rows, const Seg seg[2], const unsigned char *mask, int dim) {
  int e0 = 0;
  for (; e0 + 16 <= dim; e0 += 16) {
    v128_t a0 = wasm_v128_load(y + e0), a1 = wasm_v128_load(y + e0 + 4);
    v128_t a2 = wasm_v128_load(y + e0 + 8), a3 = wasm_v128_load(y + e0 + 12);
    for (int sg = 0; sg < 2; sg++) {
      const int from = seg[sg].from, cnt = seg[sg].to - from;
      const float *ws = W + from + seg[sg].off, *zs = Z ? Z + from + seg[sg].off : 0;
      for (int t = 0; t < cnt; t++) {
        if ((mask && mask[from + t]) || (zs && zs[t] == 0.0f)) continue;
        const v128_t w = wasm_f32x4_splat(ws[t]);
        const float *r = rows + (size_t)(from + t) * dim + e0;
        a0 = MADD(w, wasm_v128_load(r), a0);
        a1 = MADD(w, wasm_v128_load(r + 4), a1);
        a2 = MADD(w, wasm_v128_load(r + 8), a2);
        a3 = MADD(w, wasm_v128_load(r + 12), a3);
      }
    }
    wasm_v128_store(y + e0, a0);
    wasm_v128_store(y + e0 + 4, a1);
    wasm_v128_store(y + e0 + 8, a2);
    wasm_v128_store(y + e0 + 12, a3);
  }
  if (e0 == dim) return;
  for (int sg = 0; sg < 2; sg++) {
    const int from = seg[sg].from, cnt = seg[sg].to - from;
    const float *ws = W + from + seg[sg].off, *zs = Z ? Z + from + seg[sg].off : 0;
    for (int t = 0; t < cnt; t++) {
      if ((mask && mask[from + t]) || (zs && zs[t] == 0.0f)) continue;
      axpy(y + e0, ws[t], rows + (size_t)(from + t) * dim + e0, dim - e0);
    }
  }
}

/*
 * Forward: probs [N · rowSize] (global rows first, S slots each, then `band` slots per row) and
 * out [N, T, dv]. keyMask [B·S] or 0.
 */
EXPORT(window_attention_forward)
void window_attention_forward(const float *q, const float *k, const float *v, const unsigned char *keyMask,
                              float *probs, float *out, int N, int T, int S, int d, int dv, int w, int g,
                              int causal, int queryStart, int heads, float scale) {
  const int band = g + 2 * w + 1;
  int globalRows = g - queryStart;
  if (globalRows < 0) globalRows = 0;
  if (globalRows > T) globalRows = T;
  const size_t rowSize = (size_t)globalRows * S + (size_t)(T - globalRows) * band;
  Seg seg[2];
  for (int n = 0; n < N; n++) {
    const unsigned char *mask = keyMask ? keyMask + (size_t)(n / heads) * S : 0;
    const float *kn = k + (size_t)n * S * d, *vn = v + (size_t)n * S * dv;
    for (int i = 0; i < T; i++) {
      const int isGlobalRow = i < globalRows;
      const int width = row_segments(queryStart + i, isGlobalRow, S, w, g, causal, seg);
      float *P = probs + (size_t)n * rowSize + (isGlobalRow ? (size_t)i * S : (size_t)globalRows * S + (size_t)(i - globalRows) * band);
      const float *qi = q + ((size_t)n * T + i) * d;
      float *oi = out + ((size_t)n * T + i) * dv;
      fill_row(P, width, 0.0f);
      fill_row(oi, dv, 0.0f);
      /* scores s_c = scale · q_i·k_j; masked keys −inf */
      float max = -__builtin_inff();
      for (int sg = 0; sg < 2; sg++) {
        const int from = seg[sg].from, cnt = seg[sg].to - from;
        if (cnt <= 0) continue;
        float *ps = P + from + seg[sg].off;
        dots(qi, kn + (size_t)from * d, (size_t)d, cnt, d, scale, ps);
        for (int t = 0; t < cnt; t++) {
          if (mask && mask[from + t]) ps[t] = -__builtin_inff();
          else if (ps[t] > max) max = ps[t];
        }
      }
      if (max == -__builtin_inff()) { /* no key left: zero weights (masked slots back to 0), zero output */
        fill_row(P, width, 0.0f);
        continue;
      }
      /* e_c = exp(s_c − max) and their sum, slot from + t in lane t mod 4 */
      const v128_t vmax = wasm_f32x4_splat(max);
      v128_t acc = wasm_f32x4_splat(0.0f);
      for (int sg = 0; sg < 2; sg++) {
        const int cnt = seg[sg].to - seg[sg].from;
        float *ps = P + seg[sg].from + seg[sg].off;
        int t = 0;
        for (; t + 4 <= cnt; t += 4) {
          v128_t ex = v_exp(wasm_f32x4_sub(wasm_v128_load(ps + t), vmax));
          wasm_v128_store(ps + t, ex);
          acc = wasm_f32x4_add(acc, ex);
        }
        if (t < cnt) {
          v128_t ex = v_exp(wasm_f32x4_sub(load_part(ps + t, cnt - t, -__builtin_inff()), vmax));
          store_part(ps + t, ex, cnt - t);
          acc = wasm_f32x4_add(acc, ex);
        }
      }
      const v128_t inv = wasm_f32x4_splat(1.0f / hsum(acc));
      /* P_c = e_c / Σ e; out_i = Σ_j P_c v_j in key order */
      for (int sg = 0; sg < 2; sg++) {
        const int from = seg[sg].from, cnt = seg[sg].to - from;
        float *ps = P + from + seg[sg].off;
        int t = 0;
        for (; t + 4 <= cnt; t += 4) wasm_v128_store(ps + t, wasm_f32x4_mul(wasm_v128_load(ps + t), inv));
        if (t < cnt) store_part(ps + t, wasm_f32x4_mul(load_part(ps + t, cnt - t, 0.0f), inv), cnt - t);
      }
      accumulate_rows(oi, P, 0, vn, seg, mask, dv);
    }
  }
}

/*
 * Backward given gOut [N, T, dv], accumulating into dq, dk, dv (each may be 0):
 *   dP_c = gOut_i·v_j,  dS_c = P_c (dP_c − Σ_c' P_c' dP_c') (softmax),
 *   dq_i += scale·dS_c k_j,  dk_j += scale·dS_c q_i,  dv_j += P_c gOut_i.
 * Slots with P_c = 0 (masked keys, underflow) contribute nothing. scratch ≥ the widest row (floats).
 */
EXPORT(window_attention_backward)
void window_attention_backward(const float *gOut, const float *q, const float *k, const float *v, const float *probs,
                               float *dq, float *dk, float *dvOut, float *scratch, int N, int T, int S, int d, int dv,
                               int w, int g, int causal, int queryStart, float scale) {
  const int band = g + 2 * w + 1;
  int globalRows = g - queryStart;
  if (globalRows < 0) globalRows = 0;
  if (globalRows > T) globalRows = T;
  const size_t rowSize = (size_t)globalRows * S + (size_t)(T - globalRows) * band;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  Seg seg[2];
  for (int n = 0; n < N; n++) {
    const float *kn = k + (size_t)n * S * d, *vn = v + (size_t)n * S * dv;
    float *dkn = dk ? dk + (size_t)n * S * d : 0, *dvn = dvOut ? dvOut + (size_t)n * S * dv : 0;
    for (int i = 0; i < T; i++) {
      const int isGlobalRow = i < globalRows;
      row_segments(queryStart + i, isGlobalRow, S, w, g, causal, seg);
      const float *P = probs + (size_t)n * rowSize + (isGlobalRow ? (size_t)i * S : (size_t)globalRows * S + (size_t)(i - globalRows) * band);
      const float *go = gOut + ((size_t)n * T + i) * dv;
      const float *qi = q + ((size_t)n * T + i) * d;
      float *dqi = dq ? dq + ((size_t)n * T + i) * d : 0;
      /* dP_c (0 where P_c = 0) and Σ P_c dP_c, slot from + t in lane t mod 4 */
      v128_t acc = zero;
      for (int sg = 0; sg < 2; sg++) {
        const int from = seg[sg].from, cnt = seg[sg].to - from;
        if (cnt <= 0) continue;
        const float *ps = P + from + seg[sg].off;
        float *dp = scratch + from + seg[sg].off;
        dots(go, vn + (size_t)from * dv, (size_t)dv, cnt, dv, 1.0f, dp);
        int t = 0;
        for (; t + 4 <= cnt; t += 4) {
          v128_t pv = wasm_v128_load(ps + t);
          v128_t dpv = wasm_v128_andnot(wasm_v128_load(dp + t), wasm_f32x4_eq(pv, zero));
          wasm_v128_store(dp + t, dpv);
          acc = MADD(pv, dpv, acc);
        }
        if (t < cnt) {
          v128_t pv = load_part(ps + t, cnt - t, 0.0f);
          v128_t dpv = wasm_v128_andnot(load_part(dp + t, cnt - t, 0.0f), wasm_f32x4_eq(pv, zero));
          store_part(dp + t, dpv, cnt - t);
          acc = MADD(pv, dpv, acc);
        }
      }
      const float dot = hsum(acc);
      /* scratch_c ← dS_c·scale; dv_j and dk_j key by key */
      for (int sg = 0; sg < 2; sg++) {
        const int from = seg[sg].from, cnt = seg[sg].to - from;
        const float *ps = P + from + seg[sg].off;
        float *dp = scratch + from + seg[sg].off;
        for (int t = 0; t < cnt; t++) {
          const float pr = ps[t];
          if (pr == 0.0f) continue;
          const size_t j = (size_t)(from + t);
          if (dvn) axpy(dvn + j * dv, pr, go, dv);
          const float ds = scale * pr * (dp[t] - dot);
          dp[t] = ds;
          if (dkn) axpy(dkn + j * d, ds, qi, d);
        }
      }
      /* dq_i += Σ_j scale·dS_c k_j over the keys with P_c ≠ 0, in key order */
      if (dqi) accumulate_rows(dqi, scratch, P, kn, seg, 0, d);
    }
  }
}
