/*
 * Matrix multiply with 256-bit AVX2 vectors and FMA, for x86-64 CPUs that have them: the same
 * product as the WebAssembly gemm (../../wasm/c/gemm.c), with twice its vector width.
 *
 *   C[m×n] = op(A)·op(B), or C += op(A)·op(B) with `accumulate`
 *   op(A)(i, p) = A[i·lda + p]   (A[p·lda + i] when transA)
 *   op(B)(p, j) = B[p·ldb + j]   (B[j·ldb + p] when transB)
 *
 * Determinism, and the same bits as the wasm-fma gemm: every C(i, j) is computed as
 *
 *   acc = accumulate ? C(i, j) : 0
 *   for p = 0, 1, …, k−1:  acc = fma(op(A)(i, p), op(B)(p, j), acc)
 *   C(i, j) = acc
 *
 * exactly as gemm.c does with f32x4.relaxed_madd (a fused multiply-add on every CPU that has
 * AVX2). Vectors run along j, eight columns per __m256, each lane its own sum; between depth
 * blocks the running sum is stored in C as the float32 it is and loaded back, which is exact;
 * tiles that stick out of C are computed on zero-padded operands into a scratch tile, whose
 * padding lanes are separate sums that are dropped. So the tile shape, the blocking and the
 * way threads split C change nothing in the result.
 *
 * The scheme is gemm.c's whole-packed-operands path (GotoBLAS): op(A) is copied into panels of
 * MR rows and op(B) into panels of NR columns, depth block by depth block (KC); C is done in
 * blocks of MC rows × NC columns, each through the whole depth before the next; an MR×NR
 * register tile runs down the rows of a block. The register tile is 6×16: 12 accumulators, 2
 * vectors of B and a broadcast of A fill 15 of the 16 ymm registers, and 12 independent FMA
 * chains cover the FMA latency (4 cycles) on both FMA pipes.
 */
#include <immintrin.h>
#include "gemm_avx2.h"

#define MR AVX2_MR
#define NR AVX2_NR
/* Depth block: a B panel (KC·NR floats, 16 KiB) stays in L1 while the tiles of a block use it. */
#define KC 256
/* Rows of C per block (MC·KC floats of packed A, 120 KiB, stay in L2). A multiple of MR. */
#define MC 120
/* Columns of C per block (an MC×NC block of C, 120 KiB, stays in L2 between depth blocks). A multiple of NR. */
#define NC 256

#define INLINE static inline __attribute__((always_inline))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

INLINE int round_up(int x, int r) { return (x + r - 1) / r * r; }

/*
 * The inner loop: a full 6×16 tile of C (row stride ldc) from a packed A panel (pa[p·MR + r])
 * and a packed B panel (pb[p·NR + l]), depth kc, starting from C when `load`, else from 0.
 */
static void tile_6x16(int kc, const float* pa, const float* pb, float* c, long ldc, int load) {
  __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
  if (load) {
    c00 = _mm256_loadu_ps(c + 0 * ldc), c01 = _mm256_loadu_ps(c + 0 * ldc + 8);
    c10 = _mm256_loadu_ps(c + 1 * ldc), c11 = _mm256_loadu_ps(c + 1 * ldc + 8);
    c20 = _mm256_loadu_ps(c + 2 * ldc), c21 = _mm256_loadu_ps(c + 2 * ldc + 8);
    c30 = _mm256_loadu_ps(c + 3 * ldc), c31 = _mm256_loadu_ps(c + 3 * ldc + 8);
    c40 = _mm256_loadu_ps(c + 4 * ldc), c41 = _mm256_loadu_ps(c + 4 * ldc + 8);
    c50 = _mm256_loadu_ps(c + 5 * ldc), c51 = _mm256_loadu_ps(c + 5 * ldc + 8);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = _mm256_setzero_ps();
  }
  for (int p = 0; p < kc; p++) {
    const __m256 b0 = _mm256_loadu_ps(pb), b1 = _mm256_loadu_ps(pb + 8);
    __m256 a;
    a = _mm256_broadcast_ss(pa + 0), c00 = _mm256_fmadd_ps(a, b0, c00), c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(pa + 1), c10 = _mm256_fmadd_ps(a, b0, c10), c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(pa + 2), c20 = _mm256_fmadd_ps(a, b0, c20), c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(pa + 3), c30 = _mm256_fmadd_ps(a, b0, c30), c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(pa + 4), c40 = _mm256_fmadd_ps(a, b0, c40), c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(pa + 5), c50 = _mm256_fmadd_ps(a, b0, c50), c51 = _mm256_fmadd_ps(a, b1, c51);
    pa += MR;
    pb += NR;
  }
  _mm256_storeu_ps(c + 0 * ldc, c00), _mm256_storeu_ps(c + 0 * ldc + 8, c01);
  _mm256_storeu_ps(c + 1 * ldc, c10), _mm256_storeu_ps(c + 1 * ldc + 8, c11);
  _mm256_storeu_ps(c + 2 * ldc, c20), _mm256_storeu_ps(c + 2 * ldc + 8, c21);
  _mm256_storeu_ps(c + 3 * ldc, c30), _mm256_storeu_ps(c + 3 * ldc + 8, c31);
  _mm256_storeu_ps(c + 4 * ldc, c40), _mm256_storeu_ps(c + 4 * ldc + 8, c41);
  _mm256_storeu_ps(c + 5 * ldc, c50), _mm256_storeu_ps(c + 5 * ldc + 8, c51);
}

/* A tile that sticks out of C (rows < MR or cols < NR): computed whole into a scratch tile, inside entries copied back. */
static void tile_edge(int rows, int cols, int kc, const float* pa, const float* pb, float* c, long ldc, int load) {
  float t[MR * NR] __attribute__((aligned(32)));
  for (int r = 0; r < MR; r++)
    for (int j = 0; j < NR; j++) t[r * NR + j] = (load && r < rows && j < cols) ? c[r * ldc + j] : 0.0f;
  tile_6x16(kc, pa, pb, t, NR, load);
  for (int r = 0; r < rows; r++)
    for (int j = 0; j < cols; j++) c[r * ldc + j] = t[r * NR + j];
}

/* Rows 0..rows−1 (≤ MR) of op(A), depth kc, into one panel: pa[p·MR + r], zero for r ≥ rows. */
static void pack_a(int rows, int kc, const float* A, long lda, int transA, float* pa) {
  if (transA) {
    for (int p = 0; p < kc; p++) {
      const float* s = A + p * lda;
      for (int r = 0; r < MR; r++) pa[p * MR + r] = r < rows ? s[r] : 0.0f;
    }
  } else {
    for (int r = 0; r < MR; r++) {
      if (r < rows) {
        const float* s = A + r * lda;
        for (int p = 0; p < kc; p++) pa[p * MR + r] = s[p];
      } else {
        for (int p = 0; p < kc; p++) pa[p * MR + r] = 0.0f;
      }
    }
  }
}

/* out[q] lane l = in[l] lane q: an 8×8 transpose in registers. */
INLINE void transpose8(__m256 r[8]) {
  __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r[0] = _mm256_permute2f128_ps(u0, u4, 0x20), r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
  r[1] = _mm256_permute2f128_ps(u1, u5, 0x20), r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
  r[2] = _mm256_permute2f128_ps(u2, u6, 0x20), r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
  r[3] = _mm256_permute2f128_ps(u3, u7, 0x20), r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

/* Columns 0..cols−1 (≤ NR) of op(B), depth kc, into one panel: pb[p·NR + l], zero for l ≥ cols. */
static void pack_b(int cols, int kc, const float* B, long ldb, int transB, float* pb) {
  if (cols == NR && !transB) {
    for (int p = 0; p < kc; p++) {
      _mm256_storeu_ps(pb + p * NR, _mm256_loadu_ps(B + p * ldb));
      _mm256_storeu_ps(pb + p * NR + 8, _mm256_loadu_ps(B + p * ldb + 8));
    }
  } else if (cols == NR) {
    int p = 0;
    for (; p + 8 <= kc; p += 8)
      for (int h = 0; h < NR; h += 8) {
        __m256 r[8];
        for (int l = 0; l < 8; l++) r[l] = _mm256_loadu_ps(B + (h + l) * ldb + p);
        transpose8(r);
        for (int q = 0; q < 8; q++) _mm256_storeu_ps(pb + (p + q) * NR + h, r[q]);
      }
    for (; p < kc; p++)
      for (int l = 0; l < NR; l++) pb[p * NR + l] = B[l * ldb + p];
  } else {
    for (int p = 0; p < kc; p++)
      for (int l = 0; l < NR; l++) pb[p * NR + l] = l < cols ? (transB ? B[l * ldb + p] : B[p * ldb + l]) : 0.0f;
  }
}

/*
 * Whole packed operands. Depth block p0 (a multiple of KC, kc = min(KC, k − p0) deep) holds the
 * MR-row panels of op(A) at pa + p0·m' + i·kc (i a multiple of MR, m' = m rounded up to MR) and
 * the NR-column panels of op(B) at pb + p0·n' + j·kc (n' = n rounded up to NR).
 */
static void pack_a_rows(int i0, int rows, int m, int k, const float* A, long lda, int transA, float* pa) {
  const long mp = round_up(m, MR);
  for (int p0 = 0; p0 < k; p0 += KC) {
    const int kc = MIN(KC, k - p0);
    for (int i = i0; i < i0 + rows; i += MR)
      pack_a(MIN(MR, m - i), kc, transA ? A + p0 * lda + i : A + i * lda + p0, lda, transA, pa + p0 * mp + (long)i * kc);
  }
}
static void pack_b_cols(int j0, int cols, int n, int k, const float* B, long ldb, int transB, float* pb) {
  const long np = round_up(n, NR);
  for (int p0 = 0; p0 < k; p0 += KC) {
    const int kc = MIN(KC, k - p0);
    for (int j = j0; j < j0 + cols; j += NR)
      pack_b(MIN(NR, n - j), kc, transB ? B + j * ldb + p0 : B + p0 * ldb + j, ldb, transB, pb + p0 * np + (long)j * kc);
  }
}

/* Rows i0..i0+rows−1 × columns j0..j0+cols−1 of C (i0 a multiple of MR, j0 of NR) from whole packed operands. */
static void gemm_blocks(int i0, int rows, int j0, int cols, int m, int n, int k, const float* pa, const float* pb,
                        float* C, long ldc, int accumulate) {
  const long mp = round_up(m, MR), np = round_up(n, NR);
  for (int ib = i0; ib < i0 + rows; ib += MC) {
    const int ie = MIN(ib + MC, i0 + rows);
    for (int jb = j0; jb < j0 + cols; jb += NC) {
      const int je = MIN(jb + NC, j0 + cols);
      for (int p0 = 0; p0 < k; p0 += KC) {
        const int kc = MIN(KC, k - p0);
        const int load = accumulate || p0 > 0;
        const float* ap = pa + p0 * mp;
        const float* bp = pb + p0 * np;
        for (int j = jb; j < je; j += NR) {
          const int nc = MIN(NR, je - j);
          const float* panel = bp + (long)j * kc;
          for (int i = ib; i < ie; i += MR) {
            const int mr = MIN(MR, ie - i);
            float* c = C + i * ldc + j;
            if (mr == MR && nc == NR) tile_6x16(kc, ap + (long)i * kc, panel, c, ldc, load);
            else tile_edge(mr, nc, kc, ap + (long)i * kc, panel, c, ldc, load);
          }
        }
      }
    }
  }
}

int avx2_gemm_work_floats(int m, int n, int k) {
  if (m <= 0 || n <= 0 || k <= 0) return 0;
  return (round_up(MIN(m, MC), MR) + round_up(n, NR)) * k;
}

void avx2_gemm(int m, int n, int k, const float* A, int lda, int transA, const float* B, int ldb, int transB, float* C,
               int ldc, int accumulate, float* work) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate)
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) C[(long)i * ldc + j] = 0.0f;
    return;
  }
  /* op(B) packed whole, op(A) one block of MC rows at a time: each is packed once. */
  float* pb = work;
  float* pa = work + (long)round_up(n, NR) * k;
  pack_b_cols(0, n, n, k, B, ldb, transB, pb);
  for (int i0 = 0; i0 < m; i0 += MC) {
    const int mc = MIN(MC, m - i0);
    pack_a_rows(0, mc, mc, k, transA ? A + i0 : A + (long)i0 * lda, lda, transA, pa);
    gemm_blocks(0, mc, 0, n, mc, n, k, pa, pb, C + (long)i0 * ldc, ldc, accumulate);
  }
}

int avx2_gemm_packed_floats(int operand, int extent, int k) { return round_up(extent, operand ? NR : MR) * k; }

void avx2_gemm_pack(int operand, int start, int count, int extent, int k, const float* X, int ldx, int trans,
                    float* packed) {
  if (operand) pack_b_cols(start, count, extent, k, X, ldx, trans, packed);
  else pack_a_rows(start, count, extent, k, X, ldx, trans, packed);
}

void avx2_gemm_block(int i0, int rows, int j0, int cols, int m, int n, int k, const float* pa, const float* pb,
                     float* C, int ldc, int accumulate) {
  if (rows <= 0 || cols <= 0) return;
  gemm_blocks(i0, rows, j0, cols, m, n, k, pa, pb, C, ldc, accumulate);
}
