/*
 * Shared definitions of attn's WebAssembly kernels (see ../../../../docs/performance.md).
 *
 * Rules every kernel follows, because the TypeScript side relies on them:
 *  - All pointers are byte addresses into the one shared memory that holds tensor storage;
 *    sizes and strides count floats.
 *  - No global or static mutable state: several instances of this module (one per worker
 *    thread) run on the same memory, each with its own stack. Scratch space is passed in.
 *  - Deterministic: a result never depends on where a row sits in a batch or on how a
 *    caller splits the output between threads. Each output element is reduced in one fixed
 *    order that depends only on the sizes of its own reduction.
 *  - MADD(a, b, c) = a·b + c is the only place the two builds differ: two roundings in the
 *    plain SIMD build, f32x4.relaxed_madd (fused where the CPU has FMA) in the FMA build.
 */
#ifndef ATTN_H
#define ATTN_H

#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

#ifdef ATTN_FMA
#define MADD(a, b, c) wasm_f32x4_relaxed_madd((a), (b), (c))
#else
#define MADD(a, b, c) wasm_f32x4_add(wasm_f32x4_mul((a), (b)), (c))
#endif

typedef __SIZE_TYPE__ size_t;

#endif
