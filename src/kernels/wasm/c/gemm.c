/*
 * Matrix multiply: C[m×n] = op(A)·op(B), or C += op(A)·op(B) with `accumulate`.
 *
 *   op(A)(i, p) = A[i·lda + p]   (A[p·lda + i] when transA)
 *   op(B)(p, j) = B[p·ldb + j]   (B[j·ldb + p] when transB)
 *   C(i, j)     = C[i·ldc + j]
 *
 * Determinism: every C(i, j) is computed as
 *
 *   acc = accumulate ? C(i, j) : 0
 *   for p = 0, 1, …, k−1:  acc = MADD(op(A)(i, p), op(B)(p, j), acc)
 *   C(i, j) = acc
 *
 * and nothing else, whatever the shape, the path taken, the tile an element falls in or where
 * its row or column sits. Vectors run along j (four columns of C per f32x4, each lane its own
 * sum), never along p, so a row computed alone (m = 1) or inside a batch, or a block of columns
 * computed by another thread, gets the same bits. Splitting the depth into blocks of KC does not
 * change this: between blocks the running sum is stored in C (or a scratch tile) as the float32
 * it already is and loaded back, which is exact. Tiles that stick out of C are computed on
 * zero-padded operands into a scratch tile: padding lanes and rows are separate sums that are
 * dropped, so they cannot touch the real ones.
 *
 * Three paths, chosen by shape for speed only (they give the same bits):
 *  - whole packed operands (the GotoBLAS scheme), for products larger than one MC×NC block of
 *    C: op(A) is copied into panels of MR rows and op(B) into panels of NR columns, depth block
 *    by depth block (KC), so every panel is packed once per product whatever the number of
 *    blocks of C. On one thread op(B) is packed whole and op(A) one block of MC rows at a time;
 *    on threads both are packed whole first, shared by all blocks (gemm_pack, gemm_block). Then C is done
 *    in blocks of MC rows × NC columns, each through the whole depth before the next, so the
 *    block (128 KiB) stays in L2 between depth blocks; an MR×NR register tile runs down the
 *    rows of a block with unit-stride loads only. Packing absorbs the layout: NN, NT, TN and
 *    TT all run the same inner loop. (Packing op(B) panel by panel for each block of rows, as
 *    before, packed it m/MC times: 0.85–0.9× on the output layer's products, and on threads
 *    each block of C packed its operands again.)
 *  - one block (m ≤ MC, n ≤ NC, m > SMALL_M): op(A) is packed per depth block and each B panel
 *    just before the tiles that use it, into a panel that stays in L1.
 *  - small m (a few rows, e.g. one decoder step), m ≤ SMALL_M: packing A and padding it to MR
 *    rows would waste most of the work, so the rows of A are read in place and the tile is as
 *    wide as the registers allow for that many rows (1×32, 2×16, 3×16, 4×8). Row-major B is read
 *    in place; transposed B is transposed into a panel of that width first.
 *
 * Tuning notes (V8 on x86-64, measured with bench/run.ts): the register tile is 4×8 — 8
 * accumulators, 2 vectors of B and 4 splats of A fill the 15 xmm registers V8 allocates (wider or
 * taller tiles spill); each tile shape is its own function, because a tile loop inlined into a
 * large function loses its accumulators to the stack, except the main packed loop, which measured
 * a little faster inlined.
 */
#include "attn.h"

/* Register tile of the packed path: MR rows × NR columns of C. */
#define MR 4
#define NR 8
/* Depth block: a B panel (KC·NR floats, 8 KiB) stays in L1 while the tiles use it. */
#define KC 256
/* Rows of A per packed block (MC·KC floats, 128 KiB: L2; 64 and 128 measured alike, 128 a shade faster on 512³). */
#define MC 128
/* Columns of C per block: an MC×NC block of C (128 KiB) stays in L2 while the depth blocks run over it.
   A multiple of NR, so only the last block of a row can have a partial panel. */
#define NC 256
/* Products with at most this many rows take the small-m path. */
#define SMALL_M 4
/* Widest tile of the small-m path, in columns (its scratch tile is 4 × WMAX). */
#define WMAX 32

#define INLINE static inline __attribute__((always_inline))
#define NOINLINE static __attribute__((noinline))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

/*
 * The one inner loop: an R×4V tile of C. A(r, p) = a[r·ars + p·aps]; B(p, 4v + l) = b[p·bps + 4v + l].
 * R and V are compile-time constants at every use, so the loops unroll into registers.
 */
INLINE void tile(const int R, const int V, int kc, const float* a, int ars, int aps, const float* b, int bps,
                 float* c, int ldc, int load) {
  v128_t acc[4][8];
#pragma clang loop unroll(full)
  for (int r = 0; r < R; r++)
#pragma clang loop unroll(full)
    for (int v = 0; v < V; v++) acc[r][v] = load ? wasm_v128_load(c + r * ldc + 4 * v) : wasm_f32x4_splat(0.0f);
#pragma clang loop unroll(disable)
  for (int p = 0; p < kc; p++) {
    v128_t bv[8];
#pragma clang loop unroll(full)
    for (int v = 0; v < V; v++) bv[v] = wasm_v128_load(b + 4 * v);
#pragma clang loop unroll(full)
    for (int r = 0; r < R; r++) {
      v128_t av = wasm_v128_load32_splat(a + r * ars);
#pragma clang loop unroll(full)
      for (int v = 0; v < V; v++) acc[r][v] = MADD(av, bv[v], acc[r][v]);
    }
    a += aps;
    b += bps;
  }
#pragma clang loop unroll(full)
  for (int r = 0; r < R; r++)
#pragma clang loop unroll(full)
    for (int v = 0; v < V; v++) wasm_v128_store(c + r * ldc + 4 * v, acc[r][v]);
}

/* out[q] lane l = in_l lane q: a 4×4 transpose in registers. */
INLINE void transpose4(v128_t in0, v128_t in1, v128_t in2, v128_t in3, v128_t out[4]) {
  v128_t t0 = wasm_i32x4_shuffle(in0, in1, 0, 4, 1, 5);
  v128_t t1 = wasm_i32x4_shuffle(in2, in3, 0, 4, 1, 5);
  v128_t t2 = wasm_i32x4_shuffle(in0, in1, 2, 6, 3, 7);
  v128_t t3 = wasm_i32x4_shuffle(in2, in3, 2, 6, 3, 7);
  out[0] = wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5);
  out[1] = wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7);
  out[2] = wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5);
  out[3] = wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7);
}

/*
 * Copy columns 0..cols−1 (cols ≤ W, W a multiple of 4) of op(B), depth 0..kc−1, into a panel
 * of width W: pb[p·W + l] = op(B)(p, l), zero for l ≥ cols.
 */
static void pack_b(int W, int cols, int kc, const float* B, int ldb, int transB, float* pb) {
  if (cols == W && !transB) {
    for (int p = 0; p < kc; p++)
      for (int l = 0; l < W; l += 4) wasm_v128_store(pb + p * W + l, wasm_v128_load(B + p * ldb + l));
  } else if (cols == W && transB) {
    int p = 0;
    for (; p + 4 <= kc; p += 4) {
      for (int l = 0; l < W; l += 4) {
        const float* s = B + l * ldb + p;
        v128_t t[4];
        transpose4(wasm_v128_load(s), wasm_v128_load(s + ldb), wasm_v128_load(s + 2 * ldb), wasm_v128_load(s + 3 * ldb), t);
        for (int q = 0; q < 4; q++) wasm_v128_store(pb + (p + q) * W + l, t[q]);
      }
    }
    for (; p < kc; p++)
      for (int l = 0; l < W; l++) pb[p * W + l] = B[l * ldb + p];
  } else {
    for (int p = 0; p < kc; p++)
      for (int l = cols; l < W; l++) pb[p * W + l] = 0.0f;
    if (transB)
      for (int l = 0; l < cols; l++)
        for (int p = 0; p < kc; p++) pb[p * W + l] = B[l * ldb + p];
    else
      for (int p = 0; p < kc; p++)
        for (int l = 0; l < cols; l++) pb[p * W + l] = B[p * ldb + l];
  }
}

/*
 * Copy rows 0..rows−1 (rows ≤ MR) of op(A), depth 0..kc−1, into one panel of MR rows:
 * pa[p·MR + r] = op(A)(r, p), zero for r ≥ rows.
 */
static void pack_a(int rows, int kc, const float* A, int lda, int transA, float* pa) {
  if (rows == MR && transA) {
    for (int p = 0; p < kc; p++) wasm_v128_store(pa + p * MR, wasm_v128_load(A + p * lda));
  } else if (rows == MR) {
    int p = 0;
    for (; p + 4 <= kc; p += 4) {
      const float* s = A + p;
      v128_t t[4];
      transpose4(wasm_v128_load(s), wasm_v128_load(s + lda), wasm_v128_load(s + 2 * lda), wasm_v128_load(s + 3 * lda), t);
      for (int q = 0; q < 4; q++) wasm_v128_store(pa + (p + q) * MR, t[q]);
    }
    for (; p < kc; p++)
      for (int r = 0; r < MR; r++) pa[p * MR + r] = A[r * lda + p];
  } else {
    for (int p = 0; p < kc; p++)
      for (int r = rows; r < MR; r++) pa[p * MR + r] = 0.0f;
    if (transA)
      for (int p = 0; p < kc; p++)
        for (int r = 0; r < rows; r++) pa[p * MR + r] = A[p * lda + r];
    else
      for (int r = 0; r < rows; r++)
        for (int p = 0; p < kc; p++) pa[p * MR + r] = A[r * lda + p];
  }
}

/*
 * A scratch tile (rows × W) for a tile that sticks out of C on the right (cols < W): entries
 * inside C start from C when loading, the rest from 0; only the entries inside C are copied back.
 */
INLINE void edge_in(float* t, int W, const float* c, int ldc, int rows, int cols, int load) {
  for (int r = 0; r < rows; r++)
    for (int j = 0; j < W; j++) t[r * W + j] = (load && j < cols) ? c[r * ldc + j] : 0.0f;
}
INLINE void edge_out(const float* t, int W, float* c, int ldc, int rows, int cols) {
  for (int r = 0; r < rows; r++)
    for (int j = 0; j < cols; j++) c[r * ldc + j] = t[r * W + j];
}

/* The first R rows of a packed A panel × a packed B panel (the packed path's partial tiles). */
#define DEF_TP(R)                                                                           \
  NOINLINE void tile_packed##R(int kc, const float* pa, const float* pb, float* c, int ldc, int load) { \
    tile(R, NR / 4, kc, pa, 1, MR, pb, NR, c, ldc, load);                                   \
  }
DEF_TP(1)
DEF_TP(2)
DEF_TP(3)
DEF_TP(4)

/* `rows` ≤ MR rows × `cols` ≤ NR columns of C from a packed A panel and a packed B panel. */
static void tile_packed(int rows, int cols, int kc, const float* pa, const float* pb, float* c, int ldc, int load) {
  float t[MR * NR] __attribute__((aligned(16)));
  float* dst = c;
  int ld = ldc;
  if (cols < NR) {
    edge_in(t, NR, c, ldc, rows, cols, load);
    dst = t;
    ld = NR;
  }
  switch (rows) {
    case 1: tile_packed1(kc, pa, pb, dst, ld, load); break;
    case 2: tile_packed2(kc, pa, pb, dst, ld, load); break;
    case 3: tile_packed3(kc, pa, pb, dst, ld, load); break;
    default: tile_packed4(kc, pa, pb, dst, ld, load); break;
  }
  if (cols < NR) edge_out(t, NR, c, ldc, rows, cols);
}

/*
 * Rows i0..i1−1 of C (C(i, j…) at c + i·ldc) against one packed B panel of `cols` ≤ NR columns:
 * full MR×NR register tiles, then the partial ones. The A panel of rows i is at ap + i·kc.
 */
INLINE void panel_rows(int i0, int i1, int cols, int kc, const float* ap, const float* panel, float* c, int ldc,
                       int load) {
  int i = i0;
  if (cols == NR)
    for (; i + MR <= i1; i += MR) tile(MR, NR / 4, kc, ap + i * kc, 1, MR, panel, NR, c + i * ldc, ldc, load);
  for (; i < i1; i += MR) tile_packed(MIN(MR, i1 - i), cols, kc, ap + i * kc, panel, c + i * ldc, ldc, load);
}

INLINE int round_up(int x, int r) { return (x + r - 1) / r * r; }

/*
 * Whole packed operands, for products larger than one block: every panel of op(A) and op(B) is
 * packed once per product and read from there by every block of C (and every thread), instead
 * of once per block. Depth block p0 (a multiple of KC, kc = min(KC, k − p0) deep) holds the
 * MR-row panels of op(A) at pa + p0·m' + i·kc (i a multiple of MR, m' = m rounded up to MR) and
 * the NR-column panels of op(B) at pb + p0·n' + j·kc (n' = n rounded up to NR).
 */
static void pack_a_rows(int i0, int rows, int m, int k, const float* A, int lda, int transA, float* pa) {
  const int mp = round_up(m, MR);
  for (int p0 = 0; p0 < k; p0 += KC) {
    const int kc = MIN(KC, k - p0);
    for (int i = i0; i < i0 + rows; i += MR)
      pack_a(MIN(MR, m - i), kc, transA ? A + p0 * lda + i : A + i * lda + p0, lda, transA, pa + p0 * mp + i * kc);
  }
}
static void pack_b_cols(int j0, int cols, int n, int k, const float* B, int ldb, int transB, float* pb) {
  const int np = round_up(n, NR);
  for (int p0 = 0; p0 < k; p0 += KC) {
    const int kc = MIN(KC, k - p0);
    for (int j = j0; j < j0 + cols; j += NR)
      pack_b(NR, MIN(NR, n - j), kc, transB ? B + j * ldb + p0 : B + p0 * ldb + j, ldb, transB, pb + p0 * np + j * kc);
  }
}

/*
 * Rows i0..i0+rows−1 × columns j0..j0+cols−1 of C (i0 a multiple of MR, j0 of NR) from whole
 * packed operands. C is done in blocks of MC rows × NC columns, each through the whole depth
 * before the next, so the block (128 KiB) stays in L2 between depth blocks. (Running each depth
 * block over all of C's columns first made a wide C, e.g. the [rows, vocabulary] logits, come
 * back from memory once per depth block: 0.85× on that shape.)
 */
static void gemm_blocks(int i0, int rows, int j0, int cols, int m, int n, int k, const float* pa, const float* pb,
                        float* C, int ldc, int accumulate) {
  const int mp = round_up(m, MR), np = round_up(n, NR);
  for (int ib = i0; ib < i0 + rows; ib += MC) {
    const int ie = MIN(ib + MC, i0 + rows);
    for (int jb = j0; jb < j0 + cols; jb += NC) {
      const int je = MIN(jb + NC, j0 + cols);
      for (int p0 = 0; p0 < k; p0 += KC) {
        const int kc = MIN(KC, k - p0);
        const int load = accumulate || p0 > 0;
        const float* ap = pa + p0 * mp;
        const float* bp = pb + p0 * np;
        for (int j = jb; j < je; j += NR) panel_rows(ib, ie, MIN(NR, je - j), kc, ap, bp + j * kc, C + j, ldc, load);
      }
    }
  }
}

/*
 * The packed path for a product that fits one block (m ≤ MC, n ≤ NC): op(A) is packed once per
 * depth block and each B panel just before the tiles that use it, into a panel that stays in L1.
 */
static void gemm_one_block(int m, int n, int k, const float* A, int lda, int transA, const float* B, int ldb,
                           int transB, float* C, int ldc, int accumulate, float* work) {
  float* pa = work;
  float* pb = work + MC * MIN(k, KC);
  for (int p0 = 0; p0 < k; p0 += KC) {
    const int kc = MIN(KC, k - p0);
    const int load = accumulate || p0 > 0;
    for (int i = 0; i < m; i += MR)
      pack_a(MIN(MR, m - i), kc, transA ? A + p0 * lda + i : A + i * lda + p0, lda, transA, pa + i * kc);
    for (int j = 0; j < n; j += NR) {
      const int cols = MIN(NR, n - j);
      pack_b(NR, cols, kc, transB ? B + j * ldb + p0 : B + p0 * ldb + j, ldb, transB, pb);
      panel_rows(0, m, cols, kc, pa, pb, C + j, ldc, load);
    }
  }
}

/* Small-m tiles: R rows of A in place × W_R columns of B at b (row stride bps: ldb in place, W_R packed). */
#define W1 32
#define W2 16
#define W3 16
#define W4 8
#define DEF_TS(R)                                                                                              \
  NOINLINE void tile_small##R(int kc, const float* a, int ars, int aps, const float* b, int bps, float* c, int ldc, \
                              int load) {                                                                      \
    tile(R, W##R / 4, kc, a, ars, aps, b, bps, c, ldc, load);                                                  \
  }
DEF_TS(1)
DEF_TS(2)
DEF_TS(3)
DEF_TS(4)

INLINE void tile_small(int R, int kc, const float* a, int ars, int aps, const float* b, int bps, float* c, int ldc,
                       int load) {
  switch (R) {
    case 1: tile_small1(kc, a, ars, aps, b, bps, c, ldc, load); break;
    case 2: tile_small2(kc, a, ars, aps, b, bps, c, ldc, load); break;
    case 3: tile_small3(kc, a, ars, aps, b, bps, c, ldc, load); break;
    default: tile_small4(kc, a, ars, aps, b, bps, c, ldc, load); break;
  }
}

/* m ≤ 4 rows. work: KC·WMAX floats for a packed B panel. */
static void gemm_small(int m, int n, int k, const float* A, int lda, int transA, const float* B, int ldb, int transB,
                       float* C, int ldc, int accumulate, float* work) {
  const int ars = transA ? 1 : lda, aps = transA ? lda : 1;
  const int W = m == 1 ? W1 : m == 2 ? W2 : m == 3 ? W3 : W4;
  float t[4 * WMAX] __attribute__((aligned(16)));
  for (int j = 0; j < n; j += W) {
    const int cols = MIN(W, n - j);
    float* dst = C + j;
    int ld = ldc;
    if (cols < W) {
      edge_in(t, W, C + j, ldc, m, cols, accumulate);
      dst = t;
      ld = W;
    }
    if (cols == W && !transB) {
      tile_small(m, k, A, ars, aps, B + j, ldb, dst, ld, accumulate);
    } else {
      for (int p0 = 0; p0 < k; p0 += KC) {
        const int kc = MIN(KC, k - p0);
        pack_b(W, cols, kc, transB ? B + j * ldb + p0 : B + p0 * ldb + j, ldb, transB, work);
        tile_small(m, kc, A + p0 * aps, ars, aps, work, W, dst, ld, accumulate || p0 > 0);
      }
    }
    if (cols < W) edge_out(t, W, C + j, ldc, m, cols);
  }
}

/* Products that take the whole-packed-operands path (more than one MC×NC block of C). */
INLINE int packs_whole(int m, int n) { return m > MC || n > NC; }

/* Floats of scratch `gemm` needs for this shape (pass a 16-byte aligned pointer to at least that many). */
EXPORT(gemm_work_floats) int gemm_work_floats(int m, int n, int k) {
  if (m <= 0 || n <= 0 || k <= 0) return 0;
  if (m <= SMALL_M) return MIN(k, KC) * WMAX;
  if (packs_whole(m, n)) return (round_up(MIN(m, MC), MR) + round_up(n, NR)) * k;
  return (MC + NR) * MIN(k, KC);
}

EXPORT(gemm)
void gemm(int m, int n, int k, const float* A, int lda, int transA, const float* B, int ldb, int transB, float* C,
          int ldc, int accumulate, float* work) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate)
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) C[i * ldc + j] = 0.0f;
    return;
  }
  if (m <= SMALL_M) {
    gemm_small(m, n, k, A, lda, transA, B, ldb, transB, C, ldc, accumulate, work);
  } else if (packs_whole(m, n)) {
    /* One thread: op(B) whole, op(A) one block of MC rows at a time (each is packed once either
       way, and the scratch holds MC rows of op(A), not all m). */
    float* pb = work;
    float* pa = work + round_up(n, NR) * k;
    pack_b_cols(0, n, n, k, B, ldb, transB, pb);
    for (int i0 = 0; i0 < m; i0 += MC) {
      const int mc = MIN(MC, m - i0);
      pack_a_rows(0, mc, mc, k, transA ? A + i0 : A + i0 * lda, lda, transA, pa);
      gemm_blocks(0, mc, 0, n, mc, n, k, pa, pb, C + i0 * ldc, ldc, accumulate);
    }
  } else {
    gemm_one_block(m, n, k, A, lda, transA, B, ldb, transB, C, ldc, accumulate, work);
  }
}

/*
 * The same product in two phases, for threads: gemm_pack packs part of one operand into whole
 * packed operands (above), then gemm_block computes one block of C from them. Each thread packs
 * and computes its own share, so no operand is packed more than once.
 *   gemm_pack(0, i0, rows, m, k, A, lda, transA, pa): rows i0..i0+rows−1 of op(A) (i0 a multiple of 4)
 *   gemm_pack(1, j0, cols, n, k, B, ldb, transB, pb): columns j0..j0+cols−1 of op(B) (j0 a multiple of 8)
 * pa needs gemm_packed_floats(0, m, k) floats and pb gemm_packed_floats(1, n, k), 16-byte aligned.
 */
EXPORT(gemm_packed_floats) int gemm_packed_floats(int operand, int extent, int k) {
  return round_up(extent, operand ? NR : MR) * k;
}
EXPORT(gemm_pack)
void gemm_pack(int operand, int start, int count, int extent, int k, const float* X, int ldx, int trans, float* packed) {
  if (operand) pack_b_cols(start, count, extent, k, X, ldx, trans, packed);
  else pack_a_rows(start, count, extent, k, X, ldx, trans, packed);
}
/* Rows i0..i0+rows−1 × columns j0..j0+cols−1 of C (i0 a multiple of 4, j0 of 8; C(i, j) at C[i·ldc + j]). */
EXPORT(gemm_block)
void gemm_block(int i0, int rows, int j0, int cols, int m, int n, int k, const float* pa, const float* pb, float* C,
                int ldc, int accumulate) {
  if (rows <= 0 || cols <= 0) return;
  gemm_blocks(i0, rows, j0, cols, m, n, k, pa, pb, C, ldc, accumulate);
}
