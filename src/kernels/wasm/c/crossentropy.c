/*
 * Cross-entropy over rows of logits with label smoothing and an ignore index
 * (Kernels.crossEntropyRows / crossEntropyBackwardRows, reference in ../../js/crossEntropy.ts).
 *
 * Like the row softmax (softmax.c), each row is reduced on its own: column j goes to lane j % 4
 * of one vector accumulator in column order (the last partial group staged through rowvec.h),
 * then the lanes are added as (l0 + l1) + (l2 + l3). A row's bits depend only on the row, never
 * on the other rows. The backward is elementwise; its scalar tail uses s_exp, which is lane 0 of
 * v_exp, so every element gets the same bits wherever it sits.
 */
#include "attn.h"
#include "vmath.h"
#include "rowvec.h"

/* lse[r] = log Σ exp(x_r); loss[r] = (1−ε)(lse − x_r,t) + ε(lse − mean x_r); ignored rows 0. */
EXPORT(cross_entropy_rows)
void cross_entropy_rows(const float *x, const int *targets, float *lse, float *loss,
                        int rows, int cols, int ignoreIndex, float eps) {
  for (int r = 0; r < rows; r++) {
    int t = targets[r];
    if (t == ignoreIndex) {
      lse[r] = 0.0f;
      loss[r] = 0.0f;
      continue;
    }
    const float *xr = x + (size_t)r * cols;
    const int body = cols & ~3, rem = cols - body;
    /* max (NaN entries skipped, as in the reference) */
    v128_t vm = V4(-__builtin_inff());
    for (int j = 0; j < body; j += 4) vm = wasm_f32x4_pmax(vm, wasm_v128_load(xr + j));
    if (rem) vm = wasm_f32x4_pmax(vm, load_part(xr + body, rem, -__builtin_inff()));
    const float mx = hmax(vm);
    /* Σ exp(x − max) and Σ (x − max) in one pass (missing tail lanes add exact zeros) */
    const v128_t vmx = wasm_f32x4_splat(mx);
    v128_t se = V4(0.0f), sd = V4(0.0f);
    for (int j = 0; j < body; j += 4) {
      v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + j), vmx);
      se = wasm_f32x4_add(se, v_exp(d));
      sd = wasm_f32x4_add(sd, d);
    }
    if (rem) {
      v128_t past = dead_part(0, 0, rem); /* all ones past the row's end */
      v128_t d = wasm_v128_andnot(wasm_f32x4_sub(load_part(xr + body, rem, 0.0f), vmx), past);
      se = wasm_f32x4_add(se, wasm_v128_andnot(v_exp(d), past));
      sd = wasm_f32x4_add(sd, d);
    }
    const float s = hsum(se), sumd = hsum(sd);
    /* Relative to the max, so a large common offset of the logits costs no precision. */
    float ls = s_log(s);
    float nll = (t >= 0 && t < cols) ? ls - (xr[t] - mx) : __builtin_nanf("");
    lse[r] = mx + ls;
    loss[r] = eps == 0.0f ? nll : (1.0f - eps) * nll + eps * (ls - sumd / (float)cols);
  }
}

/*
 * d_r = scale·(exp(x_r − lse[r]) − ε/cols), then d_r,t −= scale·(1−ε); added to dx when
 * `accumulate`, else written (ignored rows zeroed). dx may alias x when not accumulating.
 */
EXPORT(cross_entropy_backward_rows)
void cross_entropy_backward_rows(const float *x, const int *targets, const float *lse, float *dx,
                                 int rows, int cols, int ignoreIndex, float eps, float scale, int accumulate) {
  const float q = eps / (float)cols;
  const v128_t vq = wasm_f32x4_splat(q), vg = wasm_f32x4_splat(scale);
  for (int r = 0; r < rows; r++) {
    int t = targets[r];
    const float *xr = x + (size_t)r * cols;
    float *d = dx + (size_t)r * cols;
    int j = 0;
    if (t == ignoreIndex) {
      if (!accumulate) {
        for (; j + 4 <= cols; j += 4) wasm_v128_store(d + j, V4(0.0f));
        for (; j < cols; j++) d[j] = 0.0f;
      }
      continue;
    }
    const float l = lse[r];
    const v128_t vl = wasm_f32x4_splat(l);
    if (accumulate) {
      for (; j + 4 <= cols; j += 4) {
        v128_t g = wasm_f32x4_mul(vg, wasm_f32x4_sub(v_exp(wasm_f32x4_sub(wasm_v128_load(xr + j), vl)), vq));
        wasm_v128_store(d + j, wasm_f32x4_add(wasm_v128_load(d + j), g));
      }
      for (; j < cols; j++) d[j] += scale * (s_exp(xr[j] - l) - q);
    } else {
      for (; j + 4 <= cols; j += 4) {
        v128_t g = wasm_f32x4_mul(vg, wasm_f32x4_sub(v_exp(wasm_f32x4_sub(wasm_v128_load(xr + j), vl)), vq));
        wasm_v128_store(d + j, g);
      }
      for (; j < cols; j++) d[j] = scale * (s_exp(xr[j] - l) - q);
    }
    if (t >= 0 && t < cols) d[t] -= scale * (1.0f - eps);
  }
}
