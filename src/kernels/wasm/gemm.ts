import { matmul as jsMatmul } from "../js/matmul.js";
import type { Avx2Gemm } from "../native/avx2.js";
import type { Kernels } from "../types.js";
import type { WasmRuntime } from "./runtime.js";
import { planGemmSplit, planPackSplit, SHARED_PACK_MIN_FLOPS, THREAD_MIN_FLOPS } from "./gemmSplit.js";
import { attachAvx2, poolFor, type ThreadedExport } from "./threads.js";

/**
 * Kernels.matmul on the C gemm (c/gemm.c), or on the native AVX2 gemm (../native/avx2.ts) where
 * one is given. Every float32 product goes to one of them, whatever its size (m = 1 included):
 * both sum each C(i, j) in the same order (p = 0 … k−1, one fused multiply-add per step in the
 * FMA build and in AVX2), so a row's result never depends on the shape it was computed in, and
 * which of the two computed a product does not change its bits. Float64 storage (gradient
 * checks) stays on the JS reference.
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
/**
 * The AVX2 gemm takes products of at least this many FLOP with more than SMALL_M rows; smaller
 * ones stay on the WebAssembly gemm (same bits), whose small-m path packs nothing and whose call
 * costs less than a Node-API call's argument conversion.
 */
const AVX2_MIN_FLOPS = 1 << 15;

/** One gemm implementation: its functions on this thread and their names for the thread pool. */
interface GemmBackend {
  /** Called after a product's last allocation, before its first call into this gemm. */
  ready: () => void;
  gemm: (...args: number[]) => unknown;
  workFloats: (m: number, n: number, k: number) => number;
  packedFloats: (operand: number, extent: number, k: number) => number;
  names: { gemm: ThreadedExport; pack: ThreadedExport; block: ThreadedExport };
}

export function bindGemm(rt: WasmRuntime, avx2: Avx2Gemm | null = null): Partial<Kernels> {
  const wasm: GemmBackend = {
    ready: () => {},
    gemm: rt.fn["gemm"]!,
    workFloats: rt.fn["gemm_work_floats"]!,
    packedFloats: rt.fn["gemm_packed_floats"]!,
    names: { gemm: "gemm", pack: "gemm_pack", block: "gemm_block" },
  };
  let native: GemmBackend | null = null;
  if (avx2) {
    attachAvx2(rt, avx2);
    let memorySeen: SharedArrayBuffer | null = null;
    native = {
      // A shared memory never moves; when it grows (operands or scratch placed above), the
      // native module needs the new length.
      ready: () => {
        if (rt.mem.buffer !== memorySeen) {
          memorySeen = rt.mem.buffer;
          avx2.setMemory(new Uint8Array(memorySeen));
        }
      },
      gemm: avx2.gemm,
      workFloats: avx2.gemm_work_floats,
      packedFloats: avx2.gemm_packed_floats,
      names: { gemm: "avx2_gemm", pack: "avx2_gemm_pack", block: "avx2_gemm_block" },
    };
  }
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
      const flops = 2 * m * n * k;
      const be = native && m > SMALL_M && flops >= AVX2_MIN_FLOPS ? native : wasm;
      const pool = poolFor(rt);
      // Checked here first so the one-thread path of small products allocates no plan.
      const blocks = pool && flops >= THREAD_MIN_FLOPS ? planGemmSplit(m, n, k, pool.size) : null;
      if (!pool || !blocks || blocks.length === 1) {
        const wf = be.workFloats(m, n, k);
        const pw = wf > 0 ? rt.work(wf * 4) : 0;
        be.ready();
        be.gemm(m, n, k, pa, lda, transA ? 1 : 0, pb, ldb, transB ? 1 : 0, pc, n, accumulate ? 1 : 0, pw);
      } else if (m > SMALL_M && flops >= SHARED_PACK_MIN_FLOPS) {
        const ta = transA ? 1 : 0;
        const tb = transB ? 1 : 0;
        const ppa = rt.work(be.packedFloats(0, m, k) * 4);
        const ppb = rt.work(be.packedFloats(1, n, k) * 4);
        const packs = planPackSplit(m, n, pool.size).map(({ operand, start, count }) =>
          operand === 0 ? [0, start, count, m, k, pa, lda, ta, ppa] : [1, start, count, n, k, pb, ldb, tb, ppb]);
        be.ready();
        pool.run(be.names.pack, packs);
        pool.run(be.names.block, blocks.map(({ i0, rows, j0, cols }) => [i0, rows, j0, cols, m, n, k, ppa, ppb, pc, n, accumulate ? 1 : 0]));
      } else {
        // One gemm call per block, each with its own packing scratch.
        const jobs = blocks.map(({ i0, rows, j0, cols }) => {
          const wf = be.workFloats(rows, cols, k);
          const a0 = pa + 4 * i0 * (transA ? 1 : lda);
          const b0 = pb + 4 * j0 * (transB ? ldb : 1);
          const c0 = pc + 4 * (i0 * n + j0);
          return [rows, cols, k, a0, lda, transA ? 1 : 0, b0, ldb, transB ? 1 : 0, c0, n, accumulate ? 1 : 0, wf > 0 ? rt.work(wf * 4) : 0];
        });
        be.ready();
        pool.run(be.names.gemm, jobs);
      }
    } finally {
      rt.release();
    }
  };
  return { matmul };
}
