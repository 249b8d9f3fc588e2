#include "attn.h"

/* Copies for the shape ops. Memory-bound: plain loops in tiles, no arithmetic but one add. */

EXPORT(copy_floats) void copy_floats(const float* src, float* dst, size_t n) {
  __builtin_memmove(dst, src, n * sizeof(float));
}

/* Tile edge of the transpose: a 32×32 tile of x and of out (4 KiB each) stays in L1. */
#define TB 32

/* out[b, j, i] = x[b, i, j] (or +=), b < batch, i < rows, j < cols. */
EXPORT(transpose_batched) void transpose_batched(const float* x, float* out, int batch, int rows, int cols, int accumulate) {
  for (int b = 0; b < batch; b++) {
    const float* xb = x + (size_t)b * rows * cols;
    float* ob = out + (size_t)b * rows * cols;
    for (int i0 = 0; i0 < rows; i0 += TB) {
      int i1 = i0 + TB < rows ? i0 + TB : rows;
      for (int j0 = 0; j0 < cols; j0 += TB) {
        int j1 = j0 + TB < cols ? j0 + TB : cols;
        if (accumulate) {
          for (int j = j0; j < j1; j++)
            for (int i = i0; i < i1; i++) ob[(size_t)j * rows + i] += xb[(size_t)i * cols + j];
        } else {
          for (int j = j0; j < j1; j++)
            for (int i = i0; i < i1; i++) ob[(size_t)j * rows + i] = xb[(size_t)i * cols + j];
        }
      }
    }
  }
}
