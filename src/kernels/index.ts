import type { Kernels } from "./types.js";
import { jsKernels } from "./js/index.js";
import { loadAvx2Gemm } from "./native/avx2.js";
import { createWasmKernels } from "./wasm/index.js";
import { threadCount } from "./wasm/threads.js";

export type { Kernels } from "./types.js";

/**
 * Kernel sets by name, fastest last: `js` (plain TypeScript, the reference), `wasm` (SIMD),
 * `wasm-fma` (relaxed-SIMD fused multiply-add), `avx2` (wasm-fma with the matrix multiply in
 * native AVX2 code: Linux x86-64 CPUs with AVX2 and FMA only; the same bits as wasm-fma).
 */
export const KERNEL_SET_NAMES = ["js", "wasm", "wasm-fma", "avx2"] as const;
export type KernelSetName = (typeof KERNEL_SET_NAMES)[number];

const DESCRIPTIONS: Record<string, string> = {
  js: "js (plain TypeScript reference kernels)",
  wasm: "wasm (WebAssembly SIMD)",
  "wasm-fma": "wasm-fma (WebAssembly SIMD with fused multiply-add)",
  avx2: "avx2 (WebAssembly SIMD with fused multiply-add; matrix multiply in native AVX2)",
};

/**
 * True if runs on kernel sets `a` and `b` give the same bits: the same set, or avx2 and
 * wasm-fma (the AVX2 gemm sums every element in the wasm-fma gemm's order, with the same fused
 * multiply-adds, and every other kernel is wasm-fma's).
 */
export function sameBitsKernels(a: string, b: string): boolean {
  const family = (name: string) => (name === "avx2" ? "wasm-fma" : name);
  return family(a) === family(b);
}

/** A kernel-set name with a few words on what it is, for the start of a run. */
export function describeKernels(name: string): string {
  return DESCRIPTIONS[name] ?? name;
}

const cache = new Map<KernelSetName, Kernels | null>();

/** The kernel set of that name, or null where this engine cannot run it. */
export function createKernels(name: KernelSetName): Kernels | null {
  if (!cache.has(name)) {
    const k =
      name === "js" ? jsKernels
      : name === "avx2" ? avx2Kernels()
      : createWasmKernels(name === "wasm" ? "simd" : "fma");
    cache.set(name, k);
  }
  return cache.get(name)!;
}

/** wasm-fma with the native AVX2 gemm, or null where that gemm cannot load. */
function avx2Kernels(): Kernels | null {
  const gemm = loadAvx2Gemm();
  return gemm ? createWasmKernels("fma", gemm) : null;
}

/** The fastest kernel set this engine runs: avx2, else wasm-fma, else wasm, else js. */
export function fastestKernels(): Kernels {
  for (const name of ["avx2", "wasm-fma", "wasm"] as const) {
    const k = createKernels(name);
    if (k) return k;
  }
  return jsKernels;
}

/**
 * The kernel set an ATTN_KERNELS value names — unset, "" or "auto" mean the fastest — or, as a
 * string, why that value cannot be used.
 */
export function kernelsForChoice(choice: string | undefined): Kernels | string {
  if (choice === undefined || choice === "" || choice === "auto") return fastestKernels();
  if (!(KERNEL_SET_NAMES as readonly string[]).includes(choice)) {
    return `ATTN_KERNELS: expected one of auto | ${KERNEL_SET_NAMES.join(" | ")}; got "${choice}"`;
  }
  return (
    createKernels(choice as KernelSetName) ??
    (choice === "avx2"
      ? `ATTN_KERNELS=avx2: the native AVX2 matrix multiply runs only on Linux x86-64 CPUs with AVX2 and FMA (this is ${process.platform}-${process.arch}); unset ATTN_KERNELS to use the fastest available`
      : `ATTN_KERNELS=${choice}: this Node.js cannot run these kernels (WebAssembly SIMD${choice === "wasm-fma" ? " with relaxed SIMD" : ""} missing); unset ATTN_KERNELS to use the fastest available`)
  );
}

/** ATTN_KERNELS's set, or the fastest when it is unusable (the CLI reports that as an error before anything runs). */
function initialKernels(): Kernels {
  const k = kernelsForChoice(typeof process !== "undefined" ? process.env?.ATTN_KERNELS : undefined);
  return typeof k === "string" ? fastestKernels() : k;
}

/**
 * The active kernels. Ops call `kernels().matmul(...)` etc.; `setKernels` swaps in another
 * implementation without touching autograd or models. The default is the fastest set.
 */
let active: Kernels = initialKernels();

export function kernels(): Kernels {
  return active;
}

export function setKernels(k: Kernels): void {
  active = k;
}

/** Run `fn` with kernel set `k` active (tests and benchmarks comparing sets). */
export function withKernels<T>(k: Kernels, fn: () => T): T {
  const prev = active;
  active = k;
  try {
    return fn();
  } finally {
    active = prev;
  }
}

export { jsKernels, createWasmKernels };
export { defaultThreadCount, parseThreadCount, setThreadCount, threadCount } from "./wasm/threads.js";

/** Threads the active kernels actually use (the js kernels are single-threaded). */
export function activeThreads(): number {
  return active.name === "js" ? 1 : threadCount();
}
