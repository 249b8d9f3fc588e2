#include "attn.h"

/* 1 in the FMA build, 0 in the plain SIMD build: lets the loader check which module it has. */
EXPORT(kernels_fma) int kernels_fma(void) {
#ifdef ATTN_FMA
  return 1;
#else
  return 0;
#endif
}
