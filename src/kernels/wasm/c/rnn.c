/*
 * Fused GRU and LSTM cell nonlinearities and their backwards (Kernels.gruCellForward & co.,
 * reference in ../../js/rnnCells.ts). Purely elementwise: no reductions, so every element's
 * bits depend on its own inputs only.
 *
 * Each element is computed by one inline function over f32x4 lanes. The body of a row runs it on
 * four hidden units at a time; the last hidden % 4 units run the same function on a splatted
 * lane and keep lane 0, so tails agree bit for bit with vector bodies.
 */
#include "attn.h"
#include "vmath.h"

#define ONE V4(1.0f)
#define INLINE static inline __attribute__((always_inline))

/* Load four floats, or one splatted (tail). */
INLINE v128_t ld(const float *p, int vec) { return vec ? wasm_v128_load(p) : wasm_f32x4_splat(*p); }
/* Store four floats, or lane 0 (tail). */
INLINE void st(float *p, v128_t v, int vec) {
  if (vec) wasm_v128_store(p, v);
  else *p = wasm_f32x4_extract_lane(v, 0);
}
/* *p += v */
INLINE void acc(float *p, v128_t v, int vec) { st(p, wasm_f32x4_add(ld(p, vec), v), vec); }

#define MUL wasm_f32x4_mul
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub

/* ---- GRU (gates r, z, n; gi, gh, cache rows of 3H; h rows of H) ---- */

INLINE void gru_fwd_at(const float *gi, const float *gh, const float *h, float *hOut, float *cache, int H, int j, int vec) {
  v128_t r = v_sigmoid(ADD(ld(gi + j, vec), ld(gh + j, vec)));
  v128_t z = v_sigmoid(ADD(ld(gi + H + j, vec), ld(gh + H + j, vec)));
  v128_t n = v_tanh(ADD(ld(gi + 2 * H + j, vec), MUL(r, ld(gh + 2 * H + j, vec))));
  st(cache + j, r, vec);
  st(cache + H + j, z, vec);
  st(cache + 2 * H + j, n, vec);
  /* (1 − z)·n + z·h */
  st(hOut + j, ADD(MUL(SUB(ONE, z), n), MUL(z, ld(h + j, vec))), vec);
}

EXPORT(gru_cell_forward)
void gru_cell_forward(const float *gi, const float *gh, const float *h, float *hOut, float *cache, int batch, int hidden) {
  const int H = hidden;
  for (int b = 0; b < batch; b++) {
    size_t g = (size_t)b * 3 * H, o = (size_t)b * H;
    int j = 0;
    for (; j + 4 <= H; j += 4) gru_fwd_at(gi + g, gh + g, h + o, hOut + o, cache + g, H, j, 1);
    for (; j < H; j++) gru_fwd_at(gi + g, gh + g, h + o, hOut + o, cache + g, H, j, 0);
  }
}

INLINE void gru_bwd_at(const float *dhOut, const float *cache, const float *gh, const float *h,
                       float *dgi, float *dgh, float *dh, int H, int j, int vec) {
  v128_t r = ld(cache + j, vec), z = ld(cache + H + j, vec), n = ld(cache + 2 * H + j, vec);
  v128_t d = ld(dhOut + j, vec);
  v128_t dnPre = MUL(MUL(d, SUB(ONE, z)), SUB(ONE, MUL(n, n)));
  v128_t dzPre = MUL(MUL(MUL(d, SUB(ld(h + j, vec), n)), z), SUB(ONE, z));
  v128_t drPre = MUL(MUL(MUL(dnPre, ld(gh + 2 * H + j, vec)), r), SUB(ONE, r));
  if (dgi) {
    acc(dgi + j, drPre, vec);
    acc(dgi + H + j, dzPre, vec);
    acc(dgi + 2 * H + j, dnPre, vec);
  }
  if (dgh) {
    acc(dgh + j, drPre, vec);
    acc(dgh + H + j, dzPre, vec);
    acc(dgh + 2 * H + j, MUL(dnPre, r), vec);
  }
  if (dh) acc(dh + j, MUL(d, z), vec);
}

/* dgi, dgh, dh may be 0 (no gradient wanted). */
EXPORT(gru_cell_backward)
void gru_cell_backward(const float *dhOut, const float *cache, const float *gh, const float *h,
                       float *dgi, float *dgh, float *dh, int batch, int hidden) {
  const int H = hidden;
  for (int b = 0; b < batch; b++) {
    size_t g = (size_t)b * 3 * H, o = (size_t)b * H;
    float *dgib = dgi ? dgi + g : 0, *dghb = dgh ? dgh + g : 0, *dhb = dh ? dh + o : 0;
    int j = 0;
    for (; j + 4 <= H; j += 4) gru_bwd_at(dhOut + o, cache + g, gh + g, h + o, dgib, dghb, dhb, H, j, 1);
    for (; j < H; j++) gru_bwd_at(dhOut + o, cache + g, gh + g, h + o, dgib, dghb, dhb, H, j, 0);
  }
}

/* ---- LSTM (gates i, f, g, o; gates rows of 4H, cache rows of 5H, hc rows of 2H) ---- */

INLINE void lstm_fwd_at(const float *gates, const float *c, float *hc, float *cache, int H, int j, int vec) {
  v128_t ig = v_sigmoid(ld(gates + j, vec));
  v128_t fg = v_sigmoid(ld(gates + H + j, vec));
  v128_t gg = v_tanh(ld(gates + 2 * H + j, vec));
  v128_t og = v_sigmoid(ld(gates + 3 * H + j, vec));
  v128_t cNew = ADD(MUL(fg, ld(c + j, vec)), MUL(ig, gg));
  v128_t tc = v_tanh(cNew);
  st(cache + j, ig, vec);
  st(cache + H + j, fg, vec);
  st(cache + 2 * H + j, gg, vec);
  st(cache + 3 * H + j, og, vec);
  st(cache + 4 * H + j, tc, vec);
  st(hc + j, MUL(og, tc), vec);
  st(hc + H + j, cNew, vec);
}

EXPORT(lstm_cell_forward)
void lstm_cell_forward(const float *gates, const float *c, float *hc, float *cache, int batch, int hidden) {
  const int H = hidden;
  for (int b = 0; b < batch; b++) {
    size_t g = (size_t)b * 4 * H, k = (size_t)b * 5 * H, o = (size_t)b * H, out = (size_t)b * 2 * H;
    int j = 0;
    for (; j + 4 <= H; j += 4) lstm_fwd_at(gates + g, c + o, hc + out, cache + k, H, j, 1);
    for (; j < H; j++) lstm_fwd_at(gates + g, c + o, hc + out, cache + k, H, j, 0);
  }
}

INLINE void lstm_bwd_at(const float *dhc, const float *cache, const float *c, float *dgates, float *dc, int H, int j, int vec) {
  v128_t ig = ld(cache + j, vec), fg = ld(cache + H + j, vec), gg = ld(cache + 2 * H + j, vec);
  v128_t og = ld(cache + 3 * H + j, vec), tc = ld(cache + 4 * H + j, vec);
  v128_t dh = ld(dhc + j, vec);
  /* dc' + dh·o·(1 − tanh² c') */
  v128_t dcTot = ADD(ld(dhc + H + j, vec), MUL(MUL(dh, og), SUB(ONE, MUL(tc, tc))));
  if (dgates) {
    acc(dgates + j, MUL(MUL(MUL(dcTot, gg), ig), SUB(ONE, ig)), vec);
    acc(dgates + H + j, MUL(MUL(MUL(dcTot, ld(c + j, vec)), fg), SUB(ONE, fg)), vec);
    acc(dgates + 2 * H + j, MUL(MUL(dcTot, ig), SUB(ONE, MUL(gg, gg))), vec);
    acc(dgates + 3 * H + j, MUL(MUL(MUL(dh, tc), og), SUB(ONE, og)), vec);
  }
  if (dc) acc(dc + j, MUL(dcTot, fg), vec);
}

/* dgates, dc may be 0 (no gradient wanted). */
EXPORT(lstm_cell_backward)
void lstm_cell_backward(const float *dhc, const float *cache, const float *c, float *dgates, float *dc, int batch, int hidden) {
  const int H = hidden;
  for (int b = 0; b < batch; b++) {
    size_t g = (size_t)b * 4 * H, k = (size_t)b * 5 * H, o = (size_t)b * H, out = (size_t)b * 2 * H;
    float *dgb = dgates ? dgates + g : 0, *dcb = dc ? dc + o : 0;
    int j = 0;
    for (; j + 4 <= H; j += 4) lstm_bwd_at(dhc + out, cache + k, c + o, dgb, dcb, H, j, 1);
    for (; j < H; j++) lstm_bwd_at(dhc + out, cache + k, c + o, dgb, dcb, H, j, 0);
  }
}
