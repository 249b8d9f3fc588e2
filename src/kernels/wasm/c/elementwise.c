/*
 * Memory-bound elementwise kernels: binary ops with the common broadcast layouts and their
 * backward, pointwise nonlinearities and their backward, affine/axpy, sums over an axis, row
 * gather / scatter-add (embeddings), masked fill (masks, dropout) and row selection.
 * The TypeScript contract of every export is the matching member of `Kernels`
 * (src/kernels/types.ts); the readable reference is src/kernels/js/{elementwise,unary,reduce,gather}.ts.
 *
 * Determinism: every output element is computed from its own inputs with the same operations in
 * the same order whatever the sizes (vector bodies and scalar tails do identical IEEE float32
 * arithmetic; transcendental tails run the vector code on a padded copy). The only reductions
 * are (a) a broadcast operand's gradient: a "row" operand sums rows 0..rows−1 in order, a "col"
 * operand sums each row in a lane-split order fixed by `cols`; (b) sums over an axis, in one
 * canonical order fixed by the axis length alone (see ew_sum_axis); (c) scatter-add, over ids
 * in order. MADD is never used, so both builds give the same bits.
 */
#include "attn.h"
#include "vmath.h"

#define INLINE static inline __attribute__((always_inline))

/* Operand layouts over an output of rows × cols (OperandLayout in types.ts). */
enum { LAYOUT_FULL = 0, LAYOUT_ROW = 1, LAYOUT_COL = 2 };
/* BinaryOpKind. */
enum { OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3 };
/* UnaryOpKind. */
enum { U_EXP = 0, U_LOG, U_TANH, U_SIGMOID, U_RELU, U_GELU, U_GELU_TANH, U_SQUARE };

INLINE v128_t ld(const float *p) { return wasm_v128_load(p); }
INLINE void st(float *p, v128_t v) { wasm_v128_store(p, v); }
INLINE v128_t splat(const float *p) { return wasm_v128_load32_splat(p); }

/* The first k < 4 floats of p in a vector (other lanes 0), and the converse store. */
INLINE v128_t ld_part(const float *p, int k) {
  float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int i = 0; i < k; i++) t[i] = p[i];
  return ld(t);
}
INLINE void st_part(float *p, v128_t v, int k) {
  float t[4];
  st(t, v);
  for (int i = 0; i < k; i++) p[i] = t[i];
}

/* Element (r, c) of an operand with layout L is at p + r·row_stride + c·col_step. */
INLINE int row_stride(int layout, int cols) { return layout == LAYOUT_FULL ? cols : layout == LAYOUT_COL ? 1 : 0; }
INLINE int col_step(int layout) { return layout == LAYOUT_COL ? 0 : 1; }

/* ---------------------------------------------------------------- binary forward */

INLINE v128_t vbin(int op, v128_t a, v128_t b) {
  switch (op) {
    case OP_ADD: return wasm_f32x4_add(a, b);
    case OP_SUB: return wasm_f32x4_sub(a, b);
    case OP_MUL: return wasm_f32x4_mul(a, b);
    default: return wasm_f32x4_div(a, b);
  }
}
INLINE float sbin(int op, float a, float b) {
  switch (op) {
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    default: return a / b;
  }
}

/* o[c] = a[c·as] ∘ b[c·bs] for c < n; a step of 0 means one value for the whole row. */
INLINE void bin_row(int op, const float *a, int as, const float *b, int bs, float *o, int n) {
  int c = 0;
  if (as && bs) {
    for (; c + 4 <= n; c += 4) st(o + c, vbin(op, ld(a + c), ld(b + c)));
  } else if (as) {
    v128_t vb = splat(b);
    for (; c + 4 <= n; c += 4) st(o + c, vbin(op, ld(a + c), vb));
  } else if (bs) {
    v128_t va = splat(a);
    for (; c + 4 <= n; c += 4) st(o + c, vbin(op, va, ld(b + c)));
  } else {
    v128_t v = vbin(op, splat(a), splat(b));
    for (; c + 4 <= n; c += 4) st(o + c, v);
  }
  for (; c < n; c++) o[c] = sbin(op, a[c * as], b[c * bs]);
}

INLINE void bin_rows(int op, const float *a, int al, const float *b, int bl, float *out, int rows, int cols) {
  if (al == LAYOUT_FULL && bl == LAYOUT_FULL) {
    bin_row(op, a, 1, b, 1, out, rows * cols);
    return;
  }
  int ars = row_stride(al, cols), acs = col_step(al);
  int brs = row_stride(bl, cols), bcs = col_step(bl);
  for (int r = 0; r < rows; r++) bin_row(op, a + r * ars, acs, b + r * brs, bcs, out + r * cols, cols);
}

EXPORT(ew_binary)
void ew_binary(int op, const float *a, int al, const float *b, int bl, float *out, int rows, int cols) {
  switch (op) {
    case OP_ADD: bin_rows(OP_ADD, a, al, b, bl, out, rows, cols); break;
    case OP_SUB: bin_rows(OP_SUB, a, al, b, bl, out, rows, cols); break;
    case OP_MUL: bin_rows(OP_MUL, a, al, b, bl, out, rows, cols); break;
    default: bin_rows(OP_DIV, a, al, b, bl, out, rows, cols); break;
  }
}

/* ---------------------------------------------------------------- binary backward */

/* ∂(a ∘ b)/∂(operand `which`) · g. */
INLINE v128_t vpart(int op, int which, v128_t g, v128_t a, v128_t b) {
  switch (op) {
    case OP_ADD: return g;
    case OP_SUB: return which ? wasm_f32x4_neg(g) : g;
    case OP_MUL: return which ? wasm_f32x4_mul(g, a) : wasm_f32x4_mul(g, b);
    default:
      return which ? wasm_f32x4_neg(wasm_f32x4_div(wasm_f32x4_mul(g, a), wasm_f32x4_mul(b, b))) : wasm_f32x4_div(g, b);
  }
}
INLINE float spart(int op, int which, float g, float a, float b) {
  switch (op) {
    case OP_ADD: return g;
    case OP_SUB: return which ? -g : g;
    case OP_MUL: return which ? g * a : g * b;
    default: return which ? -((g * a) / (b * b)) : g / b;
  }
}

/*
 * One output row: d[c] = partial(g[c], a[c·as], b[c·bs]). With `reduce` 0, dst[c] += d[c]
 * (a "full" operand, or a "row" operand whose rows the caller visits in order); with `reduce` 1,
 * *dst += Σ_c d[c] summed in 4 lanes (c mod 4), lanes combined as hsum, then the tail in order.
 */
INLINE void back_row(int op, int which, const float *g, const float *a, int as, const float *b, int bs,
                     float *dst, int reduce, int n) {
  v128_t va = splat(a), vb = splat(b);
  int c = 0;
  if (!reduce) {
    for (; c + 4 <= n; c += 4) {
      v128_t d = vpart(op, which, ld(g + c), as ? ld(a + c) : va, bs ? ld(b + c) : vb);
      st(dst + c, wasm_f32x4_add(ld(dst + c), d));
    }
    for (; c < n; c++) dst[c] += spart(op, which, g[c], a[c * as], b[c * bs]);
  } else {
    v128_t acc = wasm_f32x4_splat(0.0f);
    for (; c + 4 <= n; c += 4) acc = wasm_f32x4_add(acc, vpart(op, which, ld(g + c), as ? ld(a + c) : va, bs ? ld(b + c) : vb));
    float s = hsum(acc);
    for (; c < n; c++) s += spart(op, which, g[c], a[c * as], b[c * bs]);
    *dst += s;
  }
}

INLINE void back_rows(int op, int which, const float *g, const float *a, int al, const float *b, int bl,
                      float *dst, int rows, int cols) {
  int dl = which ? bl : al;
  if (al == LAYOUT_FULL && bl == LAYOUT_FULL) {
    back_row(op, which, g, a, 1, b, 1, dst, 0, rows * cols);
    return;
  }
  int ars = row_stride(al, cols), acs = col_step(al);
  int brs = row_stride(bl, cols), bcs = col_step(bl);
  int drs = row_stride(dl, cols);
  for (int r = 0; r < rows; r++) {
    back_row(op, which, g + r * cols, a + r * ars, acs, b + r * brs, bcs, dst + r * drs, dl == LAYOUT_COL, cols);
  }
}

EXPORT(ew_binary_backward)
void ew_binary_backward(int op, int which, const float *g, const float *a, int al, const float *b, int bl,
                        float *dst, int rows, int cols) {
#define BACK(OP, W) back_rows(OP, W, g, a, al, b, bl, dst, rows, cols)
  switch (op * 2 + (which ? 1 : 0)) {
    case OP_ADD * 2: BACK(OP_ADD, 0); break;
    case OP_ADD * 2 + 1: BACK(OP_ADD, 1); break;
    case OP_SUB * 2: BACK(OP_SUB, 0); break;
    case OP_SUB * 2 + 1: BACK(OP_SUB, 1); break;
    case OP_MUL * 2: BACK(OP_MUL, 0); break;
    case OP_MUL * 2 + 1: BACK(OP_MUL, 1); break;
    case OP_DIV * 2: BACK(OP_DIV, 0); break;
    default: BACK(OP_DIV, 1); break;
  }
#undef BACK
}

/* ---------------------------------------------------------------- unary */

#define SQRT1_2 0.70710678118654752f
#define INV_SQRT_2PI 0.39894228040143268f
#define SQRT_2_OVER_PI 0.79788456080286536f
#define GELU_C 0.044715f
#define GELU_3C 0.134145f

INLINE v128_t ufwd(int op, v128_t x) {
  const v128_t zero = wasm_f32x4_splat(0.0f), one = V4(1.0f), half = V4(0.5f);
  switch (op) {
    case U_EXP: return v_exp(x);
    case U_LOG: return v_log(x);
    case U_TANH: return v_tanh(x);
    case U_SIGMOID: return v_sigmoid(x);
    case U_RELU: return wasm_v128_and(x, wasm_f32x4_gt(x, zero)); /* NaN and -0 give +0 */
    case U_GELU: /* 0.5·x·(1 + erf(x/√2)) */
      return wasm_f32x4_mul(wasm_f32x4_mul(half, x), wasm_f32x4_add(one, v_erf(wasm_f32x4_mul(x, V4(SQRT1_2)))));
    case U_GELU_TANH: { /* 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) */
      v128_t cube = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(V4(GELU_C), x), x), x);
      v128_t t = v_tanh(wasm_f32x4_mul(V4(SQRT_2_OVER_PI), wasm_f32x4_add(x, cube)));
      return wasm_f32x4_mul(wasm_f32x4_mul(half, x), wasm_f32x4_add(one, t));
    }
    default: return wasm_f32x4_mul(x, x);
  }
}

/* gx + g·f'(x) (from y = f(x) where that is cheaper). */
INLINE v128_t ubwd(int op, v128_t x, v128_t y, v128_t g, v128_t gx) {
  const v128_t zero = wasm_f32x4_splat(0.0f), one = V4(1.0f), half = V4(0.5f);
  switch (op) {
    case U_EXP: return wasm_f32x4_add(gx, wasm_f32x4_mul(g, y));
    case U_LOG: return wasm_f32x4_add(gx, wasm_f32x4_div(g, x));
    case U_TANH: return wasm_f32x4_add(gx, wasm_f32x4_mul(g, wasm_f32x4_sub(one, wasm_f32x4_mul(y, y))));
    case U_SIGMOID: return wasm_f32x4_add(gx, wasm_f32x4_mul(wasm_f32x4_mul(g, y), wasm_f32x4_sub(one, y)));
    case U_RELU: return wasm_v128_bitselect(wasm_f32x4_add(gx, g), gx, wasm_f32x4_gt(x, zero));
    case U_GELU: { /* Φ(x) + x·φ(x) */
      v128_t cdf = wasm_f32x4_mul(half, wasm_f32x4_add(one, v_erf(wasm_f32x4_mul(x, V4(SQRT1_2)))));
      v128_t pdf = wasm_f32x4_mul(V4(INV_SQRT_2PI), v_exp(wasm_f32x4_mul(wasm_f32x4_mul(V4(-0.5f), x), x)));
      return wasm_f32x4_add(gx, wasm_f32x4_mul(g, wasm_f32x4_add(cdf, wasm_f32x4_mul(x, pdf))));
    }
    case U_GELU_TANH: {
      v128_t cube = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(V4(GELU_C), x), x), x);
      v128_t t = v_tanh(wasm_f32x4_mul(V4(SQRT_2_OVER_PI), wasm_f32x4_add(x, cube)));
      v128_t du = wasm_f32x4_mul(V4(SQRT_2_OVER_PI), wasm_f32x4_add(one, wasm_f32x4_mul(wasm_f32x4_mul(V4(GELU_3C), x), x)));
      v128_t left = wasm_f32x4_mul(half, wasm_f32x4_add(one, t));
      v128_t right = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(half, x), wasm_f32x4_sub(one, wasm_f32x4_mul(t, t))), du);
      return wasm_f32x4_add(gx, wasm_f32x4_mul(g, wasm_f32x4_add(left, right)));
    }
    default: return wasm_f32x4_add(gx, wasm_f32x4_mul(wasm_f32x4_mul(V4(2.0f), g), x));
  }
}

INLINE void unary_loop(int op, const float *x, float *y, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) st(y + i, ufwd(op, ld(x + i)));
  if (i < n) st_part(y + i, ufwd(op, ld_part(x + i, n - i)), n - i);
}

INLINE int reads_x(int op) { return op == U_LOG || op == U_RELU || op == U_GELU || op == U_GELU_TANH || op == U_SQUARE; }

INLINE void unary_back_loop(int op, const float *x, const float *y, const float *g, float *gx, int n) {
  int rx = reads_x(op);
  v128_t none = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t vx = rx ? ld(x + i) : none, vy = rx ? none : ld(y + i);
    st(gx + i, ubwd(op, vx, vy, ld(g + i), ld(gx + i)));
  }
  if (i < n) {
    int k = n - i;
    v128_t vx = rx ? ld_part(x + i, k) : none, vy = rx ? none : ld_part(y + i, k);
    st_part(gx + i, ubwd(op, vx, vy, ld_part(g + i, k), ld_part(gx + i, k)), k);
  }
}

EXPORT(ew_unary)
void ew_unary(int op, const float *x, float *y, int n) {
  switch (op) {
    case U_EXP: unary_loop(U_EXP, x, y, n); break;
    case U_LOG: unary_loop(U_LOG, x, y, n); break;
    case U_TANH: unary_loop(U_TANH, x, y, n); break;
    case U_SIGMOID: unary_loop(U_SIGMOID, x, y, n); break;
    case U_RELU: unary_loop(U_RELU, x, y, n); break;
    case U_GELU: unary_loop(U_GELU, x, y, n); break;
    case U_GELU_TANH: unary_loop(U_GELU_TANH, x, y, n); break;
    default: unary_loop(U_SQUARE, x, y, n); break;
  }
}

/* x or y may be 0 when the op does not read it (see reads_x). */
EXPORT(ew_unary_backward)
void ew_unary_backward(int op, const float *x, const float *y, const float *g, float *gx, int n) {
  switch (op) {
    case U_EXP: unary_back_loop(U_EXP, x, y, g, gx, n); break;
    case U_LOG: unary_back_loop(U_LOG, x, y, g, gx, n); break;
    case U_TANH: unary_back_loop(U_TANH, x, y, g, gx, n); break;
    case U_SIGMOID: unary_back_loop(U_SIGMOID, x, y, g, gx, n); break;
    case U_RELU: unary_back_loop(U_RELU, x, y, g, gx, n); break;
    case U_GELU: unary_back_loop(U_GELU, x, y, g, gx, n); break;
    case U_GELU_TANH: unary_back_loop(U_GELU_TANH, x, y, g, gx, n); break;
    default: unary_back_loop(U_SQUARE, x, y, g, gx, n); break;
  }
}

/* ---------------------------------------------------------------- affine, axpy */

/* out = x·scale + shift (multiply, then add). */
EXPORT(ew_affine)
void ew_affine(const float *x, float *out, int n, float scale, float shift) {
  v128_t vs = wasm_f32x4_splat(scale), vt = wasm_f32x4_splat(shift);
  int i = 0;
  for (; i + 4 <= n; i += 4) st(out + i, wasm_f32x4_add(wasm_f32x4_mul(ld(x + i), vs), vt));
  for (; i < n; i++) out[i] = x[i] * scale + shift;
}

INLINE void axpy_row(int n, float alpha, const float *x, float *y) {
  v128_t va = wasm_f32x4_splat(alpha);
  int i = 0;
  for (; i + 4 <= n; i += 4) st(y + i, wasm_f32x4_add(ld(y + i), wasm_f32x4_mul(va, ld(x + i))));
  for (; i < n; i++) y[i] += alpha * x[i];
}

/* y += alpha·x. */
EXPORT(ew_axpy)
void ew_axpy(int n, float alpha, const float *x, float *y) { axpy_row(n, alpha, x, y); }

/* ---------------------------------------------------------------- row helpers, sums over an axis */

/* dst[0..n) = src[0..n). */
INLINE void copy_row(const float *src, float *dst, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) st(dst + i, ld(src + i));
  for (; i < n; i++) dst[i] = src[i];
}

/* dst[0..n) += src[0..n). */
INLINE void add_row(const float *src, float *dst, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) st(dst + i, wasm_f32x4_add(ld(dst + i), ld(src + i)));
  for (; i < n; i++) dst[i] += src[i];
}

/*
 * Every sum over an axis of length n uses one canonical order, whatever the memory layout (so a
 * [T, B] sum over T gives the same bits for B = 1 as for each column of B = 32): four partial
 * sums, k = 0..3, each over every d ≡ k (mod 4) in increasing d; then (s0 + s1) + (s2 + s3).
 * Zeros appended to the axis (padding) only add 0 to a partial sum, so a sum over a padded axis
 * gives the bits of the unpadded one.
 */

/* Canonical sum of p[0..n) (contiguous: the four partial sums are the lanes of one vector). */
INLINE float sum_contiguous(const float *p, int n) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  int q = n & ~3, d = 0;
  for (; d < q; d += 4) acc = wasm_f32x4_add(acc, ld(p + d));
  /* The last n − q values join partial sums 0 … n − q − 1 (the other lanes add 0). */
  if (d < n) acc = wasm_f32x4_add(acc, ld_part(p + d, n - d));
  return hsum(acc);
}

/* Columns per block of sum_block: four partial-sum rows of this many floats live on the stack. */
#define SUM_BLOCK 128

/*
 * Canonical sums of the w ≤ SUM_BLOCK columns at p (row stride `stride`) over n rows, scaled, into
 * out[0..w). Rows stream through in order (partial sum k takes rows d ≡ k mod 4), so every cache
 * line of x is read once.
 */
static void sum_block(const float *p, int stride, int n, int w, float scale, float *out) {
  float acc[4][SUM_BLOCK] __attribute__((aligned(16)));
  for (int k = 0; k < 4; k++)
    for (int i = 0; i < w; i++) acc[k][i] = 0.0f;
  for (int d = 0; d < n; d++) add_row(p + d * stride, acc[d & 3], w);
  int i = 0;
  for (; i + 4 <= w; i += 4) {
    st(out + i, wasm_f32x4_add(wasm_f32x4_add(ld(acc[0] + i), ld(acc[1] + i)), wasm_f32x4_add(ld(acc[2] + i), ld(acc[3] + i))));
  }
  for (; i < w; i++) out[i] = (acc[0][i] + acc[1][i]) + (acc[2][i] + acc[3][i]);
  v128_t vs = wasm_f32x4_splat(scale);
  for (i = 0; i + 4 <= w; i += 4) st(out + i, wasm_f32x4_mul(ld(out + i), vs));
  for (; i < w; i++) out[i] *= scale;
}

/* x as [outer, dim, inner]: out[o, i] = scale · Σ_d x[o, d, i], each sum in the canonical order. */
EXPORT(ew_sum_axis)
void ew_sum_axis(const float *x, float *out, int outer, int dim, int inner, float scale) {
  for (int o = 0; o < outer; o++) {
    const float *xo = x + o * dim * inner;
    float *orow = out + o * inner;
    if (inner == 1) {
      orow[0] = sum_contiguous(xo, dim) * scale;
      continue;
    }
    for (int i = 0; i < inner; i += SUM_BLOCK) {
      int w = inner - i < SUM_BLOCK ? inner - i : SUM_BLOCK;
      sum_block(xo + i, inner, dim, w, scale, orow + i);
    }
  }
}

/* gx[o, d, i] += g[o, i]·scale. */
EXPORT(ew_sum_axis_backward)
void ew_sum_axis_backward(const float *g, float *gx, int outer, int dim, int inner, float scale) {
  v128_t vs = wasm_f32x4_splat(scale);
  for (int o = 0; o < outer; o++) {
    if (inner == 1) {
      float v = g[o] * scale;
      v128_t vv = wasm_f32x4_splat(v);
      float *row = gx + o * dim;
      int d = 0;
      for (; d + 4 <= dim; d += 4) st(row + d, wasm_f32x4_add(ld(row + d), vv));
      for (; d < dim; d++) row[d] += v;
      continue;
    }
    const float *grow = g + o * inner;
    for (int d = 0; d < dim; d++) {
      float *row = gx + (o * dim + d) * inner;
      int i = 0;
      for (; i + 4 <= inner; i += 4) st(row + i, wasm_f32x4_add(ld(row + i), wasm_f32x4_mul(ld(grow + i), vs)));
      for (; i < inner; i++) row[i] += grow[i] * scale;
    }
  }
}

/* ---------------------------------------------------------------- rows: gather, scatter-add, select */

/* out[i, :] = w[ids[i], :]. */
EXPORT(ew_gather_rows)
void ew_gather_rows(const float *w, const int *ids, float *out, int count, int dim) {
  for (int i = 0; i < count; i++) copy_row(w + ids[i] * dim, out + i * dim, dim);
}

/* gw[ids[i], :] += g[i, :] for i in order, skipping ids equal to skip_id. */
EXPORT(ew_scatter_add_rows)
void ew_scatter_add_rows(const float *g, const int *ids, float *gw, int count, int dim, int skip_id) {
  for (int i = 0; i < count; i++) {
    int id = ids[i];
    if (id == skip_id) continue;
    add_row(g + i * dim, gw + id * dim, dim);
  }
}

/* out row r = keep[r] ? a row r : b row r. */
EXPORT(ew_select_rows)
void ew_select_rows(const unsigned char *keep, const float *a, const float *b, float *out, int rows, int width) {
  for (int r = 0; r < rows; r++) copy_row((keep[r] ? a : b) + r * width, out + r * width, width);
}

/* dst row r += g row r where (keep[r] ≠ 0) == when_kept. */
EXPORT(ew_accumulate_rows_where)
void ew_accumulate_rows_where(const unsigned char *keep, int when_kept, const float *g, float *dst, int rows, int width) {
  for (int r = 0; r < rows; r++) {
    if ((keep[r] != 0) != (when_kept != 0)) continue;
    add_row(g + r * width, dst + r * width, width);
  }
}

/* ---------------------------------------------------------------- masks */

/* All-ones lanes where mask[0..4) is non-zero. */
INLINE v128_t mask4(const unsigned char *m) {
  v128_t b = wasm_v128_load32_zero(m);
  v128_t w = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(b));
  return wasm_i32x4_ne(w, wasm_i32x4_splat(0));
}

/* out = mask ? fill : x·scale. */
EXPORT(ew_masked_fill)
void ew_masked_fill(const float *x, const unsigned char *mask, float *out, int n, float scale, float fill) {
  v128_t vs = wasm_f32x4_splat(scale), vf = wasm_f32x4_splat(fill);
  int i = 0;
  for (; i + 4 <= n; i += 4) st(out + i, wasm_v128_bitselect(vf, wasm_f32x4_mul(ld(x + i), vs), mask4(mask + i)));
  for (; i < n; i++) out[i] = mask[i] ? fill : x[i] * scale;
}

/* gx += g·scale where mask is 0; masked entries untouched. */
EXPORT(ew_masked_accumulate)
void ew_masked_accumulate(const float *g, const unsigned char *mask, float *gx, int n, float scale) {
  v128_t vs = wasm_f32x4_splat(scale);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t old = ld(gx + i);
    v128_t upd = wasm_f32x4_add(old, wasm_f32x4_mul(ld(g + i), vs));
    st(gx + i, wasm_v128_bitselect(old, upd, mask4(mask + i)));
  }
  for (; i < n; i++) if (!mask[i]) gx[i] += g[i] * scale;
}
