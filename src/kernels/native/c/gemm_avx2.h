/* The AVX2 + FMA matrix multiply (gemm_avx2.c); the same arguments as the WebAssembly gemm's exports. */
#ifndef ATTN_GEMM_AVX2_H
#define ATTN_GEMM_AVX2_H

/* Register tile: packed panels are AVX2_MR rows of op(A) and AVX2_NR columns of op(B); blocks and packing pieces start on them. */
#define AVX2_MR 6
#define AVX2_NR 16

int avx2_gemm_work_floats(int m, int n, int k);
void avx2_gemm(int m, int n, int k, const float* A, int lda, int transA, const float* B, int ldb, int transB, float* C,
               int ldc, int accumulate, float* work);
int avx2_gemm_packed_floats(int operand, int extent, int k);
void avx2_gemm_pack(int operand, int start, int count, int extent, int k, const float* X, int ldx, int trans,
                    float* packed);
void avx2_gemm_block(int i0, int rows, int j0, int cols, int m, int n, int k, const float* pa, const float* pb,
                     float* C, int ldc, int accumulate);

#endif
