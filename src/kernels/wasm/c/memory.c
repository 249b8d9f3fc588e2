#include "attn.h"

/* memset for the TypeScript side: TypedArray.fill on shared memory is an element-wise loop in
 * V8, this is one memory.fill instruction (bulk memory). */
EXPORT(fill_bytes) void fill_bytes(unsigned char* dst, int value, size_t n) {
  __builtin_memset(dst, value, n);
}
