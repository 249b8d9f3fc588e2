import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { packageFile } from "../../packageFiles.js";

/**
 * The native AVX2 matrix multiply (c/gemm_avx2.c, built by `npm run build:native` and committed as
 * build/attn-avx2-linux-x64.node). It takes the same arguments as the WebAssembly gemm's exports
 * and works on the same kernel memory, and it gives the same bits as the wasm-fma gemm: each
 * C(i, j) is one fused multiply-add chain over p = 0 … k−1, as in c/gemm.c. It only exists on
 * Linux x86-64 CPUs with AVX2 and FMA; everywhere else `loadAvx2Gemm` returns null and attn runs
 * the WebAssembly kernels.
 */
export interface Avx2Gemm {
  /** Where the module lives (worker threads load the same file). */
  readonly path: string;
  /** Give the module the kernel memory (again after it grows). */
  setMemory(view: Uint8Array): void;
  gemm(m: number, n: number, k: number, a: number, lda: number, transA: number, b: number, ldb: number, transB: number, c: number, ldc: number, accumulate: number, work: number): void;
  gemm_work_floats(m: number, n: number, k: number): number;
  gemm_packed_floats(operand: number, extent: number, k: number): number;
  gemm_pack(operand: number, start: number, count: number, extent: number, k: number, x: number, ldx: number, trans: number, packed: number): void;
  gemm_block(i0: number, rows: number, j0: number, cols: number, m: number, n: number, k: number, pa: number, pb: number, c: number, ldc: number, accumulate: number): void;
}

const AVX2_MODULE = "src/kernels/native/build/attn-avx2-linux-x64.node";

let loaded: Avx2Gemm | null | undefined;

/** The module, or null where it cannot run (another OS or architecture, a CPU without AVX2 and FMA). */
export function loadAvx2Gemm(): Avx2Gemm | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.platform !== "linux" || process.arch !== "x64") return loaded;
  const path = packageFile(AVX2_MODULE);
  if (!existsSync(path)) return loaded;
  try {
    const mod = createRequire(import.meta.url)(path) as Omit<Avx2Gemm, "path"> & { supported(): boolean };
    if (mod.supported()) loaded = Object.assign(mod, { path });
  } catch {
    // A C library the module cannot load against (e.g. musl): the WebAssembly kernels serve.
  }
  return loaded;
}
