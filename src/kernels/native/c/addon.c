/*
 * The Node-API face of the native kernels: functions that take the same arguments as the
 * WebAssembly gemm's exports (sizes and strides in floats, pointers as byte addresses into the
 * kernel memory) and run gemm_avx2.c on that memory.
 *
 * The kernel memory is one shared WebAssembly memory; `setMemory(view)` gives this module its
 * base and length (a shared memory never moves when it grows, only gets longer, so the view is
 * given again after growth). Every pointer is checked against the length before a kernel runs:
 * a wrong address is a RangeError, never a write outside the memory.
 *
 * This file is compiled without AVX2 so that `supported()` runs on any x86-64 CPU; only
 * gemm_avx2.c is compiled with -mavx2 -mfma, and it is called only after `supported()`.
 */
#include <node_api.h>
#include <stdint.h>
#include "gemm_avx2.h"

/* Set by the main thread; workers read them only after the pool's atomic hand-off. */
static char* base = 0;
static uint64_t length = 0;

#define MAX_ARGS 16

/* The call's arguments as uint32 (sizes, flags and byte addresses are all non-negative). */
static int read_args(napi_env env, napi_callback_info info, size_t want, uint32_t* out) {
  napi_value argv[MAX_ARGS];
  size_t argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &argc, argv, 0, 0) != napi_ok || argc < want) {
    napi_throw_type_error(env, 0, "attn native kernels: too few arguments");
    return 0;
  }
  for (size_t i = 0; i < want; i++) {
    if (napi_get_value_uint32(env, argv[i], &out[i]) != napi_ok) {
      napi_throw_type_error(env, 0, "attn native kernels: expected numbers");
      return 0;
    }
  }
  return 1;
}

/* The address of `floats` floats at byte address `ptr`, or 0 (and a RangeError) if they leave the memory. */
static float* at(napi_env env, uint32_t ptr, uint64_t floats) {
  if (!base || (ptr & 3) || (uint64_t)ptr + 4 * floats > length) {
    napi_throw_range_error(env, 0, "attn native kernels: address outside the kernel memory");
    return 0;
  }
  return (float*)(base + ptr);
}

/* Floats an r×c operand with leading dimension ld spans (row-major), 0 when empty. */
static uint64_t span(uint32_t r, uint32_t c, uint32_t ld) { return r == 0 || c == 0 ? 0 : (uint64_t)(r - 1) * ld + c; }

static napi_value int_value(napi_env env, int v) {
  napi_value out;
  napi_create_int32(env, v, &out);
  return out;
}

static napi_value set_memory(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  napi_typedarray_type type;
  size_t n;
  void* data;
  napi_value buffer;
  size_t offset;
  if (napi_get_cb_info(env, info, &argc, argv, 0, 0) != napi_ok || argc < 1 ||
      napi_get_typedarray_info(env, argv[0], &type, &n, &data, &buffer, &offset) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, 0, "attn native kernels: setMemory expects a Uint8Array over the kernel memory");
    return 0;
  }
  base = (char*)data;
  length = n;
  return 0;
}

static napi_value supported(napi_env env, napi_callback_info info) {
  (void)info;
  __builtin_cpu_init();
  napi_value out;
  napi_get_boolean(env, __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"), &out);
  return out;
}

/* gemm(m, n, k, A, lda, transA, B, ldb, transB, C, ldc, accumulate, work) */
static napi_value gemm(napi_env env, napi_callback_info info) {
  uint32_t a[13];
  if (!read_args(env, info, 13, a)) return 0;
  const uint32_t m = a[0], n = a[1], k = a[2];
  if (m == 0 || n == 0) return 0;
  const float* A = at(env, a[3], a[5] ? span(k, m, a[4]) : span(m, k, a[4]));
  const float* B = A ? at(env, a[6], a[8] ? span(n, k, a[7]) : span(k, n, a[7])) : 0;
  float* C = B ? at(env, a[9], span(m, n, a[10])) : 0;
  float* W = C ? at(env, a[12], (uint64_t)avx2_gemm_work_floats(m, n, k)) : 0;
  if (!W) return 0;
  avx2_gemm(m, n, k, A, a[4], a[5], B, a[7], a[8], C, a[10], a[11], W);
  return 0;
}

static napi_value gemm_work_floats(napi_env env, napi_callback_info info) {
  uint32_t a[3];
  if (!read_args(env, info, 3, a)) return 0;
  return int_value(env, avx2_gemm_work_floats(a[0], a[1], a[2]));
}

static napi_value gemm_packed_floats(napi_env env, napi_callback_info info) {
  uint32_t a[3];
  if (!read_args(env, info, 3, a)) return 0;
  return int_value(env, avx2_gemm_packed_floats(a[0], a[1], a[2]));
}

/* gemm_pack(operand, start, count, extent, k, X, ldx, trans, packed) */
static napi_value gemm_pack(napi_env env, napi_callback_info info) {
  uint32_t a[9];
  if (!read_args(env, info, 9, a)) return 0;
  if (a[2] == 0 || a[4] == 0) return 0;
  if ((uint64_t)a[1] + a[2] > a[3] || a[1] % (a[0] ? AVX2_NR : AVX2_MR)) {
    napi_throw_range_error(env, 0, "attn native kernels: gemm_pack piece outside the operand or not on a panel");
    return 0;
  }
  /* op(A) is m×k, stored k×m when transposed; op(B) is k×n, stored n×k when transposed. */
  const int depth_rows = a[0] ? !a[7] : a[7];
  const float* X = at(env, a[5], depth_rows ? span(a[4], a[3], a[6]) : span(a[3], a[4], a[6]));
  float* P = X ? at(env, a[8], (uint64_t)avx2_gemm_packed_floats(a[0], a[3], a[4])) : 0;
  if (!P) return 0;
  avx2_gemm_pack(a[0], a[1], a[2], a[3], a[4], X, a[6], a[7], P);
  return 0;
}

/* gemm_block(i0, rows, j0, cols, m, n, k, pa, pb, C, ldc, accumulate) */
static napi_value gemm_block(napi_env env, napi_callback_info info) {
  uint32_t a[12];
  if (!read_args(env, info, 12, a)) return 0;
  const uint32_t m = a[4], n = a[5], k = a[6];
  if (a[1] == 0 || a[3] == 0) return 0;
  if ((uint64_t)a[0] + a[1] > m || (uint64_t)a[2] + a[3] > n || a[0] % AVX2_MR || a[2] % AVX2_NR) {
    napi_throw_range_error(env, 0, "attn native kernels: gemm_block outside C or not on a panel");
    return 0;
  }
  const float* PA = at(env, a[7], (uint64_t)avx2_gemm_packed_floats(0, m, k));
  const float* PB = PA ? at(env, a[8], (uint64_t)avx2_gemm_packed_floats(1, n, k)) : 0;
  float* C = PB ? at(env, a[9], span(m, n, a[10])) : 0;
  if (!C) return 0;
  avx2_gemm_block(a[0], a[1], a[2], a[3], m, n, k, PA, PB, C, a[10], a[11]);
  return 0;
}

NAPI_MODULE_INIT() {
  const struct { const char* name; napi_callback fn; } fns[] = {
      {"setMemory", set_memory}, {"supported", supported}, {"gemm", gemm}, {"gemm_work_floats", gemm_work_floats},
      {"gemm_packed_floats", gemm_packed_floats}, {"gemm_pack", gemm_pack}, {"gemm_block", gemm_block},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, 0, &f) != napi_ok ||
        napi_set_named_property(env, exports, fns[i].name, f) != napi_ok)
      return 0;
  }
  return exports;
}
