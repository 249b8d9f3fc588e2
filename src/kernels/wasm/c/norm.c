/*
 * Layer norm over the rows of a [rows × cols] matrix, forward and backward (Kernels.layerNorm*).
 *
 * Row sums are vectorised along the row: columns j ≡ 0..3 (mod 4) go to the lanes of one
 * accumulator while at least 4 remain, the last 0–3 are added one by one after the horizontal
 * sum. So a row's statistics depend only on its own values and `cols`, never on its position in
 * the batch or on `rows`. The sums over rows in the backward (dweight, dbias) run row by row in
 * order, each column in its own lane.
 */
#include "attn.h"
#include "vmath.h"

#define F4(x) wasm_f32x4_splat(x)

static inline float row_sum(const float *x, int n) {
  v128_t acc = F4(0.0f);
  int j = 0;
  for (; j + 4 <= n; j += 4) acc = wasm_f32x4_add(acc, wasm_v128_load(x + j));
  float s = hsum(acc);
  for (; j < n; j++) s += x[j];
  return s;
}

/* Σ (x[j] − mu)² */
static inline float row_sq_dev(const float *x, int n, float mu) {
  v128_t acc = F4(0.0f), vmu = F4(mu);
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    v128_t d = wasm_f32x4_sub(wasm_v128_load(x + j), vmu);
    acc = MADD(d, d, acc);
  }
  float s = hsum(acc);
  for (; j < n; j++) {
    float d = x[j] - mu;
    s += d * d;
  }
  return s;
}

/*
 * out = (x − μ)·rstd·weight + bias per row; mean[rows] and rstd[rows] are saved for the backward.
 */
EXPORT(layer_norm_forward)
void layer_norm_forward(const float *x, const float *weight, const float *bias, float *out,
                        float *mean, float *rstd, int rows, int cols, float eps) {
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * cols;
    float *o = out + (size_t)r * cols;
    float mu = row_sum(xr, cols) / (float)cols;
    float var = row_sq_dev(xr, cols, mu) / (float)cols;
    float rs = 1.0f / __builtin_sqrtf(var + eps);
    mean[r] = mu;
    rstd[r] = rs;
    v128_t vmu = F4(mu), vrs = F4(rs);
    int j = 0;
    for (; j + 4 <= cols; j += 4) {
      v128_t h = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), vmu), vrs);
      wasm_v128_store(o + j, MADD(h, wasm_v128_load(weight + j), wasm_v128_load(bias + j)));
    }
    for (; j < cols; j++) o[j] = (xr[j] - mu) * rs * weight[j] + bias[j];
  }
}

/*
 * Backward of layer_norm_forward: with x̂ = (x − μ)·rstd and ĝ = dy·weight,
 * dx += rstd/cols·(cols·ĝ − Σĝ − x̂·Σĝx̂), dweight += dy·x̂, dbias += dy (rows in order).
 * dx, dweight, dbias may be 0 (not wanted).
 */
EXPORT(layer_norm_backward)
void layer_norm_backward(const float *dy, const float *x, const float *mean, const float *rstd,
                         const float *weight, float *dx, float *dweight, float *dbias, int rows, int cols) {
  const float fc = (float)cols;
  for (int r = 0; r < rows; r++) {
    const float *g = dy + (size_t)r * cols;
    const float *xr = x + (size_t)r * cols;
    const float mu = mean[r], rs = rstd[r];
    const v128_t vmu = F4(mu), vrs = F4(rs);
    v128_t sg = F4(0.0f), sgh = F4(0.0f);
    int j = 0;
    for (; j + 4 <= cols; j += 4) {
      v128_t gj = wasm_v128_load(g + j);
      v128_t h = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), vmu), vrs);
      v128_t gh = wasm_f32x4_mul(gj, wasm_v128_load(weight + j));
      sg = wasm_f32x4_add(sg, gh);
      sgh = MADD(gh, h, sgh);
      if (dweight) wasm_v128_store(dweight + j, MADD(gj, h, wasm_v128_load(dweight + j)));
      if (dbias) wasm_v128_store(dbias + j, wasm_f32x4_add(wasm_v128_load(dbias + j), gj));
    }
    float sumG = hsum(sg), sumGH = hsum(sgh);
    for (; j < cols; j++) {
      float h = (xr[j] - mu) * rs;
      float gh = g[j] * weight[j];
      sumG += gh;
      sumGH += gh * h;
      if (dweight) dweight[j] += g[j] * h;
      if (dbias) dbias[j] += g[j];
    }
    if (!dx) continue;
    float *d = dx + (size_t)r * cols;
    const float k = rs / fc;
    const v128_t vk = F4(k), vc = F4(fc), vsg = F4(sumG), vsgh = F4(sumGH);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      v128_t h = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), vmu), vrs);
      v128_t gh = wasm_f32x4_mul(wasm_v128_load(g + j), wasm_v128_load(weight + j));
      v128_t t = wasm_f32x4_sub(wasm_f32x4_sub(wasm_f32x4_mul(vc, gh), vsg), wasm_f32x4_mul(h, vsgh));
      wasm_v128_store(d + j, MADD(vk, t, wasm_v128_load(d + j)));
    }
    for (; j < cols; j++) {
      float h = (xr[j] - mu) * rs;
      float gh = g[j] * weight[j];
      d[j] += k * (fc * gh - sumG - h * sumGH);
    }
  }
}
