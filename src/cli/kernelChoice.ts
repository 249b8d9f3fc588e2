import { UserError } from "../errors.js";
import { createKernels, fastestKernels, KERNEL_SET_NAMES, type KernelSetName, setKernels, setThreadCount } from "../kernels/index.js";

/**
 * ATTN_KERNELS selects the compute kernels for the whole process: unset or "auto" takes the
 * fastest this Node runs (wasm-fma, else wasm, else js); "js" (plain TypeScript, the readable
 * reference), "wasm" (WebAssembly SIMD) or "wasm-fma" (SIMD with fused multiply-add) force one.
 * Same seed + same kernel set ⇒ bitwise-identical run; docs/performance.md has the numbers.
 */
export function applyKernelChoice(env: NodeJS.ProcessEnv = process.env): string {
  const choice = env.ATTN_KERNELS ?? "auto";
  if (choice === "auto" || choice === "") {
    const k = fastestKernels();
    setKernels(k);
    return k.name;
  }
  if (!(KERNEL_SET_NAMES as readonly string[]).includes(choice)) {
    throw new UserError(`ATTN_KERNELS: expected one of auto | ${KERNEL_SET_NAMES.join(" | ")}; got "${choice}"`);
  }
  const k = createKernels(choice as KernelSetName);
  if (!k) throw new UserError(`ATTN_KERNELS=${choice}: this Node.js cannot run these kernels (WebAssembly SIMD${choice === "wasm-fma" ? " with relaxed SIMD" : ""} missing); unset ATTN_KERNELS to use the fastest available`);
  setKernels(k);
  return k.name;
}

/** `--threads N` (a whole number from 1 to 64); absent leaves the default (ATTN_THREADS, else the cores, at most 4). */
export function applyThreadChoice(value: string | undefined): void {
  if (value === undefined) return;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > 64) {
    throw new UserError(`--threads: expected a whole number from 1 to 64; got "${value}"`);
  }
  setThreadCount(n);
}
