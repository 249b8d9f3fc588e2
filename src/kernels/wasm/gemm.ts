import { matmul as jsMatmul } from "../js/matmul.js";
import type { Kernels } from "../types.js";
import type { WasmRuntime } from "./runtime.js";
import { planGemmSplit, planPackSplit, SHARED_PACK_MIN_FLOPS, THREAD_MIN_FLOPS } from "./gemmSplit.js";
import { poolFor } from "./threads.js";

/**
 * Kernels.matmul on the C gemm (c/gemm.c). Every float32 product goes to the one WebAssembly
 * kernel, whatever its size (m = 1 included): the kernel sums each C(i, j) in the same order
 * (p = 0 … k−1) on every path, so a row's result never depends on the shape it was computed in.
 * Float64 storage (gradient checks) stays on the JS reference.
 *
 * Operands in kernel memory are passed by address; others are copied through scratch by the
 * runtime. The kernel's packing scratch comes from `rt.work`.
 *
 * On threads, a product is cut into blocks of C (gemmSplit.ts). Large ones run in two phases:
 * the threads first pack both operands whole, each a share (gemm_pack), then compute the blocks
 * from the packed operands (gemm_block), so no operand is packed once per block. Smaller ones
 * give each block its own gemm call, which packs what it needs.
 */
/** Products with at most this many rows take the gemm's small-m path (c/gemm.c SMALL_M), which packs no A. */
const SMALL_M = 4;

export function bindGemm(rt: WasmRuntime): Partial<Kernels> {
  const gemm = rt.fn["gemm"]!;
  const workFloats = rt.fn["gemm_work_floats"]!;
  const packedFloats = rt.fn["gemm_packed_floats"]!;
  const matmul: Kernels["matmul"] = (a, aOff, b, bOff, c, cOff, m, n, k, transA, transB, accumulate) => {
    if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
      jsMatmul(a, aOff, b, bOff, c, cOff, m, n, k, transA, transB, accumulate);
      return;
    }
    if (m <= 0 || n <= 0) return;
    try {
      const pa = k > 0 ? rt.in(a, aOff, m * k) : 0;
      const pb = k > 0 ? rt.in(b, bOff, k * n) : 0;
      const pc = rt.out(c, cOff, m * n, accumulate);
      const lda = transA ? m : k;
      const ldb = transB ? k : n;
      const pool = poolFor(rt);
      // Checked here first so the one-thread path of small products allocates no plan.
      const blocks = pool && 2 * m * n * k >= THREAD_MIN_FLOPS ? planGemmSplit(m, n, k, pool.size) : null;
      if (!pool || !blocks || blocks.length === 1) {
        const wf = workFloats(m, n, k) as number;
        const pw = wf > 0 ? rt.work(wf * 4) : 0;
        gemm(m, n, k, pa, lda, transA ? 1 : 0, pb, ldb, transB ? 1 : 0, pc, n, accumulate ? 1 : 0, pw);
      } else if (m > SMALL_M && 2 * m * n * k >= SHARED_PACK_MIN_FLOPS) {
        const ta = transA ? 1 : 0;
        const tb = transB ? 1 : 0;
        const ppa = rt.work((packedFloats(0, m, k) as number) * 4);
        const ppb = rt.work((packedFloats(1, n, k) as number) * 4);
        const packs = planPackSplit(m, n, pool.size).map(({ operand, start, count }) =>
          operand === 0 ? [0, start, count, m, k, pa, lda, ta, ppa] : [1, start, count, n, k, pb, ldb, tb, ppb]);
        pool.run("gemm_pack", packs);
        pool.run("gemm_block", blocks.map(({ i0, rows, j0, cols }) => [i0, rows, j0, cols, m, n, k, ppa, ppb, pc, n, accumulate ? 1 : 0]));
      } else {
        // One gemm call per block, each with its own packing scratch.
        const jobs = blocks.map(({ i0, rows, j0, cols }) => {
          const wf = workFloats(rows, cols, k) as number;
          const a0 = pa + 4 * i0 * (transA ? 1 : lda);
          const b0 = pb + 4 * j0 * (transB ? ldb : 1);
          const c0 = pc + 4 * (i0 * n + j0);
          return [rows, cols, k, a0, lda, transA ? 1 : 0, b0, ldb, transB ? 1 : 0, c0, n, accumulate ? 1 : 0, wf > 0 ? rt.work(wf * 4) : 0];
        });
        pool.run("gemm", jobs);
      }
    } finally {
      rt.release();
    }
  };
  return { matmul };
}
