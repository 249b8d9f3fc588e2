/*
 * Additive-attention energies (Bahdanau; Luong "concat"), forward and backward
 * (Kernels.additiveEnergies*):  e[b,s] = Σ_a v[a]·tanh(keys[b,s,a] + query[b,a]).
 *
 * The sum over a is vectorised along a: a ≡ 0..3 (mod 8) go to the lanes of acc0 and 4..7 to
 * acc1 while at least 8 remain, one group of 4 more into acc0, then hsum(acc0 + acc1) and the
 * last 0–3 terms one by one. The order depends only on `dim`, so an energy never depends on b,
 * s, batch or srcLen. The backward's sums over s (dquery) and over (b, s) (dv) run in order,
 * each a in its own lane.
 */
#include "attn.h"
#include "vmath.h"

#define F4(x) wasm_f32x4_splat(x)

EXPORT(additive_energies_forward)
void additive_energies_forward(const float *keys, const float *query, const float *v, float *e, float *cache,
                               int batch, int srcLen, int dim) {
  for (int b = 0; b < batch; b++) {
    const float *q = query + (size_t)b * dim;
    for (int s = 0; s < srcLen; s++) {
      const size_t row = (size_t)b * srcLen + s;
      const float *k = keys + row * dim;
      float *t = cache + row * dim;
      v128_t acc0 = F4(0.0f), acc1 = F4(0.0f);
      int a = 0;
      for (; a + 8 <= dim; a += 8) {
        v128_t t0 = v_tanh(wasm_f32x4_add(wasm_v128_load(k + a), wasm_v128_load(q + a)));
        v128_t t1 = v_tanh(wasm_f32x4_add(wasm_v128_load(k + a + 4), wasm_v128_load(q + a + 4)));
        wasm_v128_store(t + a, t0);
        wasm_v128_store(t + a + 4, t1);
        acc0 = MADD(wasm_v128_load(v + a), t0, acc0);
        acc1 = MADD(wasm_v128_load(v + a + 4), t1, acc1);
      }
      if (a + 4 <= dim) {
        v128_t t0 = v_tanh(wasm_f32x4_add(wasm_v128_load(k + a), wasm_v128_load(q + a)));
        wasm_v128_store(t + a, t0);
        acc0 = MADD(wasm_v128_load(v + a), t0, acc0);
        a += 4;
      }
      float sum = hsum(wasm_f32x4_add(acc0, acc1));
      for (; a < dim; a++) {
        float ta = s_tanh(k[a] + q[a]);
        t[a] = ta;
        sum += v[a] * ta;
      }
      e[row] = sum;
    }
  }
}

/*
 * Backward given de [batch × srcLen]: d = de·v·(1 − t²); dkeys += d, dquery[b] += d,
 * dv += de·t. Rows with de = 0 are skipped. dkeys, dquery, dv may be 0 (not wanted).
 */
EXPORT(additive_energies_backward)
void additive_energies_backward(const float *de, const float *cache, const float *v,
                                float *dkeys, float *dquery, float *dv, int batch, int srcLen, int dim) {
  const v128_t one = F4(1.0f);
  for (int b = 0; b < batch; b++) {
    float *dq = dquery ? dquery + (size_t)b * dim : 0;
    for (int s = 0; s < srcLen; s++) {
      const size_t row = (size_t)b * srcLen + s;
      const float ge = de[row];
      if (ge == 0.0f) continue;
      const float *t = cache + row * dim;
      float *dk = dkeys ? dkeys + row * dim : 0;
      const v128_t vge = F4(ge);
      int a = 0;
      for (; a + 4 <= dim; a += 4) {
        v128_t ta = wasm_v128_load(t + a);
        v128_t d = wasm_f32x4_mul(wasm_f32x4_mul(vge, wasm_v128_load(v + a)),
                                  wasm_f32x4_sub(one, wasm_f32x4_mul(ta, ta)));
        if (dk) wasm_v128_store(dk + a, wasm_f32x4_add(wasm_v128_load(dk + a), d));
        if (dq) wasm_v128_store(dq + a, wasm_f32x4_add(wasm_v128_load(dq + a), d));
        if (dv) wasm_v128_store(dv + a, MADD(vge, ta, wasm_v128_load(dv + a)));
      }
      for (; a < dim; a++) {
        float ta = t[a];
        float d = ge * v[a] * (1.0f - ta * ta);
        if (dk) dk[a] += d;
        if (dq) dq[a] += d;
        if (dv) dv[a] += ge * ta;
      }
    }
  }
}
