import { UserError } from "../errors.js";
import { kernelsForChoice, parseThreadCount, setKernels, setThreadCount } from "../kernels/index.js";

/**
 * ATTN_KERNELS selects the compute kernels for the whole process: unset or "auto" takes the
 * fastest this Node runs (avx2, else wasm-fma, else wasm, else js); "js" (plain TypeScript, the
 * readable reference), "wasm" (WebAssembly SIMD), "wasm-fma" (SIMD with fused multiply-add) or
 * "avx2" (wasm-fma with a native AVX2 matrix multiply, same bits) force one.
 * Same seed + same kernel set ⇒ bitwise-identical run; docs/performance.md has the numbers.
 */
export function applyKernelChoice(env: NodeJS.ProcessEnv = process.env): string {
  const k = kernelsForChoice(env.ATTN_KERNELS);
  if (typeof k === "string") throw new UserError(k);
  setKernels(k);
  return k.name;
}

/** `--threads N` (a whole number from 1 to 64); absent leaves the default (ATTN_THREADS, else the cores, at most 4). */
export function applyThreadChoice(value: string | undefined): void {
  if (value === undefined) return;
  const n = parseThreadCount(value);
  if (n === null) throw new UserError(`--threads: expected a whole number from 1 to 64; got "${value}"`);
  setThreadCount(n);
}
