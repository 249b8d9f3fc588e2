/**
 * The C gemm (src/kernels/wasm/c/gemm.c) called directly, as worker threads will call it: on
 * row and column blocks of C addressed by pointer offsets with the full matrices' strides. Each
 * block must give exactly the bits of the same entries of the whole product, and write nothing
 * outside its block. Also: scratch reuse across very different shapes through Kernels.matmul.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createKernels } from "../../src/kernels/index.js";
import { WasmRuntime, type WasmVariant } from "../../src/kernels/wasm/runtime.js";
import { Arena } from "../../src/tensor/storage.js";
import { seeded } from "./helpers.js";
import { check, layouts } from "./matmulCheck.js";

const arena = new Arena();
afterEach(() => arena.reset());

const variants: WasmVariant[] = ["simd", "fma"];

/** An uninitialised-looking (NaN-filled) array of n floats in kernel memory, and its byte address. */
function buffer(n: number, fill = NaN): { a: Float32Array; ptr: number } {
  const a = arena.floats(n).fill(fill);
  return { a, ptr: a.byteOffset };
}

describe.each(variants)("gemm (%s) on blocks addressed by offsets and strides", (variant) => {
  const rt = WasmRuntime.load(variant)!;
  const gemm = rt.fn["gemm"]!;
  const workFloats = (m: number, n: number, k: number) => rt.fn["gemm_work_floats"]!(m, n, k) as number;

  for (const [layout, tA, tB] of layouts) {
    it(`${layout}: row and column blocks of C give the bits of the whole product and touch nothing else`, () => {
      const rand = seeded(layout.charCodeAt(0) * 7 + layout.charCodeAt(1));
      for (const [m, k, n] of [[37, 300, 45], [9, 40, 70], [70, 513, 21], [140, 270, 20]] as const) {
        // Operands with padded strides (lda, ldb, ldc larger than the matrix), in kernel memory.
        const lda = (tA ? m : k) + 3, ldb = (tB ? k : n) + 5, ldc = n + 7;
        const A = buffer((tA ? k : m) * lda, 0), B = buffer((tB ? n : k) * ldb, 0);
        for (let i = 0; i < A.a.length; i++) A.a[i] = rand() * 2 - 1;
        for (let i = 0; i < B.a.length; i++) B.a[i] = rand() * 2 - 1;
        const c0 = Float32Array.from({ length: m * ldc }, () => rand() * 2 - 1);
        for (const accumulate of [0, 1]) {
          const full = buffer(m * ldc);
          full.a.set(c0);
          const w = buffer(workFloats(m, n, k) + 16);
          gemm(m, n, k, A.ptr, lda, tA ? 1 : 0, B.ptr, ldb, tB ? 1 : 0, full.ptr, ldc, accumulate, w.ptr);
          for (let i = 0; i < m; i++) {
            for (let j = n; j < ldc; j++) expect(full.a[i * ldc + j]).toBe(c0[i * ldc + j]);
          }
          // Row blocks [i0, i1): A at row i0 (or column i0 when transposed), C at row i0.
          for (const [i0, i1] of [[0, 1], [1, 5], [5, Math.min(17, m)], [Math.min(17, m), m]].filter(([x, y]) => y! > x!) as [number, number][]) {
            const c = buffer(m * ldc);
            c.a.set(c0);
            const mb = i1 - i0;
            const w2 = buffer(workFloats(mb, n, k) + 16);
            gemm(mb, n, k, A.ptr + 4 * (tA ? i0 : i0 * lda), lda, tA ? 1 : 0, B.ptr, ldb, tB ? 1 : 0, c.ptr + 4 * i0 * ldc, ldc, accumulate, w2.ptr);
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < ldc; j++) {
                const want = i >= i0 && i < i1 && j < n ? full.a[i * ldc + j] : c0[i * ldc + j];
                if (!Object.is(c.a[i * ldc + j], want)) throw new Error(`${m}×${k}×${n} rows ${i0}..${i1}: C[${i},${j}] = ${c.a[i * ldc + j]}, want ${want}`);
              }
            }
          }
          // Column blocks [j0, j1): B at column j0 (or row j0 when transposed), C at column j0.
          for (const [j0, j1] of [[0, 8], [8, 13], [13, 14], [14, n]] as const) {
            const c = buffer(m * ldc);
            c.a.set(c0);
            const nb = j1 - j0;
            const w2 = buffer(workFloats(m, nb, k) + 16);
            gemm(m, nb, k, A.ptr, lda, tA ? 1 : 0, B.ptr + 4 * (tB ? j0 * ldb : j0), ldb, tB ? 1 : 0, c.ptr + 4 * j0, ldc, accumulate, w2.ptr);
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < ldc; j++) {
                const want = j >= j0 && j < j1 ? full.a[i * ldc + j] : c0[i * ldc + j];
                if (!Object.is(c.a[i * ldc + j], want)) throw new Error(`${m}×${k}×${n} columns ${j0}..${j1}: C[${i},${j}] = ${c.a[i * ldc + j]}, want ${want}`);
              }
            }
          }
        }
      }
    });
  }

  it("k = 0: zeros the block (or leaves it) without touching the row padding; needs no scratch", () => {
    expect(workFloats(3, 4, 0)).toBe(0);
    expect(workFloats(0, 4, 5)).toBe(0);
    const c = buffer(3 * 6, 2);
    gemm(3, 4, 0, 0, 1, 0, 0, 4, 0, c.ptr, 6, 1, 0);
    expect(Array.from(c.a)).toEqual(new Array(18).fill(2));
    gemm(3, 4, 0, 0, 1, 0, 0, 4, 0, c.ptr, 6, 0, 0);
    expect(Array.from(c.a)).toEqual([0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 2, 2]);
  });
});

describe.each(["wasm", "wasm-fma"] as const)("Kernels.matmul of %s", (name) => {
  it("reuses its scratch across calls of very different shapes, operands on the JS heap", () => {
    const K = createKernels(name)!;
    let seed = 50;
    for (const [m, k, n] of [[5, 9, 6], [300, 200, 260], [1, 700, 90], [7, 3, 9], [300, 200, 260]] as const) {
      check(K.matmul, Float32Array, m, k, n, false, true, false, seed++, 2 ** -23 * (k + 2));
    }
  });
});
